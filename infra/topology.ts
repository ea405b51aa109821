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

const functionSpecs = {
  health: {
    entry: 'functions/health.ts',
    description: 'Reports whether DynamoDB, SQS and SES answer',
    timeoutSeconds: 10,
    memoryMb: 256,
    access: { table: 'read', probesDependencies: true },
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

const routes: readonly RouteSpec[] = [{ method: 'GET', path: '/v1/health', function: 'health', auth: 'none' }];

const eventSources: readonly EventSourceSpec[] = [];

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
