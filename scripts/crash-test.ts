/**
 * Crash and restart, on a local stack of its own (`tsx scripts/crash-test.ts`; also run by
 * `test/reliability/crash-restart.test.ts`, so CI runs it):
 * 1. 500 FIC events (activations owing emails, case-3 creations, redeliveries) through the signed webhook;
 *    in the middle, while batches are in flight, the function host is killed (SIGKILL) as a Lambda crash
 *    or timeout would, the emulators untouched, then started again. FIC retries what got no answer.
 *    After the visibility timeout: every event processed, every owed email sent, none twice except where
 *    the killed process had sent an email and not yet recorded it (SES has no idempotency key: counted).
 * 2. DynamoDB Local (on disk) is stopped while more events arrive, then started on the same data:
 *    every item written before is still there, unchanged, and the new events are processed.
 * Queues use a 10 s visibility timeout (180 s in the topology) and the email lease 6 s (60 s).
 */
import { randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { systemClock } from '#shared/adapters/clock';
import { DynamoDbCompanyRepository } from '#shared/adapters/dynamodb/repository';
import { parseEnvironment } from '#shared/config';
import { ficEventTypes, ficWebhookUrl } from '#shared/fic/event-types';
import { createCompany } from '#shared/use-cases/create-company';
import { simulatedEvent, signWebhookToken, webhookRequest, type SimulatedEvent } from '../infra/local/fic-simulator.ts';
import { loadOrCreateKeyPair, localKeyNames } from '../infra/local/keys.ts';
import { startLocalStack, type LocalStack } from '../infra/local/stack.ts';
import { randomVatNumber } from '../infra/local/synthetic-ids.ts';

export interface CrashTestOptions {
  events?: number;
  /** Kill the function host once this many deliveries were accepted. */
  killAfter?: number;
  outageEvents?: number;
  log?: (line: string) => void;
}

export interface CrashTestReport {
  eventsDelivered: number;
  distinctEvents: number;
  duplicatesInjected: number;
  webhookAttempts: number;
  inFlightAtKill: number;
  emailsOwed: number;
  lost: string[];
  doubled: string[];
  /** Events whose email the killed process had sent but not recorded: the one case a second email is expected. */
  sentNotRecordedAtKill: number;
  deadLettered: number;
  itemsBeforeDynamoDbRestart: number;
  itemsChangedOrMissingAfterRestart: number;
  outageEvents: number;
  failures: string[];
  seconds: number;
}

const VISIBILITY_SECONDS = 10;
const LEASE_SECONDS = 6;
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runCrashTest(options: CrashTestOptions = {}): Promise<CrashTestReport> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const eventCount = options.events ?? 500;
  const killAfter = options.killAfter ?? Math.round(eventCount * 0.4);
  const outageCount = options.outageEvents ?? 50;
  const started = Date.now();
  const workDir = mkdtempSync(path.join(tmpdir(), 'agyo-crash-'));
  const failures: string[] = [];
  const check = (ok: boolean, message: string) => {
    if (!ok) failures.push(message);
  };
  let stack: LocalStack | undefined;
  try {
    stack = await startLocalStack({
      ports: { api: 0, dynamoDb: 0, sqs: 0, ses: 0 },
      keysDir: path.join(workDir, 'keys'),
      dynamoDbDataDir: path.join(workDir, 'dynamodb'),
      functionHostOutput: { file: path.join(workDir, 'function-host.log') },
      visibilityTimeoutOverrideSeconds: VISIBILITY_SECONDS,
      functionEnv: { FIC_EMAIL_LEASE_SECONDS: String(LEASE_SECONDS) },
    });
    const s = stack;
    const settings = parseEnvironment(s.functionEnv);
    const region = settings.AWS_REGION;
    const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region, credentials, endpoint: s.endpoints.dynamoDb, maxAttempts: 6 }));
    const sqs = new SQSClient({ region, credentials, endpoint: s.endpoints.sqs });
    const repository = new DynamoDbCompanyRepository(documents, s.tableName);
    const ficKey = (await loadOrCreateKeyPair(path.join(workDir, 'keys'), localKeyNames.ficSimulator)).privateJwk;
    const webhook = `${s.apiUrl}/v1/fic/webhook`;
    let attempts = 0;

    /** FIC's delivery: a fresh token per call; retried while there is no answer or a 5xx. */
    const deliver = async (event: SimulatedEvent): Promise<number> => {
      for (let attempt = 0; attempt < 120; attempt++) {
        attempts += 1;
        const token = await signWebhookToken(ficKey, { issuer: settings.FIC_ISSUER, audience: [ficWebhookUrl(settings.PUBLIC_BASE_URL)], appId: settings.FIC_APP_ID, subject: event.subject, jwtId: event.id });
        const request = webhookRequest(event, token);
        try {
          const response = await fetch(`${s.apiUrl}/v1/fic/webhook`, { method: 'POST', headers: request.headers, body: request.body, signal: AbortSignal.timeout(10_000) });
          await response.arrayBuffer();
          if (response.status < 500) return response.status;
        } catch {
          // no answer (the host is down): FIC retries
        }
        await sleep(250);
      }
      return 0;
    };
    void webhook;
    const depth = async (queueUrl: string) => {
      const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
      return { visible: Number(Attributes.ApproximateNumberOfMessages), inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible) };
    };
    const settled = async (timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const events = await depth(s.queueUrls.ficEvents);
        if (events.visible + events.inFlight === 0) return true;
        await sleep(500);
      }
      return false;
    };
    const activation = (vatNumber: string, activatedAt = new Date().toISOString()) => {
      const ficCompanyId = randomInt(1, 2_000_000_000);
      return simulatedEvent(ficEventTypes.einvoicingActivated, ficCompanyId, { ficCompanyId, vatNumber, name: "Officina dell'Àncora S.r.l.", activatedAt });
    };
    const vat = randomVatNumber;
    const emailsByAddress = async () => {
      const store = (await (await fetch(`${s.endpoints.ses}/store`)).json()) as { emails: { destination: { to: string[] } }[] };
      const counts = new Map<string, number>();
      for (const email of store.emails) for (const to of email.destination.to) counts.set(to, (counts.get(to) ?? 0) + 1);
      return counts;
    };
    const scanAll = async () => {
      const items: Record<string, unknown>[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await documents.send(new ScanCommand({ TableName: s.tableName, ConsistentRead: true, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }));
        items.push(...(page.Items ?? []));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return items;
    };
    const inParallel = async <T>(items: readonly T[], width: number, work: (item: T) => Promise<void>) => {
      let next = 0;
      await Promise.all(Array.from({ length: width }, async () => {
        while (next < items.length) await work(items[next++]!);
      }));
    };

    // ---- Prepare: Studio companies (each owes one email on its first activation) ---------------------
    const companyCount = Math.round(eventCount / 5);
    const studioCompanies = Array.from({ length: companyCount }, (_, i) => ({ vatNumber: vat(), email: `crash+${i}-${randomInt(1e9)}@azienda.example` }));
    await inParallel(studioCompanies, 8, async (company) => {
      await createCompany({ repository, clock: systemClock }, { studio: { studioId: 'studio-crash', displayName: 'Studio Crash' }, channel: 'portal', vatNumber: company.vatNumber, name: 'Crash S.r.l.', email: company.email, extend: [] });
    });
    const firsts = studioCompanies.map((company) => activation(company.vatNumber));
    const seconds = studioCompanies.map((company) => activation(company.vatNumber, new Date(Date.now() - randomInt(1, 3_600_000)).toISOString()));
    const creations = Array.from({ length: companyCount * 2 }, () => activation(vat()));
    const distinct = [...firsts, ...seconds, ...creations];
    const redeliveries = Array.from({ length: eventCount - distinct.length }, () => distinct[randomInt(distinct.length)]!);
    const stream = [...distinct, ...redeliveries].sort(() => Math.random() - 0.5);
    log(`crash test: ${stream.length} deliveries (${distinct.length} distinct events, ${redeliveries.length} redeliveries), ${companyCount} companies owing an email`);

    // ---- 1. Kill the function host mid-batch, start it again --------------------------------------------
    let accepted = 0;
    let inFlightAtKill = 0;
    let sentNotRecorded = 0;
    const statuses: number[] = [];
    const crash = (async () => {
      while (accepted < killAfter) await sleep(20);
      // Wait for batches in flight, so the kill interrupts work rather than an idle poller.
      for (let i = 0; i < 100 && (await depth(s.queueUrls.ficEvents)).inFlight === 0; i++) await sleep(20);
      inFlightAtKill = (await depth(s.queueUrls.ficEvents)).inFlight;
      await s.killFunctionHost();
      // What the killed process left half done: emails owed and already in SES but not recorded as sent.
      const emails = await emailsByAddress();
      const byVat = new Map(studioCompanies.map((company) => [company.vatNumber, company.email]));
      const owedEvents = firsts.concat(seconds);
      for (const event of owedEvents) {
        const { Item } = await documents.send(new GetCommand({ TableName: s.tableName, Key: { pk: `FICEVENT#${event.id}`, sk: 'FICEVENT' } }));
        const address = byVat.get((event.data as { vatNumber: string }).vatNumber)!;
        if (Item && Item['effectsDone'] === false && (emails.get(address) ?? 0) > 0) sentNotRecorded += 1;
      }
      log(`crash test: killed the function host with ${inFlightAtKill} messages in flight; ${sentNotRecorded} emails sent but not recorded`);
      await sleep(1000);
      await s.startFunctionHost();
      log('crash test: function host started again');
    })();
    await inParallel(stream, 16, async (event) => {
      const status = await deliver(event);
      statuses.push(status);
      if (status === 202) accepted += 1;
    });
    await crash;
    check(statuses.every((status) => status === 202), `webhook answers other than 202 in the end: ${statuses.filter((x) => x !== 202).join(',')}`);
    check(inFlightAtKill > 0, 'the kill found no batch in flight');
    check(await settled(120_000), 'fic-events did not drain after the restart');

    const missing: string[] = [];
    for (const event of distinct) {
      const { Item } = await documents.send(new GetCommand({ TableName: s.tableName, Key: { pk: `FICEVENT#${event.id}`, sk: 'FICEVENT' } }));
      if (!Item) missing.push(event.id);
    }
    check(missing.length === 0, `events never processed: ${missing.join(', ')}`);
    const emails = await emailsByAddress();
    const lost = studioCompanies.filter((company) => (emails.get(company.email) ?? 0) === 0).map((company) => company.email);
    const doubled = studioCompanies.filter((company) => (emails.get(company.email) ?? 0) > 1).map((company) => company.email);
    check(lost.length === 0, `owed emails never sent: ${lost.join(', ')}`);
    check(doubled.length <= sentNotRecorded, `${doubled.length} companies got two emails, only ${sentNotRecorded} were sent and unrecorded at the kill`);
    check(studioCompanies.every((company) => (emails.get(company.email) ?? 0) <= 2), 'a company got more than two emails');
    // Where a second email went out, its link replaced the first: one link works, the other says so.
    const store = (await (await fetch(`${s.endpoints.ses}/store`)).json()) as { emails: { destination: { to: string[] }; body: { text?: string } }[] };
    for (const address of doubled) {
      const links = store.emails.filter((email) => email.destination.to.includes(address)).map((email) => /https?:\/\/\S+\/v1\/activations\/[A-Za-z0-9_-]{43}/.exec(email.body.text ?? '')?.[0]);
      const pages = await Promise.all(links.map(async (link) => (link ? (await fetch(link)).status : 0)));
      check(pages.filter((status) => status === 200).length === 1 && pages.filter((status) => status === 410).length === 1, `${address}: the two links answer ${pages.join(', ')} (one 200 and one 410 expected)`);
    }
    for (const event of creations) {
      const { Items = [] } = await documents.send(new QueryCommand({ TableName: s.tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :v', ExpressionAttributeValues: { ':v': `VAT#${(event.data as { vatNumber: string }).vatNumber}` } }));
      check(Items.length === 1, `case-3 Partita IVA ${(event.data as { vatNumber: string }).vatNumber} has ${Items.length} companies`);
    }
    const { Messages: dead = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: s.deadLetterQueueUrls.ficEvents, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }));
    check(dead.length === 0, `${dead.length} messages dead-lettered`);

    // ---- 2. Stop DynamoDB Local while events arrive; start it on the same data ---------------------
    const before = await scanAll();
    const key = (item: Record<string, unknown>) => `${String(item['pk'])}|${String(item['sk'])}`;
    const snapshot = new Map(before.map((item) => [key(item), JSON.stringify(item)]));
    await s.stopDynamoDb();
    log(`crash test: DynamoDB Local stopped (${before.length} items on disk)`);
    const outage = Array.from({ length: outageCount }, () => activation(vat()));
    const outageStatuses: number[] = [];
    await inParallel(outage, 8, async (event) => {
      outageStatuses.push(await deliver(event));
    });
    await sleep(2000);
    await s.startDynamoDb();
    log('crash test: DynamoDB Local started again on its data');
    check(outageStatuses.every((status) => status === 202), 'the webhook refused events while DynamoDB was down (it needs only SQS)');
    const after = new Map((await scanAll()).map((item) => [key(item), JSON.stringify(item)]));
    const changed = [...snapshot].filter(([itemKey, value]) => after.get(itemKey) !== value).map(([itemKey]) => itemKey);
    check(changed.length === 0, `items lost or changed by the restart: ${changed.slice(0, 10).join(', ')}`);
    check(await settled(120_000), 'fic-events did not drain after DynamoDB came back');
    for (const event of outage) {
      const company = await repository.companyByVat((event.data as { vatNumber: string }).vatNumber, { read: 'table' });
      check(company !== undefined, `event ${event.id} delivered during the outage was never applied`);
    }
    const { Messages: deadAfter = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: s.deadLetterQueueUrls.ficEvents, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }));
    check(deadAfter.length === 0, `${deadAfter.length} messages dead-lettered after the DynamoDB restart`);

    // The function host's log over the whole run (crash and restart included): no JWT, link token or address.
    const hostLog = readFileSync(path.join(workDir, 'function-host.log'), 'utf8');
    const finalStore = (await (await fetch(`${s.endpoints.ses}/store`)).json()) as { emails: { body: { text?: string } }[] };
    const tokens = finalStore.emails.map((email) => /\/v1\/activations\/([A-Za-z0-9_-]{43})/.exec(email.body.text ?? '')?.[1]).filter((token): token is string => token !== undefined);
    check(!/eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\./.test(hostLog), 'a JWT in the function host log');
    check(!/\/v1\/activations\/[A-Za-z0-9_-]{43}/.test(hostLog), 'an activation link in the function host log');
    check(!tokens.some((token) => hostLog.includes(token)), 'a confirmation token in the function host log');
    check(!studioCompanies.some((company) => hostLog.includes(company.email)), 'a company email address in the function host log');

    documents.destroy();
    sqs.destroy();
    const report: CrashTestReport = {
      eventsDelivered: statuses.length + outageStatuses.length,
      distinctEvents: distinct.length + outage.length,
      duplicatesInjected: redeliveries.length,
      webhookAttempts: attempts,
      inFlightAtKill,
      emailsOwed: studioCompanies.length,
      lost,
      doubled,
      sentNotRecordedAtKill: sentNotRecorded,
      deadLettered: dead.length + deadAfter.length,
      itemsBeforeDynamoDbRestart: before.length,
      itemsChangedOrMissingAfterRestart: changed.length,
      outageEvents: outage.length,
      failures,
      seconds: Math.round((Date.now() - started) / 1000),
    };
    log(`crash test: ${JSON.stringify(report)}`);
    return report;
  } finally {
    await stack?.stop();
    if (process.env.CRASH_TEST_KEEP === '1') log(`crash test: files kept in ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runCrashTest()
    .then((report) => {
      if (report.failures.length > 0) {
        console.error(`crash test FAILED:\n- ${report.failures.join('\n- ')}`);
        process.exit(1);
      }
      console.log('crash test passed');
      process.exit(0);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
