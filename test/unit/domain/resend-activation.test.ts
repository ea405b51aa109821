import { describe, expect, it } from 'vitest';
import { ACTIVATION_TTL_SECONDS, RESEND_MIN_INTERVAL_SECONDS } from '#shared/domain/activation';
import { ActivationNotPendingError, NotConnectedError, ResendTooSoonError } from '#shared/domain/errors';
import { resendActivation } from '#shared/domain/resend-activation';
import { awaitingConfirmation, createdByStudio, later, OTHER_STUDIO, STUDIO } from './fixtures.ts';

const SENT = later(3600);
const byStudio = { kind: 'studio', studioId: STUDIO, channel: 'portal' } as const;

describe('resendActivation', () => {
  it('replaces the pending activation (revoking the old link) and sends a new email', () => {
    // Prepare
    const company = awaitingConfirmation();
    const { connection } = createdByStudio();
    const now = later(RESEND_MIN_INTERVAL_SECONDS, SENT);
    // Act
    const outcome = resendActivation(company, connection, { by: byStudio, tokenHash: 'hash-2' }, now);
    // Assess
    expect(outcome.company.pendingActivation).toEqual({
      tokenHash: 'hash-2',
      requestedAt: now,
      expiresAt: later(ACTIVATION_TTL_SECONDS, now),
    });
    expect(outcome.effects).toEqual([expect.objectContaining({ kind: 'sendActivationEmail', tokenHash: 'hash-2' })]);
    expect(outcome.timeline).toEqual([
      { at: now, actor: byStudio, action: 'activationResent', details: { expiresAt: later(ACTIVATION_TTL_SECONDS, now) } },
    ]);
  });

  it('also works once the pending one has expired', () => {
    const company = awaitingConfirmation();
    const { connection } = createdByStudio();
    const now = later(ACTIVATION_TTL_SECONDS + 10, SENT);
    expect(resendActivation(company, connection, { by: byStudio, tokenHash: 'hash-2' }, now).effects).toHaveLength(1);
  });

  it('refuses within the rate limit, saying when to retry', () => {
    // Prepare
    const company = awaitingConfirmation();
    const { connection } = createdByStudio();
    // Act
    const attempt = () => resendActivation(company, connection, { by: byStudio, tokenHash: 'hash-2' }, later(15, SENT));
    // Assess
    expect(attempt).toThrow(ResendTooSoonError);
    expect(attempt).toThrow(expect.objectContaining({ retryAfterSeconds: RESEND_MIN_INTERVAL_SECONDS - 15 }));
  });

  it('refuses when nothing is pending', () => {
    const { company, connection } = createdByStudio();
    expect(() => resendActivation(company, connection, { by: byStudio, tokenHash: 'hash-2' }, SENT)).toThrow(ActivationNotPendingError);
  });

  it('refuses a Studio without an active connection', () => {
    const company = awaitingConfirmation();
    const by = { kind: 'studio', studioId: OTHER_STUDIO, channel: 'lynfa' } as const;
    expect(() => resendActivation(company, undefined, { by, tokenHash: 'hash-2' }, later(600, SENT))).toThrow(NotConnectedError);
  });
});
