/**
 * Tenant isolation over HTTP: Studio B can neither read, extend, resend for, list, page into, nor connect on
 * behalf of Studio A's companies; where existence would leak, it gets exactly the 404 an unknown id gets.
 * Asking to connect (by Partita IVA) is allowed, and then shows B only the redacted view until the company
 * confirms. (`test/e2e/invalid-input.test.ts` covers B's 404s on A's company id and raw dot segments.)
 * Ends with a full flow (the three cases, resend, confirmation) so the log scan covers every path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulator } from '../integration/fic/support.ts';
import { assertLogsClean, findingsIn, scanLogs } from './support/log-scan.ts';
import {
  activationEvent,
  confirmByLink,
  deliver,
  emailsTo,
  eventually,
  linkIn,
  queuesSettled,
  stack,
  studioCall,
  uniqueEmail,
  uniqueVat,
} from './support/reliability.ts';

const stamp = Date.now().toString(36);
const A = `studio-a-${stamp}`;
const B = `studio-b-${stamp}`;
const companies: { companyId: string; vatNumber: string; email: string }[] = [];

afterAll(async () => {
  await assertLogsClean();
});

beforeAll(async () => {
  for (const name of ['Alfa S.r.l.', 'Beta S.r.l.', 'Gamma S.r.l.']) {
    const vatNumber = uniqueVat();
    const email = uniqueEmail('isolamento');
    const created = await studioCall(A, 'POST', '/v1/companies', { vatNumber, name, email, extend: ['sdi'] });
    expect(created.status).toBe(201);
    companies.push({ companyId: (created.body as { companyId: string }).companyId, vatNumber, email });
  }
  expect(await deliver(activationEvent(companies[0]!.vatNumber))).toBe(202);
  await eventually(async () => ((await emailsTo(companies[0]!.email)).length === 1 ? true : undefined));
  await queuesSettled();
});

const withoutInstance = (body: unknown) => {
  const { instance: _instance, ...rest } = body as Record<string, unknown>;
  return rest;
};

describe('Studio B and Studio A\'s companies', () => {
  it('every route answers B as if the company did not exist, and A sees no change', async () => {
    const target = companies[0]!;
    const unknownId = '01KUNKNOWNCOMPANY000000000';
    const routes: [string, string, unknown][] = [
      ['GET', '/v1/companies/{id}', undefined],
      ['GET', '/v1/companies/{id}/timeline', undefined],
      ['GET', '/v1/companies/{id}/timeline?limit=100', undefined],
      ['POST', '/v1/companies/{id}/extensions', { services: ['eRicevi'] }],
      ['POST', '/v1/companies/{id}/extensions', { services: ['sdi'] }],
      ['POST', '/v1/companies/{id}/activation/resend', undefined],
    ];
    const before = await studioCall(A, 'GET', `/v1/companies/${target.companyId}`);
    for (const [method, template, body] of routes) {
      const onTarget = await studioCall(B, method, template.replace('{id}', target.companyId), body);
      const onUnknown = await studioCall(B, method, template.replace('{id}', unknownId), body);
      expect([method, template, onTarget.status]).toEqual([method, template, 404]);
      expect(withoutInstance(onTarget.body)).toEqual(withoutInstance(onUnknown.body));
      expect(onTarget.text).not.toContain(target.vatNumber);
    }
    const list = await studioCall(B, 'GET', '/v1/connections?limit=100');
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ items: [] });
    expect(await studioCall(A, 'GET', `/v1/companies/${target.companyId}`)).toEqual(before);
    expect(await emailsTo(target.email)).toHaveLength(1);
  });

  it("B cannot use A's page cursor, nor name A in a request", async () => {
    const page = await studioCall(A, 'GET', '/v1/connections?limit=1');
    const cursor = (page.body as { nextCursor?: string }).nextCursor;
    expect(cursor).toBeDefined();
    const foreign = await studioCall(B, 'GET', `/v1/connections?limit=1&cursor=${cursor}`);
    expect(foreign.status).toBe(400);
    expect(foreign.text).not.toMatch(/Alfa|Beta|Gamma/);

    // On behalf of A: a studioId in the body is refused; a header naming A is ignored (the JWT decides).
    const withStudioId = await studioCall(B, 'POST', '/v1/connections', { vatNumber: companies[1]!.vatNumber, studioId: A });
    expect(withStudioId.status).toBe(422);
    const response = await fetch(`${stack.apiUrl}/v1/companies/${companies[1]!.companyId}`, {
      headers: { authorization: `Bearer ${await (await import('./support/reliability.ts')).studioToken(B)}`, 'x-agyo-channel': 'portal', 'x-studio-id': A, 'x-amzn-oidc-identity': A },
    });
    expect(response.status).toBe(404);
  });

  it('B may ask to connect by Partita IVA; until the company confirms it sees only what it typed', async () => {
    const target = companies[2]!;
    const asked = await studioCall(B, 'POST', '/v1/connections', { vatNumber: target.vatNumber });
    expect(asked.status).toBe(202);
    const view = await studioCall(B, 'GET', `/v1/companies/${target.companyId}`);
    expect(view.status).toBe(200);
    expect(Object.keys(view.body as object).sort()).toEqual(['access', 'companyId', 'connection', 'name', 'vatNumber']);
    expect(view.text).not.toContain(target.email);
    expect((await studioCall(B, 'GET', `/v1/companies/${target.companyId}/timeline`)).body).toEqual({ items: [] });
    expect((await studioCall(B, 'POST', `/v1/companies/${target.companyId}/extensions`, { services: ['eRicevi'] })).status).toBe(403);
    const list = (await studioCall(B, 'GET', '/v1/connections')).body as { items: { access: string; companyId: string }[] };
    expect(list.items).toEqual([expect.objectContaining({ access: 'redacted', companyId: target.companyId })]);
    // A still pays for sdi, and sees B only as "another Studio" once B is in.
    const seenByA = await studioCall(A, 'GET', `/v1/companies/${target.companyId}`);
    expect(seenByA.body).toMatchObject({ access: 'full', services: { sdi: { status: 'active', payer: { kind: 'thisStudio' } } } });
    expect(seenByA.text).not.toContain(B);
  });
});

describe('a full run, then the log scan', () => {
  it('the three cases, a resend and a confirmation leave no token, email address or JWT in the function logs', async () => {
    // Case 1 and 2 with a confirmation; case 3 with a connection confirmed in FIC.
    const target = companies[0]!;
    const [email] = await emailsTo(target.email);
    expect(await confirmByLink(linkIn(email!))).toBe(200);
    const vatNumber = uniqueVat();
    expect(await deliver(activationEvent(vatNumber))).toBe(202);
    await queuesSettled();
    const connected = await studioCall(B, 'POST', '/v1/connections', { vatNumber });
    expect(connected.status).toBe(202);
    const request = await eventually(async () => (await simulator.requests()).find((r) => r.vatNumber === vatNumber));
    expect((await simulator.confirm(request.requestId)).delivery.status).toBe(202);
    await queuesSettled();
    expect((await studioCall(B, 'GET', `/v1/companies/${(connected.body as { view: { companyId: string } }).view.companyId}`)).body).toMatchObject({ access: 'full' });
    // Refusals are logged too: a bad Studio token, a forged webhook, an unknown link.
    expect((await fetch(`${stack.apiUrl}/v1/connections`, { headers: { authorization: 'Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdHVkaW9faWQiOiJ4In0.c2ln' } })).status).toBe(401);
    expect(await deliver(activationEvent(uniqueVat()), { token: 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln' })).toBe(401);

    // The scan itself finds what it looks for.
    const token = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde';
    const planted = findingsIn(`{"a":"eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"}\n{"url":"http://h/v1/activations/${token}"}\n{"to":"mario.rossi@azienda.example"}\n{"masked":"m***@azienda.example"}`, [token], ['mario.rossi@azienda.example']);
    expect([planted.jwts.length, planted.tokenLinks.length, planted.rawEmails, planted.knownTokens, planted.knownAddresses]).toEqual([1, 1, ['mario.rossi@azienda.example'], [token], ['mario.rossi@azienda.example']]);

    const findings = await scanLogs();
    expect(findings.lines).toBeGreaterThan(10);
    expect({ ...findings, lines: 0 }).toEqual({ lines: 0, jwts: [], tokenLinks: [], rawEmails: [], knownTokens: [], knownAddresses: [] });
  });
});
