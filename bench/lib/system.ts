/**
 * The bench's view of the running local stack: signed FIC deliveries, Studio API calls, the activation
 * page, the confirmation emails, and "is this event done" (its FICEVENT marker with effectsDone).
 */
import http from 'node:http';
import { randomInt } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { JWK } from 'jose';
import { ficEventKey } from '#shared/adapters/dynamodb/keys';
import { parseEnvironment, type Config } from '#shared/config';
import { vatNumberWithCheckDigit } from '#shared/domain/identifiers';
import { ficEventTypes, ficWebhookUrl } from '#shared/fic/event-types';
import { ficCompanyIdFor, FicSimulatorClient, signWebhookToken, simulatedEvent, webhookRequest, type DeliveryMode } from '../../infra/local/fic-simulator.ts';
import { loadOrCreateKeyPair, localKeyNames } from '../../infra/local/keys.ts';
import type { LocalStack } from '../../infra/local/stack.ts';
import { mintStudioToken } from '../../infra/local/studio-token.ts';
import { send, sleep, type HttpRequest, type HttpResponse } from './measure.ts';

export const region = 'eu-south-1';
export const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const fastFail = { maxAttempts: 1, requestHandler: { requestTimeout: 10_000 } };

export class System {
  readonly settings: Config;
  readonly webhookUrl: string;
  readonly ddb: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
  readonly fic: FicSimulatorClient;
  readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  private readonly runId = randomInt(100_000, 999_999).toString(36);
  private vatBase = randomInt(1_000_000, 8_000_000);
  private studioTokens = new Map<string, string>();

  private constructor(
    readonly stack: LocalStack,
    private readonly ficKey: JWK,
    private readonly studioKey: JWK,
  ) {
    this.settings = parseEnvironment(stack.functionEnv);
    this.webhookUrl = `${stack.apiUrl}/v1/fic/webhook`;
    this.ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ region, credentials, endpoint: stack.endpoints.dynamoDb, ...fastFail }));
    this.sqs = new SQSClient({ region, credentials, endpoint: stack.endpoints.sqs, ...fastFail });
    this.fic = new FicSimulatorClient(stack.ficSimulatorUrl);
  }

  static async connect(stack: LocalStack, keysDir: string): Promise<System> {
    const fic = await loadOrCreateKeyPair(keysDir, localKeyNames.ficSimulator);
    const studio = await loadOrCreateKeyPair(keysDir, localKeyNames.studioIssuer);
    return new System(stack, fic.privateJwk, studio.privateJwk);
  }

  close(): void {
    this.agent.destroy();
    this.ddb.destroy();
    this.sqs.destroy();
  }

  /** A fresh, valid Partita IVA (office code 001) unique within this run. */
  nextVat(): string {
    this.vatBase += 1;
    return vatNumberWithCheckDigit(`${String(this.vatBase).padStart(7, '0')}001`);
  }

  studioId(name: string): string {
    return `bench-${this.runId}-${name}`;
  }

  emailFor(vat: string): string {
    return `titolare+${this.runId}-${vat}@bench.example`;
  }

  http(request: HttpRequest): Promise<HttpResponse> {
    return send(this.agent, request);
  }

  /** A signed `einvoicing.activated` delivery, as FIC sends it, ready to POST. */
  async activationDelivery(vat: string, options: { mode?: DeliveryMode; vatInData?: string } = {}): Promise<{ eventId: string; request: HttpRequest }> {
    const ficCompanyId = ficCompanyIdFor(vat);
    const data = { ficCompanyId, vatNumber: options.vatInData ?? vat, name: `Bench S.r.l. ${vat}`, activatedAt: new Date().toISOString() };
    const event = simulatedEvent(ficEventTypes.einvoicingActivated, ficCompanyId, data);
    const token = await signWebhookToken(this.ficKey, {
      issuer: this.settings.FIC_ISSUER,
      audience: [ficWebhookUrl(this.settings.PUBLIC_BASE_URL)],
      appId: this.settings.FIC_APP_ID,
      subject: event.subject,
      jwtId: event.id,
    });
    const request = webhookRequest(event, token, options.mode ?? 'binary');
    return { eventId: event.id, request: { url: this.webhookUrl, method: 'POST', headers: request.headers, body: request.body } };
  }

  private async studioHeaders(studioId: string): Promise<Record<string, string>> {
    let token = this.studioTokens.get(studioId);
    if (token === undefined) {
      token = await mintStudioToken(this.studioKey, {
        studioId,
        issuer: this.settings.STUDIO_JWT_ISSUER,
        audience: this.settings.STUDIO_JWT_AUDIENCE,
        expiresInSeconds: 3600,
      });
      this.studioTokens.set(studioId, token);
    }
    return { authorization: `Bearer ${token}`, 'x-agyo-channel': 'portal', 'content-type': 'application/json' };
  }

  async studio(studioId: string, method: string, path: string, body?: unknown): Promise<HttpResponse> {
    return this.http({ url: `${this.stack.apiUrl}${path}`, method, headers: await this.studioHeaders(studioId), ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  }

  async createCompany(studioId: string, vat: string, extend: string[]): Promise<string> {
    const response = await this.studio(studioId, 'POST', '/v1/companies', { vatNumber: vat, name: `Bench S.r.l. ${vat}`, email: this.emailFor(vat), extend });
    if (response.status !== 201) throw new Error(`create company: HTTP ${response.status} ${response.body.slice(0, 200)}`);
    return (JSON.parse(response.body) as { companyId: string }).companyId;
  }

  async connectTo(studioId: string, vat: string): Promise<string> {
    const response = await this.studio(studioId, 'POST', '/v1/connections', { vatNumber: vat });
    if (response.status !== 202 && response.status !== 200) throw new Error(`connect: HTTP ${response.status} ${response.body.slice(0, 200)}`);
    return /\/v1\/companies\/([^/]+)$/.exec(String(response.headers.location))?.[1] ?? '';
  }

  /** The Studio's reads of a company: the company, its timeline, the Studio's connections. */
  async studioReads(studioId: string, companyId: string): Promise<number> {
    const paths = [`/v1/companies/${companyId}`, `/v1/companies/${companyId}/timeline`, '/v1/connections'];
    for (const path of paths) {
      const response = await this.studio(studioId, 'GET', path);
      if (response.status !== 200) throw new Error(`GET ${path}: HTTP ${response.status}`);
    }
    return paths.length;
  }

  /** Activation links from the SES emulator's store, by recipient. */
  async activationLinks(): Promise<Map<string, string>> {
    const response = await this.http({ url: `${this.stack.endpoints.ses}/store` });
    const store = JSON.parse(response.body) as { emails: { destination: { to: string[] }; body: { text?: string } }[] };
    const links = new Map<string, string>();
    for (const email of store.emails) {
      const link = /https?:\/\/\S+\/v1\/activations\/[A-Za-z0-9_-]{43}/.exec(email.body.text ?? '')?.[0];
      for (const to of email.destination.to) if (link) links.set(to, link);
    }
    return links;
  }

  /** The page a company opens from the email: returns the anti-forgery pair the form posts back. */
  async viewActivation(link: string): Promise<{ cookie: string; csrf: string }> {
    const page = await this.http({ url: link });
    if (page.status !== 200) throw new Error(`activation page: HTTP ${page.status}`);
    const setCookie = page.headers['set-cookie']?.[0] ?? '';
    const csrf = /name="csrf" value="([\w-]{43})"/.exec(page.body)?.[1];
    if (!csrf) throw new Error('activation page without the csrf field');
    return { cookie: setCookie.split(';')[0]!, csrf };
  }

  async confirmActivation(link: string, form: { cookie: string; csrf: string }): Promise<void> {
    const response = await this.http({
      url: link,
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: form.cookie, origin: new URL(link).origin },
      body: `csrf=${form.csrf}`,
    });
    if (response.status !== 200) throw new Error(`confirm: HTTP ${response.status}`);
  }

  /** The events among `eventIds` whose processing is complete: marker written and effects (email) done. */
  async doneEvents(eventIds: readonly string[]): Promise<Set<string>> {
    const done = new Set<string>();
    for (let start = 0; start < eventIds.length; start += 100) {
      const keys = eventIds.slice(start, start + 100).map(ficEventKey);
      const { Responses } = await this.ddb.send(
        new BatchGetCommand({
          RequestItems: { [this.stack.tableName]: { Keys: keys, ProjectionExpression: '#pk, #done', ExpressionAttributeNames: { '#pk': 'pk', '#done': 'effectsDone' } } },
        }),
      );
      for (const item of Responses?.[this.stack.tableName] ?? []) {
        if (item['effectsDone'] === true) done.add(String(item['pk']).slice('FICEVENT#'.length));
      }
    }
    return done;
  }

  async waitDone(eventId: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if ((await this.doneEvents([eventId])).has(eventId)) return;
      await sleep(25);
    }
    throw new Error(`event ${eventId} not processed within ${timeoutMs} ms`);
  }

  /** Waits until the queue holds no message, visible or in flight. */
  async drain(queueUrl: string, timeoutMs = 120_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const { Attributes = {} } = await this.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
      );
      if (Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0) === 0) return true;
      await sleep(200);
    }
    return false;
  }
}
