/**
 * The stand-ins for AWS's stateful services: DynamoDB Local (a JVM child process), local-aws-sqs
 * and aws-ses-v2-local (in this process). They run apart from the function host, as on AWS tables
 * and queues outlive a crashed function.
 */
import type { Server } from 'node:http';
import { createSqsServer } from 'local-aws-sqs';
import sesEmulator from 'aws-ses-v2-local';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.ts';
import { reservePort } from './ports.ts';

export interface EmulatorPorts {
  dynamoDb: number;
  sqs: number;
  ses: number;
}

export interface Emulators {
  endpoints: { dynamoDb: string; sqs: string; ses: string };
  /** The current DynamoDB Local process (it changes when DynamoDB Local is restarted). */
  readonly dynamoDbPid: number;
  /** Stops DynamoDB Local alone (SIGTERM), as an outage would; SQS and SES keep running. */
  stopDynamoDb(): Promise<void>;
  /** Starts DynamoDB Local again on the same port and storage (on disk: the data is still there). */
  startDynamoDb(): Promise<void>;
  stop(): Promise<void>;
}

export interface EmulatorOptions {
  ports: EmulatorPorts;
  /** On-disk DynamoDB folder (npm start); in memory when absent (tests). */
  dynamoDbDataDir?: string;
  host?: string;
}

export async function startEmulators(options: EmulatorOptions): Promise<Emulators> {
  const host = options.host ?? '127.0.0.1';
  const started: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const stopOne of started.reverse()) await stopOne().catch(() => undefined);
  };
  try {
    const dataDir = options.dynamoDbDataDir ? { dataDir: options.dynamoDbDataDir } : {};
    let dynamoDb: DynamoDbLocal | undefined = await startDynamoDbLocal({ port: options.ports.dynamoDb, ...dataDir });
    const dynamoDbPort = Number(new URL(dynamoDb.endpoint).port);
    const dynamoDbEndpoint = dynamoDb.endpoint;
    let dynamoDbPid = dynamoDb.pid;
    started.push(async () => {
      await dynamoDb?.stop();
    });

    const sqsPort = await reservePort('SQS emulator', options.ports.sqs, host);
    const sqsServer = await createSqsServer({
      port: sqsPort,
      hostname: host,
      region: 'eu-south-1',
      emulateQueueCreationLifecycle: false,
    });
    started.push(() => closeServer(sqsServer));

    // aws-ses-v2-local never reports a listen error, so the port is checked first.
    const sesPort = await reservePort('SES emulator', options.ports.ses, host);
    process.env.AWS_SES_ACCOUNT ??= JSON.stringify(localSesAccount);
    const sesServer = await startSesServer({ host, port: sesPort });
    started.push(() => closeServer(sesServer));

    return {
      endpoints: {
        dynamoDb: dynamoDbEndpoint,
        sqs: `http://${host}:${sqsPort}`,
        ses: `http://${host}:${sesPort}`,
      },
      get dynamoDbPid() {
        return dynamoDbPid;
      },
      stopDynamoDb: async () => {
        await dynamoDb?.stop();
        dynamoDb = undefined;
      },
      startDynamoDb: async () => {
        if (dynamoDb) return;
        dynamoDb = await startDynamoDbLocal({ port: dynamoDbPort, ...dataDir });
        dynamoDbPid = dynamoDb.pid;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The account GetAccount reports locally (the emulator reads it from AWS_SES_ACCOUNT). */
const localSesAccount = {
  DedicatedIpAutoWarmupEnabled: false,
  Details: {
    AdditionalContactEmailAddresses: [],
    ContactLanguage: 'EN',
    MailType: 'TRANSACTIONAL',
    ReviewDetails: { CaseId: 'local', Status: 'GRANTED' },
    UseCaseDescription: 'Local emulator for agyo-fic-onboarding',
    WebsiteURL: 'http://localhost',
  },
  EnforcementStatus: 'HEALTHY',
  ProductionAccessEnabled: true,
  SendingEnabled: true,
  SendQuota: { Max24HourSend: 50_000, MaxSendRate: 14, SentLast24Hours: 0 },
  SuppressionAttributes: { SuppressedReasons: [] },
};

// A CommonJS module whose `exports.default` is the server factory; ESM sees it one level down.
const startSesServer = ((sesEmulator as unknown as { default?: typeof sesEmulator }).default ?? sesEmulator) as typeof sesEmulator;

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
