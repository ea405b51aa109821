// An explicit "send the confirmation email again", from a connected Studio or the system.
import { activationEmail, newPendingActivation, RESEND_MIN_INTERVAL_SECONDS } from './activation.ts';
import type { StudioActor } from './actor.ts';
import type { Company } from './company.ts';
import { requireActiveConnection } from './connection.ts';
import type { Connection } from './connection.ts';
import { ActivationNotPendingError, ResendTooSoonError } from './errors.ts';
import { secondsBetween } from './instant.ts';
import type { Instant } from './instant.ts';
import type { CompanyOutcome } from './outcome.ts';

export interface ResendActivation {
  /** Only a Studio asks for a resend, and only one actively connected to the company. */
  by: StudioActor;
  /** Hash of a new random token: the new email carries a new link. */
  tokenHash: string;
}

/**
 * Replaces the pending activation, so the previous link stops working (its hash no longer matches).
 * An expired one may be resent too: that is how a company that missed the first email gets another.
 * `connection` is the requesting Studio's connection; a Studio must be actively connected.
 */
export function resendActivation(
  company: Company,
  connection: Connection | undefined,
  command: ResendActivation,
  now: Instant,
): CompanyOutcome {
  requireActiveConnection(connection, command.by.studioId, company.companyId);
  const previous = company.pendingActivation;
  if (previous === undefined) throw new ActivationNotPendingError(company.companyId);
  const elapsed = secondsBetween(previous.requestedAt, now);
  if (elapsed < RESEND_MIN_INTERVAL_SECONDS) {
    throw new ResendTooSoonError(company.companyId, Math.ceil(RESEND_MIN_INTERVAL_SECONDS - elapsed));
  }
  const pendingActivation = newPendingActivation(command.tokenHash, now);
  const updated: Company = { ...company, pendingActivation };
  return {
    company: updated,
    changed: true,
    timeline: [
      { at: now, actor: command.by, action: 'activationResent', details: { expiresAt: pendingActivation.expiresAt } },
    ],
    effects: [activationEmail(updated, pendingActivation)],
  };
}
