/**
 * Synthetic Italian identifiers for local use (tests, the demo, the FIC simulator's CLI): random,
 * valid, and unlikely to collide with one used earlier on the same persistent local data.
 */
import { randomInt } from 'node:crypto';
import { vatNumberWithCheckDigit } from '#shared/domain/identifiers';

/** A valid Partita IVA: 7 random digits, a provincial office code (001-100), the check digit. */
export function randomVatNumber(): string {
  const serial = String(randomInt(0, 10_000_000)).padStart(7, '0');
  const office = String(randomInt(1, 101)).padStart(3, '0');
  return vatNumberWithCheckDigit(serial + office);
}
