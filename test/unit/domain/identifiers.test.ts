import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InvalidTaxCodeError, InvalidVatNumberError } from '#shared/domain/errors';
import {
  isValidOfficeCode,
  isValidTaxCode,
  isValidVatNumber,
  parseTaxCode,
  parseVatNumber,
  taxCodeCheckLetter,
  vatNumberCheckDigit,
  vatNumberWithCheckDigit,
} from '#shared/domain/identifiers';

function vatError(input: string): InvalidVatNumberError {
  try {
    parseVatNumber(input);
  } catch (error) {
    if (error instanceof InvalidVatNumberError) return error;
    throw error;
  }
  throw new Error(`expected ${input} to be rejected`);
}

function taxCodeError(input: string): InvalidTaxCodeError {
  try {
    parseTaxCode(input);
  } catch (error) {
    if (error instanceof InvalidTaxCodeError) return error;
    throw error;
  }
  throw new Error(`expected ${input} to be rejected`);
}

const digits = (length: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: length, maxLength: length }).map((d) => d.join(''));
const validOfficeCode = fc.oneof(
  fc.integer({ min: 1, max: 100 }).map((n) => String(n).padStart(3, '0')),
  fc.constantFrom('120', '121', '888', '999'),
);
const validVatNumber = fc
  .tuple(digits(7), validOfficeCode)
  .map(([first7, office]) => vatNumberWithCheckDigit(first7 + office))
  .filter((vat) => !/^0+$/.test(vat));

describe('Partita IVA check digit', () => {
  it('computes the check digit by hand-checkable examples', () => {
    // Prepare: 0000000001 → only position 10 (even) counts: 1 doubled = 2 → (10 - 2) % 10 = 8.
    // 0123456001 → odd positions 0+2+4+6+0 = 12; even 1→2, 3→6, 5→1, 0→0, 1→2 = 11; 23 → 7.
    // Act / Assess
    expect(vatNumberCheckDigit('0000000001')).toBe(8);
    expect(vatNumberCheckDigit('0123456001')).toBe(7);
    expect(vatNumberWithCheckDigit('0000001001')).toBe('00000010017');
  });

  it('refuses anything but 10 digits', () => {
    expect(() => vatNumberCheckDigit('123')).toThrow(RangeError);
    expect(() => vatNumberCheckDigit('012345600A')).toThrow(RangeError);
  });

  it('property: every number completed by the helper is valid', () => {
    fc.assert(
      fc.property(validVatNumber, (vat) => {
        expect(parseVatNumber(vat)).toBe(vat);
      }),
    );
  });

  it('property: changing any single digit breaks the check digit', () => {
    fc.assert(
      fc.property(validVatNumber, fc.integer({ min: 0, max: 10 }), fc.integer({ min: 1, max: 9 }), (vat, at, delta) => {
        // Prepare
        const changed = vat.slice(0, at) + String((Number(vat[at]) + delta) % 10) + vat.slice(at + 1);
        // Act / Assess
        expect(vatNumberCheckDigit(changed.slice(0, 10)) === Number(changed[10])).toBe(false);
      }),
    );
  });
});

describe('parseVatNumber', () => {
  it.each([
    ['leading zeros', vatNumberWithCheckDigit('0000000001')],
    ['leading zeros, office 100', vatNumberWithCheckDigit('0000010100')],
    ['office 120', vatNumberWithCheckDigit('1234567120')],
    ['office 121', vatNumberWithCheckDigit('1234567121')],
    ['office 888', vatNumberWithCheckDigit('1234567888')],
    ['office 999', vatNumberWithCheckDigit('1234567999')],
  ])('accepts a valid number (%s) and keeps it a string with its zeros', (_label, vat) => {
    // Act
    const parsed = parseVatNumber(vat);
    // Assess
    expect(parsed).toBe(vat);
    expect(parsed).toHaveLength(11);
  });

  it('trims surrounding spaces', () => {
    expect(parseVatNumber('  00000000018 ')).toBe('00000000018');
  });

  it.each([
    ['too short', '0123456001'],
    ['too long', '012345600170'],
    ['a letter', '01234560O17'],
    ['IT prefix', 'IT01234560017'],
    ['inner space', '01234 560017'],
    ['empty', ''],
    ['all zeros', '00000000000'],
  ])('rejects the format: %s', (_label, input) => {
    // Act
    const error = vatError(input);
    // Assess
    expect(error.reason).toBe('format');
    expect(error.name).toBe('InvalidVatNumberError');
  });

  it.each(['000', '101', '119', '122', '500', '887', '889', '998'])('rejects office code %s', (office) => {
    // Prepare: a correct check digit, so only the office code is wrong.
    const vat = vatNumberWithCheckDigit(`1234567${office}`);
    // Act
    const error = vatError(vat);
    // Assess
    expect(error.reason).toBe('officeCode');
    expect(error.message).toContain(office);
  });

  it('rejects a wrong check digit and says which one is expected', () => {
    // Prepare: correct is 01234560017
    // Act
    const error = vatError('01234560018');
    // Assess
    expect(error.reason).toBe('checkDigit');
    expect(error.message).toContain('should be 7');
  });

  it('offers a boolean form', () => {
    expect(isValidVatNumber('01234560017')).toBe(true);
    expect(isValidVatNumber('01234560010')).toBe(false);
  });

  it('knows the office-code boundaries', () => {
    expect([isValidOfficeCode('001'), isValidOfficeCode('100'), isValidOfficeCode('000'), isValidOfficeCode('101')]).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
});

describe('parseTaxCode', () => {
  it('computes the check letter with the official tables', () => {
    // The textbook examples of the Codice Fiscale algorithm.
    expect(taxCodeCheckLetter('RSSMRA85T10A562')).toBe('S');
    expect(taxCodeCheckLetter('RSSMRA80A01H501')).toBe('U');
  });

  it('accepts a personal code, upper-casing and trimming it', () => {
    expect(parseTaxCode('  rssmra85t10a562s ')).toBe('RSSMRA85T10A562S');
  });

  it('accepts a code with omocodia letters in digit positions', () => {
    // Prepare: the last digit 2 of RSSMRA85T10A562 replaced by its letter N, with the check letter recomputed.
    const first15 = 'RSSMRA85T10A56N';
    const code = first15 + taxCodeCheckLetter(first15);
    // Act / Assess
    expect(parseTaxCode(code)).toBe(code);
  });

  it('accepts the 11-digit company form with the Partita IVA check digit', () => {
    expect(parseTaxCode('01234560017')).toBe('01234560017');
    // Non-commercial bodies: numeric codes that are not Partite IVA, checked on the digit only.
    const body = vatNumberWithCheckDigit('9700000000');
    expect(parseTaxCode(body)).toBe(body);
  });

  it.each([
    ['too short', 'RSSMRA85T10A562'],
    ['bad month letter', 'RSSMRA85F10A562S'],
    ['letter outside omocodia set in a digit position', 'RSSMRA85T1AA562S'],
    ['digit in a letter position', 'RSSMR185T10A562S'],
    ['12 digits', '012345600170'],
  ])('rejects the format: %s', (_label, input) => {
    expect(taxCodeError(input).reason).toBe('format');
  });

  it('rejects a wrong check letter', () => {
    const error = taxCodeError('RSSMRA85T10A562T');
    expect(error.reason).toBe('checkLetter');
    expect(error.message).toContain('should be S');
  });

  it('rejects a wrong check digit in the company form', () => {
    expect(taxCodeError('01234560018').reason).toBe('checkDigit');
  });

  it('offers a boolean form', () => {
    expect(isValidTaxCode('RSSMRA85T10A562S')).toBe(true);
    expect(isValidTaxCode('RSSMRA85T10A562X')).toBe(false);
  });
});
