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

export function createJwtAuthorizer(settings: JwtAuthorizerSettings) {
  const keySet = createLocalJWKSet(settings.jwks);
  return async (authorization: string | undefined): Promise<Record<string, string> | undefined> => {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '')?.[1];
    if (!token) return undefined;
    try {
      const { payload } = await jwtVerify(token, keySet, {
        issuer: settings.issuer,
        audience: settings.audience,
        algorithms: ['RS256', 'ES256'],
      });
      if (payload.exp === undefined) return undefined;
      return Object.fromEntries(Object.entries(payload).map(([name, value]) => [name, claimAsString(value)]));
    } catch {
      return undefined;
    }
  };
}

/** API Gateway flattens claims to strings; arrays look like `[a b]`. */
function claimAsString(value: unknown): string {
  if (Array.isArray(value)) return `[${value.join(' ')}]`;
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}
