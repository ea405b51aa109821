// The two e-invoicing services (servizi), who pays for each (a carico di) and since when.
import type { Instant } from './instant.ts';

/** `sdi`: Invio, sending invoices to SdI. `eRicevi`: Ricezione, receiving them. */
export type ServiceKind = 'sdi' | 'eRicevi';
export const SERVICE_KINDS: readonly ServiceKind[] = ['sdi', 'eRicevi'];

export type Payer = { kind: 'studio'; studioId: string } | { kind: 'ficClient' };

export const FIC_CLIENT: Payer = { kind: 'ficClient' };

/** One stretch of billing: `to` is absent while it runs. Closed periods are never removed. */
export interface BillingPeriod {
  payer: Payer;
  from: Instant;
  to?: Instant;
}

/**
 * An active service always has its open period last in `history`, with the same payer;
 * `payer` is kept beside it so reads need not scan the history.
 */
export type ServiceState =
  | { status: 'inactive'; history: BillingPeriod[] }
  | { status: 'active'; payer: Payer; history: BillingPeriod[] };

export const INACTIVE_SERVICE: ServiceState = { status: 'inactive', history: [] };

export function samePayer(a: Payer, b: Payer): boolean {
  if (a.kind === 'ficClient' || b.kind === 'ficClient') return a.kind === b.kind;
  return a.studioId === b.studioId;
}

export function isBilledTo(state: ServiceState, payer: Payer): boolean {
  return state.status === 'active' && samePayer(state.payer, payer);
}

/**
 * Makes `payer` pay from `now`: starts an inactive service, or closes the running period at `now`
 * and opens the new one at the same instant, so there is never a gap or an overlap in billing.
 */
export function billTo(state: ServiceState, payer: Payer, now: Instant): ServiceState {
  if (isBilledTo(state, payer)) return state;
  const closed = state.history.map((period) => (period.to === undefined ? { ...period, to: now } : period));
  return { status: 'active', payer, history: [...closed, { payer, from: now }] };
}
