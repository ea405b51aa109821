/**
 * Hostile input, generated (fast-check): at least 10,000 requests over every route, sent raw (paths not
 * normalised, headers duplicated, bodies as bytes) by a Studio with a token of its own, by strangers, and
 * by forged FIC calls, aimed at a victim's real company ids and confirmation link. Whatever arrives:
 * never a 5xx, never a stack trace or an internal name in the body, and nothing changes (the whole table,
 * the messages sent to the queues, the emails sent).
 */
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topology } from '../../infra/topology.ts';
import { assertLogsClean } from './support/log-scan.ts';
import { figures } from './support/figures.ts';
import {
  activationEvent,
  deliver,
  emailsTo,
  eventually,
  faults,
  linkIn,
  mailbox,
  queuesSettled,
  signedToken,
  stack,
  studioCall,
  studioToken,
  tableDigest,
  tokenOfLink,
  uniqueEmail,
  uniqueVat,
  type ProxyStatsLike,
} from './support/reliability.ts';

const RUNS = Number(process.env.HOSTILE_RUNS ?? 500);
const PER_RUN = 20;

interface Target {
  victimCompanyId: string;
  victimVat: string;
  ficCompanyId: string;
  ownCompanyId: string;
  token: string;
  hostileJwt: string;
  victimJwt: string;
}
let target: Target;

beforeAll(async () => {
  await queuesSettled();
  const victim = `victim-${Date.now()}`;
  const hostile = `hostile-${Date.now()}`;
  const email = uniqueEmail('victim');
  const victimVat = uniqueVat();
  const created = await studioCall(victim, 'POST', '/v1/companies', { vatNumber: victimVat, name: 'Vittima S.r.l.', email, extend: ['sdi'] });
  const own = await studioCall(hostile, 'POST', '/v1/companies', { vatNumber: uniqueVat(), name: 'Ostile S.r.l.', email: uniqueEmail('hostile'), extend: [] });
  expect([created.status, own.status]).toEqual([201, 201]);
  // The hostile Studio has already asked to connect to the victim (pending): asking again changes nothing,
  // so even a well-formed request of its own cannot legitimately change state here.
  expect((await studioCall(hostile, 'POST', '/v1/connections', { vatNumber: victimVat })).status).toBe(202);
  expect(await deliver(activationEvent(victimVat, { ficCompanyId: 4242 }))).toBe(202);
  const [message] = await eventually(async () => {
    const found = await emailsTo(email);
    return found.length > 0 ? found : undefined;
  });
  await queuesSettled();
  target = {
    victimCompanyId: (created.body as { companyId: string }).companyId,
    victimVat,
    ficCompanyId: '4242',
    ownCompanyId: (own.body as { companyId: string }).companyId,
    token: tokenOfLink(linkIn(message!)),
    hostileJwt: await studioToken(hostile),
    victimJwt: await studioToken(victim),
  };
});

afterAll(async () => {
  await assertLogsClean();
});

// ---- What a hostile client may send -------------------------------------------------------------------

const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '\uFEFF', 'null', 'undefined', '[]', '{}', '__proto__', 'constructor', '%00', '\u202E\u0041', 'ǅ', '😀'.repeat(50), 'a'.repeat(5_000)),
);
const idLike = () =>
  fc.oneof(
    text,
    fc.stringMatching(/^[A-Za-z0-9_-]{1,80}$/),
    fc.constantFrom('..', '.', '%2e%2e', '..%2f..%2fetc%2fpasswd', '..%252f', '%2F', '..\\..\\windows', 'COMPANY%23x', 'x%0d%0aSet-Cookie:%20a=b', '%', '%zz', '%C0%AE%C0%AE', '*', 'A'.repeat(65), 'A'.repeat(5000)),
    fc.constant('VICTIM'),
    fc.constant('OWN'),
  );
const jsonish = fc.oneof(
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.anything().map((value) => {
    try {
      return JSON.stringify(value) ?? 'undefined';
    } catch {
      return '{"a":1}';
    }
  }),
  fc.string().map((value) => `{"vatNumber": ${value}`),
  fc.constantFrom('{', '[', '"', '{"a":}', '{"a":1,}', '\u0000{}', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"x":1}}}', 'NaN', '1e999', '{"a":"\\ud800"}', ' '.repeat(20_000)),
);
const fieldValue = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(text, { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), text, { maxKeys: 3 }), fc.constantFrom('01234560017', '01234560018', '00000000000', '1234567890', '012345600170', ' 01234560017', '０１２３４５６００１７', 'VICTIM_VAT'));
const studioBody = fc.oneof(
  jsonish,
  fc.record(
    { vatNumber: fieldValue, name: fieldValue, email: fieldValue, extend: fc.oneof(fieldValue, fc.array(fc.constantFrom('sdi', 'eRicevi', 'SDI', 'x', ''), { maxLength: 4 })), services: fc.oneof(fieldValue, fc.array(fc.constantFrom('sdi', 'eRicevi', 'eRicevi', 'ficClient'), { maxLength: 4 })), studioId: fieldValue, taxCode: fieldValue, extra: fieldValue },
    { requiredKeys: [] },
  ).map((value) => JSON.stringify(value)),
);
const anyContentType = fc.option(
  fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'APPLICATION/JSON', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/cloudevents+json', 'application/octet-stream', 'application/xml', 'application/json, text/html', '*/*', ''),
  { nil: undefined },
);
// Mostly well-formed envelopes, so that most requests reach validation, authorization and the use cases.
const contentType = fc.oneof({ arbitrary: fc.constant('application/json'), weight: 3 }, { arbitrary: anyContentType, weight: 1 });
const channel = fc.oneof(
  { arbitrary: fc.constantFrom('portal', 'lynfa'), weight: 4 },
  { arbitrary: fc.option(fc.constantFrom('PORTAL', 'fax', '', 'portal, lynfa', 'portal\u0000'), { nil: undefined }), weight: 1 },
);
const authorization = fc.oneof(
  fc.constant('HOSTILE'),
  fc.constant('HOSTILE'),
  fc.constant(undefined),
  fc.constantFrom('Bearer', 'Bearer ', 'Basic YWRtaW46YWRtaW4=', 'Bearer a.b.c', 'Bearer eyJhbGciOiJub25lIn0.eyJzdHVkaW9faWQiOiJ4In0.', 'bearer HOSTILE-lower'),
  text.map((value) => `Bearer ${value}`),
);
const query = fc.oneof(
  fc.constant(''),
  fc.constantFrom('?limit=0', '?limit=-1', '?limit=1e3', '?limit=abc', '?limit=1&limit=2', '?cursor=', '?cursor=%00', '?cursor=eyJwayI6IkNPTVBBTlkjeCJ9', '?cursor=' + 'A'.repeat(3000), '?x-fic-verification-challenge=abc', '?__proto__[x]=1', '?limit=5&extra=1'),
  fc.string({ maxLength: 30 }).map((value) => `?${encodeURIComponent(value)}=${encodeURIComponent(value)}`),
);

type Route = { method: string; path: (id: string) => string; kind: 'studio' | 'page' | 'webhook' | 'open' };
const routes: Route[] = topology.routes.map((route) => ({
  method: route.method,
  path: (id: string) => route.path.replace(/\{[^}]+\}/, id),
  kind: route.auth === 'studioJwt' ? 'studio' : route.path.startsWith('/v1/activations') ? 'page' : route.path.startsWith('/v1/fic/webhook') ? 'webhook' : 'open',
}));
// Methods no route has: API Gateway's 404 (and nothing else).
routes.push({ method: 'PUT', path: () => '/v1/companies', kind: 'open' }, { method: 'DELETE', path: (id) => `/v1/companies/${id}`, kind: 'studio' });

interface HostileRequest {
  route: number;
  id: string;
  query: string;
  body: string | Uint8Array | undefined;
  contentType: string | undefined;
  channel: string | undefined;
  authorization: string | undefined;
  duplicateHeaders: boolean;
  cookie: string | undefined;
  ce: Record<string, string>;
}

const request: fc.Arbitrary<HostileRequest> = fc.record({
  route: fc.integer({ min: 0, max: routes.length - 1 }),
  id: fc.oneof(idLike(), fc.constant('TOKEN'), fc.stringMatching(/^[A-Za-z0-9_-]{43}$/)),
  query,
  body: fc.oneof(fc.constant(undefined), studioBody, fc.uint8Array({ maxLength: 200 }), fc.constantFrom('csrf=', 'csrf=' + 'A'.repeat(43), 'csrf=x&csrf=y', 'a=1&'.repeat(3000), `{"name":"${'é'.repeat(150_000)}"}`, Buffer.from('\xff\xfe{"a":1}', 'latin1').toString('binary'))),
  contentType,
  channel,
  authorization,
  duplicateHeaders: fc.oneof({ arbitrary: fc.constant(false), weight: 5 }, { arbitrary: fc.constant(true), weight: 1 }),
  cookie: fc.option(fc.constantFrom('agyo-activation-csrf=' + 'A'.repeat(43), 'agyo-activation-csrf=', '__Host-agyo-activation-csrf=x', 'a=b; a=c'), { nil: undefined }),
  ce: fc.dictionary(fc.constantFrom('ce-id', 'ce-type', 'ce-subject', 'ce-time', 'ce-source', 'ce-specversion', 'ce-' + 'x'.repeat(30)), fc.oneof(text.filter((value) => /^[\x20-\x7e]*$/.test(value)), fc.constantFrom('1.0', 'it.fattureincloud.webhooks.einvoicing.activated', 'company:4242', '2026-12-03T10:00:00Z', '%zz')), { maxKeys: 4 }),
});

function resolveId(id: string): string {
  if (id === 'VICTIM') return target.victimCompanyId;
  if (id === 'OWN') return target.ownCompanyId;
  if (id === 'TOKEN') return target.token;
  return id;
}

async function authorizationFor(value: string | undefined, route: Route): Promise<string | undefined> {
  if (value === 'HOSTILE') return `Bearer ${target.hostileJwt}`;
  if (value === 'bearer HOSTILE-lower') return `bearer ${target.hostileJwt}`;
  // A forged FIC token: signed by FIC's key, but for another event (replay) or app.
  if (route.kind === 'webhook' && value === undefined) {
    return `Bearer ${await signedToken(activationEvent(target.victimVat), { appId: 'intruder' })}`;
  }
  return value;
}

function send(input: HostileRequest, auth: string | undefined): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  const route = routes[input.route]!;
  const body = input.body === undefined ? undefined : typeof input.body === 'string' ? Buffer.from(input.body.replaceAll('VICTIM_VAT', target.victimVat), 'utf8') : Buffer.from(input.body);
  // Repeated headers travel as repeated lines (an array value).
  const headers: Record<string, string | string[]> = {};
  const add = (name: string, value: string | undefined) => {
    if (value === undefined) return;
    // What an HTTP client can put on the wire at all (Node refuses other characters in headers).
    const wire = value.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?');
    headers[name] = input.duplicateHeaders ? [wire, wire] : wire;
  };
  add('authorization', auth);
  add('x-agyo-channel', input.channel);
  add('content-type', input.contentType);
  add('cookie', input.cookie);
  for (const [name, value] of Object.entries(input.ce)) add(name, value);
  if (body !== undefined && route.method !== 'GET' && route.method !== 'HEAD') headers['content-length'] = String(body.length);
  const url = new URL(stack.apiUrl);
  // Raw: dot segments and odd escapes stay as sent; only what cannot travel in a request line is escaped.
  const escape = (value: string) => value.replace(/[^\x21-\x7e]/gu, (c) => (c.length === 1 && c >= '\ud800' && c <= '\udfff' ? '%EF%BF%BD' : encodeURIComponent(c)));
  const rawPath = escape(route.path(resolveId(input.id))) + escape(input.query);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method: route.method, path: rawPath, headers, timeout: 30_000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: response.headers }));
    });
    req.on('error', reject);
    if (body !== undefined && route.method !== 'GET' && route.method !== 'HEAD') req.end(body);
    else req.end();
  });
}

const leaks: [string, RegExp][] = [
  ['stack trace', /\n\s+at\s|\bat [\w$.<>]+ \(|node:internal|\.(ts|js|mjs|cjs):\d+/],
  ['source path', /\/work\/|node_modules|\b(shared|functions|infra)\/[\w-]+/],
  ['error class', /\b(TypeError|ReferenceError|SyntaxError|RangeError|ZodError|ConcurrentModificationError|EventAlreadyProcessedError)\b|Unexpected token|Cannot read prop|is not a function/],
  ['AWS internals', /ConditionalCheckFailed|TransactionCanceled|ValidationException|ResourceNotFoundException|ProvisionedThroughput|amazonaws|x-amz|DynamoDB|AWS\.SimpleQueueService/i],
  ['table keys', /\b(COMPANY|VAT|STUDIO|ACTIVATION|FICEVENT|CONNREQ|CONNECTION|TIMELINE)#|\bgsi1(pk|sk)?\b|expiresAtEpoch/],
  ['configuration', /TABLE_NAME|QUEUE_URL|FIC_API_TOKEN|FIC_PUBLIC_KEY|local-fic-api-token|fic-events|fic-outbound/],
];

function leaksIn(body: string): string[] {
  const found = leaks.filter(([, pattern]) => pattern.test(body)).map(([name]) => name);
  if (body.includes(stack.tableName)) found.push('table name');
  return found;
}

async function effects(): Promise<{ table: string; enqueued: number; emailed: number; emails: number }> {
  const [table, sqs, ses, emails] = await Promise.all([tableDigest(), faults.sqs.stats(), faults.ses.stats(), mailbox()]);
  const sent = (stats: ProxyStatsLike, prefix: string) => Object.entries(stats.forwarded).filter(([key]) => key.startsWith(prefix)).reduce((sum, [, count]) => sum + count, 0);
  return { table: `${table.items}:${table.digest}`, enqueued: sent(sqs, 'SendMessage'), emailed: sent(ses, 'SendEmail'), emails: emails.length };
}

describe(`${RUNS * PER_RUN} generated hostile requests over every route`, () => {
  it('never a 5xx, never a stack trace or internal name, never a state change', async () => {
    const before = await effects();
    let sent = 0;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(request, { minLength: PER_RUN, maxLength: PER_RUN }), async (batch) => {
        const answers = await Promise.all(
          batch.map(async (input) => {
            const route = routes[input.route]!;
            const answer = await send(input, await authorizationFor(input.authorization, route));
            return { input, route, answer };
          }),
        );
        sent += answers.length;
        for (const { input, route, answer } of answers) {
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          const where = `${route.method} ${route.path(resolveId(input.id)).slice(0, 120)}`;
          expect(answer.status, `${where} answered ${answer.status}: ${answer.body.slice(0, 300)}`).toBeLessThan(500);
          // Static documents and the health report (which names its dependencies by design) are not derived from input.
          const checked = answer.status >= 300 || !/^\/v1\/(docs|openapi\.json|health)/.test(route.path('x'));
          if (checked) expect(leaksIn(answer.body), `${where}: ${answer.body.slice(0, 300)}`).toEqual([]);
        }
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    await queuesSettled();
    const after = await effects();

    expect(after).toEqual(before);
    expect(sent).toBeGreaterThanOrEqual(RUNS * PER_RUN);
    // The generator reached past the gateway: validation, authorization and not-found answers all occurred.
    for (const status of [400, 401, 403, 404, 415, 422]) expect(statuses.get(status) ?? 0, `status ${status} in ${JSON.stringify([...statuses])}`).toBeGreaterThan(0);
    figures.add('inputsGenerated', sent);
  }, 300_000);

  it('guessed confirmation tokens find nothing', async () => {
    const guesses = Array.from({ length: 200 }, () => randomBytes(32).toString('base64url'));
    const answers = await Promise.all(guesses.map(async (token) => (await fetch(`${stack.apiUrl}/v1/activations/${token}`)).status));
    expect(new Set(answers)).toEqual(new Set([404]));
    figures.add('inputsGenerated', guesses.length);
  });
});
