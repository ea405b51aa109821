/**
 * The FIC event processor's use case. Exactly-once in effect on top of at-least-once delivery:
 * - the event's marker (FICEVENT#<id>) is written in the transaction of its state change, so a
 *   duplicate, sequential or concurrent, cannot change anything a second time;
 * - an email owed by the change is recorded in that marker (`effectsDone: false`, and a lease naming who
 *   sends it); the sender marks it done after sending. The raw token is never stored: a redelivery that
 *   finds the email still owed (the sender crashed or failed) and the lease free issues a fresh token for
 *   the same pending activation (revoking the unsent one) and sends it. Concurrent duplicates see the
 *   lease and leave the email to its holder.
 */
import { isExpired } from '#shared/domain/activation';
import { confirmConnection, rejectConnection } from '#shared/domain/connection-response';
import {
  ConnectionAlreadyActiveError,
  ConnectionAlreadyRejectedError,
  CompanyAlreadyExistsError,
  InvalidTaxCodeError,
  InvalidVatNumberError,
  MissingCompanyEmailError,
  UnknownConnectionRequestError,
} from '#shared/domain/errors';
import { applyFicActivation } from '#shared/domain/fic-activation';
import { parseVatNumber } from '#shared/domain/identifiers';
import { toMillis } from '#shared/domain/instant';
import type { Company } from '#shared/domain/company';
import { activationEmailFor, backoff, newId } from './common.ts';
import type { CoreDependencies, EmailDependencies } from './common.ts';
import { ConcurrentModificationError, EventAlreadyProcessedError, PermanentEventError } from './errors.ts';
import type { FicEvent, FicEventResult } from './fic-event.ts';
import type { EffectsLease, FicEventMarker } from './repository.ts';

export type { FicEvent, FicEventResult } from './fic-event.ts';
export { PermanentEventError } from './errors.ts';

/** Longer than an email send takes, shorter than the queue's visibility timeout (180 s). */
export const EMAIL_LEASE_SECONDS = 60;
const MAX_ATTEMPTS = 12;

const leaseSeconds = (deps: EmailDependencies) => deps.emailLeaseSeconds ?? EMAIL_LEASE_SECONDS;

type ActivationEvent = Extract<FicEvent, { kind: 'einvoicingActivated' }>;
type ConnectionEvent = Exclude<FicEvent, ActivationEvent>;
type Deps = CoreDependencies & EmailDependencies;

export async function handleFicEvent(deps: Deps, event: FicEvent): Promise<FicEventResult> {
  try {
    return event.kind === 'einvoicingActivated'
      ? await handleActivation(deps, event)
      : await handleConnectionResponse(deps, event);
  } catch (error) {
    // Data the domain rejects will be rejected on every retry: say so, so that it is not retried.
    if (
      error instanceof InvalidVatNumberError ||
      error instanceof InvalidTaxCodeError ||
      error instanceof MissingCompanyEmailError
    ) {
      throw new PermanentEventError(event.eventId, error.message, { cause: error });
    }
    throw error;
  }
}

async function handleActivation(deps: Deps, event: ActivationEvent): Promise<FicEventResult> {
  const owner = newId();
  const vatNumber = parseVatNumber(event.vatNumber);
  for (let attempt = 1; ; attempt++) {
    const existing = await deps.repository.companyByVat(vatNumber, {
      // A miss in the index is believed at first: if the company does exist, claiming its Partita IVA
      // fails in the transaction and the retry reads the table itself.
      read: attempt === 1 ? 'index' : 'table',
    });
    const issued = deps.tokens.issue();
    const now = deps.clock.now();
    const outcome = applyFicActivation(
      existing,
      {
        eventId: event.eventId,
        ficCompanyId: event.ficCompanyId,
        vatNumber: event.vatNumber,
        ...(event.taxCode === undefined ? {} : { taxCode: event.taxCode }),
        name: event.name,
        activatedAt: event.activatedAt,
      },
      { companyId: existing?.companyId ?? newId(), tokenHash: issued.tokenHash },
      now,
    );
    const owesEmail = outcome.effects.some((effect) => effect.kind === 'sendActivationEmail');
    const result = activationResult(existing, outcome);
    const lease: EffectsLease = { owner, untilEpochMs: toMillis(now) + leaseSeconds(deps) * 1000 };
    const marker: FicEventMarker = {
      eventId: event.eventId,
      kind: event.kind,
      processedAt: now,
      outcome: result.outcome === 'applied' ? 'applied' : 'ignored',
      ...(result.detail === undefined ? {} : { detail: result.detail }),
      effectsDone: !owesEmail,
      ...(owesEmail ? { pendingEmail: { companyId: outcome.company.companyId, tokenHash: issued.tokenHash }, lease } : {}),
    };
    let stored: Company | undefined;
    try {
      ({ company: stored } = await deps.repository.commit({
        ...(outcome.changed
          ? { company: { before: existing, after: outcome.company } }
          : existing === undefined
            ? {}
            : { companyRead: existing }),
        timeline: { companyId: outcome.company.companyId, entries: outcome.timeline },
        ficEvent: marker,
      }));
    } catch (error) {
      if (error instanceof EventAlreadyProcessedError) return settleDuplicate(deps, event.eventId, owner);
      // Someone changed the company (or created it: case 3 racing a Studio) since our read: read again.
      const retryable = error instanceof ConcurrentModificationError || error instanceof CompanyAlreadyExistsError;
      if (!retryable || attempt >= MAX_ATTEMPTS) throw error;
      await backoff(attempt);
      continue;
    }
    if (owesEmail) await sendOwedEmail(deps, event.eventId, stored ?? outcome.company, issued.token, owner);
    return result;
  }
}

function activationResult(
  existing: Company | undefined,
  outcome: ReturnType<typeof applyFicActivation>,
): FicEventResult {
  if (existing === undefined) return { outcome: 'applied', detail: 'companyCreated' };
  if (outcome.changed) {
    const emailed = outcome.effects.length > 0;
    return { outcome: 'applied', detail: emailed ? 'confirmationRequested' : 'confirmationAlreadyPending' };
  }
  const reason = outcome.timeline[0]?.details['reason'];
  if (typeof reason === 'string') return { outcome: 'ignored', detail: reason };
  return { outcome: 'duplicate', detail: 'alreadyApplied' };
}

/**
 * Sends the email owed by `eventId` under our lease (taken just before the call), then marks it done; on a
 * failed send frees the lease. Once SES has the message, failing to mark it would let a redelivery send it
 * again after the lease expires (SES has no idempotency key), so marking is retried while the lease is ours.
 */
async function sendOwedEmail(deps: Deps, eventId: string, company: Company, token: string, owner: string): Promise<void> {
  const leaseEndsAt = Date.now() + leaseSeconds(deps) * 1000;
  try {
    const found = await deps.repository.companyWithConnections(company.companyId);
    await deps.mailer.sendActivationEmail(activationEmailFor(company, found?.connections ?? [], token, deps.publicBaseUrl));
  } catch (error) {
    await deps.repository.releaseEffects(eventId, owner).catch(() => undefined);
    throw error;
  }
  for (let attempt = 1; ; attempt++) {
    try {
      await deps.repository.finishEffects(eventId, owner);
      return;
    } catch (error) {
      // Past most of the lease another processor may take over: let this delivery fail and be retried.
      if (Date.now() + 1000 >= leaseEndsAt) throw error;
      await backoff(Math.min(attempt, 5));
    }
  }
}

/**
 * The event was processed before. Nothing to do, unless the email it owes was never sent and nobody is
 * sending it now: then this delivery takes the lease, re-issues the link and sends it.
 */
async function settleDuplicate(deps: Deps, eventId: string, owner: string): Promise<FicEventResult> {
  for (let attempt = 1; ; attempt++) {
    const marker = await deps.repository.ficEventMarker(eventId);
    if (marker === undefined || marker.effectsDone || marker.pendingEmail === undefined) {
      return { outcome: 'duplicate' };
    }
    const now = deps.clock.now();
    const nowEpochMs = toMillis(now);
    if (marker.lease !== undefined && marker.lease.untilEpochMs >= nowEpochMs) {
      return { outcome: 'duplicate', detail: 'emailInProgress' };
    }
    const lease: EffectsLease = { owner, untilEpochMs: nowEpochMs + leaseSeconds(deps) * 1000 };
    const found = await deps.repository.companyWithConnections(marker.pendingEmail.companyId);
    const pending = found?.company.pendingActivation;
    try {
      if (
        found === undefined ||
        pending === undefined ||
        pending.tokenHash !== marker.pendingEmail.tokenHash ||
        isExpired(pending, now)
      ) {
        // Confirmed, resent by a Studio, or expired meanwhile: the owed email has nothing left to say.
        await deps.repository.commit({
          claimEffects: { eventId, lease, tokenHash: marker.pendingEmail.tokenHash, nowEpochMs },
        });
        await deps.repository.finishEffects(eventId, owner);
        return { outcome: 'duplicate', detail: 'emailSuperseded' };
      }
      const issued = deps.tokens.issue();
      const { company } = await deps.repository.commit({
        company: { before: found.company, after: { ...found.company, pendingActivation: { ...pending, tokenHash: issued.tokenHash } } },
        claimEffects: { eventId, lease, tokenHash: issued.tokenHash, nowEpochMs },
      });
      await sendOwedEmail(deps, eventId, company ?? found.company, issued.token, owner);
      return { outcome: 'duplicate', detail: 'owedEmailSent' };
    } catch (error) {
      if (!(error instanceof ConcurrentModificationError) || attempt >= MAX_ATTEMPTS) throw error;
      await backoff(attempt);
    }
  }
}

async function handleConnectionResponse(deps: Deps, event: ConnectionEvent): Promise<FicEventResult> {
  const respond = event.kind === 'connectionConfirmed' ? confirmConnection : rejectConnection;
  for (let attempt = 1; ; attempt++) {
    const record = await deps.repository.connectionByRequestId(event.requestId);
    const now = deps.clock.now();
    const marker = (outcome: 'applied' | 'ignored', detail?: string): FicEventMarker => ({
      eventId: event.eventId,
      kind: event.kind,
      processedAt: now,
      outcome,
      ...(detail === undefined ? {} : { detail }),
      effectsDone: true,
    });
    try {
      let outcome: ReturnType<typeof respond>;
      try {
        outcome = respond(record?.connection, { requestId: event.requestId, eventId: event.eventId }, now);
      } catch (error) {
        // Unknown request, or an answer contradicting an earlier one: recorded, never retried.
        if (
          error instanceof UnknownConnectionRequestError ||
          error instanceof ConnectionAlreadyRejectedError ||
          error instanceof ConnectionAlreadyActiveError
        ) {
          await deps.repository.commit({ ficEvent: marker('ignored', error.name) });
          return { outcome: 'ignored', detail: error.name };
        }
        throw error;
      }
      if (!outcome.changed || record === undefined) {
        await deps.repository.commit({ ficEvent: marker('ignored', 'alreadyApplied') });
        return { outcome: 'duplicate', detail: 'alreadyApplied' };
      }
      await deps.repository.commit({
        connection: {
          before: record.connection,
          after: outcome.connection,
          displayName: record.displayName,
          companyName: record.companyName,
        },
        timeline: { companyId: outcome.connection.companyId, entries: outcome.timeline },
        ficEvent: marker('applied', event.kind),
      });
      return { outcome: 'applied', detail: event.kind };
    } catch (error) {
      if (error instanceof EventAlreadyProcessedError) return { outcome: 'duplicate' };
      if (!(error instanceof ConcurrentModificationError) || attempt >= MAX_ATTEMPTS) throw error;
      await backoff(attempt);
    }
  }
}
