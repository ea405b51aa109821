// Pagination cursors: the opaque base64url of DynamoDB's LastEvaluatedKey, checked on the way back in
// so that a forged or foreign cursor can neither read another list nor reach DynamoDB malformed.
import { InvalidCursorError } from '#shared/use-cases/errors';

const MAX_CURSOR_LENGTH = 2048;

export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  return key === undefined ? undefined : Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/**
 * `expected` names every attribute the key must have, each with a check of its value; any other
 * attribute, a non-string value or a failed check makes the cursor invalid.
 */
export function decodeCursor(
  cursor: string | undefined,
  expected: Record<string, (value: string) => boolean>,
): Record<string, string> | undefined {
  if (cursor === undefined) return undefined;
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw new InvalidCursorError();
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InvalidCursorError();
  const entries = Object.entries(parsed);
  const names = Object.keys(expected);
  if (entries.length !== names.length) throw new InvalidCursorError();
  const key: Record<string, string> = {};
  for (const [name, value] of entries) {
    const check = expected[name];
    if (check === undefined || typeof value !== 'string' || !check(value)) throw new InvalidCursorError();
    key[name] = value;
  }
  return key;
}
