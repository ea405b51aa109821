/**
 * Dependency outages while FIC events stream in, injected between the function host and the emulators
 * (`support/fault-proxy.ts`): SES throttling, then SES unavailable; SQS refusing the webhook's enqueue;
 * DynamoDB unreachable. FIC retries what was not accepted, as it does on 5xx. After recovery: every event
 * processed once, every email owed sent once, nothing dead-lettered, and the webhook answered 2xx exactly
 * when it had enqueued.
 */
import { randomInt } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertLogsClean } from './support/log-scan.ts';
import { awsErrors } from './support/fault-proxy.ts';
import { figures } from './support/figures.ts';
import {
  activationEvent,
  companiesWithVat,
  deadLetters,
  deliverUntilAccepted,
  dynamoDb,
  emailsTo,
  faults,
  ficEventMarker,
  queueName,
  queuesSettled,
  repository,
  stack,
  studioCall,
  uniqueEmail,
  uniqueVat,
} from './support/reliability.ts';

const EVENTS = Number(process.env.OUTAGE_EVENTS ?? 1000);
const STUDIO_COMPANIES = Math.round(EVENTS / 5);

beforeAll(async () => {
  await Promise.all([faults.ses.clear({ stats: true }), faults.sqs.clear({ stats: true }), faults.dynamoDb.clear({ stats: true })]);
});

afterAll(async () => {
  await Promise.all([faults.ses.clear(), faults.sqs.clear(), faults.dynamoDb.clear()]);
  await assertLogsClean();
});

async function inParallel<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

describe(`SES, SQS and DynamoDB failing for a while during ${EVENTS} FIC events`, () => {
  it('after recovery: every event processed once, every owed email sent once, nothing dead-lettered, 2xx only when enqueued', async () => {
    // Prepare: companies created by Studios (each owes one email on its first activation).
    const studio = `studio-outage-${Date.now()}`;
    const studioCompanies = Array.from({ length: STUDIO_COMPANIES }, () => ({ vatNumber: uniqueVat(), email: uniqueEmail('outage') }));
    await inParallel(studioCompanies, 8, async (company) => {
      const created = await studioCall(studio, 'POST', '/v1/companies', { vatNumber: company.vatNumber, name: 'Guasto S.r.l.', email: company.email, extend: Math.random() < 0.5 ? ['sdi', 'eRicevi'] : [] });
      expect(created.status).toBe(201);
    });
    // Events: two activations per Studio company, one per new company (case 3), and redeliveries of both.
    const older = () => new Date(Date.now() - randomInt(1, 3_600_000)).toISOString();
    const firsts = studioCompanies.map((company) => activationEvent(company.vatNumber, { activatedAt: older() }));
    const seconds = studioCompanies.map((company) => activationEvent(company.vatNumber, { activatedAt: older() }));
    const newVats = Array.from({ length: STUDIO_COMPANIES }, () => uniqueVat());
    const creations = newVats.map((vatNumber) => activationEvent(vatNumber));
    const distinct = [...firsts, ...seconds, ...creations];
    const redeliveries = Array.from({ length: EVENTS - distinct.length }, () => distinct[randomInt(distinct.length)]!);
    const stream = [...distinct, ...redeliveries].sort(() => Math.random() - 0.5);
    expect(stream).toHaveLength(EVENTS);

    // Act: the stream flows while the dependencies fail in turn.
    const statuses: number[][] = [];
    const started = Date.now();
    const at = (ms: number) => started + ms;
    await faults.ses.inject({ action: 'SendEmail', answer: awsErrors.sesThrottling(), untilEpochMs: at(5_000) });
    const outages = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      await faults.sqs.inject({ action: 'SendMessage', queue: queueName(stack.queueUrls.ficEvents), answer: awsErrors.sqsUnavailable(), untilEpochMs: Date.now() + 3_000 });
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      // Shorter than the email lease (15 s here, 60 s on AWS) minus a send: no email may be sent twice.
      await faults.dynamoDb.inject({ answer: awsErrors.dynamoDbUnavailable(), untilEpochMs: Date.now() + 3_500 });
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      await faults.ses.inject({ action: 'SendEmail', answer: awsErrors.sesUnavailable(), untilEpochMs: Date.now() + 4_000 });
    })();
    await inParallel(stream, 16, async (event) => {
      statuses.push(await deliverUntilAccepted(event));
    });
    await outages;
    await queuesSettled(120_000);

    // Assess: the webhook's answers.
    const all = statuses.flat();
    const accepted = all.filter((status) => status === 202).length;
    expect(statuses.every((attempts) => attempts.at(-1) === 202)).toBe(true);
    expect(all.filter((status) => status !== 202 && status !== 503)).toEqual([]);
    expect(all.filter((status) => status === 503).length).toBeGreaterThan(0);
    const sqsStats = await faults.sqs.stats();
    const enqueueKey = `SendMessage:${queueName(stack.queueUrls.ficEvents)}`;
    // Every 2xx had exactly one enqueue behind it, and no 5xx had any.
    expect(sqsStats.forwarded[enqueueKey]).toBe(accepted);
    expect(sqsStats.faulted[enqueueKey]).toBeGreaterThan(0);

    // Every distinct event processed (its marker), nothing dead-lettered.
    const missing: string[] = [];
    for (const event of distinct) if ((await ficEventMarker(event.id)) === undefined) missing.push(event.id);
    const dead = await deadLetters(stack.deadLetterQueueUrls.ficEvents);
    const ours = new Set(distinct.map((event) => event.id));
    const deadOfOurs = dead.filter((message) => ours.has(message.MessageAttributes?.eventId?.StringValue ?? ''));
    expect({ missing, dead: deadOfOurs.map((message) => ({ eventId: message.MessageAttributes?.eventId?.StringValue, receives: message.Attributes?.ApproximateReceiveCount, reason: message.MessageAttributes?.rejectionReason?.StringValue })) }).toEqual({ missing: [], dead: [] });

    // One email per Studio company, each with one activation request on its timeline; one company per new VAT.
    const doubled: string[] = [];
    const lost: string[] = [];
    for (const company of studioCompanies) {
      const count = (await emailsTo(company.email)).length;
      if (count === 0) lost.push(company.email);
      if (count > 1) doubled.push(company.email);
    }
    expect({ lost, doubled }).toEqual({ lost: [], doubled: [] });
    for (const company of studioCompanies.slice(0, 40)) {
      const stored = (await repository.companyByVat(company.vatNumber, { read: 'table' }))!;
      const { Items = [] } = await dynamoDb.send(new QueryCommand({ TableName: stack.tableName, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :t)', ExpressionAttributeValues: { ':pk': `COMPANY#${stored.companyId}`, ':t': 'TIMELINE#' }, ConsistentRead: true }));
      expect(Items.filter((item) => (item['entry'] as { action: string }).action === 'activationRequested')).toHaveLength(1);
    }
    const counts = await Promise.all(newVats.map((vatNumber) => companiesWithVat(vatNumber)));
    expect(counts.filter((count) => count !== 1)).toEqual([]);

    const [ses, dynamo] = await Promise.all([faults.ses.stats(), faults.dynamoDb.stats()]);
    const faulted = [ses, sqsStats, dynamo].reduce((sum, stats) => sum + Object.values(stats.faulted).reduce((a, b) => a + b, 0), 0);
    expect(Object.values(ses.faulted).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(Object.values(dynamo.faulted).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    figures.add('eventsDelivered', all.length);
    figures.add('duplicatesInjected', redeliveries.length);
    figures.add('faultsInjected', faulted);
    figures.add('emailsChecked', studioCompanies.length);
  });
});
