// The single-table repository on DynamoDB Local: item shapes, atomicity, cancellation reasons mapped to
// precise errors, and the DynamoDB request budget of the hot operations.
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { CompanyAlreadyExistsError } from '#shared/domain/errors';
import { extendServices } from '#shared/domain/extend-services';
import { confirmActivationByToken } from '#shared/use-cases/activation-page';
import { createCompany } from '#shared/use-cases/create-company';
import { ConcurrentModificationError, EventAlreadyProcessedError } from '#shared/use-cases/errors';
import { handleFicEvent } from '#shared/use-cases/handle-fic-event';
import {
  activationEvent,
  countingRepository,
  dynamoDb,
  newStudio,
  repository,
  stack,
  testDependencies,
  tokenOf,
  uniqueVat,
} from '../use-cases/fixtures.ts';

const TableName = stack.tableName;

async function partition(pk: string) {
  const { Items = [] } = await dynamoDb.send(
    new QueryCommand({ TableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true }),
  );
  return Items;
}

function hasUndefined(value: unknown): boolean {
  if (value === undefined) return true;
  if (value === null || typeof value !== 'object') return false;
  return Object.values(value).some(hasUndefined);
}

describe('item shapes', () => {
  it('a creation writes the uniqueness item, the company, the connection and the timeline, keyed as keys.ts says', async () => {
    const deps = testDependencies();
    const studio = newStudio('Studio Rossi');
    const vatNumber = uniqueVat();

    const created = await createCompany(deps, { studio, channel: 'portal', vatNumber, name: "L'Òsteria", email: 'o@example.com', extend: ['sdi'] });

    const vat = await dynamoDb.send(new GetCommand({ TableName, Key: { pk: `VAT#${vatNumber}`, sk: 'VAT' } }));
    expect(vat.Item).toEqual({ pk: `VAT#${vatNumber}`, sk: 'VAT', entity: 'vat', vatNumber, companyId: created.companyId });
    const items = await partition(`COMPANY#${created.companyId}`);
    const bySk = (prefix: string) => items.filter((item) => String(item['sk']).startsWith(prefix));
    expect(bySk('COMPANY')).toEqual([
      expect.objectContaining({ entity: 'company', gsi1pk: `VAT#${vatNumber}`, gsi1sk: 'COMPANY', version: 1 }),
    ]);
    expect(bySk('CONNECTION#')).toEqual([
      expect.objectContaining({
        sk: `CONNECTION#${studio.studioId}`,
        entity: 'connection',
        gsi1pk: `STUDIO#${studio.studioId}`,
        gsi1sk: `l'osteria#${created.companyId}`,
        displayName: 'Studio Rossi',
        companyName: "L'Òsteria",
      }),
    ]);
    expect(bySk('TIMELINE#')).toHaveLength(3);
    for (const item of items) expect(hasUndefined(item)).toBe(false);
  });

  it('an activation item carries its TTL (after expiry, so the page can still say "expired") and the company snapshot', async () => {
    const deps = testDependencies();
    const vatNumber = uniqueVat();
    await createCompany(deps, { studio: newStudio(), channel: 'portal', vatNumber, name: 'TTL', email: 't@example.com', extend: [] });
    await handleFicEvent(deps, activationEvent(vatNumber));
    const hash = deps.tokens.hash(tokenOf(deps.mailer.sent[0]));

    const { Item } = await dynamoDb.send(new GetCommand({ TableName, Key: { pk: `ACTIVATION#${hash}`, sk: 'ACTIVATION' } }));

    expect(Item).toMatchObject({ entity: 'activation', status: 'pending', tokenHash: hash, company: expect.objectContaining({ version: 2 }) });
    expect(Item!['expiresAtEpoch']).toBeGreaterThan(Date.parse(String(Item!['expiresAt'])) / 1000);
    expect(JSON.stringify(Item)).not.toContain(tokenOf(deps.mailer.sent[0]));
  });
});

describe('transactions', () => {
  it('a change on a stale version writes nothing at all, timeline included, and says ConcurrentModificationError', async () => {
    const deps = testDependencies();
    const studio = newStudio();
    const created = await createCompany(deps, { studio, channel: 'portal', vatNumber: uniqueVat(), name: 'Stale', email: 's@example.com', extend: [] });
    const found = (await repository.companyWithConnections(created.companyId))!;
    const connection = found.connections[0]!.connection;
    const first = extendServices(found.company, connection, { studioId: studio.studioId, channel: 'portal', services: ['sdi'] }, new Date().toISOString());
    const second = extendServices(found.company, connection, { studioId: studio.studioId, channel: 'portal', services: ['eRicevi'] }, new Date().toISOString());
    const timelineBefore = (await partition(`COMPANY#${created.companyId}`)).length;

    await repository.commit({ company: { before: found.company, after: first.company }, timeline: { companyId: created.companyId, entries: first.timeline } });
    const stale = repository.commit({ company: { before: found.company, after: second.company }, timeline: { companyId: created.companyId, entries: second.timeline } });

    await expect(stale).rejects.toBeInstanceOf(ConcurrentModificationError);
    const after = (await repository.companyWithConnections(created.companyId))!.company;
    expect(after.version).toBe(2);
    expect(after.services.eRicevi.status).toBe('inactive');
    expect((await partition(`COMPANY#${created.companyId}`)).length).toBe(timelineBefore + 1);
  });

  it('maps a taken Partita IVA to CompanyAlreadyExistsError with the existing id, and an existing marker to EventAlreadyProcessedError', async () => {
    const deps = testDependencies();
    const vatNumber = uniqueVat();
    const created = await createCompany(deps, { studio: newStudio(), channel: 'portal', vatNumber, name: 'Prima', email: 'p@example.com', extend: [] });
    const event = activationEvent(vatNumber);
    await handleFicEvent(deps, event);

    const second = createCompany(deps, { studio: newStudio(), channel: 'lynfa', vatNumber, name: 'Seconda', email: 's@example.com', extend: [] });
    const marker = repository.commit({
      ficEvent: { eventId: event.eventId, kind: 'einvoicingActivated', processedAt: new Date().toISOString(), outcome: 'applied', effectsDone: true },
    });

    // Both are awaited together: a rejection left without a handler while the other is awaited is an unhandled error.
    const [secondError, markerError] = await Promise.all([second.catch((error: unknown) => error), marker.catch((error: unknown) => error)]);
    expect(secondError).toBeInstanceOf(CompanyAlreadyExistsError);
    expect(secondError).toMatchObject({ companyId: created.companyId, vatNumber });
    expect(markerError).toBeInstanceOf(EventAlreadyProcessedError);
  });

  it('finds a company by Partita IVA through the index and through the uniqueness item alike', async () => {
    const deps = testDependencies();
    const vatNumber = uniqueVat();
    const created = await createCompany(deps, { studio: newStudio(), channel: 'portal', vatNumber, name: 'Doppia Via', email: 'd@example.com', extend: [] });

    const fast = await repository.companyByVat(vatNumber);
    const consistent = await repository.companyByVat(vatNumber, { read: 'table' });

    expect(fast).toEqual(consistent);
    expect(fast?.companyId).toBe(created.companyId);
    expect(await repository.companyByVat(uniqueVat())).toBeUndefined();
  });
});

describe('DynamoDB requests per operation', () => {
  it('a Studio creates a company in 1 request', async () => {
    const counted = countingRepository();
    const deps = testDependencies({ repository: counted.repository });

    await createCompany(deps, { studio: newStudio(), channel: 'portal', vatNumber: uniqueVat(), name: 'Uno', email: 'u@example.com', extend: [] });

    expect(counted.requests()).toBe(1);
  });

  it('an FIC activation that creates the company (case 3) takes 2 requests; one that owes an email takes 4', async () => {
    const counted = countingRepository();
    const deps = testDependencies({ repository: counted.repository });
    const vatNumber = uniqueVat();
    await handleFicEvent(deps, activationEvent(vatNumber));
    expect(counted.requests()).toBe(2);

    const withEmail = uniqueVat();
    await createCompany(deps, { studio: newStudio(), channel: 'portal', vatNumber: withEmail, name: 'Mail', email: 'm@example.com', extend: [] });
    counted.reset();
    await handleFicEvent(deps, activationEvent(withEmail));
    // read + transaction, then the Studio names for the email and the "email sent" mark.
    expect(counted.requests()).toBe(4);
  });

  it('a confirmation takes 2 requests: one read and one transaction', async () => {
    const counted = countingRepository();
    const deps = testDependencies({ repository: counted.repository });
    const vatNumber = uniqueVat();
    await createCompany(deps, { studio: newStudio(), channel: 'portal', vatNumber, name: 'Due', email: 'd@example.com', extend: ['sdi'] });
    await handleFicEvent(deps, activationEvent(vatNumber));
    counted.reset();

    await confirmActivationByToken(deps, { token: tokenOf(deps.mailer.sent[0]) });

    expect(counted.requests()).toBe(2);
  });
});
