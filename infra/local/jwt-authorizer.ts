/**
 * What API Gateway's JWT authorizer does, locally: token from the Authorization header, signature
 * against the issuer's key set, `iss`, `aud`, `exp`/`nbf`; on success the claims (as strings) go
 * under `requestContext.authorizer.jwt.claims`; on failure 401 before any handler runs.
 */
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';

export interface JwtAuthorizerSettings {
  issuer: string;
  audience: string[];
  jwks: JSONWebKeySet;
}

/** Claims when the token passes; otherwise why not (for the local log only: the client gets a bare 401, as on AWS). */
export type AuthorizerDecision = { claims: Record<string, string> } | { refusal: string };

export function createJwtAuthorizer(settings: JwtAuthorizerSettings) {
  const keySet = createLocalJWKSet(settings.jwks);
  return async (authorization: string | undefined): Promise<AuthorizerDecision> => {
    if (!authorization) return { refusal: 'no Authorization header' };
    const token = /^Bearer\s+(\S+)$/i.exec(authorization.trim())?.[1];
    if (!token) return { refusal: 'the Authorization header is not "Bearer <token>"' };
    try {
      const { payload } = await jwtVerify(token, keySet, {
        issuer: settings.issuer,
        audience: settings.audience,
        algorithms: ['RS256', 'ES256'],
      });
      if (payload.exp === undefined) return { refusal: 'the token has no exp claim' };
      return { claims: Object.fromEntries(Object.entries(payload).map(([name, value]) => [name, claimAsString(value)])) };
    } catch (error) {
      // jose's codes say what failed (ERR_JWT_EXPIRED, ERR_JWS_SIGNATURE_VERIFICATION_FAILED, ...) without the token.
      return { refusal: (error as { code?: string }).code ?? 'the token could not be read' };
    }
  };
}

/** API Gateway flattens claims to strings; arrays look like `[a b]`. */
function claimAsString(value: unknown): string {
  if (Array.isArray(value)) return `[${value.join(' ')}]`;
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}
