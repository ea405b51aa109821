/**
 * The system's topology, described once. Both embodiments read this file:
 * - the CDK app (`infra/cdk/`) deploys it on AWS;
 * - the local host (`infra/local/`) runs it on one machine for `npm start` and the tests.
 * `test/infra/topology-agreement.test.ts` proves they agree. To add a route, a queue or a
 * function, change this file only.
 */

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Which AWS resources a function touches: drives both IAM grants (CDK) and env vars (both). */
export interface FunctionAccess {
  table?: 'read' | 'readWrite';
  /** Queues it sends to (by key of `queues`). */
  sendsTo?: readonly QueueKey[];
  sendsEmail?: boolean;
  /** Calls Fatture in Cloud's API (outbound connection requests). */
  callsFic?: boolean;
  /** Verifies FIC-signed webhooks: reads FIC's public key (SSM) and the FIC app/issuer settings. */
  verifiesFicWebhooks?: boolean;
  /** Probes dependencies read-only (DescribeTable, GetQueueAttributes, SES GetAccount). */
  probesDependencies?: boolean;
}

export interface FunctionSpec {
  /** Path of the handler module from the repository root; it exports `handler`. */
  entry: string;
  description: string;
  timeoutSeconds: number;
  memoryMb: number;
  access: FunctionAccess;
  /** npm packages whose files the function reads from disk at run time: shipped beside the bundle. */
  runtimePackages?: readonly string[];
}

export interface RouteSpec {
  method: HttpMethod;
  /** API Gateway path syntax: `{name}` for a path parameter. */
  path: string;
  function: FunctionKey;
  /** `studioJwt`: API Gateway's JWT authorizer runs first (401 before the handler otherwise). */
  auth: 'none' | 'studioJwt';
}

export interface QueueSpec {
  /** Base name; the stage is prefixed on AWS (`dev-fic-events`). */
  name: string;
  visibilityTimeoutSeconds: number;
  retentionDays: number;
  deadLetter: { name: string; maxReceiveCount: number; retentionDays: number };
}

/**
 * The function behind an event source also records messages that can never succeed on the queue's
 * DLQ, with the reason (FIC-WEBHOOKS.md: "record it (dead-letter, with the reason)"), so it may send there.
 */
export interface EventSourceSpec {
  queue: QueueKey;
  function: FunctionKey;
  batchSize: number;
  maxBatchingWindowSeconds: number;
  /** Caps concurrent invocations where a downstream (SES, FIC) has a rate limit. */
  maxConcurrency: number;
  reportBatchItemFailures: true;
}

export interface KeySchema {
  partitionKey: string;
  sortKey: string;
}

export interface TableSpec extends KeySchema {
  name: string;
  ttlAttribute: string;
  globalSecondaryIndexes: readonly ({ indexName: string } & KeySchema)[];
}

/** The Studio API's functions share their sizing: short requests, one use case each. */
function studioFunction(entry: string, description: string, access: FunctionAccess): FunctionSpec {
  return { entry, description, timeoutSeconds: 10, memoryMb: 256, access };
}

const functionSpecs = {
  health: {
    entry: 'functions/health.ts',
    description: 'Reports whether DynamoDB, SQS and SES answer',
    timeoutSeconds: 10,
    memoryMb: 256,
    access: { probesDependencies: true },
  },
  createCompany: studioFunction('functions/studio/create-company.ts', 'Studio creates a company, with or without extending its services (cases 1, 2)', { table: 'readWrite' }),
  extendServices: studioFunction('functions/studio/extend-services.ts', "Studio extends its own sdi / eRicevi to a company (case 2)", { table: 'readWrite' }),
  connectToCompany: studioFunction('functions/studio/connect.ts', 'Studio connects to a company already on Agyo (case 3)', { table: 'readWrite', sendsTo: ['ficOutbound'] }),
  listConnections: studioFunction('functions/studio/list-connections.ts', "The Studio's connections (Connessioni, STARTUPAGYO)", { table: 'read' }),
  getCompany: studioFunction('functions/studio/get-company.ts', 'A company as the Studio may see it', { table: 'read' }),
  getTimeline: studioFunction('functions/studio/get-timeline.ts', "A company's timeline as the Studio may see it", { table: 'read' }),
  resendActivation: studioFunction('functions/studio/resend-activation.ts', 'Sends the confirmation email again', { table: 'readWrite', sendsEmail: true }),
  activationPage: {
    entry: 'functions/activation-page.ts',
    description: 'The confirmation link: GET/HEAD show what confirming does, POST confirms (single use)',
    timeoutSeconds: 10,
    memoryMb: 256,
    access: { table: 'readWrite' },
  },
  ficWebhook: {
    entry: 'functions/fic-webhook.ts',
    description: 'FIC webhook: verifies the signed CloudEvent and enqueues it on fic-events',
    timeoutSeconds: 10,
    memoryMb: 256,
    access: { sendsTo: ['ficEvents'], verifiesFicWebhooks: true },
  },
  ficEvents: {
    entry: 'functions/fic-events.ts',
    description: 'Applies FIC events (activation, connection answers) through the use cases',
    timeoutSeconds: 30,
    memoryMb: 512,
    access: { table: 'readWrite', sendsEmail: true },
  },
  ficOutbound: {
    entry: 'functions/fic-outbound.ts',
    description: 'Sends connection requests to FIC (case 3), retried by redelivery',
    timeoutSeconds: 20,
    memoryMb: 256,
    access: { callsFic: true },
  },
  apiDocs: {
    entry: 'functions/api-docs.ts',
    description: 'API documentation: Swagger UI (swagger-ui-dist, no CDN) and the generated OpenAPI document',
    timeoutSeconds: 10,
    memoryMb: 256,
    access: {},
    runtimePackages: ['swagger-ui-dist'],
  },
} satisfies Record<string, FunctionSpec>;

export type FunctionKey = keyof typeof functionSpecs;
// Widened so that code reading any entry sees every optional field.
const functions: Record<FunctionKey, FunctionSpec> = functionSpecs;

const queueSpecs = {
  ficEvents: {
    name: 'fic-events',
    // Six times the processor's timeout, as AWS recommends for SQS event sources.
    visibilityTimeoutSeconds: 180,
    retentionDays: 14,
    deadLetter: { name: 'fic-events-dlq', maxReceiveCount: 5, retentionDays: 14 },
  },
  /** Connection requests to FIC (case 3): retried by redelivery while FIC is unreachable. */
  ficOutbound: {
    name: 'fic-outbound',
    visibilityTimeoutSeconds: 180,
    retentionDays: 14,
    deadLetter: { name: 'fic-outbound-dlq', maxReceiveCount: 8, retentionDays: 14 },
  },
} satisfies Record<string, QueueSpec>;

export type QueueKey = keyof typeof queueSpecs;
const queues: Record<QueueKey, QueueSpec> = queueSpecs;

const routes: readonly RouteSpec[] = [
  { method: 'GET', path: '/v1/health', function: 'health', auth: 'none' },
  { method: 'POST', path: '/v1/companies', function: 'createCompany', auth: 'studioJwt' },
  { method: 'GET', path: '/v1/companies/{companyId}', function: 'getCompany', auth: 'studioJwt' },
  { method: 'GET', path: '/v1/companies/{companyId}/timeline', function: 'getTimeline', auth: 'studioJwt' },
  { method: 'POST', path: '/v1/companies/{companyId}/extensions', function: 'extendServices', auth: 'studioJwt' },
  { method: 'POST', path: '/v1/companies/{companyId}/activation/resend', function: 'resendActivation', auth: 'studioJwt' },
  { method: 'POST', path: '/v1/connections', function: 'connectToCompany', auth: 'studioJwt' },
  { method: 'GET', path: '/v1/connections', function: 'listConnections', auth: 'studioJwt' },
  // Mail scanners follow links: GET and HEAD only show; the company confirms with the form's POST.
  { method: 'GET', path: '/v1/activations/{token}', function: 'activationPage', auth: 'none' },
  { method: 'HEAD', path: '/v1/activations/{token}', function: 'activationPage', auth: 'none' },
  { method: 'POST', path: '/v1/activations/{token}', function: 'activationPage', auth: 'none' },
  { method: 'GET', path: '/v1/fic/webhook', function: 'ficWebhook', auth: 'none' },
  { method: 'POST', path: '/v1/fic/webhook', function: 'ficWebhook', auth: 'none' },
  { method: 'GET', path: '/v1/docs', function: 'apiDocs', auth: 'none' },
  { method: 'GET', path: '/v1/docs/{asset}', function: 'apiDocs', auth: 'none' },
  { method: 'GET', path: '/v1/openapi.json', function: 'apiDocs', auth: 'none' },
];

const eventSources: readonly EventSourceSpec[] = [
  // Records of a batch are processed in parallel: up to 5 × 10 events at once, each at most one SES send.
  // Raise SES's sending quota (new accounts: 14/s) before raising these.
  { queue: 'ficEvents', function: 'ficEvents', batchSize: 10, maxBatchingWindowSeconds: 1, maxConcurrency: 5, reportBatchItemFailures: true },
  // FIC's API limits calls in flight: the outbound function sends a batch's requests one at a time, so 2 at most.
  { queue: 'ficOutbound', function: 'ficOutbound', batchSize: 5, maxBatchingWindowSeconds: 0, maxConcurrency: 2, reportBatchItemFailures: true },
];

/**
 * Single-table design. Access patterns and key shapes are written down next to the
 * repository that owns them (`shared/adapters/dynamodb/keys.ts`).
 */
const table: TableSpec = {
  name: 'onboarding',
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAtEpoch',
  globalSecondaryIndexes: [{ indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
};

export const topology = { functions, queues, routes, eventSources, table } as const;
export type Topology = typeof topology;

/** Environment variable names through which functions learn where their resources are. */
export const resourceEnv = {
  tableName: 'TABLE_NAME',
  queueUrl: (queue: QueueKey) => `${constantCase(queue)}_QUEUE_URL`,
} as const;

function constantCase(camel: string): string {
  return camel.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}
