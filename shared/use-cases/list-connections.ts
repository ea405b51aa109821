// The Studio's "Connessioni" (portal) and STARTUPAGYO's list: its companies, a page at a time.
import type { Instant } from '#shared/domain/instant';
import type { ServiceKind } from '#shared/domain/services';
import { SERVICE_KINDS } from '#shared/domain/services';
import { studioViewOf } from '#shared/domain/visibility';
import type { ConnectionView, PayerView } from '#shared/domain/visibility';
import type { CoreDependencies } from './common.ts';

export const MAX_PAGE_SIZE = 100;

export type ServiceSummary = { status: 'inactive' } | { status: 'active'; payer: PayerView; since: Instant };

export type ConnectionListItem =
  | {
      access: 'full';
      companyId: string;
      vatNumber: string;
      name: string;
      connection: ConnectionView;
      services: Record<ServiceKind, ServiceSummary>;
      activationPending: boolean;
    }
  /** Pending: only what the Studio itself typed or could read on the company's invoices. */
  | { access: 'redacted'; companyId: string; vatNumber: string; name: string; connection: ConnectionView };

export interface ListConnectionsInput {
  studioId: string;
  /** Clamped to 1..100. */
  limit: number;
  /** `nextCursor` of the previous page; anything else throws InvalidCursorError. */
  cursor?: string;
}

/** Ordered by company name; rejected connections are not listed. */
export async function listConnections(
  deps: CoreDependencies,
  input: ListConnectionsInput,
): Promise<{ items: ConnectionListItem[]; nextCursor?: string }> {
  const limit = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(input.limit) || 1));
  const page = await deps.repository.studioConnections(input.studioId, limit, input.cursor);
  const items: ConnectionListItem[] = [];
  for (const { record, company } of page.items) {
    const view = studioViewOf(input.studioId, company, [record.connection]);
    if (view === undefined) continue;
    if (view.access === 'redacted') {
      items.push(view);
      continue;
    }
    const services = {} as Record<ServiceKind, ServiceSummary>;
    for (const kind of SERVICE_KINDS) {
      const service = view.services[kind];
      const open = service.history.at(-1);
      services[kind] =
        service.status === 'active' ? { status: 'active', payer: service.payer, since: open?.from ?? view.connection.since } : { status: 'inactive' };
    }
    items.push({
      access: 'full',
      companyId: view.companyId,
      vatNumber: view.vatNumber,
      name: view.name,
      connection: view.connection,
      services,
      activationPending: view.activationPending !== undefined,
    });
  }
  return { items, ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }) };
}
