/**
 * The single-table repository (keys and access patterns: keys.ts). Every change is one TransactWriteItems
 * whose conditions encode what the decision was taken on; a cancelled transaction is mapped, item by
 * item, to the domain error that explains it.
 */
import { randomBytes } from 'node:crypto';
import {
  BatchGetCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient, TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Company } from '#shared/domain/company';
import { CompanyAlreadyExistsError } from '#shared/domain/errors';
import type { TimelineEntry } from '#shared/domain/timeline';
import { ConcurrentModificationError, EventAlreadyProcessedError } from '#shared/use-cases/errors';
import type {
  ActivationRecord,
  Change,
  CompanyRepository,
  CompanyWithConnections,
  ConnectionRecord,
  FicEventMarker,
  Page,
  StudioConnection,
  VatRead,
} from '#shared/use-cases/repository';
import { decodeCursor, encodeCursor } from './cursor.ts';
import {
  activationFrom,
  activationItem,
  companyFrom,
  companyItem,
  connectionFrom,
  connectionItem,
  connectionRequestItem,
  ficEventFrom,
  ficEventItem,
  timelineEntryFrom,
  timelineItem,
  vatItem,
} from './items.ts';
import type { Item } from './items.ts';
import {
  activationKey,
  COMPANY_AND_CONNECTIONS_PREFIX,
  companyKey,
  companyPartition,
  companyVatIndex,
  connectionKey,
  connectionRequestKey,
  CONNECTION_PREFIX,
  Entity,
  ficEventKey,
  GSI1,
  studioPartition,
  TIMELINE_PREFIX,
  timelineKey,
  vatKey,
} from './keys.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** What a failed condition on an item of the transaction means. */
type Meaning =
  | { kind: 'vat'; vatNumber: string }
  | { kind: 'marker'; eventId: string }
  | { kind: 'stale'; entity: string }
  | { kind: 'none' };

/** DynamoDB's limit on items per transaction. */
const MAX_TRANSACTION_ITEMS = 100;
const MAX_BATCH_ATTEMPTS = 5;

export class DynamoDbCompanyRepository implements CompanyRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async companyByVat(vatNumber: string, options: { read?: VatRead } = {}): Promise<Company | undefined> {
    const read = options.read ?? 'indexThenTable';
    if (read !== 'table') {
      const index = companyVatIndex(vatNumber);
      const { Items } = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: GSI1,
          KeyConditionExpression: '#gpk = :gpk AND #gsk = :gsk',
          ExpressionAttributeNames: { '#gpk': 'gsi1pk', '#gsk': 'gsi1sk' },
          ExpressionAttributeValues: { ':gpk': index.gsi1pk, ':gsk': index.gsi1sk },
          Limit: 1,
        }),
      );
      const found = Items?.[0];
      if (found !== undefined) return companyFrom(found);
      // The index may lag a just-created company: "not found" is only believed from the table itself.
      if (read === 'index') return undefined;
    }
    const vat = await this.get(vatKey(vatNumber));
    if (vat === undefined) return undefined;
    const company = await this.get(companyKey(String(vat['companyId'])));
    return company === undefined ? undefined : companyFrom(company);
  }

  async companyWithConnections(companyId: string): Promise<CompanyWithConnections | undefined> {
    const items = await this.queryAll({
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
      ExpressionAttributeValues: { ':pk': companyPartition(companyId), ':prefix': COMPANY_AND_CONNECTIONS_PREFIX },
      ConsistentRead: true,
    });
    const companyRow = items.find((item) => item['entity'] === Entity.company);
    if (companyRow === undefined) return undefined;
    return {
      company: companyFrom(companyRow),
      connections: items.filter((item) => item['entity'] === Entity.connection).map(connectionFrom),
    };
  }

  async activation(tokenHash: string): Promise<ActivationRecord | undefined> {
    const item = await this.get(activationKey(tokenHash));
    return item === undefined ? undefined : activationFrom(item);
  }

  async connection(companyId: string, studioId: string): Promise<ConnectionRecord | undefined> {
    const item = await this.get(connectionKey(companyId, studioId));
    return item === undefined ? undefined : connectionFrom(item);
  }

  async connectionByRequestId(requestId: string): Promise<ConnectionRecord | undefined> {
    const request = await this.get(connectionRequestKey(requestId));
    if (request === undefined) return undefined;
    return this.connection(String(request['companyId']), String(request['studioId']));
  }

  async studioConnections(studioId: string, limit: number, cursor?: string): Promise<Page<StudioConnection>> {
    const partition = studioPartition(studioId);
    const startKey = decodeCursor(cursor, {
      gsi1pk: (value) => value === partition,
      gsi1sk: (value) => value.length > 0 && value.length <= 512,
      pk: (value) => value.startsWith('COMPANY#') && value.length <= 200,
      sk: (value) => value === `${CONNECTION_PREFIX}${studioId}`,
    });
    const { Items = [], LastEvaluatedKey } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: GSI1,
        KeyConditionExpression: '#gpk = :gpk',
        ExpressionAttributeNames: { '#gpk': 'gsi1pk' },
        ExpressionAttributeValues: { ':gpk': partition },
        Limit: limit,
        ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
      }),
    );
    const records = Items.map(connectionFrom);
    const companies = new Map(
      (await this.batchGet(records.map((record) => companyKey(record.connection.companyId))))
        .map(companyFrom)
        .map((company) => [company.companyId, company]),
    );
    const items: StudioConnection[] = [];
    for (const record of records) {
      const company = companies.get(record.connection.companyId);
      if (company !== undefined) items.push({ record, company });
    }
    const nextCursor = encodeCursor(LastEvaluatedKey);
    return { items, ...(nextCursor === undefined ? {} : { nextCursor }) };
  }

  async timeline(companyId: string, limit: number, cursor?: string): Promise<Page<TimelineEntry>> {
    const partition = companyPartition(companyId);
    const startKey = decodeCursor(cursor, {
      pk: (value) => value === partition,
      sk: (value) => value.startsWith(TIMELINE_PREFIX) && value.length <= 200,
    });
    const { Items = [], LastEvaluatedKey } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
        ExpressionAttributeValues: { ':pk': partition, ':prefix': TIMELINE_PREFIX },
        Limit: limit,
        ConsistentRead: true,
        ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
      }),
    );
    const nextCursor = encodeCursor(LastEvaluatedKey);
    return { items: Items.map(timelineEntryFrom), ...(nextCursor === undefined ? {} : { nextCursor }) };
  }

  async ficEventMarker(eventId: string): Promise<FicEventMarker | undefined> {
    const item = await this.get(ficEventKey(eventId));
    return item === undefined ? undefined : ficEventFrom(item);
  }

  async commit(change: Change): Promise<{ company?: Company }> {
    const writes: { item: TransactItem; meaning: Meaning }[] = [];
    const add = (item: TransactItem, meaning: Meaning = { kind: 'none' }) => writes.push({ item, meaning });
    const TableName = this.tableName;
    let stored: Company | undefined;

    if (change.company !== undefined) {
      const { before, after } = change.company;
      if (before === undefined) {
        stored = { ...after, version: 1 };
        add(
          {
            Put: {
              TableName,
              Item: vatItem(stored),
              ConditionExpression: 'attribute_not_exists(#pk)',
              ExpressionAttributeNames: { '#pk': 'pk' },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
          { kind: 'vat', vatNumber: stored.vatNumber },
        );
        add(
          {
            Put: {
              TableName,
              Item: companyItem(stored),
              ConditionExpression: 'attribute_not_exists(#pk)',
              ExpressionAttributeNames: { '#pk': 'pk' },
            },
          },
          { kind: 'stale', entity: `Company ${stored.companyId}` },
        );
      } else {
        // Optimistic concurrency: the write holds only if nobody wrote since our read; it bumps the version.
        stored = { ...after, version: before.version + 1 };
        add(
          {
            Put: {
              TableName,
              Item: companyItem(stored),
              ConditionExpression: '#version = :read',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':read': before.version },
            },
          },
          { kind: 'stale', entity: `Company ${before.companyId}` },
        );
      }
      for (const write of activationWrites(TableName, before, stored)) add(write.item, write.meaning);
    }

    if (change.companyRead !== undefined) {
      add(
        {
          ConditionCheck: {
            TableName,
            Key: companyKey(change.companyRead.companyId),
            ConditionExpression: '#version = :read',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':read': change.companyRead.version },
          },
        },
        { kind: 'stale', entity: `Company ${change.companyRead.companyId}` },
      );
    }

    if (change.connection !== undefined) {
      const { before, after, displayName, companyName } = change.connection;
      const entity = `Connection of ${after.studioId} to ${after.companyId}`;
      add(
        {
          Put: {
            TableName,
            Item: connectionItem(after, displayName, companyName),
            ...(before === undefined
              ? { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': 'pk' } }
              : {
                  // status and since together change on every transition: they are the connection's version.
                  ConditionExpression: '#c.#status = :status AND #c.#since = :since',
                  ExpressionAttributeNames: { '#c': 'connection', '#status': 'status', '#since': 'since' },
                  ExpressionAttributeValues: { ':status': before.status, ':since': before.since },
                }),
          },
        },
        { kind: 'stale', entity },
      );
      if (after.requestId !== undefined && after.requestId !== before?.requestId) {
        add(
          {
            Put: {
              TableName,
              Item: connectionRequestItem({ ...after, requestId: after.requestId }),
              ConditionExpression: 'attribute_not_exists(#pk)',
              ExpressionAttributeNames: { '#pk': 'pk' },
            },
          },
          { kind: 'stale', entity },
        );
      }
    }

    if (change.activeConnection !== undefined) {
      const { companyId, studioId } = change.activeConnection;
      add(
        {
          ConditionCheck: {
            TableName,
            Key: connectionKey(companyId, studioId),
            ConditionExpression: '#c.#status = :active',
            ExpressionAttributeNames: { '#c': 'connection', '#status': 'status' },
            ExpressionAttributeValues: { ':active': 'active' },
          },
        },
        { kind: 'stale', entity: `Connection of ${studioId} to ${companyId}` },
      );
    }

    if (change.timeline !== undefined && change.timeline.entries.length > 0) {
      const { companyId, entries } = change.timeline;
      const transactionId = randomBytes(6).toString('hex');
      entries.forEach((entry, index) => {
        add({ Put: { TableName, Item: timelineItem(timelineKey(companyId, entry.at, transactionId, index), companyId, entry) } });
      });
    }

    if (change.ficEvent !== undefined) {
      add(
        {
          Put: {
            TableName,
            Item: ficEventItem(change.ficEvent),
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': 'pk' },
          },
        },
        { kind: 'marker', eventId: change.ficEvent.eventId },
      );
    }

    if (change.claimEffects !== undefined) {
      const { eventId, lease, tokenHash, nowEpochMs } = change.claimEffects;
      add(
        {
          Update: {
            TableName,
            Key: ficEventKey(eventId),
            UpdateExpression: 'SET #lease = :lease, #pending.#hash = :hash',
            ConditionExpression: '#done = :false AND (attribute_not_exists(#lease) OR #lease.#until < :now)',
            ExpressionAttributeNames: {
              '#lease': 'lease',
              '#pending': 'pendingEmail',
              '#hash': 'tokenHash',
              '#done': 'effectsDone',
              '#until': 'untilEpochMs',
            },
            ExpressionAttributeValues: { ':lease': lease, ':hash': tokenHash, ':false': false, ':now': nowEpochMs },
          },
        },
        { kind: 'stale', entity: `Effects of FIC event ${eventId}` },
      );
    }

    if (writes.length === 0) return stored === undefined ? {} : { company: stored };
    if (writes.length > MAX_TRANSACTION_ITEMS) {
      throw new RangeError(`A change of ${writes.length} items exceeds the ${MAX_TRANSACTION_ITEMS}-item transaction limit`);
    }
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: writes.map((write) => write.item) }));
    } catch (error) {
      throw await this.explain(error, writes.map((write) => write.meaning));
    }
    return stored === undefined ? {} : { company: stored };
  }

  async finishEffects(eventId: string, owner: string): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: ficEventKey(eventId),
          UpdateExpression: 'SET #done = :true REMOVE #lease',
          ConditionExpression: '#lease.#owner = :owner',
          ExpressionAttributeNames: { '#done': 'effectsDone', '#lease': 'lease', '#owner': 'owner' },
          ExpressionAttributeValues: { ':true': true, ':owner': owner },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async releaseEffects(eventId: string, owner: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: ficEventKey(eventId),
          UpdateExpression: 'REMOVE #lease',
          ConditionExpression: '#lease.#owner = :owner',
          ExpressionAttributeNames: { '#lease': 'lease', '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /** Maps a cancelled transaction to the error of the first condition that explains it. */
  private async explain(error: unknown, meanings: Meaning[]): Promise<unknown> {
    if (!(error instanceof Error)) return error;
    if (error.name === 'TransactionConflictException') return new ConcurrentModificationError('An item of this change');
    if (error.name !== 'TransactionCanceledException') return error;
    const reasons = (error as { CancellationReasons?: { Code?: string; Item?: Record<string, unknown> }[] })
      .CancellationReasons ?? [];
    const failed = meanings.flatMap((meaning, index) => {
      const reason = reasons[index];
      return reason?.Code === 'ConditionalCheckFailed' ? [{ meaning, reason }] : [];
    });
    const marker = failed.find((entry) => entry.meaning.kind === 'marker');
    if (marker !== undefined && marker.meaning.kind === 'marker') return new EventAlreadyProcessedError(marker.meaning.eventId);
    const vat = failed.find((entry) => entry.meaning.kind === 'vat');
    if (vat !== undefined && vat.meaning.kind === 'vat') {
      const existingId = attributeString(vat.reason.Item?.['companyId']) ?? (await this.companyIdOfVat(vat.meaning.vatNumber));
      if (existingId === undefined) return new ConcurrentModificationError(`Partita IVA ${vat.meaning.vatNumber}`);
      return new CompanyAlreadyExistsError(vat.meaning.vatNumber, existingId);
    }
    const stale = failed.find((entry) => entry.meaning.kind === 'stale');
    if (stale !== undefined && stale.meaning.kind === 'stale') return new ConcurrentModificationError(stale.meaning.entity);
    // Another transaction held one of the items: nothing was decided on stale data yet, a retry will tell.
    if (reasons.some((reason) => reason.Code === 'TransactionConflict')) {
      return new ConcurrentModificationError('An item of this change');
    }
    return error;
  }

  private async companyIdOfVat(vatNumber: string): Promise<string | undefined> {
    const item = await this.get(vatKey(vatNumber));
    return item === undefined ? undefined : String(item['companyId']);
  }

  private async get(key: { pk: string; sk: string }): Promise<Item | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return Item;
  }

  private async queryAll(input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName'>): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({ ...input, TableName: this.tableName, ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }) }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return items;
  }

  /** Strongly consistent BatchGetItem of distinct keys, retrying what DynamoDB leaves unprocessed. */
  private async batchGet(keys: { pk: string; sk: string }[]): Promise<Item[]> {
    const distinct = [...new Map(keys.map((key) => [`${key.pk}\u0000${key.sk}`, key])).values()];
    const items: Item[] = [];
    for (let offset = 0; offset < distinct.length; offset += 100) {
      let pending: Record<string, unknown>[] = distinct.slice(offset, offset + 100);
      for (let attempt = 1; pending.length > 0; attempt++) {
        if (attempt > MAX_BATCH_ATTEMPTS) throw new Error(`BatchGetItem left ${pending.length} keys unprocessed`);
        if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
        const { Responses, UnprocessedKeys } = await this.client.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } }),
        );
        items.push(...(Responses?.[this.tableName] ?? []));
        pending = UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      }
    }
    return items;
  }
}

/**
 * The activation items follow the company's pending activation: a new one is claimed (its hash is
 * unique), the one it replaces is revoked, and the one a confirmation consumes becomes `used` only if it
 * was still pending, which makes confirmation single use even under concurrency.
 */
function activationWrites(
  TableName: string,
  before: Company | undefined,
  after: Company,
): { item: TransactItem; meaning: Meaning }[] {
  const previous = before?.pendingActivation;
  const next = after.pendingActivation;
  const writes: { item: TransactItem; meaning: Meaning }[] = [];
  if (previous !== undefined && previous.tokenHash !== next?.tokenHash) {
    if (next === undefined) {
      writes.push({
        item: {
          Update: {
            TableName,
            Key: activationKey(previous.tokenHash),
            UpdateExpression: 'SET #status = :used REMOVE #company',
            ConditionExpression: '#status = :pending',
            ExpressionAttributeNames: { '#status': 'status', '#company': 'company' },
            ExpressionAttributeValues: { ':used': 'used', ':pending': 'pending' },
          },
        },
        meaning: { kind: 'stale', entity: 'Activation link' },
      });
    } else {
      writes.push({
        item: { Put: { TableName, Item: activationItem(after.companyId, previous, 'revoked') } },
        meaning: { kind: 'none' },
      });
    }
  }
  if (next !== undefined) {
    const isNew = next.tokenHash !== previous?.tokenHash;
    // A still-pending activation is rewritten with the new company snapshot: the company's version
    // condition in the same transaction is what guards it.
    writes.push({
      item: {
        Put: {
          TableName,
          Item: activationItem(after.companyId, next, 'pending', after),
          ...(isNew ? { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': 'pk' } } : {}),
        },
      },
      meaning: isNew ? { kind: 'stale', entity: 'Activation link' } : { kind: 'none' },
    });
  }
  return writes;
}

function attributeString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object' && typeof (value as { S?: unknown }).S === 'string') {
    return (value as { S: string }).S;
  }
  return undefined;
}

function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
