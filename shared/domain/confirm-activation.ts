// The company pressed the button in the confirmation email: both services become the FIC client's.
// Case 1: they start for the FIC client. Case 2: they pass from the Studio to the FIC client, the Studio's
// billing ending at this very instant. One extended: that one passes, the other starts.
import type { Company } from './company.ts';
import { isExpired } from './activation.ts';
import { ActivationExpiredError, ActivationNotPendingError, ActivationTokenMismatchError } from './errors.ts';
import type { Instant } from './instant.ts';
import type { CompanyOutcome } from './outcome.ts';
import { billTo, FIC_CLIENT, SERVICE_KINDS } from './services.ts';
import type { Payer, ServiceKind } from './services.ts';
import type { TimelineEntry } from './timeline.ts';

export interface ConfirmActivation {
  /** Hash of the token in the link; the repository found the company by it, this double-checks. */
  tokenHash: string;
}

export interface PayerChange {
  service: ServiceKind;
  /** Null when the service is not active yet. */
  before: Payer | null;
  after: Payer;
}

/** What confirming would do, for the page the link opens (shown before the explicit button press). */
export function activationPreview(company: Company): PayerChange[] {
  return SERVICE_KINDS.map((service) => {
    const state = company.services[service];
    return { service, before: state.status === 'active' ? state.payer : null, after: FIC_CLIENT };
  });
}

export function confirmActivation(company: Company, command: ConfirmActivation, now: Instant): CompanyOutcome {
  const pending = company.pendingActivation;
  if (pending === undefined) throw new ActivationNotPendingError(company.companyId);
  if (pending.tokenHash !== command.tokenHash) throw new ActivationTokenMismatchError(company.companyId);
  if (isExpired(pending, now)) throw new ActivationExpiredError(company.companyId, pending.expiresAt);

  const actor = { kind: 'company' } as const;
  const timeline: TimelineEntry[] = [{ at: now, actor, action: 'activationConfirmed', details: {} }];
  for (const change of activationPreview(company)) {
    if (change.before === null) {
      timeline.push({ at: now, actor, action: 'serviceActivated', details: { service: change.service, payer: change.after } });
    } else if (change.before.kind === 'studio') {
      timeline.push({
        at: now,
        actor,
        action: 'servicePayerChanged',
        details: { service: change.service, from: change.before, to: change.after },
      });
    }
  }
  const { pendingActivation: _consumed, ...rest } = company;
  return {
    company: {
      ...rest,
      services: {
        sdi: billTo(company.services.sdi, FIC_CLIENT, now),
        eRicevi: billTo(company.services.eRicevi, FIC_CLIENT, now),
      },
    },
    changed: true,
    timeline,
    effects: [],
  };
}
