import { SignJWT, base64url, importJWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { signWebhookToken } from '../../../infra/local/fic-simulator.ts';
import { assertTokenBindsEvent, InvalidFicTokenError, verifyFicToken, type FicPublicKey } from '#shared/fic/webhook-token';
import { activationEvent, claimsFor, expectations, keyPair } from './support.ts';
import type { JWK } from 'jose';

let fic: { privateJwk: JWK; publicJwk: JWK; publicKey: FicPublicKey };
let attacker: { privateJwk: JWK };
beforeAll(async () => {
  fic = await keyPair();
  attacker = await keyPair();
});

const event = activationEvent();
const now = () => Math.floor(Date.now() / 1000);

async function verified(token: string) {
  const claims = await verifyFicToken(`Bearer ${token}`, fic.publicKey, expectations);
  assertTokenBindsEvent(claims, event);
  return claims;
}

describe('FIC webhook token', () => {
  it('accepts a token FIC signed for this event and this endpoint', async () => {
    // Prepare: aud is a list that holds our URL among others.
    const token = await signWebhookToken(fic.privateJwk, claimsFor(event, { audience: ['https://elsewhere.test/hook', expectations.audience] }));

    // Act
    const claims = await verified(token);

    // Assess
    expect(claims).toMatchObject({ jti: event.id, sub: event.subject, aid: expectations.appId });
  });

  it('accepts a small clock skew (iat 30 s in the future)', async () => {
    const token = await signWebhookToken(fic.privateJwk, claimsFor(event, { issuedAt: now() + 30 }));
    await expect(verified(token)).resolves.toBeDefined();
  });

  const refusals: [string, () => Promise<string>][] = [
    ['a signature by another key (forged)', () => signWebhookToken(attacker.privateJwk, claimsFor(event))],
    ['alg "none"', async () => {
      const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }));
      const payload = base64url.encode(JSON.stringify({ iss: expectations.issuer, aud: [expectations.audience], sub: event.subject, jti: event.id, aid: expectations.appId, iat: now(), exp: now() + 3600 }));
      return `${header}.${payload}.`;
    }],
    ['HS256 with the public key as the secret', () =>
      new SignJWT({ aid: expectations.appId })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(expectations.issuer)
        .setAudience([expectations.audience])
        .setSubject(event.subject)
        .setJti(event.id)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode(JSON.stringify(fic.publicJwk)))],
    ['an expired token', () => signWebhookToken(fic.privateJwk, claimsFor(event, { issuedAt: now() - 4 * 3600, expiresAt: now() - 3600 }))],
    ['an expired token just beyond the tolerance', () => signWebhookToken(fic.privateJwk, claimsFor(event, { issuedAt: now() - 3600, expiresAt: now() - 90 }))],
    ['iat in the future beyond the tolerance', () => signWebhookToken(fic.privateJwk, claimsFor(event, { issuedAt: now() + 600, expiresAt: now() + 3600 }))],
    ['an exp far beyond FIC\u2019s 3 hours (iat long ago)', () => signWebhookToken(fic.privateJwk, claimsFor(event, { issuedAt: now() - 5 * 3600, expiresAt: now() + 3600 }))],
    ['another audience', () => signWebhookToken(fic.privateJwk, claimsFor(event, { audience: ['https://api.agyo.test/v1/other'] }))],
    ['another issuer', () => signWebhookToken(fic.privateJwk, claimsFor(event, { issuer: 'https://evil.test' }))],
    ['another app id', () => signWebhookToken(fic.privateJwk, claimsFor(event, { appId: 'someone-else' }))],
    ['jti other than the event id', () => signWebhookToken(fic.privateJwk, claimsFor(event, { jwtId: '198:other' }))],
    ['sub other than the event subject', () => signWebhookToken(fic.privateJwk, claimsFor(event, { subject: 'company:999' }))],
    ['a token replayed from another event', () => signWebhookToken(fic.privateJwk, claimsFor(activationEvent()))],
    ['a token without exp', async () =>
      new SignJWT({ aid: expectations.appId })
        .setProtectedHeader({ alg: 'ES256' })
        .setIssuer(expectations.issuer)
        .setAudience([expectations.audience])
        .setSubject(event.subject)
        .setJti(event.id)
        .setIssuedAt()
        .sign(await importJWK(fic.privateJwk, 'ES256'))],
    ['a token without aid', async () => {
      return new SignJWT({})
        .setProtectedHeader({ alg: 'ES256' })
        .setIssuer(expectations.issuer)
        .setAudience([expectations.audience])
        .setSubject(event.subject)
        .setJti(event.id)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(await importJWK(fic.privateJwk, 'ES256'));
    }],
    ['a tampered payload', async () => {
      const [header, , signature] = (await signWebhookToken(fic.privateJwk, claimsFor(event))).split('.');
      const payload = base64url.encode(JSON.stringify({ iss: expectations.issuer, aud: [expectations.audience], sub: event.subject, jti: event.id, aid: expectations.appId, iat: now(), exp: now() + 99_999 }));
      return `${header}.${payload}.${signature}`;
    }],
  ];

  it.each(refusals)('refuses %s', async (_case, makeToken) => {
    const token = await makeToken();
    await expect(verified(token)).rejects.toBeInstanceOf(InvalidFicTokenError);
  });

  it.each([undefined, '', 'Basic dXNlcjpwYXNz', 'Bearer', 'Bearer not-a-jwt'])('refuses Authorization %j', async (authorization) => {
    await expect(verifyFicToken(authorization, fic.publicKey, expectations)).rejects.toBeInstanceOf(InvalidFicTokenError);
  });
});
