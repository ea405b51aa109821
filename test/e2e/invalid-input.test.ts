/**
 * Invalid input over real HTTP against the running local stack: each gets the right 4xx as
 * `application/problem+json` that says what is wrong and where (`errors[].pointer`), leaks no stack
 * trace or internal name, and changes nothing: DynamoDB Local is read directly for the Partita IVA
 * tried (its uniqueness item and its index entry), and the state is read back through the API.
 */
import { request as httpRequest } from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import { stack } from '../support/stack.ts';
import {
  companyPartitionItems,
  expectNoInternals,
  expectProblem,
  pointersOf,
  StudioClient,
  tableItemsForVat,
  uniqueEmail,
  uniqueVatNumber,
  withWrongCheckDigit,
  type ApiResponse,
} from '../support/e2e-api.ts';

let studio: StudioClient;
let stranger: StudioClient;
let own: { companyId: string; vatNumber: string };

beforeAll(async () => {
  [studio, stranger] = await Promise.all([StudioClient.create('invalid'), StudioClient.create('invalid-other', 'lynfa')]);
  own = await studio.newCompany({ name: 'Bersaglio S.r.l.' });
});

function validCompany(vatNumber = uniqueVatNumber()) {
  return { vatNumber, name: "Caffè dell'Angolo S.r.l.", email: uniqueEmail('titolare') };
}

/** No item anywhere in the table for these Partite IVA, and no company of that number behind the API. */
async function expectNothingStoredFor(...vatNumbers: string[]) {
  for (const vatNumber of vatNumbers) {
    expect(await tableItemsForVat(vatNumber), vatNumber).toEqual([]);
    if (/^\d{11}$/.test(vatNumber)) {
      const lookup = await stranger.connect(vatNumber);
      expect([404, 422], lookup.text).toContain(lookup.status);
    }
  }
}

describe('creating a company with invalid input', () => {
  const vat = uniqueVatNumber();
  const cases: [string, number, string, () => { body?: unknown; rawBody?: string; headers?: Record<string, string>; channel?: string | null }, string[], string[]][] = [
    ['a bad check digit', 422, 'validation-failed', () => ({ body: { ...validCompany(), vatNumber: withWrongCheckDigit(vat) } }), ['/vatNumber'], [withWrongCheckDigit(vat)]],
    ['an office code that does not exist', 422, 'validation-failed', () => ({ body: { ...validCompany(), vatNumber: '12345671501' } }), ['/vatNumber'], ['12345671501']],
    ['a Partita IVA of 10 digits', 422, 'validation-failed', () => ({ body: { ...validCompany(), vatNumber: vat.slice(1) } }), ['/vatNumber'], [vat.slice(1)]],
    ['a bad Codice Fiscale', 422, 'validation-failed', () => ({ body: { ...validCompany(vat), taxCode: 'RSSMRA80A01H501X' } }), ['/taxCode'], [vat]],
    ['missing name and email', 422, 'validation-failed', () => ({ body: { vatNumber: vat } }), ['/name', '/email'], [vat]],
    ['an email that is not one', 422, 'validation-failed', () => ({ body: { ...validCompany(vat), email: 'not-an-email' } }), ['/email'], [vat]],
    ['a Partita IVA as a number', 422, 'validation-failed', () => ({ body: { ...validCompany(), vatNumber: Number(vat) } }), ['/vatNumber'], [vat]],
    ['extend as a string', 422, 'validation-failed', () => ({ body: { ...validCompany(vat), extend: 'sdi' } }), ['/extend'], [vat]],
    ['an unknown service', 422, 'validation-failed', () => ({ body: { ...validCompany(vat), extend: ['sdi', 'fax'] } }), ['/extend/1'], [vat]],
    ['a name as a number', 422, 'validation-failed', () => ({ body: { ...validCompany(vat), name: 42 } }), ['/name'], [vat]],
    ['a studio id smuggled in the body', 422, 'validation-failed', () => ({ body: { ...validCompany(vat), studioId: 'someone-else' } }), ['/studioId'], [vat]],
    ['an array instead of an object', 422, 'validation-failed', () => ({ body: [validCompany(vat)] }), [''], [vat]],
    ['no channel', 400, 'malformed-request', () => ({ body: validCompany(vat), channel: null }), ['header:x-agyo-channel'], [vat]],
    ['an unknown channel', 400, 'malformed-request', () => ({ body: validCompany(vat), channel: 'fax' }), ['header:x-agyo-channel'], [vat]],
    ['broken JSON', 400, 'malformed-request', () => ({ rawBody: `{"vatNumber": "${vat}", "name": ` }), [''], [vat]],
    ['an empty body', 400, 'malformed-request', () => ({ rawBody: '' }), [''], [vat]],
    ['a wrong content type', 415, 'unsupported-media-type', () => ({ rawBody: JSON.stringify(validCompany(vat)), headers: { 'content-type': 'text/plain' } }), ['header:content-type'], [vat]],
    ['a form instead of JSON', 415, 'unsupported-media-type', () => ({ rawBody: `vatNumber=${vat}&name=x`, headers: { 'content-type': 'application/x-www-form-urlencoded' } }), ['header:content-type'], [vat]],
    ['an oversized body', 413, 'payload-too-large', () => ({ body: { ...validCompany(vat), name: 'x'.repeat(20_000) } }), [''], [vat]],
  ];

  it.each(cases)('%s: %i %s, pointing at the field; nothing stored', async (_, status, kind, input, pointers, vatNumbers) => {
    const response = await studio.call('POST', '/v1/companies', {}, input());

    const problem = expectProblem(response, status, kind);
    expect(pointersOf(response)).toEqual(expect.arrayContaining(pointers));
    for (const error of problem.errors) expect(error.detail).toEqual(expect.any(String));
    await expectNothingStoredFor(...vatNumbers);
  });

  it('the Studio behind all those requests still has only the company it created', async () => {
    const mine = await studio.listConnections({ query: { limit: '100' } });
    expect(mine.json.items.map((item: any) => item.companyId)).toEqual([own.companyId]);
  });
});

describe('connecting with invalid input', () => {
  it.each([
    ['a bad check digit', { vatNumber: withWrongCheckDigit(uniqueVatNumber()) }, 422, '/vatNumber'],
    ['a missing Partita IVA', {}, 422, '/vatNumber'],
    ['a Partita IVA as a number', { vatNumber: 12345670017 }, 422, '/vatNumber'],
  ])('%s: %i pointing at the field', async (_, body, status, pointer) => {
    const response = await stranger.call('POST', '/v1/connections', {}, { body });
    expectProblem(response, status, 'validation-failed');
    expect(pointersOf(response)).toContain(pointer);
  });
});

describe('query parameters', () => {
  it.each([
    ['a page size that is not a number', { limit: 'many' }, 'query:limit'],
    ['a page size of zero', { limit: '0' }, 'query:limit'],
    ['an unknown parameter', { studioId: 'someone-else' }, 'query:studioId'],
    ['a cursor of the wrong shape', { cursor: '../../etc' }, 'query:cursor'],
  ])('%s: 400 pointing at it', async (_, query, pointer) => {
    for (const response of [await studio.listConnections({ query }), await studio.timeline(own.companyId, { query })]) {
      expectProblem(response, 400, 'malformed-request');
      expect(pointersOf(response)).toContain(pointer);
    }
  });
});

describe("another Studio's company, and ids that cannot name one", () => {
  let before: Record<string, unknown>[];
  let viewBefore: ApiResponse;

  beforeAll(async () => {
    before = await companyPartitionItems(own.companyId);
    viewBefore = await studio.getCompany(own.companyId);
    expect(before.length).toBeGreaterThan(0);
  });

  it("Studio B gets 404 for Studio A's company on every operation, and nothing changes", async () => {
    const responses = [
      await stranger.getCompany(own.companyId),
      await stranger.timeline(own.companyId),
      await stranger.extend(own.companyId, ['sdi', 'eRicevi']),
      await stranger.resend(own.companyId),
    ];
    for (const response of responses) expectProblem(response, 404, 'not-found');
    expect(await companyPartitionItems(own.companyId)).toEqual(before);
    expect((await studio.getCompany(own.companyId)).json).toEqual(viewBefore.json);
    expect((await stranger.listConnections()).json).toEqual({ items: [] });
  });

  it.each([
    ['a path traversal (encoded slashes)', '../../etc/passwd'],
    ['a key of the table', `COMPANY#${'x'}`],
    ['the company id with a suffix', '__ID__/../__ID__'],
    ['an id far too long', 'a'.repeat(65)],
    ['a NUL byte', 'abc\u0000def'],
  ])('%s: 404 on every company route, nothing changes', async (_, rawId) => {
    const companyId = rawId.replaceAll('__ID__', own.companyId);
    const responses = [
      await studio.getCompany(companyId),
      await studio.timeline(companyId),
      await studio.extend(companyId, ['sdi']),
      await studio.resend(companyId),
    ];
    for (const response of responses) {
      expectProblem(response, 404, 'not-found');
      expect(response.json.errors).toBeUndefined();
    }
    expect(await companyPartitionItems(own.companyId)).toEqual(before);
  });

  it("dot segments sent raw (not normalised by a client) never reach another Studio's company", async () => {
    for (const [method, rawPath] of [
      ['POST', `/v1/companies/../companies/${own.companyId}/extensions`],
      ['POST', `/v1/companies/${own.companyId}/../${own.companyId}/extensions`],
      ['GET', '/v1/companies/%2e%2e/timeline'],
      ['GET', '/v1/companies/../timeline'],
      ['GET', '/v1/companies/..'],
    ] as const) {
      const response = await rawRequest(method, rawPath, method === 'POST' ? JSON.stringify({ services: ['sdi'] }) : '');
      expect(response.status, rawPath).toBe(404);
      expectNoInternals(response.body);
    }
    expect(await companyPartitionItems(own.companyId)).toEqual(before);
  });

  it('an invalid extension of its own company: 422 pointing at the field, nothing changes', async () => {
    for (const [services, pointer] of [
      [[], '/services'],
      [['sdi', 'sdi'], '/services'],
      [['fax'], '/services/0'],
      ['sdi', '/services'],
    ] as const) {
      const response = await studio.extend(own.companyId, services);
      expectProblem(response, 422, 'validation-failed');
      expect(pointersOf(response), JSON.stringify(services)).toContain(pointer);
    }
    expect(await companyPartitionItems(own.companyId)).toEqual(before);
  });
});

/** A request whose path no client library normalises first. */
function rawRequest(method: string, rawPath: string, body: string, as: StudioClient = stranger): Promise<{ status: number; body: string }> {
  const url = new URL(stack.apiUrl);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method,
        path: rawPath,
        headers: { authorization: `Bearer ${as.token}`, 'x-agyo-channel': as.channel, 'content-type': 'application/json' },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
