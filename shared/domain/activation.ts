// Lifetime of the confirmation email (conferma attivazione) shared by the rules that send it.
import type { Company, PendingActivation } from './company.ts';
import type { Effect } from './effects.ts';
import { MissingCompanyEmailError } from './errors.ts';
import { addSeconds, isBefore } from './instant.ts';
import type { Instant } from './instant.ts';

/** A week: long enough for a company that reads its mail weekly, short enough to bound a leaked link. */
export const ACTIVATION_TTL_SECONDS = 7 * 24 * 60 * 60;

/** Minimum gap between two confirmation emails, so a double click or a script cannot flood the inbox. */
export const RESEND_MIN_INTERVAL_SECONDS = 60;

export function newPendingActivation(tokenHash: string, now: Instant): PendingActivation {
  return { tokenHash, requestedAt: now, expiresAt: addSeconds(now, ACTIVATION_TTL_SECONDS) };
}

export function isExpired(pending: PendingActivation, now: Instant): boolean {
  return !isBefore(now, pending.expiresAt);
}

export function activationEmail(company: Company, pending: PendingActivation): Effect {
  // The address on Agyo, never one from FIC: the Studio (or the company) registered it with us.
  if (company.email === undefined) throw new MissingCompanyEmailError(company.companyId);
  return {
    kind: 'sendActivationEmail',
    companyId: company.companyId,
    to: company.email,
    companyName: company.name,
    tokenHash: pending.tokenHash,
    expiresAt: pending.expiresAt,
  };
}
