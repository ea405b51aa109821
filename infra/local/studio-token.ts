import { importJWK, SignJWT, type JWK } from 'jose';
import { studioIdClaim } from '#shared/config';

export interface StudioTokenRequest {
  studioId: string;
  issuer: string;
  audience: string;
  expiresInSeconds: number;
}

/** A token as the Studio identity provider issues it: the studio id travels in a claim. */
export async function mintStudioToken(privateJwk: JWK, request: StudioTokenRequest): Promise<string> {
  const key = await importJWK(privateJwk, 'ES256');
  return new SignJWT({ [studioIdClaim]: request.studioId })
    .setProtectedHeader({ alg: 'ES256', ...(privateJwk.kid ? { kid: privateJwk.kid } : {}) })
    .setSubject(`studio:${request.studioId}`)
    .setIssuer(request.issuer)
    .setAudience(request.audience)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + request.expiresInSeconds)
    .sign(key);
}
