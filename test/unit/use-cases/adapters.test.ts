// The small pure pieces under the use cases: ids, tokens, cursors, the activation link.
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '#shared/adapters/dynamodb/cursor';
import { studioConnectionIndex, timelineKey } from '#shared/adapters/dynamodb/keys';
import { withoutUndefined } from '#shared/adapters/dynamodb/items';
import { hashToken, randomTokenIssuer, sameSecret } from '#shared/adapters/tokens';
import { activationLink, newId, retryOnConflict } from '#shared/use-cases/common';
import { ConcurrentModificationError, InvalidCursorError } from '#shared/use-cases/errors';

describe('tokens', () => {
  it('issues 256-bit base64url tokens and stores only their SHA-256 hex hash', () => {
    const issued = randomTokenIssuer.issue();

    expect(issued.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(issued.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(randomTokenIssuer.hash(issued.token)).toBe(issued.tokenHash);
    expect(randomTokenIssuer.issue().token).not.toBe(issued.token);
    expect(sameSecret(issued.tokenHash, hashToken(issued.token))).toBe(true);
    expect(sameSecret(issued.tokenHash, hashToken('x'))).toBe(false);
  });
});

describe('ids', () => {
  it('are 26 Crockford base32 characters that sort by time and fit FIC request ids', () => {
    const earlier = newId(1_700_000_000_000);
    const later = newId(1_700_000_000_001);

    expect(earlier).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(earlier < later).toBe(true);
    expect(newId()).toMatch(/^[A-Za-z0-9_:.-]+$/);
  });
});

describe('cursors', () => {
  const expected = { pk: (v: string) => v === 'COMPANY#1', sk: (v: string) => v.startsWith('TIMELINE#') };

  it('round-trip a key this list issued', () => {
    const key = { pk: 'COMPANY#1', sk: 'TIMELINE#2025-01-01T00:00:00.000Z#ab#000' };
    expect(decodeCursor(encodeCursor(key), expected)).toEqual(key);
    expect(decodeCursor(undefined, expected)).toBeUndefined();
  });

  it.each([
    ['not base64url', '%%%'],
    ['not JSON', Buffer.from('{').toString('base64url')],
    ['an array', encodeCursor({ 0: 'x' })!],
    ['another partition', encodeCursor({ pk: 'COMPANY#2', sk: 'TIMELINE#x' })!],
    ['another item kind', encodeCursor({ pk: 'COMPANY#1', sk: 'CONNECTION#s' })!],
    ['an extra attribute', encodeCursor({ pk: 'COMPANY#1', sk: 'TIMELINE#x', gsi1pk: 'x' })!],
    ['a non-string value', encodeCursor({ pk: 'COMPANY#1', sk: { S: 'TIMELINE#x' } })!],
    ['too long', 'A'.repeat(5000)],
  ])('reject %s', (_, cursor) => {
    expect(() => decodeCursor(cursor, expected)).toThrow(InvalidCursorError);
  });
});

describe('keys and items', () => {
  it('order connections by name without case or accents, and timeline entries by instant then position', () => {
    expect(studioConnectionIndex('s', "Àrte #1 D'Oro", 'c').gsi1sk).toBe("arte  1 d'oro#c");
    const a = timelineKey('c', '2025-01-01T00:00:00.000Z', 'ff', 2).sk;
    const b = timelineKey('c', '2025-01-01T00:00:00.000Z', 'ff', 10).sk;
    expect(a < b).toBe(true);
  });

  it('never write undefined attributes', () => {
    expect(withoutUndefined({ a: 1, b: undefined, c: { d: undefined, e: [1, { f: undefined }] } })).toEqual({ a: 1, c: { e: [1, {}] } });
  });

  it('build the activation link under the public base URL', () => {
    expect(activationLink('https://agyo.example/', 'T')).toBe('https://agyo.example/v1/activations/T');
  });
});

describe('retryOnConflict', () => {
  it('retries only concurrent modifications, reading again each time', async () => {
    let calls = 0;
    const result = await retryOnConflict(async (attempt) => {
      calls++;
      if (attempt < 3) throw new ConcurrentModificationError('Company');
      return attempt;
    });
    expect(result).toBe(3);
    expect(calls).toBe(3);
    await expect(retryOnConflict(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });
});
