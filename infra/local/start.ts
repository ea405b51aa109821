/**
 * `npm start`: the whole system on this machine, no AWS account and no Docker.
 * Ports: PORT (API, 3000), DYNAMODB_PORT (8000), SQS_PORT (9324), SES_PORT (8005), FIC_SIMULATOR_PORT (3100).
 * Data: DynamoDB Local keeps its tables under .local/dynamodb, so they survive a restart.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { JavaMissingError } from './dynamodb-local.ts';
import { PortInUseError, reservePort } from './ports.ts';
import { repositoryRoot, startLocalStack } from './stack.ts';

class CannotStartError extends Error {
  override name = 'CannotStartError';
}

const dataDir = path.join(repositoryRoot, '.local/dynamodb');
const lockFile = path.join(dataDir, 'npm-start.pid');

/** One `npm start` per data folder: two DynamoDB Local processes must never share one database file. */
function lockDataDir(): void {
  mkdirSync(dataDir, { recursive: true });
  if (existsSync(lockFile)) {
    const pid = Number(readFileSync(lockFile, 'utf8'));
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
      throw new CannotStartError(`another npm start (pid ${pid}) is already running on .local/dynamodb. Stop it (Ctrl-C in its terminal) first.`);
    }
  }
  writeFileSync(lockFile, String(process.pid));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Checks every port before starting anything, so one message names all the clashes and their variables. */
async function checkPorts(ports: Record<string, { variable: string; port: number }>): Promise<void> {
  const taken: string[] = [];
  for (const [component, { variable, port }] of Object.entries(ports)) {
    if (port === 0) continue;
    try {
      await reservePort(component, port);
    } catch (error) {
      if (!(error instanceof PortInUseError)) throw error;
      taken.push(`${port} (${component}, ${variable})`);
    }
  }
  if (taken.length > 0) {
    throw new CannotStartError(
      `port${taken.length > 1 ? 's' : ''} already in use: ${taken.join(', ')}. ` +
        'Is another npm start running? Otherwise choose free ports with those variables, e.g. PORT=3001 npm start.',
    );
  }
}

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`${name}=${raw} is not a port number (0-65535)`);
  }
  return port;
}

async function main(): Promise<void> {
  const ports = {
    api: portFromEnv('PORT', 3000),
    dynamoDb: portFromEnv('DYNAMODB_PORT', 8000),
    sqs: portFromEnv('SQS_PORT', 9324),
    ses: portFromEnv('SES_PORT', 8005),
    ficSimulator: portFromEnv('FIC_SIMULATOR_PORT', 3100),
  };
  lockDataDir();
  process.on('exit', () => rmSync(lockFile, { force: true }));
  await checkPorts({
    API: { variable: 'PORT', port: ports.api },
    'DynamoDB Local': { variable: 'DYNAMODB_PORT', port: ports.dynamoDb },
    'SQS emulator': { variable: 'SQS_PORT', port: ports.sqs },
    'SES emulator': { variable: 'SES_PORT', port: ports.ses },
    'FIC simulator': { variable: 'FIC_SIMULATOR_PORT', port: ports.ficSimulator },
  });
  const stack = await startLocalStack({ ports, dynamoDbDataDir: dataDir, keysDir: path.join(repositoryRoot, '.local/keys') });
  const lines = [
    ['API', `${stack.apiUrl}  (health: ${stack.apiUrl}/v1/health)`],
    ['DynamoDB Local', `${stack.endpoints.dynamoDb}  (table ${stack.tableName}, data in .local/dynamodb, pid ${stack.dynamoDbPid})`],
    ['SQS emulator', `${stack.endpoints.sqs}  (${Object.values(stack.queueUrls).join(', ')})`],
    ['SES emulator', `${stack.endpoints.ses}  (inbox: ${stack.sesInboxUrl}, JSON: ${stack.endpoints.ses}/store)`],
    ['FIC simulator', `${stack.ficSimulatorUrl}  (npm run fic -- activate|requests|confirm|reject; requests: ${stack.ficSimulatorUrl}/control/requests)`],
  ];
  for (const [component, where] of lines) console.log(`${component!.padEnd(15)} ${where}`);
  console.log('Ready. Ctrl-C stops everything.');

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    console.log('Stopping...');
    await stack.stop();
    console.log('Stopped.');
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  const known = error instanceof JavaMissingError || error instanceof PortInUseError || error instanceof CannotStartError;
  console.error(known ? `Cannot start: ${(error as Error).message}` : error);
  process.exit(1);
});
