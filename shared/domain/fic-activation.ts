// The FIC `einvoicing.activated` event: the company switched on e-invoicing inside Fatture in Cloud.
// Case 3 creates the company; cases 1 and 2 ask the company to confirm by email.
import { activationEmail, isExpired, newPendingActivation } from './activation.ts';
import type { Actor } from './actor.ts';
import type { Company } from './company.ts';
import { isWithFicClient } from './company.ts';
import { isValidTaxCode, parseVatNumber } from './identifiers.ts';
import { isBefore } from './instant.ts';
import type { Instant } from './instant.ts';
import type { CompanyOutcome } from './outcome.ts';
import { billTo, FIC_CLIENT, INACTIVE_SERVICE } from './services.ts';
import type { TimelineEntry } from './timeline.ts';

export interface FicActivationEvent {
  eventId: string;
  ficCompanyId: string;
  vatNumber: string;
  taxCode?: string;
  name: string;
  /** When the company activated, according to FIC; orders events that arrive out of order. */
  activatedAt: Instant;
}

/** Values the caller draws in advance; each is used only if the outcome needs it. */
export interface FicActivationFresh {
  /** Id of the company, should this event create it (case 3). */
  companyId: string;
  /** Hash of a new random token, should a confirmation email be sent. */
  tokenHash: string;
}

export function applyFicActivation(
  existing: Company | undefined,
  event: FicActivationEvent,
  fresh: FicActivationFresh,
  now: Instant,
): CompanyOutcome {
  const vatNumber = parseVatNumber(event.vatNumber);
  const actor: Actor = { kind: 'fic', eventId: event.eventId };
  if (existing === undefined) return createFromFic(event, vatNumber, fresh.companyId, actor, now);

  const unchanged = (timeline: TimelineEntry[]): CompanyOutcome => ({
    company: existing,
    changed: false,
    timeline,
    effects: [],
  });
  const ignored = (reason: string): TimelineEntry => ({
    at: now,
    actor,
    action: 'ficActivationIgnored',
    details: { reason, activatedAt: event.activatedAt },
  });

  const recorded = existing.einvoicing;
  if (recorded.status === 'activated') {
    // A redelivery: it was applied already, including any email it caused.
    if (recorded.lastEventId === event.eventId) return unchanged([]);
    if (isBefore(event.activatedAt, recorded.activatedAt)) return unchanged([ignored('stale')]);
  }
  // Nothing left to switch: the company already pays for both services itself.
  if (isWithFicClient(existing)) return unchanged([ignored('alreadyWithFicClient')]);

  const activated: Company = {
    ...existing,
    ficCompanyId: event.ficCompanyId,
    einvoicing: { status: 'activated', activatedAt: event.activatedAt, lastEventId: event.eventId },
  };
  const received: TimelineEntry = {
    at: now,
    actor,
    action: 'ficActivationReceived',
    details: { activatedAt: event.activatedAt, ficCompanyId: event.ficCompanyId },
  };

  const pending = existing.pendingActivation;
  if (pending !== undefined && !isExpired(pending, now)) {
    // One email per pending confirmation; only an explicit resend sends another.
    return {
      company: activated,
      changed: true,
      timeline: [{ ...received, details: { ...received.details, confirmationAlreadyPending: true } }],
      effects: [],
    };
  }
  const pendingActivation = newPendingActivation(fresh.tokenHash, now);
  const company: Company = { ...activated, pendingActivation };
  const email = activationEmail(company, pendingActivation);
  return {
    company,
    changed: true,
    timeline: [
      received,
      { at: now, actor, action: 'activationRequested', details: { expiresAt: pendingActivation.expiresAt } },
    ],
    effects: [email],
  };
}

/** Case 3: the company acted in FIC itself, so no confirmation is needed and both services are its own. */
function createFromFic(
  event: FicActivationEvent,
  vatNumber: string,
  companyId: string,
  actor: Actor,
  now: Instant,
): CompanyOutcome {
  // A malformed Codice Fiscale from FIC is dropped rather than blocking the company's creation.
  const taxCode = event.taxCode?.trim().toUpperCase();
  const company: Company = {
    companyId,
    vatNumber,
    ...(taxCode !== undefined && isValidTaxCode(taxCode) ? { taxCode } : {}),
    name: event.name.trim(),
    ficCompanyId: event.ficCompanyId,
    createdBy: actor,
    createdAt: now,
    version: 1,
    services: {
      sdi: billTo(INACTIVE_SERVICE, FIC_CLIENT, now),
      eRicevi: billTo(INACTIVE_SERVICE, FIC_CLIENT, now),
    },
    einvoicing: { status: 'activated', activatedAt: event.activatedAt, lastEventId: event.eventId },
  };
  return {
    company,
    changed: true,
    timeline: [
      { at: now, actor, action: 'companyCreated', details: { vatNumber, name: company.name } },
      { at: now, actor, action: 'serviceActivated', details: { service: 'sdi', payer: { kind: 'ficClient' } } },
      { at: now, actor, action: 'serviceActivated', details: { service: 'eRicevi', payer: { kind: 'ficClient' } } },
    ],
    effects: [],
  };
}
