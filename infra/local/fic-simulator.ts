/**
 * A local Fatture in Cloud, for `npm start`, the tests and demos. It plays both directions:
 * - FIC → us: signed CloudEvents (ES256, the `fic-simulator` key pair whose public half the
 *   webhook trusts) POSTed to `/v1/fic/webhook`, binary mode by default, retried on 5xx as FIC does;
 * - us → FIC: the connection-request endpoint (`POST /agyo/connection-requests`, bearer token,
 *   idempotent by requestId), kept in memory.
 * A control API under `/control/` lets a person or a test act as the company: activate
 * e-invoicing, list the connection requests, confirm or reject one (which sends `connections.*`).
 * `FicSimulatorClient` wraps the control API; `scripts/fic.ts` is its command line.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { importJWK, SignJWT, type JWK } from 'jose';
import { z } from 'zod';
import { connectionRequestsPath } from '#shared/fic/connection-api';
import { companySubject, ficEventTypes, verificationChallengeName } from '#shared/fic/event-types';
import { loadOrCreateKeyPair, localKeyNames } from './keys.ts';
import { listen } from './ports.ts';

export const defaultFicApiToken = 'local-fic-api-token';
export const ficSimulatorSource = 'https://api-v2.fattureincloud.it';

export interface FicSimulatorOptions {
  port: number;
  host?: string;
  keysDir: string;
  /** Where webhooks go; also the JWT audience (`${PUBLIC_BASE_URL}/v1/fic/webhook`). */
  webhookUrl: string;
  issuer: string;
  appId: string;
  /** The bearer token the outbound endpoint expects (FIC_API_TOKEN of the functions). */
  apiToken?: string;
  /** FIC makes 4 attempts in all when the receiver answers 5xx. */
  deliveryAttempts?: number;
  retryDelayMs?: number;
}

export type DeliveryMode = 'binary' | 'structured';

export interface SimulatedEvent {
  id: string;
  type: string;
  subject: string;
  time: string;
  source: string;
  data?: unknown;
}

export interface Delivery {
  eventId: string;
  type: string;
  mode: DeliveryMode;
  /** The final answer of the webhook (after retries on 5xx); 0 when unreachable. */
  status: number;
  attempts: number;
  responseBody: string;
  at: string;
}

export interface ReceivedConnectionRequest {
  requestId: string;
  vatNumber: string;
  ficCompanyId: number;
  studio: { id: string; name: string };
  receivedAt: string;
  /** How many times our outbound function called for it (redeliveries included). */
  calls: number;
  status: 'pending' | 'confirmed' | 'rejected';
  decisionEventId?: string;
}

export interface FicSimulator {
  url: string;
  publicJwk: JWK;
  apiToken: string;
  client: FicSimulatorClient;
  stop(): Promise<void>;
}

// ---- Signing and building deliveries (also used by tests to forge variations) --------------------

export interface WebhookTokenClaims {
  issuer: string;
  audience: string | string[];
  appId: string;
  subject: string;
  jwtId: string;
  issuedAt?: number;
  expiresAt?: number;
}

/** A token as FIC signs it: ES256, `aud` a list, `exp` 3 hours after `iat`. */
export async function signWebhookToken(privateJwk: JWK, claims: WebhookTokenClaims): Promise<string> {
  const key = await importJWK(privateJwk, 'ES256');
  const issuedAt = claims.issuedAt ?? Math.floor(Date.now() / 1000);
  return new SignJWT({ aid: claims.appId })
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT', ...(privateJwk.kid ? { kid: privateJwk.kid } : {}) })
    .setIssuer(claims.issuer)
    .setAudience(Array.isArray(claims.audience) ? claims.audience : [claims.audience])
    .setSubject(claims.subject)
    .setJti(claims.jwtId)
    .setIssuedAt(issuedAt)
    .setExpirationTime(claims.expiresAt ?? issuedAt + 3 * 60 * 60)
    .sign(key);
}

export function newEventId(): string {
  return `${Math.floor(100 + Math.random() * 900)}:${randomUUID()}`;
}

export function simulatedEvent(type: string, ficCompanyId: number, data: unknown, id = newEventId()): SimulatedEvent {
  return { id, type, subject: companySubject(ficCompanyId), time: new Date().toISOString(), source: ficSimulatorSource, data };
}

/** The HTTP request FIC would send for this event, in either CloudEvents mode. */
export function webhookRequest(event: SimulatedEvent, token: string, mode: DeliveryMode = 'binary'): { headers: Record<string, string>; body: string } {
  if (mode === 'structured') {
    return {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/cloudevents+json; charset=utf-8' },
      body: JSON.stringify({ specversion: '1.0', ...event, datacontenttype: 'application/json' }),
    };
  }
  return {
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json; charset=utf-8',
      'ce-specversion': '1.0',
      'ce-id': event.id,
      'ce-type': event.type,
      'ce-subject': event.subject,
      'ce-time': event.time,
      'ce-source': event.source,
    },
    body: JSON.stringify({ data: event.data }),
  };
}

/** FIC's company id for a VAT number the simulator has not seen: stable across restarts. */
export function ficCompanyIdFor(vatNumber: string): number {
  return 1_000_000 + (Number(vatNumber.slice(0, 10)) % 9_000_000);
}

// ---- The server ------------------------------------------------------------------------------

const activationInput = z.object({
  vatNumber: z.string(),
  name: z.string(),
  taxCode: z.string().optional(),
  ficCompanyId: z.number().int().positive().optional(),
  activatedAt: z.string().optional(),
  mode: z.enum(['binary', 'structured']).optional(),
  eventId: z.string().optional(),
});
export type ActivationInput = z.input<typeof activationInput>;

const eventInput = z.object({
  type: z.string(),
  ficCompanyId: z.number().int().positive(),
  data: z.unknown().optional(),
  id: z.string().optional(),
  mode: z.enum(['binary', 'structured']).optional(),
});
export type EventInput = z.input<typeof eventInput>;

const outboundBody = z.object({
  data: z.object({
    requestId: z.string().min(1),
    vatNumber: z.string().regex(/^\d{11}$/),
    ficCompanyId: z.number().int().positive().optional(),
    studio: z.object({ id: z.string().min(1), name: z.string().min(1) }),
  }),
});

const faultsInput = z.object({ outbound: z.object({ status: z.number().int().min(100).max(599), count: z.number().int().min(0) }) });

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export async function startFicSimulator(options: FicSimulatorOptions): Promise<FicSimulator> {
  const keys = await loadOrCreateKeyPair(options.keysDir, localKeyNames.ficSimulator);
  const apiToken = options.apiToken ?? defaultFicApiToken;
  const attempts = options.deliveryAttempts ?? 4;
  const retryDelayMs = options.retryDelayMs ?? 250;
  const companies = new Map<string, number>();
  const requests = new Map<string, ReceivedConnectionRequest>();
  const deliveries: Delivery[] = [];
  let outboundFault: { status: number; count: number } | undefined;

  const deliver = async (event: SimulatedEvent, mode: DeliveryMode = 'binary'): Promise<Delivery> => {
    let status = 0;
    let responseBody = '';
    let attempt = 0;
    while (attempt < attempts) {
      attempt += 1;
      // A fresh token per attempt, as FIC signs each call.
      const token = await signWebhookToken(keys.privateJwk, {
        issuer: options.issuer,
        audience: [options.webhookUrl],
        appId: options.appId,
        subject: event.subject,
        jwtId: event.id,
      });
      const request = webhookRequest(event, token, mode);
      try {
        const response = await fetch(options.webhookUrl, { method: 'POST', headers: request.headers, body: request.body, signal: AbortSignal.timeout(10_000) });
        status = response.status;
        responseBody = await response.text();
      } catch (error) {
        status = 0;
        responseBody = error instanceof Error ? error.message : String(error);
      }
      if (status !== 0 && status < 500) break;
      if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, retryDelayMs * 2 ** (attempt - 1)));
    }
    const delivery: Delivery = { eventId: event.id, type: event.type, mode, status, attempts: attempt, responseBody, at: new Date().toISOString() };
    deliveries.push(delivery);
    return delivery;
  };

  const activate = async (input: z.output<typeof activationInput>) => {
    const ficCompanyId = input.ficCompanyId ?? companies.get(input.vatNumber) ?? ficCompanyIdFor(input.vatNumber);
    companies.set(input.vatNumber, ficCompanyId);
    const data = {
      ficCompanyId,
      vatNumber: input.vatNumber,
      ...(input.taxCode ? { taxCode: input.taxCode } : {}),
      name: input.name,
      activatedAt: input.activatedAt ?? new Date().toISOString(),
    };
    const event = simulatedEvent(ficEventTypes.einvoicingActivated, ficCompanyId, data, input.eventId);
    return { eventId: event.id, ficCompanyId, delivery: await deliver(event, input.mode) };
  };

  const decide = async (requestId: string, decision: 'confirmed' | 'rejected') => {
    const request = requests.get(requestId);
    if (!request) throw new HttpError(404, `No connection request ${requestId}`);
    if (request.status !== 'pending' && request.status !== decision) throw new HttpError(409, `Request ${requestId} is already ${request.status}`);
    // Deciding again re-sends the same event (same id), as a FIC redelivery would.
    request.status = decision;
    request.decisionEventId ??= newEventId();
    const at = new Date().toISOString();
    const type = decision === 'confirmed' ? ficEventTypes.connectionConfirmed : ficEventTypes.connectionRejected;
    const data = { ficCompanyId: request.ficCompanyId, requestId, ...(decision === 'confirmed' ? { confirmedAt: at } : { rejectedAt: at }) };
    const event = simulatedEvent(type, request.ficCompanyId, data, request.decisionEventId);
    return { request, delivery: await deliver(event) };
  };

  const receiveConnectionRequest = (headers: http.IncomingHttpHeaders, body: unknown) => {
    if (headers.authorization !== `Bearer ${apiToken}`) throw new HttpError(401, 'invalid or missing bearer token');
    if (outboundFault && outboundFault.count > 0) {
      outboundFault.count -= 1;
      throw new HttpError(outboundFault.status, 'injected fault');
    }
    const parsed = outboundBody.safeParse(body);
    if (!parsed.success) throw new HttpError(400, parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
    const { data } = parsed.data;
    const key = headers['idempotency-key'];
    if (key !== undefined && key !== data.requestId) throw new HttpError(422, 'Idempotency-Key must equal data.requestId');
    const existing = requests.get(data.requestId);
    if (existing) {
      existing.calls += 1;
      return { status: 200, body: { data: existing } };
    }
    const ficCompanyId = data.ficCompanyId ?? companies.get(data.vatNumber) ?? ficCompanyIdFor(data.vatNumber);
    companies.set(data.vatNumber, ficCompanyId);
    const stored: ReceivedConnectionRequest = {
      requestId: data.requestId,
      vatNumber: data.vatNumber,
      ficCompanyId,
      studio: data.studio,
      receivedAt: new Date().toISOString(),
      calls: 1,
      status: 'pending',
    };
    requests.set(data.requestId, stored);
    return { status: 201, body: { data: stored } };
  };

  const route = async (method: string, url: URL, headers: http.IncomingHttpHeaders, body: unknown): Promise<{ status: number; body: unknown }> => {
    const path = url.pathname;
    if (method === 'POST' && path === connectionRequestsPath) return receiveConnectionRequest(headers, body);
    if (method === 'GET' && path === '/.well-known/jwks.json') return { status: 200, body: { keys: [keys.publicJwk] } };
    if (method === 'GET' && path === '/control/requests') return { status: 200, body: { items: [...requests.values()] } };
    const requestMatch = /^\/control\/requests\/([^/]+)(?:\/(confirm|reject))?$/.exec(path);
    if (requestMatch) {
      const requestId = decodeURIComponent(requestMatch[1]!);
      if (method === 'GET' && !requestMatch[2]) {
        const request = requests.get(requestId);
        if (!request) throw new HttpError(404, `No connection request ${requestId}`);
        return { status: 200, body: request };
      }
      if (method === 'POST' && requestMatch[2]) return { status: 200, body: await decide(requestId, requestMatch[2] === 'confirm' ? 'confirmed' : 'rejected') };
    }
    if (method === 'POST' && path === '/control/activations') return { status: 200, body: await activate(parse(activationInput, body)) };
    if (method === 'POST' && path === '/control/events') {
      const input = parse(eventInput, body);
      const event = simulatedEvent(input.type, input.ficCompanyId, input.data, input.id);
      return { status: 200, body: { eventId: event.id, delivery: await deliver(event, input.mode) } };
    }
    if (method === 'POST' && path === '/control/verify') {
      const challenge = randomUUID();
      const token = await signWebhookToken(keys.privateJwk, {
        issuer: options.issuer,
        audience: [options.webhookUrl],
        appId: options.appId,
        subject: 'subscription:verification',
        jwtId: randomUUID(),
      });
      const response = await fetch(options.webhookUrl, { headers: { authorization: `Bearer ${token}`, [verificationChallengeName]: challenge } });
      const answer = await response.text();
      let verified = false;
      try {
        verified = response.status === 200 && (JSON.parse(answer) as { verification?: unknown }).verification === challenge;
      } catch {
        verified = false;
      }
      return { status: 200, body: { status: response.status, verified } };
    }
    if (method === 'GET' && path === '/control/deliveries') return { status: 200, body: { items: deliveries } };
    if (method === 'POST' && path === '/control/faults') {
      outboundFault = parse(faultsInput, body).outbound;
      return { status: 200, body: { outbound: outboundFault } };
    }
    throw new HttpError(404, `No route ${method} ${path}`);
  };

  const server = http.createServer(async (request, response) => {
    let status = 500;
    let payload: unknown;
    try {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = raw === '' ? undefined : JSON.parse(raw);
      } catch {
        throw new HttpError(400, 'body is not JSON');
      }
      ({ status, body: payload } = await route(request.method ?? 'GET', url, request.headers, body));
    } catch (error) {
      status = error instanceof HttpError ? error.status : 500;
      payload = { error: error instanceof Error ? error.message : String(error) };
    }
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    response.end(JSON.stringify(payload));
  });
  const host = options.host ?? '127.0.0.1';
  const port = await listen('FIC simulator', server, options.port, host);
  const url = `http://${host}:${port}`;
  return {
    url,
    publicJwk: keys.publicJwk,
    apiToken,
    client: new FicSimulatorClient(url),
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function parse<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new HttpError(400, parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
  return parsed.data;
}

// ---- The control client (tests, demo, CLI) ----------------------------------------------------

export class FicSimulatorClient {
  constructor(readonly url: string) {}

  activate(input: ActivationInput): Promise<{ eventId: string; ficCompanyId: number; delivery: Delivery }> {
    return this.call('POST', '/control/activations', input);
  }

  sendEvent(input: EventInput): Promise<{ eventId: string; delivery: Delivery }> {
    return this.call('POST', '/control/events', input);
  }

  async requests(): Promise<ReceivedConnectionRequest[]> {
    return (await this.call<{ items: ReceivedConnectionRequest[] }>('GET', '/control/requests')).items;
  }

  async request(requestId: string): Promise<ReceivedConnectionRequest | undefined> {
    try {
      return await this.call<ReceivedConnectionRequest>('GET', `/control/requests/${encodeURIComponent(requestId)}`);
    } catch (error) {
      if (error instanceof FicSimulatorError && error.status === 404) return undefined;
      throw error;
    }
  }

  confirm(requestId: string): Promise<{ request: ReceivedConnectionRequest; delivery: Delivery }> {
    return this.call('POST', `/control/requests/${encodeURIComponent(requestId)}/confirm`);
  }

  reject(requestId: string): Promise<{ request: ReceivedConnectionRequest; delivery: Delivery }> {
    return this.call('POST', `/control/requests/${encodeURIComponent(requestId)}/reject`);
  }

  verifySubscription(): Promise<{ status: number; verified: boolean }> {
    return this.call('POST', '/control/verify');
  }

  async deliveries(): Promise<Delivery[]> {
    return (await this.call<{ items: Delivery[] }>('GET', '/control/deliveries')).items;
  }

  /** The next `count` outbound connection requests get `status` (e.g. 503 to test retries). */
  failOutbound(status: number, count: number): Promise<unknown> {
    return this.call('POST', '/control/faults', { outbound: { status, count } });
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new FicSimulatorError(response.status, `${method} ${path}: HTTP ${response.status} ${text}`);
    return JSON.parse(text) as T;
  }
}

export class FicSimulatorError extends Error {
  override name = 'FicSimulatorError';
  constructor(readonly status: number, message: string) {
    super(message);
  }
}
