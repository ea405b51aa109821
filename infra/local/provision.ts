/**
 * Creates the topology's table and queues on the emulators, as the CDK app does on AWS.
 * Idempotent: a second start finds them and reuses them.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { topology, type QueueKey } from '../topology.ts';

export interface ProvisionedResources {
  tableName: string;
  queueUrls: Record<QueueKey, string>;
  deadLetterQueueUrls: Record<QueueKey, string>;
}

/** The names AWS would get, prefixed by stage, so local and cloud read alike. */
export function localResourceName(stage: string, baseName: string): string {
  return `${stage}-${baseName}`;
}

export async function provisionTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const { table } = topology;
  const keyNames = [
    table.partitionKey,
    table.sortKey,
    ...table.globalSecondaryIndexes.flatMap((index) => [index.partitionKey, index.sortKey]),
  ];
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...new Set(keyNames)].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: table.partitionKey, KeyType: 'HASH' },
          { AttributeName: table.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: table.globalSecondaryIndexes.map((index) => ({
          IndexName: index.indexName,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      }),
    );
    await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: tableName });
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true },
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    await client.send(new DescribeTableCommand({ TableName: tableName }));
  }
}

export interface QueueProvisioningOptions {
  /**
   * Test-only: every queue's visibility timeout instead of the topology's (crash tests cannot wait
   * 180 s for a redelivery). The topology itself is unchanged.
   */
  visibilityTimeoutOverrideSeconds?: number;
}

export async function provisionQueues(
  client: SQSClient,
  nameOf: (baseName: string) => string,
  options: QueueProvisioningOptions = {},
): Promise<Pick<ProvisionedResources, 'queueUrls' | 'deadLetterQueueUrls'>> {
  const queueUrls = {} as Record<QueueKey, string>;
  const deadLetterQueueUrls = {} as Record<QueueKey, string>;
  for (const [key, queue] of Object.entries(topology.queues) as [QueueKey, (typeof topology.queues)[QueueKey]][]) {
    const dlq = await client.send(
      new CreateQueueCommand({
        QueueName: nameOf(queue.deadLetter.name),
        Attributes: { MessageRetentionPeriod: String(queue.deadLetter.retentionDays * 86_400) },
      }),
    );
    const dlqArn = await queueArn(client, dlq.QueueUrl!);
    const main = await client.send(
      new CreateQueueCommand({
        QueueName: nameOf(queue.name),
        Attributes: {
          VisibilityTimeout: String(options.visibilityTimeoutOverrideSeconds ?? queue.visibilityTimeoutSeconds),
          MessageRetentionPeriod: String(queue.retentionDays * 86_400),
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: queue.deadLetter.maxReceiveCount }),
        },
      }),
    );
    queueUrls[key] = main.QueueUrl!;
    deadLetterQueueUrls[key] = dlq.QueueUrl!;
  }
  return { queueUrls, deadLetterQueueUrls };
}

export async function queueArn(client: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  return Attributes!.QueueArn!;
}
