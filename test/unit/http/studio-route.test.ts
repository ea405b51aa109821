import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { CompanyAlreadyExistsError, NotConnectedError, ResendTooSoonError } from '#shared/domain/errors';
import { createCompanyBody, companyPath } from '#shared/http/studio-api';
import { studioRoute } from '#shared/http/studio-route';
import { apiEvent, lambdaContext } from '../../support/api-events.ts';

const validBody = { vatNumber: '01234560017', name: "Caffè dell'Angolo S.r.l.", email: 'amministrazione@caffe.example' };
const studio = { studio_id: 'S1', name: 'Studio Rossi' };

function route(handle = vi.fn(async () => ({ status: 201, body: { ok: true } }))) {
  return { handle, handler: studioRoute({ body: createCompanyBody, path: companyPath }, handle) };
}

async function call(handler: ReturnType<typeof route>['handler'], input: Parameters<typeof apiEvent>[0]) {
  const response = await handler(apiEvent({ method: 'POST', pathParameters: { companyId: 'c1' }, ...input }), lambdaContext);
  return { ...response, json: response.body ? (JSON.parse(response.body) as Record<string, unknown>) : undefined };
}

const goodRequest = {
  claims: studio,
  headers: { 'content-type': 'application/json', 'x-agyo-channel': 'lynfa' },
  body: JSON.stringify(validBody),
};

describe('studioRoute', () => {
  it('hands the use case the studio from the claims, the channel, and the parsed body', async () => {
    const { handler, handle } = route();

    const response = await call(handler, goodRequest);

    expect(response.statusCode).toBe(201);
    expect(handle).toHaveBeenCalledWith({
      studio: { studioId: 'S1', displayName: 'Studio Rossi' },
      channel: 'lynfa',
      path: { companyId: 'c1' },
      query: undefined,
      body: { ...validBody, extend: [] },
    });
  });

  it('ignores a studio id smuggled in the body: the claims decide', async () => {
    const { handler, handle } = route();

    const response = await call(handler, { ...goodRequest, body: JSON.stringify({ ...validBody, studioId: 'S2' }) });

    expect(response.statusCode).toBe(422);
    expect(handle).not.toHaveBeenCalled();
  });

  it('decodes a base64-encoded JSON body', async () => {
    const { handler, handle } = route();

    await call(handler, { ...goodRequest, body: Buffer.from(JSON.stringify(validBody)).toString('base64'), isBase64Encoded: true });

    expect(handle).toHaveBeenCalledOnce();
  });

  it.each([
    ['no channel header', { headers: { 'content-type': 'application/json' } }, 400, 'malformed-request', 'header:x-agyo-channel'],
    ['an unknown channel', { headers: { 'content-type': 'application/json', 'x-agyo-channel': 'fax' } }, 400, 'malformed-request', 'header:x-agyo-channel'],
    ['broken JSON', { body: '{"vatNumber": ' }, 400, 'malformed-request', ''],
    ['a bad VAT check digit', { body: JSON.stringify({ ...validBody, vatNumber: '01234560018' }) }, 422, 'validation-failed', '/vatNumber'],
    ['a VAT number as a number', { body: JSON.stringify({ ...validBody, vatNumber: 1234560017 }) }, 422, 'validation-failed', '/vatNumber'],
    ['a missing email', { body: JSON.stringify({ vatNumber: validBody.vatNumber, name: validBody.name }) }, 422, 'validation-failed', '/email'],
    ['an unknown service', { body: JSON.stringify({ ...validBody, extend: ['fax'] }) }, 422, 'validation-failed', '/extend/0'],
  ])('refuses %s with a problem that says where', async (_, override, status, kind, pointer) => {
    const { handler, handle } = route();

    const response = await call(handler, { ...goodRequest, ...override });

    expect(response.statusCode).toBe(status);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    expect(response.json?.type).toBe(`https://agyo-fic-onboarding.dev/problems/${kind}`);
    expect((response.json?.errors as { pointer: string }[]).map((e) => e.pointer)).toContain(pointer);
    expect(handle).not.toHaveBeenCalled();
  });

  it.each([
    ['a wrong content type', { headers: { 'content-type': 'text/plain', 'x-agyo-channel': 'portal' } }, 415],
    ['an oversized body', { body: JSON.stringify({ ...validBody, name: 'x'.repeat(20_000) }) }, 413],
    ['a token without studio claim', { claims: { sub: 'someone' } }, 403],
    ['a path id that cannot exist', { pathParameters: { companyId: '../../etc/passwd' } }, 404],
  ])('refuses %s', async (_, override, status) => {
    const { handler, handle } = route();

    const response = await call(handler, { ...goodRequest, ...override });

    expect(response.statusCode).toBe(status);
    expect(response.json?.status).toBe(status);
    expect(handle).not.toHaveBeenCalled();
  });

  it.each([
    [new CompanyAlreadyExistsError('01234560017', 'c9'), 409, 'company-exists'],
    [new NotConnectedError('S1', 'c1', 'none'), 404, 'not-found'],
    [new NotConnectedError('S1', 'c1', 'pending'), 403, 'connection-pending'],
    [new ResendTooSoonError('c1', 42), 429, 'resend-too-soon'],
  ])('maps %s to its problem', async (error, status, kind) => {
    const { handler } = route(vi.fn(async () => { throw error; }));

    const response = await call(handler, goodRequest);

    expect(response.statusCode).toBe(status);
    expect(response.json?.type).toBe(`https://agyo-fic-onboarding.dev/problems/${kind}`);
  });

  it('says how to connect instead when the company exists', async () => {
    const { handler } = route(vi.fn(async () => { throw new CompanyAlreadyExistsError('01234560017', 'c9'); }));

    const response = await call(handler, goodRequest);

    expect(response.json?.connectInstead).toEqual({ method: 'POST', path: '/v1/connections', body: { vatNumber: '01234560017' } });
    expect(response.json?.detail).toMatch(/connect/);
  });

  it('answers an unexpected failure with a generic 500 that leaks no internals', async () => {
    const { handler } = route(vi.fn(async () => { throw new TypeError('Cannot read properties of undefined (reading pk) at DynamoRepository'); }));

    const response = await call(handler, goodRequest);

    expect(response.statusCode).toBe(500);
    expect(response.body).not.toMatch(/TypeError|Dynamo|pk|at /);
  });

  it('validates query parameters with coercion and defaults', async () => {
    const handle = vi.fn(async () => ({ status: 200, body: {} }));
    const handler = studioRoute({ query: z.strictObject({ limit: z.coerce.number().int().max(100).default(25) }) }, handle);

    const ok = await handler(apiEvent({ claims: studio, headers: { 'x-agyo-channel': 'portal' }, query: { limit: '10' } }), lambdaContext);
    const bad = await handler(apiEvent({ claims: studio, headers: { 'x-agyo-channel': 'portal' }, query: { limit: 'many' } }), lambdaContext);

    expect(ok.statusCode).toBe(200);
    expect(handle).toHaveBeenCalledWith(expect.objectContaining({ query: { limit: 10 } }));
    expect(bad.statusCode).toBe(400);
  });
});
