/**
 * FIC delivers at least once, many times, out of order. Through the real webhook, queue and processor:
 * - one event delivered 100 times (20 at once, the rest spread out, the last ones after its idempotency
 *   marker has expired) makes one state change and sends at most the one email it owes;
 * - activations out of order, and a connection answer before its connection exists, converge.
 */
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { timelineActions } from '../integration/use-cases/fixtures.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { simulator } from '../integration/fic/support.ts';
import type { SimulatedEvent } from '../../infra/local/fic-simulator.ts';
import { assertLogsClean } from './support/log-scan.ts';
import {
  activationEvent,
  companiesWithVat,
  confirmByLink,
  connectionEvent,
  deadLetters,
  deliver,
  dynamoDb,
  emailsTo,
  eventually,
  ficEventMarker,
  linkIn,
  queuesSettled,
  repository,
  stack,
  studioCall,
  uniqueEmail,
  uniqueVat,
} from './support/reliability.ts';
import { figures } from './support/figures.ts';


afterAll(async () => {
  await assertLogsClean();
});


async function createByStudio(studioId: string, extend: string[] = []) {
  const vatNumber = uniqueVat();
  const email = uniqueEmail();
  const created = await studioCall(studioId, 'POST', '/v1/companies', { vatNumber, name: "Caffè dell'Angolo S.r.l.", email, extend });
  expect(created.status).toBe(201);
  return { vatNumber, email, companyId: (created.body as { companyId: string }).companyId };
}

/** 20 deliveries at once, 60 spread over a few seconds, then the marker expires (TTL) and 20 more. */
async function deliverHundredTimes(event: SimulatedEvent): Promise<number[]> {
  const statuses = await Promise.all(Array.from({ length: 20 }, () => deliver(event)));
  await eventually(async () => (await ficEventMarker(event.id))?.effectsDone === true);
  for (let wave = 0; wave < 6; wave++) {
    statuses.push(...(await Promise.all(Array.from({ length: 10 }, () => deliver(event)))));
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  await queuesSettled();
  // What DynamoDB's TTL does to the marker after 90 days: the company's own record must still guard.
  await dynamoDb.send(new DeleteCommand({ TableName: stack.tableName, Key: { pk: `FICEVENT#${event.id}`, sk: 'FICEVENT' } }));
  for (let wave = 0; wave < 4; wave++) {
    statuses.push(...(await Promise.all(Array.from({ length: 5 }, () => deliver(event)))));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await queuesSettled();
  figures.add('eventsDelivered', statuses.length);
  figures.add('duplicatesInjected', statuses.length - 1);
  return statuses;
}

describe('one FIC event delivered 100 times through the webhook', () => {
  it('case 1: one change, one email, one working link; nothing dead-lettered', async () => {
    const studio = `studio-dup-${Date.now()}`;
    const company = await createByStudio(studio);
    const event = activationEvent(company.vatNumber);

    const statuses = await deliverHundredTimes(event);

    expect(statuses).toEqual(Array.from({ length: 100 }, () => 202));
    const emails = await emailsTo(company.email);
    expect(emails).toHaveLength(1);
    const stored = (await repository.companyWithConnections(company.companyId))!.company;
    // Version 1 at creation, 2 after the one activation: nothing else ever wrote the company.
    expect(stored.version).toBe(2);
    expect(stored.einvoicing).toMatchObject({ status: 'activated', lastEventId: event.id });
    const actions = await timelineActions(company.companyId);
    expect(actions.filter((action) => action === 'ficActivationReceived')).toHaveLength(1);
    expect(actions.filter((action) => action === 'activationRequested')).toHaveLength(1);
    expect(actions.filter((action) => action === 'ficActivationIgnored')).toHaveLength(0);
    const page = await fetch(linkIn(emails[0]!));
    expect(page.status).toBe(200);
    expect((await deadLetters(stack.deadLetterQueueUrls.ficEvents)).filter((m) => m.MessageAttributes?.eventId?.StringValue === event.id)).toEqual([]);
  });

  it('case 3: one company created, no email, nothing dead-lettered', async () => {
    const vatNumber = uniqueVat();
    const event = activationEvent(vatNumber, { name: 'Pasticceria Nonna Àgata' });

    const statuses = await deliverHundredTimes(event);

    expect(statuses).toEqual(Array.from({ length: 100 }, () => 202));
    expect(await companiesWithVat(vatNumber)).toBe(1);
    const company = (await repository.companyByVat(vatNumber, { read: 'table' }))!;
    expect(company.version).toBe(1);
    expect(company.services.sdi).toMatchObject({ status: 'active', payer: { kind: 'ficClient' } });
    expect(company.services.sdi.history).toHaveLength(1);
    expect(await timelineActions(company.companyId)).toEqual(['companyCreated', 'serviceActivated', 'serviceActivated']);
    expect((await deadLetters(stack.deadLetterQueueUrls.ficEvents)).filter((m) => m.MessageAttributes?.eventId?.StringValue === event.id)).toEqual([]);
  });
});

describe('events out of order converge', () => {
  it('two activations, newest first or oldest first, with the confirmation in between: same services, one email each', async () => {
    const studio = `studio-order-${Date.now()}`;
    const older = new Date(Date.now() - 10 * 60_000).toISOString();
    const newer = new Date().toISOString();
    const finals = [];
    for (const order of [['older', 'newer'], ['newer', 'older']] as const) {
      const company = await createByStudio(studio, ['sdi']);
      const events = { older: activationEvent(company.vatNumber, { activatedAt: older }), newer: activationEvent(company.vatNumber, { activatedAt: newer }) };

      // First event, delivered twice; the company confirms; the second event, delivered twice.
      expect(await Promise.all([deliver(events[order[0]]), deliver(events[order[0]])])).toEqual([202, 202]);
      const [email] = await eventually(async () => {
        const found = await emailsTo(company.email);
        return found.length > 0 ? found : undefined;
      });
      const confirmed = await confirmByLink(linkIn(email!));
      expect(confirmed).toBe(200);
      expect(await Promise.all([deliver(events[order[1]]), deliver(events[order[1]])])).toEqual([202, 202]);
      await queuesSettled();

      expect(await emailsTo(company.email)).toHaveLength(1);
      const stored = (await repository.companyWithConnections(company.companyId))!.company;
      finals.push({
        services: Object.fromEntries(Object.entries(stored.services).map(([kind, state]) => [kind, { status: state.status, payers: state.history.map((p) => p.payer.kind) }])),
        pending: stored.pendingActivation !== undefined,
        companies: await companiesWithVat(company.vatNumber),
      });
      // The older event, whenever it came, never overrides the newer one.
      expect(stored.einvoicing.status).toBe('activated');
      if (order[0] === 'newer') expect(stored.einvoicing).toMatchObject({ activatedAt: newer, lastEventId: events.newer.id });
    }
    expect(finals[0]).toEqual(finals[1]);
    expect(finals[0]).toEqual({
      services: { sdi: { status: 'active', payers: ['studio', 'ficClient'] }, eRicevi: { status: 'active', payers: ['ficClient'] } },
      pending: false,
      companies: 1,
    });
  });

  it('a connection answer for a request that does not exist yet changes nothing and is not retried; the real one later applies once', async () => {
    const vatNumber = uniqueVat();
    const ficCompanyId = 900_000 + Math.floor(Math.random() * 99_999);
    expect(await deliver(activationEvent(vatNumber, { ficCompanyId }))).toBe(202);
    await eventually(async () => repository.companyByVat(vatNumber, { read: 'table' }));

    // FIC answers a request id we never issued (or not yet): acknowledged, recorded as ignored.
    const early = connectionEvent('confirmed', ficCompanyId, 'REQ-NOT-ISSUED-YET');
    expect(await deliver(early)).toBe(202);
    const marker = await eventually(async () => ficEventMarker(early.id));
    expect(marker).toMatchObject({ outcome: 'ignored', detail: 'UnknownConnectionRequestError' });

    const studio = `studio-conn-${Date.now()}`;
    const connected = await studioCall(studio, 'POST', '/v1/connections', { vatNumber });
    expect(connected.status).toBe(202);
    const request = await eventually(async () => (await simulator.requests()).find((r) => r.vatNumber === vatNumber));

    // The real confirmation, then redeliveries, a contradicting rejection and the early event again.
    const { delivery } = await simulator.confirm(request.requestId);
    expect(delivery.status).toBe(202);
    expect(await eventually(async () => ficEventMarker(delivery.eventId))).toMatchObject({ outcome: 'applied' });
    const contradiction = connectionEvent('rejected', ficCompanyId, request.requestId);
    expect(await Promise.all([simulator.confirm(request.requestId).then((r) => r.delivery.status), deliver(contradiction), deliver(early)])).toEqual([202, 202, 202]);
    await queuesSettled();

    const view = await studioCall(studio, 'GET', `/v1/companies/${(connected.body as { view: { companyId: string } }).view.companyId}`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ access: 'full', connection: { status: 'active' } });
    const actions = await timelineActions((connected.body as { view: { companyId: string } }).view.companyId);
    expect(actions.filter((action) => action === 'connectionActivated')).toHaveLength(1);
    expect(actions.filter((action) => action === 'connectionRejected')).toHaveLength(0);
    expect(await ficEventMarker(contradiction.id)).toMatchObject({ outcome: 'ignored', detail: 'ConnectionAlreadyActiveError' });
    const dead = await deadLetters(stack.deadLetterQueueUrls.ficEvents);
    expect(dead.filter((m) => [early.id, contradiction.id].includes(m.MessageAttributes?.eventId?.StringValue ?? ''))).toEqual([]);
    figures.add('eventsDelivered', 7);
    figures.add('duplicatesInjected', 2);
  });
});
