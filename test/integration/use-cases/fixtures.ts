// Shared by the persistence and use-case integration tests: the repository on the test stack's DynamoDB
// Local, unique synthetic identifiers, and recording fakes of the mailer and the publisher.
import { randomInt, randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbCompanyRepository } from '#shared/adapters/dynamodb/repository';
import { randomTokenIssuer } from '#shared/adapters/tokens';
import { systemClock } from '#shared/adapters/clock';
import { addSeconds } from '#shared/domain/instant';
import type { Instant } from '#shared/domain/instant';
import type { UseCaseDependencies, StudioIdentity } from '#shared/use-cases/common';
import type { FicEvent } from '#shared/use-cases/fic-event';
import type { ActivationEmail, Clock, ConnectionRequest, ConnectionRequestPublisher, Mailer } from '#shared/use-cases/ports';
import { dynamoDb, stack } from '../../support/stack.ts';
import { randomVatNumber } from '../../../infra/local/synthetic-ids.ts';

export { dynamoDb, stack };

export const repository = new DynamoDbCompanyRepository(dynamoDb, stack.tableName);

/** A valid, synthetic Partita IVA nobody else in this run uses. */
export const uniqueVat = randomVatNumber;

export function newStudio(displayName = "Studio Sant'Agata & Associati"): StudioIdentity {
  return { studioId: `studio-${randomUUID()}`, displayName };
}

export class TestClock implements Clock {
  constructor(public current: Instant = new Date().toISOString()) {}
  now(): Instant {
    return this.current;
  }
  advance(seconds: number): void {
    this.current = addSeconds(this.current, seconds);
  }
}

/** Records every email it accepts; `failNext` makes the next sends throw, as SES would on an outage. */
export class RecordingMailer implements Mailer {
  readonly sent: ActivationEmail[] = [];
  failNext = 0;
  attempts = 0;
  async sendActivationEmail(email: ActivationEmail): Promise<{ messageId: string }> {
    this.attempts++;
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('SES is unavailable');
    }
    this.sent.push(email);
    return { messageId: randomUUID() };
  }
  to(address: string): ActivationEmail[] {
    return this.sent.filter((email) => email.to === address);
  }
}

export class RecordingPublisher implements ConnectionRequestPublisher {
  readonly published: ConnectionRequest[] = [];
  failNext = 0;
  async publish(request: ConnectionRequest): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('SQS is unavailable');
    }
    this.published.push(request);
  }
}

export interface TestDependencies extends UseCaseDependencies {
  mailer: RecordingMailer;
  connectionRequests: RecordingPublisher;
}

export function testDependencies(overrides: { clock?: Clock; repository?: DynamoDbCompanyRepository } = {}): TestDependencies {
  return {
    repository: overrides.repository ?? repository,
    clock: overrides.clock ?? systemClock,
    tokens: randomTokenIssuer,
    publicBaseUrl: 'https://agyo.example/',
    mailer: new RecordingMailer(),
    connectionRequests: new RecordingPublisher(),
  };
}

/** The token in an email's link (the last path segment). */
export function tokenOf(email: ActivationEmail | undefined): string {
  if (email === undefined) throw new Error('No email');
  const token = new URL(email.confirmUrl).pathname.split('/').at(-1);
  if (token === undefined) throw new Error(`No token in ${email.confirmUrl}`);
  return token;
}

export function activationEvent(vatNumber: string, overrides: Partial<Extract<FicEvent, { kind: 'einvoicingActivated' }>> = {}): FicEvent {
  return {
    kind: 'einvoicingActivated',
    eventId: `evt-${randomUUID()}`,
    ficCompanyId: String(randomInt(1, 1_000_000)),
    vatNumber,
    name: "Caffè dell'Angolo S.r.l.",
    activatedAt: new Date().toISOString(),
    ...overrides,
  };
}

/** A repository whose DynamoDB requests are counted, for the per-operation request budgets. */
export function countingRepository(): { repository: DynamoDbCompanyRepository; requests: () => number; reset: () => void } {
  const client = new DynamoDBClient({
    region: 'eu-south-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    endpoint: stack.endpoints.dynamoDb,
    maxAttempts: 1,
  });
  let count = 0;
  client.middlewareStack.add(
    (next) => async (args) => {
      count++;
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  return {
    repository: new DynamoDbCompanyRepository(DynamoDBDocumentClient.from(client), stack.tableName),
    requests: () => count,
    reset: () => {
      count = 0;
    },
  };
}

export async function settle<T>(work: Promise<T>[]): Promise<{ values: T[]; errors: unknown[] }> {
  const results = await Promise.allSettled(work);
  return {
    values: results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])),
    errors: results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : [])),
  };
}

/** The actions on a company's timeline, oldest first, read straight from the table. */
export async function timelineActions(companyId: string): Promise<string[]> {
  const { Items = [] } = await dynamoDb.send(
    new QueryCommand({
      TableName: stack.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :t)',
      ExpressionAttributeValues: { ':pk': `COMPANY#${companyId}`, ':t': 'TIMELINE#' },
      ConsistentRead: true,
    }),
  );
  return Items.map((item) => (item['entry'] as { action: string }).action);
}
