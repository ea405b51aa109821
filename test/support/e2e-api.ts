/**
 * What the end-to-end tests share: a Studio client over real HTTP with real JWTs, unique Italian
 * identifiers, the FIC simulator of the running stack, the SES emulator's store, the activation page
 * (GET, then the form's POST with its anti-forgery pair), and direct reads of DynamoDB Local.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import { companyKey, companyPartition, GSI1, vatKey } from '#shared/adapters/dynamodb/keys';
import { FicSimulatorClient } from '../../infra/local/fic-simulator.ts';
import { dynamoDb, eventually, stack, studioToken } from './stack.ts';
import { randomVatNumber } from '../../infra/local/synthetic-ids.ts';

/** Locally FIC is the simulator: the URL the functions call is also its control API. */
export const fic = new FicSimulatorClient(stack.functionEnv.FIC_API_BASE_URL!);

export type Channel = 'portal' | 'lynfa';

// ---- Unique identifiers (other test files share the stack) ----------------------------------------

/** A valid Partita IVA nobody else uses. */
export const uniqueVatNumber = randomVatNumber;

/** The same 10 digits with a wrong check digit. */
export function withWrongCheckDigit(vatNumber: string): string {
  const wrong = (Number(vatNumber[10]) + 1) % 10;
  return `${vatNumber.slice(0, 10)}${wrong}`;
}

export function uniqueStudioId(label: string): string {
  return `e2e-${label}-${randomUUID().slice(0, 8)}`;
}

export function uniqueEmail(label: string): string {
  return `${label}+${randomUUID()}@e2e.example`;
}

// ---- HTTP ---------------------------------------------------------------------------------------

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  /** The media type without parameters (`application/json`, `application/problem+json`). */
  mediaType: string;
  text: string;
  json: T;
}

/** One request and its answer, with the route template it hit (for the OpenAPI contract test). */
export interface Exchange {
  method: string;
  route: string;
  response: ApiResponse;
}

export type Recorder = (exchange: Exchange) => void;

export async function send(method: string, url: string, init: { headers?: Record<string, string>; body?: string } = {}): Promise<ApiResponse> {
  const response = await fetch(url, { method, headers: init.headers ?? {}, ...(init.body === undefined ? {} : { body: init.body }) });
  const text = await response.text();
  const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, mediaType, text, json };
}

interface CallOptions {
  body?: unknown;
  /** Sent as is (broken JSON, huge bodies). */
  rawBody?: string;
  headers?: Record<string, string>;
  /** Omit or replace the channel header. */
  channel?: Channel | string | null;
  /** Replace the bearer token (null: none). */
  token?: string | null;
  query?: Record<string, string>;
}

/** A Studio at its desk: portal or Lynfa, a real token signed by the local identity provider. */
export class StudioClient {
  private constructor(
    readonly studioId: string,
    readonly token: string,
    readonly channel: Channel,
    private readonly recorder?: Recorder,
  ) {}

  static async create(label: string, channel: Channel = 'portal', recorder?: Recorder): Promise<StudioClient> {
    const studioId = uniqueStudioId(label);
    return new StudioClient(studioId, await studioToken(studioId), channel, recorder);
  }

  /** The same Studio through another channel (the token is the Studio's, the channel the request's). */
  via(channel: Channel): StudioClient {
    return new StudioClient(this.studioId, this.token, channel, this.recorder);
  }

  async call<T = any>(method: string, route: string, params: Record<string, string>, options: CallOptions = {}): Promise<ApiResponse<T>> {
    let path = route;
    for (const [name, value] of Object.entries(params)) path = path.replace(`{${name}}`, encodeURIComponent(value));
    const query = options.query ? `?${new URLSearchParams(options.query).toString()}` : '';
    const headers: Record<string, string> = {};
    const token = options.token === undefined ? this.token : options.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    const channel = options.channel === undefined ? this.channel : options.channel;
    if (channel !== null) headers['x-agyo-channel'] = channel;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] = 'application/json';
    Object.assign(headers, options.headers ?? {});
    const response = await send(method, `${stack.apiUrl}${path}${query}`, { headers, ...(body === undefined ? {} : { body }) });
    this.recorder?.({ method, route, response });
    return response as ApiResponse<T>;
  }

  createCompany(body: Record<string, unknown>, options: CallOptions = {}) {
    return this.call('POST', '/v1/companies', {}, { body, ...options });
  }

  getCompany(companyId: string, options: CallOptions = {}) {
    return this.call('GET', '/v1/companies/{companyId}', { companyId }, options);
  }

  timeline(companyId: string, options: CallOptions = {}) {
    return this.call('GET', '/v1/companies/{companyId}/timeline', { companyId }, options);
  }

  extend(companyId: string, services: unknown, options: CallOptions = {}) {
    return this.call('POST', '/v1/companies/{companyId}/extensions', { companyId }, { body: { services }, ...options });
  }

  resend(companyId: string, options: CallOptions = {}) {
    return this.call('POST', '/v1/companies/{companyId}/activation/resend', { companyId }, options);
  }

  connect(vatNumber: string, options: CallOptions = {}) {
    return this.call('POST', '/v1/connections', {}, { body: { vatNumber }, ...options });
  }

  listConnections(options: CallOptions = {}) {
    return this.call('GET', '/v1/connections', {}, options);
  }

  /** Every connection, following nextCursor (bounded). */
  async allConnections(limit: number): Promise<{ pages: any[][]; items: any[] }> {
    const pages: any[][] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 50; page++) {
      const response = await this.listConnections({ query: { limit: String(limit), ...(cursor ? { cursor } : {}) } });
      expect(response.status).toBe(200);
      pages.push(response.json.items);
      cursor = response.json.nextCursor;
      if (cursor === undefined) return { pages, items: pages.flat() };
    }
    throw new Error('more than 50 pages of connections');
  }

  /** A company of its own (case 1 by default), created through the API; fails the test otherwise. */
  async newCompany(fields: { name?: string; email?: string; extend?: string[]; vatNumber?: string } = {}) {
    const vatNumber = fields.vatNumber ?? uniqueVatNumber();
    const email = fields.email ?? uniqueEmail('titolare');
    const response = await this.createCompany({ vatNumber, name: fields.name ?? `Azienda ${vatNumber} S.r.l.`, email, ...(fields.extend ? { extend: fields.extend } : {}) });
    expect(response.status, response.text).toBe(201);
    return { companyId: response.json.companyId as string, vatNumber, email, view: response.json };
  }
}

// ---- Problems -------------------------------------------------------------------------------------

const problemTypeBase = 'https://agyo-fic-onboarding.dev/problems/';

/** Whatever a body holds, never a stack trace, a source path or the name of something inside. */
export function expectNoInternals(text: string): void {
  for (const leak of [
    /\n\s+at\s/,
    /\bat\s+\S+\s+\(/,
    /\.ts\b/,
    /node_modules/,
    /\/work\//,
    /\b[A-Z]\w*Error\b/,
    /dynamo/i,
    /TransactionCanceled|ConditionalCheck/,
    /\b(COMPANY|VAT|STUDIO|TIMELINE|ACTIVATION|CONNECTION)#/,
    /"(pk|sk|gsi1pk|gsi1sk|tokenHash)"/,
    /\bzod\b/i,
  ]) {
    expect(text, `leaks ${leak}`).not.toMatch(leak);
  }
}

/** An RFC 9457 problem of this kind and status, that leaks nothing. Returns the body. */
export function expectProblem(response: ApiResponse, status: number, kind: string): any {
  expect(response.status, response.text).toBe(status);
  expect(response.mediaType).toBe('application/problem+json');
  expect(response.json).toMatchObject({ type: `${problemTypeBase}${kind}`, status, title: expect.any(String), detail: expect.any(String) });
  expectNoInternals(response.text);
  return response.json;
}

/** The pointers of a problem's `errors`. */
export function pointersOf(response: ApiResponse): string[] {
  return ((response.json?.errors ?? []) as { pointer: string }[]).map((error) => error.pointer);
}

/** API Gateway's JWT authorizer refused: no handler ran. */
export function expectUnauthorized(response: ApiResponse): void {
  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toBe('Bearer');
  expect(response.json).toEqual({ message: 'Unauthorized' });
}

// ---- SES emulator ---------------------------------------------------------------------------------

export interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  at?: number;
}

export async function storedEmails(): Promise<StoredEmail[]> {
  const response = await fetch(`${stack.endpoints.ses}/store`);
  return ((await response.json()) as { emails: StoredEmail[] }).emails;
}

export async function emailsTo(address: string): Promise<StoredEmail[]> {
  return (await storedEmails()).filter((email) => email.destination.to.includes(address));
}

/** Emails that mention this text anywhere (subject, parts, recipients). */
export async function emailsMentioning(text: string): Promise<StoredEmail[]> {
  return (await storedEmails()).filter((email) => JSON.stringify(email).includes(text));
}

const linkPattern = /https?:\/\/[^\s"<>]+\/v1\/activations\/[A-Za-z0-9_-]{43}/;

export function activationLinkIn(email: StoredEmail): string {
  const link = linkPattern.exec(email.body.text ?? '')?.[0];
  expect(link, 'the email carries the confirmation link').toBeDefined();
  return link!;
}

/** Waits for the `count`-th email to this address (1-based) and returns it. */
export async function nthEmailTo(address: string, count: number): Promise<StoredEmail> {
  return eventually(async () => {
    const emails = await emailsTo(address);
    return emails.length >= count ? emails[count - 1] : undefined;
  });
}

// ---- The activation page ---------------------------------------------------------------------------

/** Opens the page as the company's browser does; returns what the form needs to post. */
export async function openActivationPage(link: string): Promise<{ status: number; html: string; cookie?: string; csrf?: string }> {
  const response = await fetch(link);
  const html = await response.text();
  const cookie = response.headers.get('set-cookie')?.split(';')[0];
  const csrf = /name="csrf" value="([\w-]{43})"/.exec(html)?.[1];
  return { status: response.status, html, ...(cookie ? { cookie } : {}), ...(csrf ? { csrf } : {}) };
}

/** Presses the page's button: the form's POST with the anti-forgery cookie and field, from the page's origin. */
export async function pressConfirm(link: string): Promise<{ status: number; html: string }> {
  const page = await openActivationPage(link);
  expect(page.status).toBe(200);
  expect(page.cookie).toBeDefined();
  expect(page.csrf).toBeDefined();
  const response = await fetch(link, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: page.cookie!, origin: new URL(link).origin },
    body: `csrf=${page.csrf}`,
  });
  return { status: response.status, html: await response.text() };
}

// ---- FIC simulator --------------------------------------------------------------------------------

/** The connection request FIC received for this company from this Studio, once it arrives. */
export async function connectionRequestFor(vatNumber: string, studioId: string) {
  return eventually(async () => (await fic.requests()).find((request) => request.vatNumber === vatNumber && request.studio.id === studioId));
}

// ---- DynamoDB Local, read directly ------------------------------------------------------------------

/** Everything the table holds under this Partita IVA: its uniqueness item and the index entry. */
export async function tableItemsForVat(vatNumber: string): Promise<Record<string, unknown>[]> {
  const [uniqueness, indexed] = await Promise.all([
    dynamoDb.send(new GetCommand({ TableName: stack.tableName, Key: vatKey(vatNumber), ConsistentRead: true })),
    dynamoDb.send(
      new QueryCommand({
        TableName: stack.tableName,
        IndexName: GSI1,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': `VAT#${vatNumber}` },
      }),
    ),
  ]);
  return [...(uniqueness.Item ? [uniqueness.Item] : []), ...(indexed.Items ?? [])];
}

/** Every item of a company's partition (company, connections, timeline), as stored. */
export async function companyPartitionItems(companyId: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  for (let page = 0; page < 20; page++) {
    const result = await dynamoDb.send(
      new QueryCommand({
        TableName: stack.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': companyPartition(companyId) },
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    items.push(...(result.Items ?? []));
    start = result.LastEvaluatedKey;
    if (!start) return items;
  }
  throw new Error('company partition too large');
}

/** The company item as stored (undefined when absent). */
export async function storedCompany(companyId: string): Promise<any> {
  const result = await dynamoDb.send(new GetCommand({ TableName: stack.tableName, Key: companyKey(companyId), ConsistentRead: true }));
  return result.Item?.company;
}

/**
 * Moves the pending activation's `requestedAt` back in time, as if the email had been sent
 * `seconds` ago: the resend rate limit (one email a minute) then allows another one without the test
 * sleeping for a minute. Only the instant moves; the token, its hash and the company's version stay.
 */
export async function agePendingActivation(companyId: string, seconds: number): Promise<void> {
  const company = await storedCompany(companyId);
  const pending = company?.pendingActivation;
  if (!pending) throw new Error(`company ${companyId} has no pending activation`);
  const requestedAt = new Date(Date.parse(pending.requestedAt) - seconds * 1000).toISOString();
  await dynamoDb.send(
    new UpdateCommand({
      TableName: stack.tableName,
      Key: companyKey(companyId),
      UpdateExpression: 'SET #company.#pending.#requestedAt = :requestedAt',
      ConditionExpression: '#company.#pending.#tokenHash = :tokenHash',
      ExpressionAttributeNames: { '#company': 'company', '#pending': 'pendingActivation', '#requestedAt': 'requestedAt', '#tokenHash': 'tokenHash' },
      ExpressionAttributeValues: { ':requestedAt': requestedAt, ':tokenHash': pending.tokenHash },
    }),
  );
}
