/**
 * Counts AWS SDK requests, for the benchmark (`npm run bench`) and for anyone who wants to see what a
 * handler really calls. Off unless `AWS_CALL_METRICS=1`: then every attempt each client sends (retries
 * included, as AWS bills them) is recorded with its service, operation, outcome and, for DynamoDB, the
 * consumed capacity (the middleware asks for `ReturnConsumedCapacity: 'TOTAL'` itself, so no call site
 * changes). Records are appended as JSON lines to `AWS_CALL_METRICS_FILE`, or kept in memory
 * (`recordedAwsCalls()`) when no file is named. When off, `attachCallMetrics` returns the client untouched.
 */
import { appendFileSync } from 'node:fs';

export interface AwsCallRecord {
  /** Epoch milliseconds when the attempt ended. */
  at: number;
  pid: number;
  /** `dynamodb`, `sqs`, `ses`, `sesv2`, ... (the name the client was attached with). */
  service: string;
  /** The API operation (`TransactWriteItems`, `SendMessage`, ...). */
  operation: string;
  ok: boolean;
  /** The error's name when the attempt failed (`ConditionalCheckFailedException`, `TimeoutError`, ...). */
  error?: string;
  /** DynamoDB: total capacity units the request consumed (table and indexes), when it reported them. */
  capacityUnits?: number;
  readCapacityUnits?: number;
  writeCapacityUnits?: number;
}

export type AwsCallSink = (record: AwsCallRecord) => void;

/** DynamoDB operations that accept `ReturnConsumedCapacity`. */
const capacityOperations = new Set([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'BatchWriteItem',
  'TransactGetItems',
  'TransactWriteItems',
  'ExecuteStatement',
  'BatchExecuteStatement',
  'ExecuteTransaction',
]);

const memory: AwsCallRecord[] = [];

/** The records kept in memory (when metrics are on and no file is named). */
export function recordedAwsCalls(): readonly AwsCallRecord[] {
  return memory;
}

/** The sink the environment asks for, or undefined when metrics are off. */
export function awsCallSinkFromEnv(env: NodeJS.ProcessEnv = process.env): AwsCallSink | undefined {
  if (env.AWS_CALL_METRICS !== '1') return undefined;
  const file = env.AWS_CALL_METRICS_FILE;
  if (!file) return (record) => void memory.push(record);
  return (record) => {
    try {
      appendFileSync(file, `${JSON.stringify(record)}\n`);
    } catch {
      // Metrics never break a request.
    }
  };
}

interface Stack {
  add(middleware: unknown, options: Record<string, unknown>): void;
}

type Args = { input: Record<string, unknown> };
type Next = (args: Args) => Promise<{ output?: unknown }>;
type Context = { commandName?: string };

/**
 * Adds the counting middleware to an SDK v3 client (attach to the raw DynamoDBClient: a document client
 * built from it shares its middleware stack). Returns the client, untouched when `sink` is undefined.
 */
export function attachCallMetrics<T extends { middlewareStack: unknown }>(client: T, service: string, sink: AwsCallSink | undefined = awsCallSinkFromEnv()): T {
  if (sink === undefined) return client;
  const stack = client.middlewareStack as Stack;
  const operationOf = (context: Context) => (context.commandName ?? 'Unknown').replace(/Command$/, '');

  if (service === 'dynamodb') {
    // Before the serializer, after every initialize step (the document client's marshalling included).
    stack.add(
      (next: Next, context: Context) => (args: Args) =>
        capacityOperations.has(operationOf(context)) && args.input.ReturnConsumedCapacity === undefined
          ? next({ ...args, input: { ...args.input, ReturnConsumedCapacity: 'TOTAL' } })
          : next(args),
      { step: 'serialize', priority: 'high', name: 'awsCallMetricsCapacity', override: true },
    );
  }

  // The deserialize step runs once per attempt, inside the retry loop.
  stack.add(
    (next: Next, context: Context) => async (args: Args) => {
      const operation = operationOf(context);
      try {
        const result = await next(args);
        sink({ at: Date.now(), pid: process.pid, service, operation, ok: true, ...capacityOf(result.output) });
        return result;
      } catch (error) {
        const name = error instanceof Error ? error.name : 'Error';
        sink({ at: Date.now(), pid: process.pid, service, operation, ok: false, error: name });
        throw error;
      }
    },
    { step: 'deserialize', priority: 'high', name: 'awsCallMetricsCount', override: true },
  );
  return client;
}

type Capacity = { CapacityUnits?: number; ReadCapacityUnits?: number; WriteCapacityUnits?: number };

function capacityOf(output: unknown): Pick<AwsCallRecord, 'capacityUnits' | 'readCapacityUnits' | 'writeCapacityUnits'> {
  const consumed = (output as { ConsumedCapacity?: Capacity | Capacity[] } | undefined)?.ConsumedCapacity;
  if (consumed === undefined) return {};
  const list = Array.isArray(consumed) ? consumed : [consumed];
  const sum = (key: keyof Capacity) => {
    const values = list.map((entry) => entry[key]).filter((value): value is number => typeof value === 'number');
    return values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0);
  };
  const capacityUnits = sum('CapacityUnits');
  const readCapacityUnits = sum('ReadCapacityUnits');
  const writeCapacityUnits = sum('WriteCapacityUnits');
  return {
    ...(capacityUnits === undefined ? {} : { capacityUnits }),
    ...(readCapacityUnits === undefined ? {} : { readCapacityUnits }),
    ...(writeCapacityUnits === undefined ? {} : { writeCapacityUnits }),
  };
}
