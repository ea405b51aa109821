/**
 * `npm start`: the whole system on this machine, no AWS account and no Docker.
 * Ports: PORT (API, 3000), DYNAMODB_PORT (8000), SQS_PORT (9324), SES_PORT (8005), FIC_SIMULATOR_PORT (3100).
 * Data: DynamoDB Local keeps its tables under .local/dynamodb, so they survive a restart.
 */
import path from 'node:path';
import { JavaMissingError } from './dynamodb-local.ts';
import { PortInUseError } from './ports.ts';
import { repositoryRoot, startLocalStack } from './stack.ts';

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
  const stack = await startLocalStack({
    ports: {
      api: portFromEnv('PORT', 3000),
      dynamoDb: portFromEnv('DYNAMODB_PORT', 8000),
      sqs: portFromEnv('SQS_PORT', 9324),
      ses: portFromEnv('SES_PORT', 8005),
      ficSimulator: portFromEnv('FIC_SIMULATOR_PORT', 3100),
    },
    dynamoDbDataDir: path.join(repositoryRoot, '.local/dynamodb'),
    keysDir: path.join(repositoryRoot, '.local/keys'),
  });
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
  const known = error instanceof JavaMissingError || error instanceof PortInUseError;
  console.error(known ? `Cannot start: ${(error as Error).message}` : error);
  process.exit(1);
});
