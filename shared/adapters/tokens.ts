// Confirmation-link tokens: 256 random bits, base64url (43 characters, URL-safe, no padding).
// Only the SHA-256 hash is stored, so a copy of the table gives no usable link.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IssuedToken, TokenIssuer } from '#shared/use-cases/ports';

export const TOKEN_BYTES = 32;

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export const randomTokenIssuer: TokenIssuer = {
  issue(): IssuedToken {
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    return { token, tokenHash: hashToken(token) };
  },
  hash: hashToken,
};

/** Constant-time comparison of two hex hashes (or any two strings), for code that compares secrets. */
export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
