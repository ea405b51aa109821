/**
 * The local poller behaves like Lambda's SQS event source mapping: real SQS events, successes
 * deleted, `batchItemFailures` redelivered after the visibility timeout, and poison messages moved
 * to the DLQ by the queue's redrive policy after maxReceiveCount receives.
 */
import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { queueArn } from '../../../infra/local/provision.ts';
import { startSqsPoller, type Poller, type SqsHandler } from '../../../infra/local/sqs-poller.ts';
import { eventually, sqs } from '../../support/stack.ts';

const pollers: Poller[] = [];
afterEach(async () => {
  await Promise.all(pollers.splice(0).map((poller) => poller.stop()));
});

async function queueWithDlq(maxReceiveCount: number) {
  const name = `poller-${randomUUID().slice(0, 8)}`;
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
  const main = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        VisibilityTimeout: '1',
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: await queueArn(sqs, dlq.QueueUrl!), maxReceiveCount }),
      },
    }),
  );
  return { queueUrl: main.QueueUrl!, dlqUrl: dlq.QueueUrl!, queueArn: await queueArn(sqs, main.QueueUrl!) };
}

function poll(queue: { queueUrl: string; queueArn: string }, handler: SqsHandler, batchSize = 10) {
  pollers.push(
    startSqsPoller({
      client: sqs,
      queueUrl: queue.queueUrl,
      queueArn: queue.queueArn,
      region: 'eu-south-1',
      functionName: 'test',
      handler,
      batchSize,
      maxBatchingWindowSeconds: 0,
      concurrency: 1,
      timeoutSeconds: 5,
      idleDelayMs: 50,
    }),
  );
}

async function approximateCount(queueUrl: string): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return Number(Attributes!.ApproximateNumberOfMessages) + Number(Attributes!.ApproximateNumberOfMessagesNotVisible);
}

describe('local SQS event source mapping', () => {
  it('delivers real SQS records with attributes, message attributes and the queue ARN', async () => {
    const queue = await queueWithDlq(3);
    await sqs.send(new SendMessageCommand({
      QueueUrl: queue.queueUrl,
      MessageBody: '{"hello":"mondo"}',
      MessageAttributes: { eventType: { DataType: 'String', StringValue: 'it.fattureincloud.webhooks.einvoicing.activated' } },
    }));
    const seen: SQSRecord[] = [];

    poll(queue, async (event: SQSEvent) => {
      seen.push(...event.Records);
      return { batchItemFailures: [] };
    });

    const [record] = await eventually(async () => (seen.length > 0 ? seen : undefined));
    expect(record!.body).toBe('{"hello":"mondo"}');
    expect(record!.eventSource).toBe('aws:sqs');
    expect(record!.eventSourceARN).toBe(queue.queueArn);
    expect(record!.attributes.ApproximateReceiveCount).toBe('1');
    expect(record!.messageAttributes.eventType?.stringValue).toBe('it.fattureincloud.webhooks.einvoicing.activated');
    await eventually(async () => (await approximateCount(queue.queueUrl)) === 0);
  });

  it('redelivers only the records reported in batchItemFailures', async () => {
    const queue = await queueWithDlq(5);
    await sqs.send(new SendMessageBatchCommand({
      QueueUrl: queue.queueUrl,
      Entries: ['ok-1', 'fail-once', 'ok-2'].map((body, index) => ({ Id: String(index), MessageBody: body })),
    }));
    const deliveries: string[] = [];
    let failedOnce = false;

    poll(queue, async (event) => {
      deliveries.push(...event.Records.map((record) => record.body));
      const failing = event.Records.filter((record) => record.body === 'fail-once' && !failedOnce);
      if (failing.length > 0) failedOnce = true;
      return { batchItemFailures: failing.map((record) => ({ itemIdentifier: record.messageId })) };
    });

    await eventually(async () => deliveries.filter((body) => body === 'fail-once').length === 2);
    await eventually(async () => (await approximateCount(queue.queueUrl)) === 0);
    expect(deliveries.filter((body) => body === 'ok-1')).toHaveLength(1);
    expect(deliveries.filter((body) => body === 'ok-2')).toHaveLength(1);
  });

  it('retries the whole batch when the handler throws', async () => {
    const queue = await queueWithDlq(5);
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.queueUrl, MessageBody: 'flaky' }));
    let calls = 0;

    poll(queue, async () => {
      calls += 1;
      if (calls === 1) throw new Error('transient');
      return { batchItemFailures: [] };
    });

    await eventually(async () => calls >= 2 && (await approximateCount(queue.queueUrl)) === 0);
    expect(calls).toBe(2);
  });

  it('moves a message that always fails to the DLQ after maxReceiveCount receives', async () => {
    const queue = await queueWithDlq(2);
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.queueUrl, MessageBody: 'poison' }));
    const receiveCounts: string[] = [];

    poll(queue, async (event) => {
      receiveCounts.push(...event.Records.map((record) => record.attributes.ApproximateReceiveCount));
      return { batchItemFailures: event.Records.map((record) => ({ itemIdentifier: record.messageId })) };
    });

    const dead = await eventually(async () => {
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.dlqUrl, WaitTimeSeconds: 1 }));
      return Messages?.length ? Messages : undefined;
    });
    expect(dead[0]!.Body).toBe('poison');
    expect(receiveCounts).toEqual(['1', '2']);
  });
});
