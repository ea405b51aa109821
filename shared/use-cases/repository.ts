/**
 * The persistence port of the use cases. The DynamoDB adapter (`#shared/adapters/dynamodb/repository`)
 * implements it on the single table; every `commit` is one TransactWriteItems with conditions.
 */
import type { Company } from '#shared/domain/company';
import type { Connection } from '#shared/domain/connection';
import type { Instant } from '#shared/domain/instant';
import type { TimelineEntry } from '#shared/domain/timeline';

/** A connection with the Studio's display name (from its JWT), shown to the company in emails and pages. */
export interface ConnectionRecord {
  connection: Connection;
  displayName: string;
  /** Kept beside the connection to order the Studio's list. */
  companyName: string;
}

export interface CompanyWithConnections {
  company: Company;
  connections: ConnectionRecord[];
}

/** `pending` until confirmed (`used`) or replaced by a newer email (`revoked`); expiry is checked in code. */
export type ActivationStatus = 'pending' | 'used' | 'revoked';

export interface ActivationRecord {
  tokenHash: string;
  companyId: string;
  status: ActivationStatus;
  requestedAt: Instant;
  expiresAt: Instant;
  /**
   * While pending: the company as stored, kept current by every commit that writes the company (same
   * transaction), so that a confirmation needs one read before its transaction.
   */
  company?: Company;
}

export type FicEventKind = 'einvoicingActivated' | 'connectionConfirmed' | 'connectionRejected';

/** Who is sending an event's email right now, and until when others must leave it alone. */
export interface EffectsLease {
  owner: string;
  untilEpochMs: number;
}

/**
 * Written in the same transaction as the event's state change: its existence makes the event a
 * duplicate. `effectsDone: false` means an email is still owed (`pendingEmail`); the raw token is never
 * stored, so whoever sends it issues a fresh token for that pending activation.
 */
export interface FicEventMarker {
  eventId: string;
  kind: FicEventKind;
  processedAt: Instant;
  outcome: 'applied' | 'ignored';
  detail?: string;
  effectsDone: boolean;
  pendingEmail?: { companyId: string; tokenHash: string };
  lease?: EffectsLease;
}

/** Everything one use case changes, committed atomically or not at all. */
export interface Change {
  /** `before: undefined` creates the company and claims its Partita IVA; otherwise `after` replaces `before`. */
  company?: { before: Company | undefined; after: Company };
  /** The company did not change, but the decision was taken on this version of it. */
  companyRead?: Company;
  connection?: { before: Connection | undefined; after: Connection; displayName: string; companyName: string };
  /** The decision required this Studio's connection to be active. */
  activeConnection?: { companyId: string; studioId: string };
  timeline?: { companyId: string; entries: TimelineEntry[] };
  /** Marks an FIC event processed; fails with EventAlreadyProcessedError if it already was. */
  ficEvent?: FicEventMarker;
  /** Takes over an event's owed email: succeeds only if it is not done and nobody holds a live lease. */
  claimEffects?: { eventId: string; lease: EffectsLease; tokenHash: string; nowEpochMs: number };
}

export type VatRead = 'index' | 'table' | 'indexThenTable';

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface StudioConnection {
  record: ConnectionRecord;
  company: Company;
}

export interface CompanyRepository {
  /**
   * `index` (one eventually consistent query: may miss a company created a moment ago), `table` (the
   * uniqueness item then the company: two strongly consistent reads), or by default `indexThenTable`
   * (the index, and the table only to confirm a miss).
   */
  companyByVat(vatNumber: string, options?: { read?: VatRead }): Promise<Company | undefined>;
  /** One strongly consistent read: the company and all its connections. */
  companyWithConnections(companyId: string): Promise<CompanyWithConnections | undefined>;
  /** One read: the activation by the hash of its token (with the company while pending). */
  activation(tokenHash: string): Promise<ActivationRecord | undefined>;
  connection(companyId: string, studioId: string): Promise<ConnectionRecord | undefined>;
  connectionByRequestId(requestId: string): Promise<ConnectionRecord | undefined>;
  /** Throws InvalidCursorError for a cursor this list did not issue. */
  studioConnections(studioId: string, limit: number, cursor?: string): Promise<Page<StudioConnection>>;
  timeline(companyId: string, limit: number, cursor?: string): Promise<Page<TimelineEntry>>;
  ficEventMarker(eventId: string): Promise<FicEventMarker | undefined>;
  /**
   * One transaction. Throws CompanyAlreadyExistsError (the Partita IVA is taken), EventAlreadyProcessedError
   * (the marker exists) or ConcurrentModificationError (anything read has changed since). Returns the
   * company as stored (with its new version).
   */
  commit(change: Change): Promise<{ company?: Company }>;
  /** Marks the owed email sent; false if the lease was lost to another processor meanwhile. */
  finishEffects(eventId: string, owner: string): Promise<boolean>;
  /** Gives up the lease after a failed send, so a redelivery may send at once. */
  releaseEffects(eventId: string, owner: string): Promise<void>;
}
