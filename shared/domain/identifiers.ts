// Italian identifiers. Always strings: a Partita IVA may start with zeros, and a number type would drop them.
import { InvalidTaxCodeError, InvalidVatNumberError } from './errors.ts';

const ELEVEN_DIGITS = /^\d{11}$/;

/**
 * Check digit shared by Partita IVA and the numeric Codice Fiscale: digits in odd positions (1st, 3rd, …)
 * count as they are, digits in even positions are doubled (minus 9 when the double exceeds 9).
 */
export function vatNumberCheckDigit(first10: string): number {
  if (!/^\d{10}$/.test(first10)) {
    throw new RangeError(`vatNumberCheckDigit expects 10 digits, got "${first10}"`);
  }
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    const digit = Number(first10[i]);
    // i is 0-based, so even i is an odd (1-based) position.
    if (i % 2 === 0) {
      sum += digit;
    } else {
      const doubled = digit * 2;
      sum += doubled > 9 ? doubled - 9 : doubled;
    }
  }
  return (10 - (sum % 10)) % 10;
}

/** Completes 10 digits into a Partita IVA with the right check digit (for tests, demo and simulator). */
export function vatNumberWithCheckDigit(first10: string): string {
  return first10 + String(vatNumberCheckDigit(first10));
}

/**
 * Codice ufficio (digits 8-10): 001-100 provincial offices, 120 and 121 special offices,
 * 888 and 999 special attributions (the latter two assigned centrally by the Agenzia delle Entrate).
 */
export function isValidOfficeCode(code: string): boolean {
  if (!/^\d{3}$/.test(code)) return false;
  const n = Number(code);
  return (n >= 1 && n <= 100) || n === 120 || n === 121 || n === 888 || n === 999;
}

/** Trims and validates a Partita IVA; returns it unchanged otherwise, or throws InvalidVatNumberError. */
export function parseVatNumber(input: string): string {
  const value = input.trim();
  if (!ELEVEN_DIGITS.test(value)) {
    throw new InvalidVatNumberError(value, 'format', 'it must be exactly 11 digits (no IT prefix, no spaces)');
  }
  if (/^0+$/.test(value)) {
    throw new InvalidVatNumberError(value, 'format', 'it cannot be all zeros');
  }
  const officeCode = value.slice(7, 10);
  if (!isValidOfficeCode(officeCode)) {
    throw new InvalidVatNumberError(
      value,
      'officeCode',
      `office code (codice ufficio, digits 8-10) ${officeCode} is not 001-100, 120, 121, 888 or 999`,
    );
  }
  const expected = vatNumberCheckDigit(value.slice(0, 10));
  if (Number(value[10]) !== expected) {
    throw new InvalidVatNumberError(value, 'checkDigit', `the check digit should be ${expected}, not ${value[10]}`);
  }
  return value;
}

export function isValidVatNumber(input: string): boolean {
  try {
    parseVatNumber(input);
    return true;
  } catch {
    return false;
  }
}

// Codice Fiscale of a person. Omocodia: when two people would share a code, digits are replaced
// by these letters (0→L … 9→V), so letters may stand where digits are expected.
// Month letters are ABCDEHLMPRST (January to December).
const PERSONAL_TAX_CODE =
  /^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$/;

// Official value tables for the check letter, indexed by 'A'..'Z' (digits 0-9 take the value of A-J).
const ODD_POSITION_VALUES = [
  1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
];

function characterIndex(ch: string): number {
  const code = ch.charCodeAt(0);
  return code >= 48 && code <= 57 ? code - 48 : code - 65;
}

/** Check letter (carattere di controllo) of a personal Codice Fiscale, from its first 15 characters. */
export function taxCodeCheckLetter(first15: string): string {
  const value = first15.toUpperCase();
  if (!/^[A-Z0-9]{15}$/.test(value)) {
    throw new RangeError(`taxCodeCheckLetter expects 15 letters or digits, got "${first15}"`);
  }
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const index = characterIndex(value.charAt(i));
    // 1-based odd positions use the odd table; even positions take the character's plain value.
    sum += i % 2 === 0 ? (ODD_POSITION_VALUES[index] ?? 0) : index;
  }
  return String.fromCharCode(65 + (sum % 26));
}

/**
 * Trims, upper-cases and validates a Codice Fiscale: the 11-digit form of companies or the 16-character
 * form of people (sole traders). Throws InvalidTaxCodeError.
 */
export function parseTaxCode(input: string): string {
  const value = input.trim().toUpperCase();
  if (ELEVEN_DIGITS.test(value)) {
    // Only the check digit: numeric codes of non-commercial bodies (starting with 8 or 9) are not
    // Partite IVA, so the office-code rule of parseVatNumber is not theirs to pass.
    const expected = vatNumberCheckDigit(value.slice(0, 10));
    if (Number(value[10]) !== expected) {
      throw new InvalidTaxCodeError(value, 'checkDigit', `the check digit should be ${expected}, not ${value[10]}`);
    }
    if (/^0+$/.test(value)) throw new InvalidTaxCodeError(value, 'format', 'it cannot be all zeros');
    return value;
  }
  if (!PERSONAL_TAX_CODE.test(value)) {
    throw new InvalidTaxCodeError(
      value,
      'format',
      'it must be 11 digits (company) or 16 characters in the form LLLLLLDDLDDLDDDL (person)',
    );
  }
  const expected = taxCodeCheckLetter(value.slice(0, 15));
  if (value[15] !== expected) {
    throw new InvalidTaxCodeError(value, 'checkLetter', `the check letter should be ${expected}, not ${value[15]}`);
  }
  return value;
}

export function isValidTaxCode(input: string): boolean {
  try {
    parseTaxCode(input);
    return true;
  } catch {
    return false;
  }
}
