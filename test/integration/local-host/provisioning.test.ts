import { DescribeTableCommand, DescribeTimeToLiveCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { localResourceName, provisionQueues, provisionTable, queueArn } from '../../../infra/local/provision.ts';
import { topology, type QueueKey } from '../../../infra/topology.ts';
import { dynamoDb, sqs, stack } from '../../support/stack.ts';

describe('local provisioning follows the topology', () => {
  it('creates the table with the topology keys, indexes and TTL attribute', async () => {
    const { Table } = await dynamoDb.send(new DescribeTableCommand({ TableName: stack.tableName }));
    const ttl = await dynamoDb.send(new DescribeTimeToLiveCommand({ TableName: stack.tableName }));

    expect(Table?.KeySchema).toEqual([
      { AttributeName: topology.table.partitionKey, KeyType: 'HASH' },
      { AttributeName: topology.table.sortKey, KeyType: 'RANGE' },
    ]);
    expect(Table?.GlobalSecondaryIndexes?.map((index) => ({ name: index.IndexName, keys: index.KeySchema?.map((k) => k.AttributeName) }))).toEqual(
      topology.table.globalSecondaryIndexes.map((index) => ({ name: index.indexName, keys: [index.partitionKey, index.sortKey] })),
    );
    expect(ttl.TimeToLiveDescription?.AttributeName).toBe(topology.table.ttlAttribute);
  });

  it('creates every queue with its visibility timeout and a redrive policy to its DLQ', async () => {
    for (const key of Object.keys(topology.queues) as QueueKey[]) {
      const spec = topology.queues[key];
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: stack.queueUrls[key], AttributeNames: ['All'] }),
      );
      const redrive = JSON.parse(Attributes!.RedrivePolicy!) as { deadLetterTargetArn: string; maxReceiveCount: number | string };

      expect(Attributes!.VisibilityTimeout).toBe(String(spec.visibilityTimeoutSeconds));
      expect(Number(redrive.maxReceiveCount)).toBe(spec.deadLetter.maxReceiveCount);
      expect(redrive.deadLetterTargetArn).toBe(await queueArn(sqs, stack.deadLetterQueueUrls[key]));
    }
  });

  it('is idempotent: provisioning again reuses the same table and queues', async () => {
    const client = dynamoDb as unknown as DynamoDBClient;
    const before = await client.send(new DescribeTableCommand({ TableName: stack.tableName }));

    await provisionTable(client, stack.tableName);
    const again = await provisionQueues(sqs, (name) => localResourceName("local", name));

    const after = await client.send(new DescribeTableCommand({ TableName: stack.tableName }));
    expect(after.Table?.CreationDateTime).toEqual(before.Table?.CreationDateTime);
    expect(again.queueUrls).toEqual(stack.queueUrls);
  });
});
