/**
 * Asks each dependency a cheap question that proves it answers with our permissions:
 * the table's description, the queue's attributes, the SES account (sending enabled or not).
 */
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { GetAccountCommand } from '@aws-sdk/client-sesv2';
import { dynamoDbClient, sesV2Client, sqsClient } from '#shared/aws/clients';
import { required } from '#shared/config';

export interface DependencyStatus {
  status: 'up' | 'down';
  latencyMs: number;
  detail?: string;
}

export interface HealthReport {
  status: 'ok' | 'degraded';
  dependencies: { dynamoDb: DependencyStatus; sqs: DependencyStatus; ses: DependencyStatus };
}

const probeTimeoutMs = 2_000;

export async function checkDependencies(): Promise<HealthReport> {
  const [dynamoDb, sqs, ses] = await Promise.all([
    probe(async (signal) => {
      const { Table } = await dynamoDbClient().send(new DescribeTableCommand({ TableName: required('TABLE_NAME') }), { abortSignal: signal });
      return `table ${Table?.TableStatus?.toLowerCase() ?? 'unknown'}`;
    }),
    probe(async (signal) => {
      await sqsClient().send(
        new GetQueueAttributesCommand({ QueueUrl: required('FIC_EVENTS_QUEUE_URL'), AttributeNames: ['ApproximateNumberOfMessages'] }),
        { abortSignal: signal },
      );
      return 'fic-events queue reachable';
    }),
    probe(async (signal) => {
      const account = await sesV2Client().send(new GetAccountCommand({}), { abortSignal: signal });
      return account.SendingEnabled === false ? 'sending disabled' : 'sending enabled';
    }),
  ]);
  const allUp = [dynamoDb, sqs, ses].every((dependency) => dependency.status === 'up');
  return { status: allUp ? 'ok' : 'degraded', dependencies: { dynamoDb, sqs, ses } };
}

async function probe(question: (signal: AbortSignal) => Promise<string>): Promise<DependencyStatus> {
  const started = performance.now();
  try {
    const detail = await question(AbortSignal.timeout(probeTimeoutMs));
    return { status: 'up', latencyMs: Math.round(performance.now() - started), detail };
  } catch (error) {
    // Only the error's kind: the health answer is public and must not leak internals.
    return { status: 'down', latencyMs: Math.round(performance.now() - started), detail: error instanceof Error ? error.name : 'Error' };
  }
}
