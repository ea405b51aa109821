import { describe, expect, it } from 'vitest';
import { billTo, FIC_CLIENT, INACTIVE_SERVICE, isBilledTo, samePayer } from '#shared/domain/services';
import { later, T0 } from './fixtures.ts';

const studioA = { kind: 'studio', studioId: 'a' } as const;
const studioB = { kind: 'studio', studioId: 'b' } as const;

describe('billing periods', () => {
  it('starting a service opens one period', () => {
    expect(billTo(INACTIVE_SERVICE, studioA, T0)).toEqual({ status: 'active', payer: studioA, history: [{ payer: studioA, from: T0 }] });
  });

  it('changing payer closes the running period at the same instant the new one opens: no gap, no overlap', () => {
    // Prepare
    const running = billTo(INACTIVE_SERVICE, studioA, T0);
    // Act
    const switched = billTo(running, FIC_CLIENT, later(60));
    // Assess
    expect(switched.history).toEqual([
      { payer: studioA, from: T0, to: later(60) },
      { payer: FIC_CLIENT, from: later(60) },
    ]);
  });

  it('billing the current payer again returns the state untouched', () => {
    const running = billTo(INACTIVE_SERVICE, FIC_CLIENT, T0);
    expect(billTo(running, FIC_CLIENT, later(60))).toBe(running);
  });

  it('compares payers by kind and Studio', () => {
    expect([samePayer(studioA, studioA), samePayer(studioA, studioB), samePayer(studioA, FIC_CLIENT), samePayer(FIC_CLIENT, FIC_CLIENT)]).toEqual([
      true,
      false,
      false,
      true,
    ]);
    expect(isBilledTo(INACTIVE_SERVICE, FIC_CLIENT)).toBe(false);
  });
});
