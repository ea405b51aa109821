import { describe, expect, it, vi } from 'vitest';
import { createActivationPageHandler, type ActivationPageDependencies, type ActivationLinkReason } from '#shared/activation-page/handler';
import type { ActivationPreview } from '#shared/activation-page/pages';
import { apiEvent } from '../../support/api-events.ts';

const token = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde';
const path = `/v1/activations/${token}`;
const localUrl = 'http://127.0.0.1:3000';
const csrfValue = 'c'.repeat(43);

const preview: ActivationPreview = {
  companyName: "Caffè dell'Angolo <S.r.l.>",
  vatNumber: '01234567897',
  studioNames: ['Studio Bianchi'],
  studioNamesById: { 'studio-1': 'Studio Bianchi' },
  changes: [
    { service: 'sdi', before: { kind: 'studio', studioId: 'studio-1' }, after: { kind: 'ficClient' } },
    { service: 'eRicevi', before: null, after: { kind: 'ficClient' } },
  ],
  expiresAt: '2026-12-10T13:30:00.000Z',
};

class FakeLinkError extends Error {
  override name = 'ActivationLinkError';
  constructor(readonly reason: ActivationLinkReason) {
    super(`link ${reason}`);
  }
}

function setup(overrides: Partial<ActivationPageDependencies> = {}) {
  const deps = {
    previewActivation: vi.fn(async (_input: { token: string }) => preview),
    confirmActivation: vi.fn(async (_input: { token: string }) => ({ companyName: preview.companyName, changes: preview.changes })),
    publicBaseUrl: localUrl,
    linkErrorReason: (error: unknown) => (error instanceof FakeLinkError ? error.reason : undefined),
    logFailure: vi.fn(),
    ...overrides,
  } satisfies ActivationPageDependencies;
  return { deps, handler: createActivationPageHandler(deps) };
}

function pageEvent(method: string, options: { cookies?: string[]; headers?: Record<string, string>; body?: string; isBase64Encoded?: boolean; token?: string } = {}) {
  const t = options.token ?? token;
  const event = apiEvent({
    method,
    routeKey: `${method} /v1/activations/{token}`,
    rawPath: `/v1/activations/${t}`,
    pathParameters: { token: t },
    headers: options.headers ?? {},
    ...(options.body !== undefined ? { body: options.body } : {}),
    ...(options.isBase64Encoded !== undefined ? { isBase64Encoded: options.isBase64Encoded } : {}),
  });
  if (options.cookies) event.cookies = options.cookies;
  return event;
}

function formPost(fields: Record<string, string>, options: { cookies?: string[]; headers?: Record<string, string>; base64?: boolean } = {}) {
  const body = new URLSearchParams(fields).toString();
  return pageEvent('POST', {
    cookies: options.cookies ?? [`agyo-activation-csrf=${csrfValue}`],
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...options.headers },
    body: options.base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: options.base64 ?? false,
  });
}

describe('GET and HEAD: show, change nothing', () => {
  it('shows company, Studio, payer changes, expiry and a POST form carrying the anti-forgery value', async () => {
    const { handler, deps } = setup();

    const response = await handler(pageEvent('GET'));

    expect(response.statusCode).toBe(200);
    expect(deps.previewActivation).toHaveBeenCalledWith({ token });
    expect(deps.confirmActivation).not.toHaveBeenCalled();
    const html = response.body as string;
    expect(html).toContain('<html lang="it">');
    expect(html).toContain('Caffè dell&#39;Angolo &lt;S.r.l.&gt;');
    expect(html).toContain('01234567897');
    expect(html).toContain('Studio Bianchi');
    expect(html).toMatch(/Invio fatture \(SdI\)<\/th><td>lo Studio Bianchi<\/td><td>il cliente FIC<\/td>/);
    expect(html).toMatch(/Ricezione fatture \(eRicevi\)<\/th><td>non attivo<\/td><td>il cliente FIC<\/td>/);
    expect(html).toContain('giovedì 10 dicembre 2026 alle 14:30');
    expect(html).toContain(`<form method="post" action="${path}">`);
    expect(html).not.toMatch(/<script/i);
    const cookie = response.cookies![0]!;
    expect(cookie).toMatch(/^agyo-activation-csrf=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=3600; HttpOnly; SameSite=Strict$/);
    const value = cookie.split(';')[0]!.split('=')[1]!;
    expect(html).toContain(`<input type="hidden" name="csrf" value="${value}">`);
  });

  it('on https uses a __Host- cookie, Secure, and HSTS', async () => {
    const { handler } = setup({ publicBaseUrl: 'https://api.agyo.example' });

    const response = await handler(pageEvent('GET'));

    expect(response.cookies![0]).toMatch(/^__Host-agyo-activation-csrf=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=3600; HttpOnly; SameSite=Strict; Secure$/);
    expect(response.headers['strict-transport-security']).toContain('max-age=');
  });

  it('keeps an existing well-formed anti-forgery cookie, so two tabs of the link both work', async () => {
    const { handler } = setup();

    const response = await handler(pageEvent('GET', { cookies: [`other=1`, `agyo-activation-csrf=${csrfValue}`] }));

    expect(response.body).toContain(`value="${csrfValue}"`);
    expect(response.cookies![0]).toContain(`agyo-activation-csrf=${csrfValue};`);
  });

  it('HEAD answers like GET with no body and confirms nothing', async () => {
    const { handler, deps } = setup();

    const response = await handler(pageEvent('HEAD'));

    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('');
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(deps.confirmActivation).not.toHaveBeenCalled();
  });

  it.each([
    ['GET', 200],
    ['HEAD', 200],
    ['POST', 200],
  ])('%s sets the security headers', async (method, status) => {
    const { handler } = setup();
    const event = method === 'POST' ? formPost({ csrf: csrfValue }) : pageEvent(method);

    const response = await handler(event);

    expect(response.statusCode).toBe(status);
    const nonce = /style-src 'nonce-([^']+)'/.exec(response.headers['content-security-policy']!)![1]!;
    expect(response.headers['content-security-policy']).toBe(
      `default-src 'none'; style-src 'nonce-${nonce}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
    );
    expect(response.headers).toMatchObject({
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
    });
    if (method !== 'HEAD') expect(response.body).toContain(`<style nonce="${nonce}">`);
  });
});

describe('POST: confirms once, only from the page itself', () => {
  it('confirms with a matching cookie and field and shows the result', async () => {
    const { handler, deps } = setup();

    const response = await handler(formPost({ csrf: csrfValue }, { headers: { origin: localUrl, 'sec-fetch-site': 'same-origin' } }));

    expect(response.statusCode).toBe(200);
    expect(deps.confirmActivation).toHaveBeenCalledWith({ token });
    expect(response.body).toContain('Attivazione confermata');
    expect(response.body).toContain('Caffè dell&#39;Angolo &lt;S.r.l.&gt;');
    expect(response.body).toMatch(/Invio fatture \(SdI\)<\/th><td>lo Studio<\/td><td>il cliente FIC<\/td>/);
  });

  it('accepts Origin null with Sec-Fetch-Site same-origin (what Chromium sends under no-referrer)', async () => {
    const { handler, deps } = setup();

    const response = await handler(formPost({ csrf: csrfValue }, { headers: { origin: 'null', 'sec-fetch-site': 'same-origin' } }));

    expect(response.statusCode).toBe(200);
    expect(deps.confirmActivation).toHaveBeenCalledTimes(1);
  });

  it('reads a base64-encoded form body with a charset parameter', async () => {
    const { handler, deps } = setup();
    const event = formPost({ csrf: csrfValue }, { base64: true, headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' } });

    const response = await handler(event);

    expect(response.statusCode).toBe(200);
    expect(deps.confirmActivation).toHaveBeenCalledTimes(1);
  });

  it('accepts the Origin of the host the request reached (API Gateway domain on https)', async () => {
    const { handler, deps } = setup({ publicBaseUrl: 'https://api.agyo.example' });
    const event = formPost(
      { csrf: csrfValue },
      { cookies: [`__Host-agyo-activation-csrf=${csrfValue}`], headers: { origin: 'https://abc123.execute-api.eu-south-1.amazonaws.com', host: 'abc123.execute-api.eu-south-1.amazonaws.com' } },
    );

    expect((await handler(event)).statusCode).toBe(200);
    expect(deps.confirmActivation).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['no cookie', formPost({ csrf: csrfValue }, { cookies: [] })],
    ['no field', formPost({})],
    ['a different field', formPost({ csrf: 'd'.repeat(43) })],
    ['a malformed pair', formPost({ csrf: 'x' }, { cookies: ['agyo-activation-csrf=x'] })],
    ['the __Host- cookie on http', formPost({ csrf: csrfValue }, { cookies: [`__Host-agyo-activation-csrf=${csrfValue}`] })],
    ['a JSON body', formPost({ csrf: csrfValue }, { headers: { 'content-type': 'application/json' } })],
    ['a cross-site Sec-Fetch-Site', formPost({ csrf: csrfValue }, { headers: { 'sec-fetch-site': 'cross-site' } })],
    ['a same-site (sibling) Sec-Fetch-Site', formPost({ csrf: csrfValue }, { headers: { 'sec-fetch-site': 'same-site' } })],
    ['another Origin', formPost({ csrf: csrfValue }, { headers: { origin: 'https://evil.example' } })],
    ['Origin null with no Sec-Fetch-Site', formPost({ csrf: csrfValue }, { headers: { origin: 'null' } })],
    ['Origin null from a cross-site context', formPost({ csrf: csrfValue }, { headers: { origin: 'null', 'sec-fetch-site': 'cross-site' } })],
  ])('refuses with 403 and confirms nothing: %s', async (_case, event) => {
    const { handler, deps } = setup();

    const response = await handler(event);

    expect(response.statusCode).toBe(403);
    expect(response.body).toContain('Richiesta non valida');
    expect(deps.confirmActivation).not.toHaveBeenCalled();
  });

  it('refuses an oversized form with 413', async () => {
    const { handler, deps } = setup();

    const response = await handler(formPost({ csrf: csrfValue, padding: 'x'.repeat(5000) }));

    expect(response.statusCode).toBe(413);
    expect(deps.confirmActivation).not.toHaveBeenCalled();
  });
});

describe('links that cannot be used', () => {
  it.each([
    ['unknown', 404, 'Link non valido'],
    ['used', 410, 'Attivazione già confermata'],
    ['expired', 410, 'Link scaduto'],
    ['revoked', 410, 'Link sostituito'],
  ] as const)('%s: %i with a clear Italian page, on GET and on POST', async (reason, status, title) => {
    const failing = async () => {
      throw new FakeLinkError(reason);
    };
    const { handler } = setup({ previewActivation: failing, confirmActivation: failing });

    for (const event of [pageEvent('GET'), formPost({ csrf: csrfValue })]) {
      const response = await handler(event);
      expect(response.statusCode).toBe(status);
      expect(response.body).toContain(`<h1>${title}</h1>`);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.cookies).toBeUndefined();
    }
  });

  it.each(['short', `${token}A`, `${token.slice(0, 42)}=`, `${token.slice(0, 42)}.`, '../../etc/passwd'])(
    'a malformed token (%s) gets 404 without touching the use cases',
    async (malformed) => {
      const { handler, deps } = setup();

      for (const method of ['GET', 'POST']) {
        const response = await handler(pageEvent(method, { token: malformed }));
        expect(response.statusCode).toBe(404);
        expect(response.body).toContain('Link non valido');
      }
      expect(deps.previewActivation).not.toHaveBeenCalled();
      expect(deps.confirmActivation).not.toHaveBeenCalled();
    },
  );

  it('a failure gets a 500 page and is logged without the token or the link', async () => {
    const logFailure = vi.fn();
    const { handler } = setup({
      logFailure,
      previewActivation: async () => {
        throw new Error(`DynamoDB timeout for ${token}`);
      },
    });

    const response = await handler(pageEvent('GET'));

    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain(token);
    expect(logFailure).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(logFailure.mock.calls)).not.toContain(token);
  });
});
