/**
 * The whole system on one machine: emulators (this process, plus DynamoDB Local's JVM), the
 * topology's table and queues, and the function host in a child process of its own, so that it
 * can crash or be restarted while tables and queues persist, as on AWS.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { topology, resourceEnv, type QueueKey } from '../topology.ts';
import { parseEnvironment } from '#shared/config';
import { ficWebhookUrl } from '#shared/fic/event-types';
import { startEmulators, type EmulatorPorts, type Emulators } from './emulators.ts';
import { startFicSimulator, type FicSimulator } from './fic-simulator.ts';
import { reservePort } from './ports.ts';
import { stopProcess } from './processes.ts';
import { localResourceName, provisionQueues, provisionTable } from './provision.ts';

export const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface LocalStackOptions {
  /** `ficSimulator`: the FIC simulator's port (0 when absent: any free port). */
  ports: EmulatorPorts & { api: number; ficSimulator?: number };
  /** On-disk DynamoDB data (npm start); in memory when absent (tests). */
  dynamoDbDataDir?: string;
  keysDir: string;
  stage?: string;
  region?: string;
  /** Extra environment for the functions (e.g. FIC settings). */
  functionEnv?: Record<string, string>;
  /**
   * Where the function host's output goes; defaults to this process's. `{ file }` appends every
   * line it writes (stdout and stderr) to that file, e.g. for a test that scans the logs.
   */
  functionHostOutput?: 'inherit' | 'ignore' | { file: string };
  /** Test-only: provisions every queue with this visibility timeout instead of the topology's. */
  visibilityTimeoutOverrideSeconds?: number;
  /**
   * Test-only: where the functions reach the emulators, given where they listen (e.g. through a
   * fault-injecting proxy). Endpoints left out are reached directly.
   */
  functionEndpoints?: (endpoints: Emulators['endpoints']) => Promise<Partial<Emulators['endpoints']>> | Partial<Emulators['endpoints']>;
}

export interface LocalStack {
  apiUrl: string;
  endpoints: Emulators['endpoints'];
  sesInboxUrl: string;
  /** The FIC simulator: FIC's API for the functions, and its control API (`FicSimulatorClient`). */
  ficSimulatorUrl: string;
  tableName: string;
  queueUrls: Record<QueueKey, string>;
  deadLetterQueueUrls: Record<QueueKey, string>;
  readonly dynamoDbPid: number;
  /** Stops DynamoDB Local alone, as an outage would; the function host and the other emulators keep running. */
  stopDynamoDb(): Promise<void>;
  /** Starts DynamoDB Local again on the same port and storage. */
  startDynamoDb(): Promise<void>;
  /** The environment the functions run with (as the CDK app sets it on AWS). */
  functionEnv: Record<string, string>;
  functionHostPid(): number | undefined;
  /** Kills the function host as a crash would (SIGKILL), emulators untouched. */
  killFunctionHost(): Promise<void>;
  startFunctionHost(): Promise<void>;
  stop(): Promise<void>;
}

const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const stage = options.stage ?? 'local';
  const region = options.region ?? 'eu-south-1';
  const emulators = await startEmulators({
    ports: options.ports,
    ...(options.dynamoDbDataDir ? { dynamoDbDataDir: options.dynamoDbDataDir } : {}),
  });
  let functionHost: ChildProcess | undefined;
  let ficSimulator: FicSimulator | undefined;
  try {
    const tableName = localResourceName(stage, topology.table.name);
    const dynamoDb = new DynamoDBClient({ region, endpoint: emulators.endpoints.dynamoDb, credentials: localCredentials });
    const sqs = new SQSClient({ region, endpoint: emulators.endpoints.sqs, credentials: localCredentials });
    await provisionTable(dynamoDb, tableName);
    const queues = await provisionQueues(
      sqs,
      (name) => localResourceName(stage, name),
      options.visibilityTimeoutOverrideSeconds === undefined ? {} : { visibilityTimeoutOverrideSeconds: options.visibilityTimeoutOverrideSeconds },
    );
    dynamoDb.destroy();
    sqs.destroy();

    const reached = { ...emulators.endpoints, ...(await options.functionEndpoints?.(emulators.endpoints)) };
    const functionEnv: Record<string, string> = {
      STAGE: stage,
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: reached.dynamoDb,
      AWS_ENDPOINT_URL_SQS: reached.sqs,
      AWS_ENDPOINT_URL_SES: reached.ses,
      [resourceEnv.tableName]: tableName,
      ...Object.fromEntries(
        (Object.keys(queues.queueUrls) as QueueKey[]).map((key) => [resourceEnv.queueUrl(key), reachedQueueUrl(queues.queueUrls[key], reached.sqs)]),
      ),
      LOCAL_KEYS_DIR: options.keysDir,
      ...options.functionEnv,
    };

    // The API's port is fixed before the functions start: they need their public URL
    // (activation links, the webhook's JWT audience) in their environment, as on AWS.
    const apiPort = await reservePort('Function host (local API)', options.ports.api);
    functionEnv.PUBLIC_BASE_URL ??= `http://127.0.0.1:${apiPort}`;
    // FIC is played by the simulator: the functions trust its key and call its API.
    const settings = parseEnvironment(functionEnv);
    ficSimulator = await startFicSimulator({
      port: options.ports.ficSimulator ?? 0,
      keysDir: options.keysDir,
      webhookUrl: ficWebhookUrl(settings.PUBLIC_BASE_URL),
      issuer: settings.FIC_ISSUER,
      appId: settings.FIC_APP_ID,
      ...(functionEnv.FIC_API_TOKEN ? { apiToken: functionEnv.FIC_API_TOKEN } : {}),
    });
    functionEnv.FIC_PUBLIC_KEY_JWK ??= JSON.stringify(ficSimulator.publicJwk);
    functionEnv.FIC_API_BASE_URL ??= ficSimulator.url;
    functionEnv.FIC_API_TOKEN ??= ficSimulator.apiToken;
    let apiUrl = '';
    const startFunctionHost = async () => {
      const spawned = await spawnFunctionHost(functionEnv, apiPort, options.functionHostOutput ?? 'inherit');
      functionHost = spawned.child;
      apiUrl = spawned.url;
    };
    await startFunctionHost();

    return {
      get apiUrl() {
        return apiUrl;
      },
      endpoints: emulators.endpoints,
      sesInboxUrl: `${emulators.endpoints.ses}/`,
      ficSimulatorUrl: ficSimulator.url,
      tableName,
      ...queues,
      get dynamoDbPid() {
        return emulators.dynamoDbPid;
      },
      stopDynamoDb: () => emulators.stopDynamoDb(),
      startDynamoDb: () => emulators.startDynamoDb(),
      functionEnv,
      functionHostPid: () => functionHost?.pid,
      killFunctionHost: async () => {
        if (functionHost) await stopProcess(functionHost, 'SIGKILL');
      },
      startFunctionHost,
      stop: async () => {
        if (functionHost) await stopProcess(functionHost, 'SIGTERM');
        await ficSimulator?.stop();
        await emulators.stop();
      },
    };
  } catch (error) {
    if (functionHost) await stopProcess(functionHost, 'SIGKILL');
    await ficSimulator?.stop();
    await emulators.stop();
    throw error;
  }
}

async function spawnFunctionHost(
  env: Record<string, string>,
  port: number,
  output: 'inherit' | 'ignore' | { file: string },
): Promise<{ child: ChildProcess; url: string }> {
  const toFile = typeof output === 'object' ? output.file : undefined;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repositoryRoot, 'infra/local/function-host-main.ts')], {
    cwd: repositoryRoot,
    env: { ...process.env, ...env, LOCAL_API_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Keep the tail of stderr so that a failed start says why, even when output is ignored.
  let stderrTail = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    if (output === 'inherit') process.stderr.write(chunk);
    if (toFile) appendFileSync(toFile, chunk);
    stderrTail = (stderrTail + chunk.toString()).slice(-4000);
  });
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`The function host exited (code ${code}) before it was ready:\n${stderrTail}`));
    child.once('exit', onExit);
    lines.on('line', (line) => {
      const listening = parseListening(line);
      if (listening) {
        child.off('exit', onExit);
        resolve(listening);
      } else if (output === 'inherit') {
        process.stdout.write(`${line}\n`);
      } else if (toFile) {
        appendFileSync(toFile, `${line}\n`);
      }
    });
  });
  return { child, url };
}

/** The SDK sends SQS calls to the queue URL's host: functions reaching SQS elsewhere get URLs on that host. */
function reachedQueueUrl(queueUrl: string, sqsEndpoint: string): string {
  const url = new URL(queueUrl);
  const endpoint = new URL(sqsEndpoint);
  url.protocol = endpoint.protocol;
  url.host = endpoint.host;
  return url.toString();
}

function parseListening(line: string): string | undefined {
  try {
    const parsed = JSON.parse(line) as { listening?: unknown };
    return typeof parsed.listening === 'string' ? parsed.listening : undefined;
  } catch {
    return undefined;
  }
}
