import { beforeAll, describe, expect, it } from 'vitest';
import type { JWK } from 'jose';
import { signWebhookToken } from '../../../infra/local/fic-simulator.ts';
import type { FicCloudEvent } from '#shared/fic/cloud-event';
import { ficEventTypes } from '#shared/fic/event-types';
import type { FicEventQueue } from '#shared/fic/event-queue';
import { createFicWebhookHandler } from '#shared/fic/webhook-handler';
import type { FicPublicKey } from '#shared/fic/webhook-token';
import { apiEvent } from '../../support/api-events.ts';
import { activationEvent, claimsFor, expectations, keyPair, silentLogger, webhookPost } from './support.ts';

let fic: { privateJwk: JWK; publicKey: FicPublicKey };
beforeAll(async () => {
  fic = await keyPair();
});

function webhook(queue: FicEventQueue = recordingQueue()) {
  return createFicWebhookHandler({ publicKey: async () => fic.publicKey, expectations: () => expectations, queue, logger: silentLogger });
}

function recordingQueue(): FicEventQueue & { events: FicCloudEvent[] } {
  const events: FicCloudEvent[] = [];
  return { events, enqueue: async (event) => void events.push(event) };
}

function problemOf(result: { headers?: Record<string, unknown>; body?: string }) {
  expect(result.headers?.['content-type']).toBe('application/problem+json');
  const body = JSON.parse(result.body!) as { type: string; status: number; detail: string };
  expect(body.type).toMatch(/^https:\/\/agyo-fic-onboarding\.dev\/problems\//);
  expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
  return body;
}

describe('POST /v1/fic/webhook', () => {
  it.each([
    ['binary', {}],
    ['structured', { mode: 'structured' as const }],
    ['binary, base64', { base64: true }],
    ['structured, base64', { mode: 'structured' as const, base64: true }],
  ])('enqueues the exact event (%s mode) and answers 202', async (_mode, options) => {
    const queue = recordingQueue();
    const event = activationEvent();

    const result = await webhook(queue)(await webhookPost(fic.privateJwk, event, options));

    expect(result.statusCode).toBe(202);
    expect(JSON.parse(result.body!)).toEqual({ status: 'accepted', eventId: event.id });
    expect(queue.events).toEqual([{ specversion: '1.0', ...event, datacontenttype: 'application/json' }]);
  });

  it.each([ficEventTypes.connectionConfirmed, ficEventTypes.connectionRejected])('enqueues %s', async (type) => {
    const queue = recordingQueue();
    const event = activationEvent({ type }, {});

    expect((await webhook(queue)(await webhookPost(fic.privateJwk, event))).statusCode).toBe(202);
    expect(queue.events).toHaveLength(1);
  });

  it.each([
    ['the welcome event', ficEventTypes.welcome],
    ['an unknown type', 'it.fattureincloud.webhooks.entities.clients.create'],
  ])('acknowledges %s with 200 and enqueues nothing', async (_case, type) => {
    const queue = recordingQueue();

    const result = await webhook(queue)(await webhookPost(fic.privateJwk, activationEvent({ type })));

    expect(result.statusCode).toBe(200);
    expect(queue.events).toEqual([]);
  });

  it.each([
    ['no token', { headers: { authorization: '' } }],
    ['a token for another event', { claims: { jwtId: '198:another' } }],
    ['a token for another company', { claims: { subject: 'company:999' } }],
    ['a token for another endpoint', { claims: { audience: ['https://api.agyo.test/v1/other'] } }],
  ])('answers 401 for %s and enqueues nothing', async (_case, options) => {
    const queue = recordingQueue();

    const result = await webhook(queue)(await webhookPost(fic.privateJwk, activationEvent(), options));

    expect(result.statusCode).toBe(401);
    expect(result.headers?.['www-authenticate']).toMatch(/^Bearer/);
    expect(problemOf(result).type).toMatch(/invalid-token$/);
    expect(queue.events).toEqual([]);
  });

  it('checks the token before reading the body: garbage from a stranger is 401, not 400', async () => {
    const result = await webhook()(apiEvent({ method: 'POST', headers: { 'content-type': 'text/plain' }, body: '%%%' }));
    expect(result.statusCode).toBe(401);
  });

  it('answers 400 for a malformed envelope from FIC, 415 for an unsupported type, 413 beyond the limit', async () => {
    const event = activationEvent();
    const token = await signWebhookToken(fic.privateJwk, claimsFor(event));

    const malformed = await webhook()(await webhookPost(fic.privateJwk, event, { token, headers: { 'ce-time': 'not a time' } }));
    const unsupported = await webhook()(await webhookPost(fic.privateJwk, event, { token, headers: { 'content-type': 'application/xml' } }));
    const huge = await webhook()(await webhookPost(fic.privateJwk, activationEvent({ id: event.id }, { name: 'x'.repeat(300_000) }), { token }));

    expect([malformed.statusCode, unsupported.statusCode, huge.statusCode]).toEqual([400, 415, 413]);
    expect(problemOf(malformed).type).toMatch(/malformed-event$/);
    expect(problemOf(unsupported).type).toMatch(/unsupported-media-type$/);
    expect(problemOf(huge).type).toMatch(/payload-too-large$/);
  });

  it('leaves data validation to the processor: an invalid VAT number is still 202', async () => {
    const queue = recordingQueue();
    const result = await webhook(queue)(await webhookPost(fic.privateJwk, activationEvent({}, { vatNumber: '123' })));
    expect(result.statusCode).toBe(202);
  });

  it('answers 503 with Retry-After when the queue refuses the event, never 2xx', async () => {
    const failing: FicEventQueue = { enqueue: async () => Promise.reject(new Error('SQS is down')) };

    const result = await webhook(failing)(await webhookPost(fic.privateJwk, activationEvent()));

    expect(result.statusCode).toBe(503);
    expect(result.headers?.['retry-after']).toBeDefined();
    expect(problemOf(result).detail).not.toMatch(/SQS is down/);
  });

  it('answers 500 (FIC retries) when the public key cannot be loaded', async () => {
    const handler = createFicWebhookHandler({
      publicKey: async () => Promise.reject(new Error('no key configured')),
      expectations: () => expectations,
      queue: recordingQueue(),
      logger: silentLogger,
    });
    const result = await handler(await webhookPost(fic.privateJwk, activationEvent()));
    expect(result.statusCode).toBe(500);
  });
});

describe('GET /v1/fic/webhook (subscription verification)', () => {
  const verification = async (input: { headers?: Record<string, string>; query?: Record<string, string>; token?: string | null }) => {
    const token = input.token === undefined ? await signWebhookToken(fic.privateJwk, claimsFor({ id: 'v-1', subject: 'verification' })) : input.token;
    return webhook()(
      apiEvent({
        method: 'GET',
        rawPath: '/v1/fic/webhook',
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...input.headers },
        ...(input.query ? { query: input.query } : {}),
      }),
    );
  };

  it('echoes the challenge from the header', async () => {
    const result = await verification({ headers: { 'x-fic-verification-challenge': 'abc123' } });
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body!)).toEqual({ verification: 'abc123' });
  });

  it('echoes the challenge from the query parameter', async () => {
    const result = await verification({ query: { 'x-fic-verification-challenge': 'q-42' } });
    expect(JSON.parse(result.body!)).toEqual({ verification: 'q-42' });
  });

  it('answers 401 without a valid token, whatever the challenge', async () => {
    const forged = await signWebhookToken((await keyPair()).privateJwk, claimsFor({ id: 'v', subject: 'v' }));
    expect((await verification({ headers: { 'x-fic-verification-challenge': 'abc' }, token: null })).statusCode).toBe(401);
    expect((await verification({ headers: { 'x-fic-verification-challenge': 'abc' }, token: forged })).statusCode).toBe(401);
  });

  it('answers 400 without a challenge', async () => {
    expect((await verification({})).statusCode).toBe(400);
  });
});

describe('FIC key rotation', () => {
  /** A webhook whose key loader holds `current` and whose reload returns `reloaded`, counting reloads. */
  function rotatingWebhook(current: FicPublicKey, reloaded: FicPublicKey) {
    const queue = recordingQueue();
    const counts = { reloads: 0 };
    const handler = createFicWebhookHandler({
      publicKey: async () => current,
      reloadPublicKey: async () => {
        counts.reloads += 1;
        return reloaded;
      },
      expectations: () => expectations,
      queue,
      logger: silentLogger,
    });
    return { handler, queue, counts };
  }

  it('verifies again with a freshly loaded key before refusing a signature: FIC rotated its key', async () => {
    const rotated = await keyPair();
    const { handler, queue, counts } = rotatingWebhook(fic.publicKey, rotated.publicKey);

    const result = await handler(await webhookPost(rotated.privateJwk, activationEvent()));

    expect(result.statusCode).toBe(202);
    expect(counts.reloads).toBe(1);
    expect(queue.events).toHaveLength(1);
  });

  it('still refuses a forged signature after the reload, and reloads only for a signature failure', async () => {
    const forger = await keyPair();
    const { handler, queue, counts } = rotatingWebhook(fic.publicKey, fic.publicKey);

    const forged = await handler(await webhookPost(forger.privateJwk, activationEvent()));
    const missing = await handler(apiEvent({ method: 'POST', rawPath: '/v1/fic/webhook', headers: { 'content-type': 'application/json' }, body: '{}' }));

    expect(forged.statusCode).toBe(401);
    expect(missing.statusCode).toBe(401);
    expect(counts.reloads).toBe(1);
    expect(queue.events).toHaveLength(0);
  });
});
