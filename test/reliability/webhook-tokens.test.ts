/**
 * Every way to forge FIC's webhook token, over HTTP against the running webhook: each is answered 401 and
 * nothing reaches the queue (the SQS proxy counts the enqueues). `test/unit/fic/webhook-token.test.ts`
 * covers the verification function; `test/integration/fic/webhook-http.test.ts` some of these over HTTP.
 */
import { base64url, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { assertLogsClean } from './support/log-scan.ts';
import { figures } from './support/figures.ts';
import { activationEvent, deliver, faults, queueName, queuesSettled, signedToken, stack, tokenClaims, uniqueVat, webhookUrl } from './support/reliability.ts';
import { signWebhookToken, webhookRequest, type SimulatedEvent } from '../../infra/local/fic-simulator.ts';

const now = () => Math.floor(Date.now() / 1000);
const enqueueKey = `SendMessage:${queueName(stack.queueUrls.ficEvents)}`;
const enqueued = async () => (await faults.sqs.stats()).forwarded[enqueueKey] ?? 0;

afterAll(async () => {
  await assertLogsClean();
});

const forgeries: [string, (event: SimulatedEvent, replayed: string) => Promise<string>][] = [
  ['signed with another key', async (event) => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    return signWebhookToken(await exportJWK(privateKey), tokenClaims(event));
  }],
  ['alg none', async (event) => {
    const claims = tokenClaims(event);
    const payload = { iss: claims.issuer, aud: claims.audience, sub: event.subject, jti: event.id, aid: claims.appId, iat: now(), exp: now() + 600 };
    return `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${base64url.encode(JSON.stringify(payload))}.`;
  }],
  ['HS256 keyed with the public key', async (event) => {
    const claims = tokenClaims(event);
    return new SignJWT({ aid: claims.appId }).setProtectedHeader({ alg: 'HS256' }).setIssuer(claims.issuer).setAudience(claims.audience).setSubject(event.subject).setJti(event.id).setIssuedAt().setExpirationTime('10m')
      .sign(new TextEncoder().encode(stack.functionEnv.FIC_PUBLIC_KEY_JWK));
  }],
  ['expired', async (event) => signedToken(event, { issuedAt: now() - 4 * 3600, expiresAt: now() - 600 })],
  ['issued in the future', async (event) => signedToken(event, { issuedAt: now() + 3600, expiresAt: now() + 4 * 3600 })],
  ['issued more than 3 hours ago (FIC tokens live 3 hours), even if it claims a later expiry', async (event) => signedToken(event, { issuedAt: now() - 4 * 3600, expiresAt: now() + 3600 })],
  ['for another audience', async (event) => signedToken(event, { audience: ['https://attacker.example/v1/fic/webhook'] })],
  ['from another issuer', async (event) => signedToken(event, { issuer: 'https://attacker.example' })],
  ['for another FIC app', async (event) => signedToken(event, { appId: 'another-app' })],
  ['whose jti is not the event id', async (event) => signedToken(event, { jwtId: `${event.id}-other` })],
  ['whose sub is not the event subject', async (event) => signedToken(event, { subject: 'company:1' })],
  ['replayed from another event', async (_event, replayed) => replayed],
  ['with its signature stripped', async (event) => (await signedToken(event)).split('.').slice(0, 2).join('.') + '.'],
  ['with a tampered payload', async (event) => {
    const [header, , signature] = (await signedToken(event)).split('.');
    const claims = tokenClaims(event, { appId: 'another-app' });
    return `${header}.${base64url.encode(JSON.stringify({ iss: claims.issuer, aud: claims.audience, sub: event.subject, jti: event.id, aid: 'x', iat: now(), exp: now() + 600 }))}.${signature}`;
  }],
];

describe('forged FIC webhook tokens over HTTP', () => {
  it('are all refused with 401, and nothing is enqueued; the genuine event alone is', async () => {
    await queuesSettled();
    const genuine = activationEvent(uniqueVat());
    const genuineToken = await signedToken(genuine);
    const before = await enqueued();
    expect(await deliver(genuine, { token: genuineToken })).toBe(202);

    const refused: Record<string, number> = {};
    for (const [name, forge] of forgeries) {
      for (const mode of ['binary', 'structured'] as const) {
        const event = activationEvent(uniqueVat());
        const request = webhookRequest(event, await forge(event, genuineToken), mode);
        const response = await fetch(webhookUrl, { method: 'POST', headers: request.headers, body: request.body });
        refused[`${name} (${mode})`] = response.status;
        expect(response.headers.get('www-authenticate') ?? '', name).toMatch(/^Bearer/);
        expect(await response.text(), name).not.toMatch(/eyJ|jose|JWS|JWT[A-Z]/);
      }
    }
    for (const authorization of [undefined, '', 'Basic YWRtaW46YWRtaW4=', 'Bearer', `Bearer ${genuineToken} extra`, `Token ${genuineToken}`]) {
      const event = activationEvent(uniqueVat());
      const request = webhookRequest(event, 'x');
      const headers: Record<string, string> = { ...request.headers };
      if (authorization === undefined) delete headers.authorization;
      else headers.authorization = authorization;
      refused[`authorization ${JSON.stringify(authorization?.slice(0, 12))}`] = (await fetch(webhookUrl, { method: 'POST', headers, body: request.body })).status;
    }

    expect(Object.entries(refused).filter(([, status]) => status !== 401)).toEqual([]);
    await queuesSettled();
    expect((await enqueued()) - before).toBe(1);
    figures.add('inputsGenerated', Object.keys(refused).length);
  });
});
