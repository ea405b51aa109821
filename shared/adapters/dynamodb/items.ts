// Item shapes of the single table: what the repository writes and reads back. Key shapes come from keys.ts.
import type { Company, PendingActivation } from '#shared/domain/company';
import type { Connection } from '#shared/domain/connection';
import { addSeconds, toMillis } from '#shared/domain/instant';
import type { TimelineEntry } from '#shared/domain/timeline';
import type { ActivationRecord, ActivationStatus, ConnectionRecord, FicEventMarker } from '#shared/use-cases/repository';
import {
  activationKey,
  companyKey,
  companyVatIndex,
  connectionKey,
  connectionRequestKey,
  Entity,
  ficEventKey,
  studioConnectionIndex,
  TTL_ATTRIBUTE,
  vatKey,
} from './keys.ts';

export type Item = Record<string, unknown>;

/** How long a used, revoked or expired activation stays readable, so its page can say why it fails. */
const ACTIVATION_RETENTION_SECONDS = 30 * 24 * 60 * 60;
/** FIC redelivers for days at most; the domain's lastEventId still guards after the marker is gone. */
const FIC_EVENT_RETENTION_SECONDS = 90 * 24 * 60 * 60;

const epochSeconds = (at: string, plusSeconds: number): number => Math.floor(toMillis(addSeconds(at, plusSeconds)) / 1000);

/** Drops `undefined` everywhere, so no write ever depends on the client's removeUndefinedValues. */
export function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => withoutUndefined(item)) as T;
  if (value === null || typeof value !== 'object') return value;
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== undefined) result[key] = withoutUndefined(item);
  }
  return result as T;
}

export function companyItem(company: Company): Item {
  return withoutUndefined({
    ...companyKey(company.companyId),
    entity: Entity.company,
    ...companyVatIndex(company.vatNumber),
    version: company.version,
    company,
  });
}

export function vatItem(company: Company): Item {
  return { ...vatKey(company.vatNumber), entity: Entity.vat, vatNumber: company.vatNumber, companyId: company.companyId };
}

export function connectionItem(connection: Connection, displayName: string, companyName: string): Item {
  const listed = connection.status !== 'rejected';
  return withoutUndefined({
    ...connectionKey(connection.companyId, connection.studioId),
    entity: Entity.connection,
    // Sparse index: a rejected connection leaves the Studio's "Connessioni".
    ...(listed ? studioConnectionIndex(connection.studioId, companyName, connection.companyId) : {}),
    connection,
    displayName,
    companyName,
  });
}

export function connectionRequestItem(connection: Connection & { requestId: string }): Item {
  return {
    ...connectionRequestKey(connection.requestId),
    entity: Entity.connectionRequest,
    requestId: connection.requestId,
    companyId: connection.companyId,
    studioId: connection.studioId,
  };
}

export function timelineItem(key: { pk: string; sk: string }, companyId: string, entry: TimelineEntry): Item {
  return withoutUndefined({ ...key, entity: Entity.timeline, companyId, entry });
}

export function activationItem(
  companyId: string,
  pending: PendingActivation,
  status: ActivationStatus,
  company?: Company,
): Item {
  return withoutUndefined({
    ...activationKey(pending.tokenHash),
    entity: Entity.activation,
    tokenHash: pending.tokenHash,
    companyId,
    status,
    requestedAt: pending.requestedAt,
    expiresAt: pending.expiresAt,
    [TTL_ATTRIBUTE]: epochSeconds(pending.expiresAt, ACTIVATION_RETENTION_SECONDS),
    ...(company === undefined ? {} : { company }),
  });
}

export function ficEventItem(marker: FicEventMarker): Item {
  return withoutUndefined({
    ...ficEventKey(marker.eventId),
    entity: Entity.ficEvent,
    ...marker,
    [TTL_ATTRIBUTE]: epochSeconds(marker.processedAt, FIC_EVENT_RETENTION_SECONDS),
  });
}

// Readers: the table is ours, so a malformed item is a bug, reported loudly rather than guessed around.
export function companyFrom(item: Item): Company {
  const company = item['company'] as Company | undefined;
  if (company === undefined || typeof item['version'] !== 'number') throw new Error(`Malformed company item ${String(item['pk'])}`);
  return { ...company, version: item['version'] };
}

export function connectionFrom(item: Item): ConnectionRecord {
  const connection = item['connection'] as Connection | undefined;
  if (connection === undefined) throw new Error(`Malformed connection item ${String(item['pk'])}/${String(item['sk'])}`);
  return {
    connection,
    displayName: String(item['displayName'] ?? connection.studioId),
    companyName: String(item['companyName'] ?? ''),
  };
}

export function activationFrom(item: Item): ActivationRecord {
  return {
    tokenHash: String(item['tokenHash']),
    companyId: String(item['companyId']),
    status: item['status'] as ActivationStatus,
    requestedAt: String(item['requestedAt']),
    expiresAt: String(item['expiresAt']),
    ...(item['company'] === undefined ? {} : { company: item['company'] as Company }),
  };
}

export function ficEventFrom(item: Item): FicEventMarker {
  const { pk: _pk, sk: _sk, entity: _entity, [TTL_ATTRIBUTE]: _ttl, ...marker } = item;
  return marker as unknown as FicEventMarker;
}

export function timelineEntryFrom(item: Item): TimelineEntry {
  return item['entry'] as TimelineEntry;
}
