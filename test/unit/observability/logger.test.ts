import { describe, expect, it } from 'vitest';
import { maskAttributes, maskValue } from '#shared/observability/logger';

describe('log masking', () => {
  it('masks emails and VAT numbers but keeps enough to correlate', () => {
    expect(maskValue('email', 'mario.rossi@example.it')).toBe('m***@example.it');
    expect(maskValue('vatNumber', '01234560017')).toBe('********017');
  });

  it('redacts secrets, JWTs and activation links wherever they appear', () => {
    const masked = maskAttributes({
      token: 'raw-token',
      nested: { confirmUrl: 'http://x/v1/activations/abc' },
      note: 'Authorization: Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln',
      path: '/v1/activations/Zm9vYmFy-_x',
      error: new Error('bad eyJa.eyJb.c'),
    }) as Record<string, unknown>;

    expect(JSON.stringify(masked)).not.toMatch(/raw-token|eyJ|Zm9vYmFy|\/activations\/abc/);
    expect(masked.path).toBe('/v1/activations/[token]');
  });

  it('masks email addresses and Partita IVA numbers inside free text, such as an SES or domain error message', () => {
    const masked = maskAttributes({
      reason: 'Invalid Partita IVA "01234560018": the check digit should be 7, not 8',
      error: new Error('Email address is not verified. The following identities failed the check in region EU-SOUTH-1: mario.rossi@example.it'),
    });

    expect(JSON.stringify(masked)).not.toMatch(/01234560018|mario\.rossi@/);
    expect(JSON.stringify(masked)).toContain('********018');
    expect(JSON.stringify(masked)).toContain('m***@example.it');
  });
});
