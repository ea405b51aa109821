/**
 * What the reliability tests share: the reliability stack (same helpers as the `stack` project's), its
 * fault proxies, the SES emulator's mailbox, the Studio API over HTTP, FIC deliveries through the real
 * webhook, and checks that the queues have settled.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { GetQueueAttributesCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { inject } from 'vitest';
import { DynamoDbCompanyRepository } from '#shared/adapters/dynamodb/repository';
import { ficEventTypes } from '#shared/fic/event-types';
import { ficPrivateJwk, tokenClaims } from '../../integration/fic/support.ts';
import { simulatedEvent, signWebhookToken, webhookRequest, type SimulatedEvent, type WebhookTokenClaims } from '../../../infra/local/fic-simulator.ts';
import { dynamoDb, eventually, functionConfig, sqs, stack, studioToken } from '../../support/stack.ts';
import { FaultProxyClient, type ProxyStats } from './fault-proxy.ts';
import { randomVatNumber } from '../../../infra/local/synthetic-ids.ts';

export type ProxyStatsLike = ProxyStats;

export { dynamoDb, eventually, functionConfig, sqs, stack, studioToken };

export const reliability = inject('reliability');
export const faults = {
  dynamoDb: new FaultProxyClient(reliability.proxies.dynamoDb),
  sqs: new FaultProxyClient(reliability.proxies.sqs),
  ses: new FaultProxyClient(reliability.proxies.ses),
};
export const repository = new DynamoDbCompanyRepository(dynamoDb, stack.tableName);
export const queueName = (url: string) => url.split('/').at(-1)!;

/** A valid synthetic Partita IVA, unique enough for one run (7 random digits, office code 001-100). */
export const uniqueVat = randomVatNumber;

export function uniqueEmail(label = 'titolare'): string {
  return `${label}+${randomUUID().slice(0, 12)}@azienda.example`;
}

// ---- SES emulator ------------------------------------------------------------------------------

export interface StoredEmail {
  messageId: string;
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
}

export async function mailbox(): Promise<StoredEmail[]> {
  return ((await (await fetch(`${stack.endpoints.ses}/store`)).json()) as { emails: StoredEmail[] }).emails;
}

export async function emailsTo(address: string): Promise<StoredEmail[]> {
  return (await mailbox()).filter((email) => email.destination.to.includes(address));
}

export function linkIn(email: StoredEmail): string {
  const link = /https?:\/\/\S+\/v1\/activations\/[A-Za-z0-9_-]{43}/.exec(email.body.text ?? '')?.[0];
  if (!link) throw new Error('No activation link in the email');
  return link;
}

export const tokenOfLink = (link: string) => link.split('/').at(-1)!;

// ---- Studio API over HTTP ------------------------------------------------------------------------

export interface ApiAnswer {
  status: number;
  body: unknown;
  text: string;
}

export async function studioCall(studioId: string, method: string, path: string, body?: unknown, channel = 'portal'): Promise<ApiAnswer> {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${await studioToken(studioId)}`,
      'x-agyo-channel': channel,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: kept as text
  }
  return { status: response.status, body: parsed, text };
}

// ---- FIC through the real webhook -------------------------------------------------------------------

export const webhookUrl = `${stack.apiUrl}/v1/fic/webhook`;

// The FIC simulator's signing key and the claims FIC puts in a webhook token: one definition for all stack tests.
export { ficPrivateJwk, tokenClaims };

export async function signedToken(event: SimulatedEvent, overrides: Partial<WebhookTokenClaims> = {}): Promise<string> {
  return signWebhookToken(await ficPrivateJwk(), tokenClaims(event, overrides));
}

/** One delivery as FIC makes it (a fresh token per call); returns the webhook's status (0: no answer). */
export async function deliver(event: SimulatedEvent, options: { mode?: 'binary' | 'structured'; token?: string } = {}): Promise<number> {
  const request = webhookRequest(event, options.token ?? (await signedToken(event)), options.mode ?? 'binary');
  try {
    const response = await fetch(webhookUrl, { method: 'POST', headers: request.headers, body: request.body, signal: AbortSignal.timeout(15_000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

/** As FIC does: retries on 5xx or no answer (here until it is accepted or `attempts` run out); the statuses seen. */
export async function deliverUntilAccepted(event: SimulatedEvent, attempts = 40, delayMs = 250): Promise<number[]> {
  const statuses: number[] = [];
  for (let attempt = 0; attempt < attempts; attempt++) {
    const status = await deliver(event);
    statuses.push(status);
    if (status !== 0 && status < 500) return statuses;
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
  return statuses;
}

export function activationEvent(vatNumber: string, options: { ficCompanyId?: number; name?: string; activatedAt?: string; id?: string } = {}): SimulatedEvent {
  const ficCompanyId = options.ficCompanyId ?? randomInt(1, 2_000_000_000);
  return simulatedEvent(
    ficEventTypes.einvoicingActivated,
    ficCompanyId,
    { ficCompanyId, vatNumber, name: options.name ?? "Caffè dell'Angolo S.r.l.", activatedAt: options.activatedAt ?? new Date().toISOString() },
    options.id,
  );
}

export function connectionEvent(kind: 'confirmed' | 'rejected', ficCompanyId: number, requestId: string): SimulatedEvent {
  const at = new Date().toISOString();
  return simulatedEvent(
    kind === 'confirmed' ? ficEventTypes.connectionConfirmed : ficEventTypes.connectionRejected,
    ficCompanyId,
    { ficCompanyId, requestId, ...(kind === 'confirmed' ? { confirmedAt: at } : { rejectedAt: at }) },
  );
}

// ---- Queues and table ---------------------------------------------------------------------------------

export async function queueDepth(queueUrl: string): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] }),
  );
  return Number(Attributes!.ApproximateNumberOfMessages) + Number(Attributes!.ApproximateNumberOfMessagesNotVisible) + Number(Attributes!.ApproximateNumberOfMessagesDelayed ?? 0);
}

/** Waits until both event queues are empty (everything processed or dead-lettered). */
export async function queuesSettled(timeoutMs = 90_000): Promise<void> {
  await eventually(async () => (await queueDepth(stack.queueUrls.ficEvents)) === 0 && (await queueDepth(stack.queueUrls.ficOutbound)) === 0, { timeoutMs, intervalMs: 250 });
}

/** Reads a DLQ without consuming it (visibility 0): every message on it. */
export async function deadLetters(queueUrl: string): Promise<Message[]> {
  const seen = new Map<string, Message>();
  for (let i = 0; i < 20; i++) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0, WaitTimeSeconds: 0, MessageAttributeNames: ['All'], AttributeNames: ['All'] }),
    );
    const before = seen.size;
    for (const message of Messages) seen.set(message.MessageId!, message);
    if (Messages.length === 0 || seen.size === before) break;
  }
  return [...seen.values()];
}

export async function ficEventMarker(eventId: string) {
  return repository.ficEventMarker(eventId);
}

/** A digest of every item in the table: equal digests, no state change. */
export async function tableDigest(): Promise<{ items: number; digest: string }> {
  const hash = createHash('sha256');
  const rows: string[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamoDb.send(new ScanCommand({ TableName: stack.tableName, ConsistentRead: true, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }));
    for (const item of page.Items ?? []) rows.push(stableJson(item));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  rows.sort();
  for (const row of rows) hash.update(row);
  return { items: rows.length, digest: hash.digest('hex') };
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value instanceof Set) return stableJson([...value].sort());
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${stableJson((value as Record<string, unknown>)[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Companies holding this Partita IVA, counted by the VAT index (every company item carries it). */
export async function companiesWithVat(vatNumber: string): Promise<number> {
  const { QueryCommand } = await import('@aws-sdk/lib-dynamodb');
  const { Items = [] } = await dynamoDb.send(
    new QueryCommand({ TableName: stack.tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :vat', ExpressionAttributeValues: { ':vat': `VAT#${vatNumber}` } }),
  );
  return Items.length;
}

/** What the company's browser does: GET the page (cookie + hidden field), POST the form. */
export async function confirmByLink(link: string): Promise<number> {
  const page = await fetch(link);
  const html = await page.text();
  const cookie = page.headers.get('set-cookie')?.split(';')[0];
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!cookie || !csrf) return page.status;
  const response = await fetch(link, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', origin: new URL(link).origin },
    body: `csrf=${encodeURIComponent(csrf)}`,
  });
  await response.text();
  return response.status;
}
