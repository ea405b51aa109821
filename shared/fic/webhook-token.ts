/**
 * FIC's webhook token: `Authorization: Bearer <JWT>` on every call, signed ES256. The body is not
 * signed, so the token is bound to the event through `jti` (= event id) and `sub` (= subject):
 * a token captured from one delivery cannot authenticate another event.
 */
import { errors, jwtVerify, type JWTPayload, type CryptoKey, type KeyObject } from 'jose';

export interface FicTokenExpectations {
  issuer: string;
  /** This endpoint's public URL: must be one of the token's `aud` values. */
  audience: string;
  /** Our FIC app id: the `aid` claim. */
  appId: string;
  /** Leeway for clock skew on `exp` and `iat`. */
  clockToleranceSeconds?: number;
  currentDate?: Date;
}

export interface FicTokenClaims extends JWTPayload {
  iss: string;
  sub: string;
  jti: string;
  aud: string | string[];
  iat: number;
  exp: number;
  aid: string;
}

export type FicPublicKey = CryptoKey | KeyObject;

export class InvalidFicTokenError extends Error {
  override name = 'InvalidFicTokenError';
  constructor(
    /** Why, for the log (never sent back beyond a generic description). */
    readonly reason: string,
    /** The signature did not verify with the key we hold: the key may have been rotated since we loaded it. */
    readonly signatureMismatch = false,
  ) {
    super(`FIC webhook token refused: ${reason}`);
  }
}

export const defaultClockToleranceSeconds = 60;
/** FIC's tokens expire 3 hours after issue: one claiming to live longer is not FIC's. */
const maxTokenAgeSeconds = 3 * 60 * 60;

export function bearerToken(authorization: string | undefined): string {
  const match = /^Bearer[ ]+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)\s*$/i.exec(authorization ?? '');
  if (!match) throw new InvalidFicTokenError(authorization ? 'not a Bearer JWT' : 'no Authorization header');
  return match[1]!;
}

/** Verifies signature (ES256 only), `iss`, `aud`, `exp`, `iat` and `aid`; not yet the event binding. */
export async function verifyFicToken(authorization: string | undefined, key: FicPublicKey, expected: FicTokenExpectations): Promise<FicTokenClaims> {
  const token = bearerToken(authorization);
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, key, {
      algorithms: ['ES256'],
      issuer: expected.issuer,
      audience: expected.audience,
      clockTolerance: expected.clockToleranceSeconds ?? defaultClockToleranceSeconds,
      // Makes `iat` required and refuses one in the future beyond the tolerance.
      maxTokenAge: maxTokenAgeSeconds,
      requiredClaims: ['iss', 'sub', 'jti', 'aud', 'iat', 'exp', 'aid'],
      ...(expected.currentDate ? { currentDate: expected.currentDate } : {}),
    }));
  } catch (error) {
    throw new InvalidFicTokenError(describe(error), error instanceof errors.JWSSignatureVerificationFailed);
  }
  if (payload.aid !== expected.appId) throw new InvalidFicTokenError('aid is not our FIC app id');
  if (typeof payload.sub !== 'string' || typeof payload.jti !== 'string') throw new InvalidFicTokenError('sub and jti must be strings');
  return payload as FicTokenClaims;
}

/** The token was issued for this very event. */
export function assertTokenBindsEvent(claims: FicTokenClaims, event: { id: string; subject: string }): void {
  if (claims.jti !== event.id) throw new InvalidFicTokenError('jti does not match the event id');
  if (claims.sub !== event.subject) throw new InvalidFicTokenError('sub does not match the event subject');
}

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return `expired (${error.claim})`;
  if (error instanceof errors.JWTClaimValidationFailed) return `claim ${error.claim} invalid: ${error.reason}`;
  if (error instanceof errors.JOSEAlgNotAllowed) return 'algorithm not allowed (ES256 only)';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signature does not verify';
  if (error instanceof errors.JOSEError) return `${error.code}: ${error.message}`;
  return 'unreadable token';
}
