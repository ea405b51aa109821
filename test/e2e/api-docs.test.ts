/**
 * The API documentation over HTTP on the local stack: the OpenAPI document (servers = the public
 * base URL, every operation of the generator), the Swagger UI page and its assets served by the
 * same function (no CDN), and, in a real browser, the page rendering the operations under its CSP
 * without asking any other origin for anything.
 */
import { gunzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations } from '#shared/http/openapi';
import { functionConfig, stack } from '../support/stack.ts';
import { launchChromium } from '../support/browser.ts';

describe('the API documentation over HTTP', () => {
  it('serves the generated OpenAPI document with the public base URL as its server', async () => {
    const response = await fetch(`${stack.apiUrl}/v1/openapi.json`);
    const document = (await response.json()) as { openapi: string; servers: { url: string }[]; paths: Record<string, Record<string, { operationId: string }>> };

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(document.openapi).toBe('3.1.0');
    expect(document.servers).toEqual([{ url: functionConfig.PUBLIC_BASE_URL.replace(/\/+$/, '') }]);
    const operationIds = Object.values(document.paths).flatMap((byMethod) => Object.values(byMethod).map((operation) => operation.operationId));
    expect(operationIds.sort()).toEqual(operations.map((operation) => operation.operationId).sort());
  });

  it('serves the Swagger UI page with a CSP that allows only its own origin', async () => {
    const response = await fetch(`${stack.apiUrl}/v1/docs`);
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(html).toContain('<div id="swagger-ui"></div>');
    // Every script and stylesheet is a relative URL on this API: nothing from a CDN.
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(urls.length).toBeGreaterThanOrEqual(4);
    for (const url of urls) expect(url).toMatch(/^docs\/[\w.-]+$/);
    expect(html).not.toMatch(/<script>(?!<\/script>)/);
  });

  it('serves the assets from swagger-ui-dist, gzipped on request, and 404 for any other file', async () => {
    const plain = await fetch(`${stack.apiUrl}/v1/docs/swagger-ui-bundle.js`);
    const plainBody = Buffer.from(await plain.arrayBuffer());
    const css = await fetch(`${stack.apiUrl}/v1/docs/swagger-ui.css`);
    // fetch() would decompress transparently; read the raw bytes with a plain HTTP request instead.
    const gzipped = await rawGet(`${stack.apiUrl}/v1/docs/swagger-ui-bundle.js`, { 'accept-encoding': 'gzip' });
    const unknown = await fetch(`${stack.apiUrl}/v1/docs/package.json`);
    const traversal = await fetch(`${stack.apiUrl}/v1/docs/..%2Fpackage.json`);

    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(plainBody.toString('utf8')).toContain('SwaggerUIBundle');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.body.length).toBeLessThan(plainBody.length / 2);
    expect(gunzipSync(gzipped.body).equals(plainBody)).toBe(true);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toBe('application/problem+json');
    expect(traversal.status).toBe(404);
  });
});

describe('the API documentation in a browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('renders every operation, loads nothing from another origin and breaks no CSP rule', async () => {
    const page = await browser.newPage();
    const origins = new Set<string>();
    const cspViolations: string[] = [];
    const pageErrors: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith('data:')) origins.add(new URL(request.url()).origin);
    });
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));

    await page.goto(`${stack.apiUrl}/v1/docs`);
    await page.locator('.opblock').first().waitFor({ timeout: 20_000 });

    expect(await page.locator('.opblock').count()).toBe(operations.length);
    expect(await page.locator('.opblock-summary-path').allInnerTexts()).toContain('/v1/companies');
    expect(await page.locator('.info').first().innerText({ timeout: 5_000 })).toContain('agyo-fic-onboarding');
    expect([...origins]).toEqual([new URL(stack.apiUrl).origin]);
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});

async function rawGet(url: string, headers: Record<string, string>): Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  const http = await import('node:http');
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ headers: response.headers, body: Buffer.concat(chunks) }));
        response.on('error', reject);
      })
      .on('error', reject);
  });
}
