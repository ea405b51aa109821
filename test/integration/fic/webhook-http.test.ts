/** The FIC webhook over HTTP on the running local stack, driven by the FIC simulator and forged calls. */
import { exportJWK, generateKeyPair, SignJWT, base64url, importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { simulatedEvent, signWebhookToken } from '../../../infra/local/fic-simulator.ts';
import { ficEventTypes } from '#shared/fic/event-types';
import { eventually, stack } from '../../support/stack.ts';
import { ficPrivateJwk, peek, postEvent, simulator, tokenClaims, webhookUrl } from './support.ts';

const now = () => Math.floor(Date.now() / 1000);

function activation(data: Record<string, unknown> = {}) {
  return simulatedEvent(ficEventTypes.einvoicingActivated, 5151, {
    ficCompanyId: 5151,
    vatNumber: '01234560017',
    name: 'Ferramenta Bianchi',
    activatedAt: new Date().toISOString(),
    ...data,
  });
}

describe('the FIC webhook on the local stack', () => {
  it('passes the subscription verification (GET with a challenge)', async () => {
    expect(await simulator.verifySubscription()).toEqual({ status: 200, verified: true });
  });

  it('answers the verification GET with a challenge in the query too, and 401 without a token', async () => {
    const token = await signWebhookToken(await ficPrivateJwk(), tokenClaims({ id: 'v-1', subject: 'verification' }));

    const withQuery = await fetch(`${webhookUrl}?x-fic-verification-challenge=q-1`, { headers: { authorization: `Bearer ${token}` } });
    const withoutToken = await fetch(`${webhookUrl}?x-fic-verification-challenge=q-1`);

    expect([withQuery.status, await withQuery.json()]).toEqual([200, { verification: 'q-1' }]);
    expect(withoutToken.status).toBe(401);
    expect(withoutToken.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it.each(['binary', 'structured'] as const)('accepts a signed %s-mode activation with 202', async (mode) => {
    const event = activation();
    const response = await postEvent(event, { mode });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ status: 'accepted', eventId: event.id });
  });

  it.each([
    ['the welcome event', ficEventTypes.welcome],
    ['an unknown type', 'it.fattureincloud.webhooks.entities.products.create'],
  ])('acknowledges %s without work', async (_case, type) => {
    const { delivery } = await simulator.sendEvent({ type, ficCompanyId: 5151, data: { ids: [1] } });
    expect(delivery.status).toBe(200);
    expect(JSON.parse(delivery.responseBody)).toMatchObject({ status: 'ignored' });
  });

  const refused: [string, (event: { id: string; subject: string }) => Promise<string>][] = [
    ['forged (another key)', async (event) => {
      const { privateKey } = await generateKeyPair('ES256', { extractable: true });
      return signWebhookToken(await exportJWK(privateKey), tokenClaims(event));
    }],
    ['expired', async (event) => signWebhookToken(await ficPrivateJwk(), tokenClaims(event, { issuedAt: now() - 4 * 3600, expiresAt: now() - 600 }))],
    ['for another audience', async (event) => signWebhookToken(await ficPrivateJwk(), tokenClaims(event, { audience: ['https://example.test/v1/fic/webhook'] }))],
    ['alg none', async (event) => {
      const payload = { iss: tokenClaims(event).issuer, aud: tokenClaims(event).audience, sub: event.subject, jti: event.id, aid: tokenClaims(event).appId, iat: now(), exp: now() + 600 };
      return `${base64url.encode(JSON.stringify({ alg: 'none' }))}.${base64url.encode(JSON.stringify(payload))}.`;
    }],
    ['HS256 keyed with the public key', async (event) => {
      const claims = tokenClaims(event);
      return new SignJWT({ aid: claims.appId })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(claims.issuer)
        .setAudience(claims.audience)
        .setSubject(event.subject)
        .setJti(event.id)
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(new TextEncoder().encode(stack.functionEnv.FIC_PUBLIC_KEY_JWK));
    }],
    ['replayed from another event', async () => signWebhookToken(await ficPrivateJwk(), tokenClaims(activation()))],
  ];

  it.each(refused)('answers 401 to a token %s', async (_case, makeToken) => {
    const event = activation();
    const response = await postEvent(event, { token: await makeToken(event) });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });

  it('answers 415 to an unsupported content type and 400 to a malformed envelope (signed by FIC)', async () => {
    const event = activation();
    const token = await signWebhookToken(await ficPrivateJwk(), tokenClaims(event));
    const headers = { authorization: `Bearer ${token}` };

    const xml = await fetch(webhookUrl, { method: 'POST', headers: { ...headers, 'content-type': 'application/xml' }, body: '<event/>' });
    const noSubject = await fetch(webhookUrl, { method: 'POST', headers: { ...headers, 'content-type': 'application/cloudevents+json' }, body: JSON.stringify({ specversion: '1.0', id: event.id, type: event.type, source: event.source, time: event.time }) });

    expect(xml.status).toBe(415);
    expect(noSubject.status).toBe(400);
  });

  it('records an authentic event with invalid data on the DLQ with the reason; a forged one never gets there', async () => {
    const forged = activation({ vatNumber: '01234560018' });
    const authentic = activation({ vatNumber: '01234560018' });
    const forgedResponse = await postEvent(forged, { claims: { appId: 'intruder' } });
    const { delivery } = { delivery: await postEvent(authentic) };

    expect(forgedResponse.status).toBe(401);
    expect(delivery.status).toBe(202);
    const dead = await eventually(async () => (await peek(stack.deadLetterQueueUrls.ficEvents)).find((m) => m.MessageAttributes?.eventId?.StringValue === authentic.id));
    expect(dead.MessageAttributes?.rejectionReason?.StringValue).toMatch(/check digit/);
    expect(JSON.parse(dead.Body!)).toMatchObject({ id: authentic.id, data: { vatNumber: '01234560018' } });
    expect((await peek(stack.deadLetterQueueUrls.ficEvents)).some((m) => m.MessageAttributes?.eventId?.StringValue === forged.id)).toBe(false);
  });
});
