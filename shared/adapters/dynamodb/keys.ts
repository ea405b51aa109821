/**
 * The one place that knows the key shapes of the single table (topology.table: pk/sk, GSI `gsi1` on
 * gsi1pk/gsi1sk, TTL attribute `expiresAtEpoch`). No scans anywhere: every read below is a GetItem,
 * a BatchGetItem or a Query on one partition.
 *
 * | access pattern                          | request                           | pk                    | sk / condition                     |
 * |-----------------------------------------|-----------------------------------|-----------------------|------------------------------------|
 * | company by id                           | GetItem                           | COMPANY#<companyId>   | COMPANY                            |
 * | company and all its connections         | Query (consistent)                | COMPANY#<companyId>   | begins_with(sk, "CO")              |
 * | company by VAT number (fast path)       | Query gsi1 (eventually consistent)| gsi1pk VAT#<vat>      | gsi1sk COMPANY                     |
 * | company by VAT number (authoritative)   | GetItem, then company by id       | VAT#<vat>             | VAT  (→ companyId)                 |
 * | one company per VAT number              | Put in the creating transaction   | VAT#<vat>             | VAT, attribute_not_exists(pk)      |
 * | a Studio's connection to a company      | GetItem                           | COMPANY#<companyId>   | CONNECTION#<studioId>              |
 * | a Studio's connections ("Connessioni")  | Query gsi1, paged                 | gsi1pk STUDIO#<id>    | gsi1sk <company name>#<companyId>  |
 * | connection by FIC request id            | GetItem (→ companyId, studioId)   | CONNREQ#<requestId>   | CONNREQ                            |
 * | a company's timeline, oldest first      | Query, paged                      | COMPANY#<companyId>   | begins_with(sk, "TIMELINE#")       |
 * | pending activation by token hash        | GetItem / BatchGetItem            | ACTIVATION#<hash>     | ACTIVATION (TTL expiresAtEpoch)    |
 * | processed FIC event (idempotency)       | Put attribute_not_exists in the   | FICEVENT#<eventId>    | FICEVENT (TTL expiresAtEpoch)      |
 * |                                         | transaction of the state change   |                       |                                    |
 *
 * Sort keys inside a company's partition: "COMPANY" and "CONNECTION#…" share the prefix "CO", so one
 * Query returns a company with its connections and without its (unbounded) timeline "TIMELINE#…".
 * Rejected connections drop their gsi1 attributes (a sparse index), so the "Connessioni" list never
 * shows them and never pages over them.
 */

export const GSI1 = 'gsi1';

export interface ItemKey {
  pk: string;
  sk: string;
}

export const companyKey = (companyId: string): ItemKey => ({ pk: `COMPANY#${companyId}`, sk: 'COMPANY' });
export const vatKey = (vatNumber: string): ItemKey => ({ pk: `VAT#${vatNumber}`, sk: 'VAT' });
export const connectionKey = (companyId: string, studioId: string): ItemKey => ({
  pk: `COMPANY#${companyId}`,
  sk: `CONNECTION#${studioId}`,
});
export const connectionRequestKey = (requestId: string): ItemKey => ({ pk: `CONNREQ#${requestId}`, sk: 'CONNREQ' });
export const activationKey = (tokenHash: string): ItemKey => ({ pk: `ACTIVATION#${tokenHash}`, sk: 'ACTIVATION' });
export const ficEventKey = (eventId: string): ItemKey => ({ pk: `FICEVENT#${eventId}`, sk: 'FICEVENT' });

/** The partition of a company and the prefixes of its item kinds. */
export const companyPartition = (companyId: string): string => `COMPANY#${companyId}`;
export const COMPANY_AND_CONNECTIONS_PREFIX = 'CO';
export const CONNECTION_PREFIX = 'CONNECTION#';
export const TIMELINE_PREFIX = 'TIMELINE#';

/**
 * Timeline sort key: the instant first (ISO-8601 UTC from the clock, fixed width, so it sorts as a
 * string), then the id of the writing transaction and the entry's index in it, so entries of one
 * change keep their order and concurrent changes at the same millisecond never collide.
 */
export const timelineKey = (companyId: string, at: string, transactionId: string, index: number): ItemKey => ({
  pk: companyPartition(companyId),
  sk: `${TIMELINE_PREFIX}${at}#${transactionId}#${String(index).padStart(3, '0')}`,
});

export const companyVatIndex = (vatNumber: string) => ({ gsi1pk: `VAT#${vatNumber}`, gsi1sk: 'COMPANY' });

/** Alphabetical by company name (case- and accent-insensitive), the company id breaking ties. */
export const studioConnectionIndex = (studioId: string, companyName: string, companyId: string) => ({
  gsi1pk: studioPartition(studioId),
  gsi1sk: `${sortableName(companyName)}#${companyId}`,
});
export const studioPartition = (studioId: string): string => `STUDIO#${studioId}`;

function sortableName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/#/g, ' ')
    .slice(0, 200);
}

/** Item types, stored as `entity` so that a reader of raw items knows what each one is. */
export const Entity = {
  company: 'company',
  vat: 'vat',
  connection: 'connection',
  connectionRequest: 'connectionRequest',
  timeline: 'timeline',
  activation: 'activation',
  ficEvent: 'ficEvent',
} as const;

export const TTL_ATTRIBUTE = 'expiresAtEpoch';
