// What a Studio may see of a company: everything once connected, almost nothing while the company
// has not yet confirmed the connection, and not even its existence otherwise.
import type { Company, EInvoicing } from './company.ts';
import type { Connection, ConnectionStatus } from './connection.ts';
import type { Channel } from './actor.ts';
import type { Instant } from './instant.ts';
import type { BillingPeriod, Payer, ServiceKind, ServiceState } from './services.ts';
import type { TimelineEntry, TimelineValue } from './timeline.ts';

/** Other Studios are never named to a Studio: it learns only that "another Studio" pays. */
export type PayerView = { kind: 'ficClient' } | { kind: 'thisStudio' } | { kind: 'anotherStudio' };

export type ServiceView =
  | { status: 'inactive'; history: BillingPeriodView[] }
  | { status: 'active'; payer: PayerView; history: BillingPeriodView[] };

export interface BillingPeriodView {
  payer: PayerView;
  from: Instant;
  to?: Instant;
}

export interface ConnectionView {
  status: ConnectionStatus;
  since: Instant;
  requestedBy: Channel;
}

export type StudioCompanyView =
  | {
      access: 'full';
      companyId: string;
      vatNumber: string;
      taxCode?: string;
      name: string;
      email?: string;
      connection: ConnectionView;
      services: Record<ServiceKind, ServiceView>;
      einvoicing: EInvoicing;
      /** The token hash stays inside: a Studio sees only that an email awaits the company's click. */
      activationPending?: { requestedAt: Instant; expiresAt: Instant };
    }
  | {
      /** Pending: only what the Studio typed or could read on the company's invoices. */
      access: 'redacted';
      companyId: string;
      vatNumber: string;
      name: string;
      connection: ConnectionView;
    };

function connectionOf(studioId: string, company: Company, connections: readonly Connection[]): Connection | undefined {
  return connections.find((c) => c.studioId === studioId && c.companyId === company.companyId);
}

/** A Studio sees a company while its connection is active or pending; rejected means not at all. */
export function visibleTo(studioId: string, company: Company, connections: readonly Connection[]): boolean {
  const connection = connectionOf(studioId, company, connections);
  return connection !== undefined && connection.status !== 'rejected';
}

function payerView(studioId: string, payer: Payer): PayerView {
  if (payer.kind === 'ficClient') return { kind: 'ficClient' };
  return payer.studioId === studioId ? { kind: 'thisStudio' } : { kind: 'anotherStudio' };
}

function serviceView(studioId: string, state: ServiceState): ServiceView {
  const history = state.history.map(
    (period: BillingPeriod): BillingPeriodView => ({ ...period, payer: payerView(studioId, period.payer) }),
  );
  return state.status === 'active'
    ? { status: 'active', payer: payerView(studioId, state.payer), history }
    : { status: 'inactive', history };
}

/** The company as this Studio may see it, or undefined when it may not see it at all. */
export function studioViewOf(
  studioId: string,
  company: Company,
  connections: readonly Connection[],
): StudioCompanyView | undefined {
  const connection = connectionOf(studioId, company, connections);
  if (connection === undefined || connection.status === 'rejected') return undefined;
  const connectionView: ConnectionView = {
    status: connection.status,
    since: connection.since,
    requestedBy: connection.requestedBy,
  };
  if (connection.status === 'pending') {
    return {
      access: 'redacted',
      companyId: company.companyId,
      vatNumber: company.vatNumber,
      name: company.name,
      connection: connectionView,
    };
  }
  const pending = company.pendingActivation;
  return {
    access: 'full',
    companyId: company.companyId,
    vatNumber: company.vatNumber,
    ...(company.taxCode === undefined ? {} : { taxCode: company.taxCode }),
    name: company.name,
    ...(company.email === undefined ? {} : { email: company.email }),
    connection: connectionView,
    services: { sdi: serviceView(studioId, company.services.sdi), eRicevi: serviceView(studioId, company.services.eRicevi) },
    einvoicing: company.einvoicing,
    ...(pending === undefined ? {} : { activationPending: { requestedAt: pending.requestedAt, expiresAt: pending.expiresAt } }),
  };
}

/** Stands in for another Studio's id wherever a timeline entry would name it. */
export const ANOTHER_STUDIO = 'anotherStudio';

type TimelineObject = { [key: string]: TimelineValue };

function maskStudioIds(studioId: string, value: TimelineValue): TimelineValue {
  if (Array.isArray(value)) return value.map((item) => maskStudioIds(studioId, item));
  if (value === null || typeof value !== 'object') return value;
  return maskObject(studioId, value);
}

function maskObject(studioId: string, value: TimelineObject): TimelineObject {
  const masked: TimelineObject = {};
  for (const [key, item] of Object.entries(value)) {
    masked[key] = key === 'studioId' && item !== studioId ? ANOTHER_STUDIO : maskStudioIds(studioId, item);
  }
  return masked;
}

/**
 * The timeline a Studio may read: all of it once actively connected, none while pending. Other Studios
 * stay anonymous, as in `PayerView`: their ids become ANOTHER_STUDIO, in the actor and in the details.
 */
export function timelineVisibleTo(
  studioId: string,
  company: Company,
  connections: readonly Connection[],
  entries: readonly TimelineEntry[],
): TimelineEntry[] {
  if (connectionOf(studioId, company, connections)?.status !== 'active') return [];
  return entries.map((entry) => ({
    ...entry,
    actor:
      entry.actor.kind === 'studio' && entry.actor.studioId !== studioId
        ? { ...entry.actor, studioId: ANOTHER_STUDIO }
        : entry.actor,
    details: maskObject(studioId, entry.details),
  }));
}
