/**
 * The local host hands handlers the same payload-v2 events API Gateway's HTTP API would, and
 * applies the JWT authorizer before any handler runs. A test-defined echo handler shows the event.
 */
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFunctionHost, type FunctionHost } from '../../../infra/local/function-host.ts';
import { sqs } from '../../support/stack.ts';

const issuer = 'test-issuer';
const audience = 'test-audience';
let host: FunctionHost;
let received: APIGatewayProxyEventV2[] = [];
const hostLog: { message: string; details?: Record<string, unknown> }[] = [];
type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let signingKey: SigningKey;
let otherKey: SigningKey;

beforeAll(async () => {
  const pair = await generateKeyPair('ES256');
  signingKey = pair.privateKey;
  otherKey = (await generateKeyPair('ES256')).privateKey;
  host = await startFunctionHost({
    port: 0,
    routes: [
      { method: 'POST', path: '/echo/{id}', function: 'echo', auth: 'none' },
      { method: 'GET', path: '/files/{path+}', function: 'echo', auth: 'none' },
      { method: 'GET', path: '/private', function: 'echo', auth: 'studioJwt' },
      { method: 'GET', path: '/binary', function: 'binary', auth: 'none' },
      { method: 'GET', path: '/crash', function: 'crash', auth: 'none' },
    ],
    eventSources: [],
    loadHandler: async (key) => {
      if (key === 'binary') {
        return async () => ({ statusCode: 201, headers: { 'Content-Type': 'image/png' }, cookies: ['a=1; Path=/', 'b=2'], isBase64Encoded: true, body: Buffer.from([0, 1, 2, 255]).toString('base64') });
      }
      if (key === 'crash') return async () => { throw new Error('secret internal detail'); };
      return async (event: never) => {
        received.push(event as APIGatewayProxyEventV2);
        return { echoed: true };
      };
    },
    timeoutSecondsOf: () => 5,
    authorizer: { issuer, audience: [audience], jwks: { keys: [{ ...(await exportJWK(pair.publicKey)), alg: 'ES256' }] } },
    sqs,
    region: 'eu-south-1',
    log: (message, details) => hostLog.push({ message, ...(details ? { details } : {}) }),
  });
});

afterAll(async () => {
  await host.stop();
});

async function token(claims: Record<string, unknown>, options: { key?: SigningKey; exp?: number; iss?: string; aud?: string } = {}) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256' })
    .setIssuer(options.iss ?? issuer)
    .setAudience(options.aud ?? audience)
    .setIssuedAt()
    .setExpirationTime(options.exp ?? Math.floor(Date.now() / 1000) + 300)
    .sign(options.key ?? signingKey);
}

describe('payload v2 event shape', () => {
  it('carries lower-cased headers, cookies apart, query, path parameters and a text body', async () => {
    received = [];

    const response = await fetch(`${host.url}/echo/caf%C3%A8?b=2&a=1&a=3`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-8', 'X-Custom': 'Yes', Cookie: 'session=abc; theme=dark' },
      body: JSON.stringify({ name: 'Caffè dell\'Angolo' }),
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ echoed: true });
    const event = received[0]!;
    expect(event.version).toBe('2.0');
    expect(event.routeKey).toBe('POST /echo/{id}');
    expect(event.rawPath).toBe('/echo/caf%C3%A8');
    expect(event.rawQueryString).toBe('b=2&a=1&a=3');
    expect(event.queryStringParameters).toEqual({ a: '1,3', b: '2' });
    expect(event.pathParameters).toEqual({ id: 'cafè' });
    expect(event.headers['x-custom']).toBe('Yes');
    expect(event.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(event.headers).not.toHaveProperty('cookie');
    expect(event.cookies).toEqual(['session=abc', 'theme=dark']);
    expect(event.isBase64Encoded).toBe(false);
    expect(JSON.parse(event.body!)).toEqual({ name: 'Caffè dell\'Angolo' });
    expect(event.requestContext.http.method).toBe('POST');
    expect(event.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.requestContext).not.toHaveProperty('authorizer');
  });

  it('base64-encodes a body whose content type is not text', async () => {
    received = [];
    const bytes = Buffer.from([0xff, 0x00, 0x10, 0x80]);

    await fetch(`${host.url}/echo/x`, { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body: bytes });

    expect(received[0]!.isBase64Encoded).toBe(true);
    expect(Buffer.from(received[0]!.body!, 'base64')).toEqual(bytes);
  });

  it('matches greedy path parameters and leaves absent query parameters out', async () => {
    received = [];

    await fetch(`${host.url}/files/a/b/c.txt`);

    expect(received[0]!.pathParameters).toEqual({ path: 'a/b/c.txt' });
    expect(received[0]!.queryStringParameters).toBeUndefined();
    expect(received[0]!.body).toBeUndefined();
  });

  it('returns status, headers, cookies and base64 bodies as HTTP', async () => {
    const response = await fetch(`${host.url}/binary`);

    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2']);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(Buffer.from([0, 1, 2, 255]));
  });

  it('turns a crashing handler into a generic 500 that leaks nothing', async () => {
    const response = await fetch(`${host.url}/crash`);

    expect(response.status).toBe(500);
    expect(await response.text()).toBe('{"message":"Internal Server Error"}');
  });
});

describe('JWT authorizer on protected routes', () => {
  it('passes a valid token and puts its claims under requestContext.authorizer.jwt.claims', async () => {
    received = [];

    const response = await fetch(`${host.url}/private`, { headers: { Authorization: `Bearer ${await token({ studio_id: 'S1' })}` } });

    expect(response.status).toBe(200);
    const claims = (received[0]!.requestContext as { authorizer?: { jwt: { claims: Record<string, string> } } }).authorizer!.jwt.claims;
    expect(claims.studio_id).toBe('S1');
    expect(claims.iss).toBe(issuer);
  });

  it.each([
    ['no token', async () => undefined],
    ['a malformed header', async () => 'Token abc'],
    ['a token signed by another key', async () => `Bearer ${await token({}, { key: otherKey })}`],
    ['an expired token', async () => `Bearer ${await token({}, { exp: Math.floor(Date.now() / 1000) - 120 })}`],
    ['a wrong issuer', async () => `Bearer ${await token({}, { iss: 'someone-else' })}`],
    ['a wrong audience', async () => `Bearer ${await token({}, { aud: 'another-api' })}`],
    ['alg none', async () => `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ iss: issuer, aud: audience, exp: 9999999999 })).toString('base64url')}.`],
  ])('answers 401 without calling the handler for %s', async (_, authorization) => {
    received = [];
    const header = await authorization();

    const response = await fetch(`${host.url}/private`, { headers: header ? { Authorization: header } : {} });

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: 'Unauthorized' });
    expect(received).toHaveLength(0);
  });

  it('logs why it refused (never the token), so a developer can tell an expired token from a wrong one', async () => {
    hostLog.length = 0;
    const expired = await token({}, { exp: Math.floor(Date.now() / 1000) - 120 });

    await fetch(`${host.url}/private`, { headers: { Authorization: `Bearer ${expired}` } });

    expect(hostLog.at(-1)).toMatchObject({ message: 'JWT authorizer refused the request', details: { reason: 'ERR_JWT_EXPIRED', routeKey: 'GET /private' } });
    expect(JSON.stringify(hostLog)).not.toContain(expired);
  });
});
