/**
 * The confirmation link over HTTP: scanners (GET/HEAD) change nothing; a POST without the page's
 * anti-forgery pair confirms nothing; a link replaced by a resend, an expired link, a used link and a
 * near-miss of a real token are refused and change nothing; secrets are compared in constant time.
 * (`test/e2e/activation-page.test.ts` covers the basic scanner, forged-form and used-link cases.)
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '#shared/adapters/tokens';
import { repositoryRoot } from '../../infra/local/stack.ts';
import { assertLogsClean } from './support/log-scan.ts';
import {
  activationEvent,
  deliver,
  dynamoDb,
  emailsTo,
  eventually,
  linkIn,
  queuesSettled,
  repository,
  stack,
  studioCall,
  tokenOfLink,
  uniqueEmail,
  uniqueVat,
} from './support/reliability.ts';

const studio = `studio-pages-${Date.now()}`;
const email = uniqueEmail('pagine');
let companyId: string;

afterAll(async () => {
  await assertLogsClean();
});

beforeAll(async () => {
  const vatNumber = uniqueVat();
  const created = await studioCall(studio, 'POST', '/v1/companies', { vatNumber, name: "Caffè dell'Angolo S.r.l.", email, extend: ['sdi', 'eRicevi'] });
  expect(created.status).toBe(201);
  companyId = (created.body as { companyId: string }).companyId;
  expect(await deliver(activationEvent(vatNumber))).toBe(202);
  await eventually(async () => ((await emailsTo(email)).length === 1 ? true : undefined));
  await queuesSettled();
});

async function latestLink(count: number): Promise<string> {
  const emails = await eventually(async () => {
    const found = await emailsTo(email);
    return found.length >= count ? found : undefined;
  });
  return linkIn(emails[count - 1]!);
}

/** The company and its activation records, as stored: equal snapshots, nothing changed. */
async function snapshot(...links: string[]) {
  const found = await repository.companyWithConnections(companyId);
  const activations = await Promise.all(links.map((link) => repository.activation(hashToken(tokenOfLink(link)))));
  return JSON.stringify({ company: found?.company, activations: activations.map((record) => record && { status: record.status, expiresAt: record.expiresAt }) });
}

async function formFor(link: string): Promise<{ cookie: string; csrf: string }> {
  // Any page of this origin gives a well-formed pair; a refused link's page gives none, so use the live one.
  const page = await fetch(link);
  const html = await page.text();
  return { cookie: page.headers.get('set-cookie')?.split(';')[0] ?? '', csrf: /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '' };
}

async function post(link: string, form: { cookie?: string; csrf?: string; origin?: string; fetchSite?: string }): Promise<number> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (form.cookie) headers.cookie = form.cookie;
  if (form.origin) headers.origin = form.origin;
  if (form.fetchSite) headers['sec-fetch-site'] = form.fetchSite;
  const response = await fetch(link, { method: 'POST', headers, body: form.csrf === undefined ? '' : `csrf=${encodeURIComponent(form.csrf)}` });
  await response.text();
  return response.status;
}

/** Moves the pending activation's instants, as if time had passed (the function host uses the real clock). */
async function shiftPending(field: 'requestedAt' | 'expiresAt', to: string, link: string) {
  await dynamoDb.send(new UpdateCommand({ TableName: stack.tableName, Key: { pk: `COMPANY#${companyId}`, sk: 'COMPANY' }, UpdateExpression: 'SET #c.#p.#f = :to', ExpressionAttributeNames: { '#c': 'company', '#p': 'pendingActivation', '#f': field }, ExpressionAttributeValues: { ':to': to } }));
  const key = { pk: `ACTIVATION#${hashToken(tokenOfLink(link))}`, sk: 'ACTIVATION' };
  await dynamoDb.send(new UpdateCommand({ TableName: stack.tableName, Key: key, UpdateExpression: 'SET #f = :to, #c.#p.#f = :to', ExpressionAttributeNames: { '#f': field, '#c': 'company', '#p': 'pendingActivation' }, ExpressionAttributeValues: { ':to': to } }));
}

describe('the confirmation link under abuse', () => {
  it('scanners and forged forms change nothing; a resend revokes the link; expired, used and near-miss links are refused', async () => {
    const first = await latestLink(1);
    const before = await snapshot(first);

    // A mail scanner follows the link many times, GET and HEAD, with and without cookies.
    const scans = await Promise.all([
      ...Array.from({ length: 5 }, () => fetch(first, { headers: { 'user-agent': 'Mozilla/5.0 (compatible; SafeLinks)' } })),
      ...Array.from({ length: 5 }, () => fetch(first, { method: 'HEAD' })),
    ]);
    expect(scans.map((response) => response.status)).toEqual(Array.from({ length: 10 }, () => 200));
    const form = await formFor(first);
    const otherForm = await formFor(first);
    // Forged forms: no pair, half a pair, two pairs crossed, a foreign site, a cross-site fetch.
    const forged = [
      await post(first, {}),
      await post(first, { cookie: form.cookie }),
      await post(first, { csrf: form.csrf }),
      await post(first, { cookie: form.cookie, csrf: otherForm.csrf === form.csrf ? `${form.csrf.slice(0, -1)}A` : otherForm.csrf }),
      await post(first, { cookie: form.cookie, csrf: form.csrf, origin: 'https://attacker.example' }),
      await post(first, { cookie: form.cookie, csrf: form.csrf, fetchSite: 'cross-site' }),
      await post(first, { cookie: form.cookie, csrf: form.csrf, origin: 'null' }),
    ];
    expect(forged).toEqual(Array.from({ length: forged.length }, () => 403));
    expect(await snapshot(first)).toBe(before);

    // A near-miss of the real token: one character changed.
    const token = tokenOfLink(first);
    const nearMiss = first.replace(token, `${token.slice(0, 42)}${token.endsWith('A') ? 'B' : 'A'}`);
    expect((await fetch(nearMiss)).status).toBe(404);
    expect(await post(nearMiss, form)).toBe(404);

    // The Studio resends (a minute after the first email): the first link is revoked.
    expect((await studioCall(studio, 'POST', `/v1/companies/${companyId}/activation/resend`)).status).toBe(429);
    await shiftPending('requestedAt', new Date(Date.now() - 2 * 60_000).toISOString(), first);
    expect((await studioCall(studio, 'POST', `/v1/companies/${companyId}/activation/resend`)).status).toBe(202);
    const second = await latestLink(2);
    const afterResend = await snapshot(first, second);
    expect((await fetch(first)).status).toBe(410);
    expect(await post(first, form)).toBe(410);
    expect(await snapshot(first, second)).toBe(afterResend);

    // The new link expires (time travel): refused, nothing changes; restored, it confirms once.
    const expiresAt = (await repository.activation(hashToken(tokenOfLink(second))))!.expiresAt;
    await shiftPending('expiresAt', new Date(Date.now() - 1000).toISOString(), second);
    const expired = await snapshot(first, second);
    expect((await fetch(second)).status).toBe(410);
    expect(await post(second, form)).toBe(410);
    expect(await snapshot(first, second)).toBe(expired);
    await shiftPending('expiresAt', expiresAt, second);
    const confirmations = await Promise.all([post(second, form), post(second, form), post(second, form)]);
    expect(confirmations.sort()).toEqual([200, 410, 410]);

    // Used: refused from now on, whatever the method.
    const used = await snapshot(first, second);
    expect([(await fetch(second)).status, (await fetch(second, { method: 'HEAD' })).status, await post(second, form)]).toEqual([410, 410, 410]);
    expect(await snapshot(first, second)).toBe(used);
    const company = (await repository.companyWithConnections(companyId))!.company;
    expect(company.services.sdi).toMatchObject({ status: 'active', payer: { kind: 'ficClient' } });
    expect(company.pendingActivation).toBeUndefined();
  });

  it('no secret is compared with == in product code: tokens are looked up by SHA-256 hash, the anti-forgery pair with timingSafeEqual', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (full.endsWith('.ts')) files.push(full);
      }
    };
    walk(path.join(repositoryRoot, 'shared'));
    walk(path.join(repositoryRoot, 'functions'));
    const suspicious: string[] = [];
    for (const file of files) {
      readFileSync(file, 'utf8').split('\n').forEach((line, index) => {
        if (!/[!=]==?/.test(line) || !/(token|csrf|secret|password|apikey|authorization|cookie)/i.test(line)) return;
        // Hashes, presence and format checks, and public claims are not secrets.
        if (/tokenHash|typeof|[!=]== undefined|\.test\(|protocol|policy\.name|\.length|appId|claims\.(jti|sub)|=>/.test(line)) return;
        suspicious.push(`${path.relative(repositoryRoot, file)}:${index + 1}: ${line.trim()}`);
      });
    }
    expect(suspicious).toEqual([]);
    const csrf = readFileSync(path.join(repositoryRoot, 'shared/activation-page/csrf.ts'), 'utf8');
    expect(csrf).toMatch(/export function csrfPairMatches[\s\S]*timingSafeEqual\(/);
    const page = readFileSync(path.join(repositoryRoot, 'shared/use-cases/activation-page.ts'), 'utf8');
    expect(page).toMatch(/deps\.tokens\.hash\(token\)/);
  });
});
