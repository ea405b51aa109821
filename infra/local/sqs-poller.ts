/**
 * What Lambda's SQS event source mapping does, locally: polls a queue, hands batches to the
 * handler as real SQS events, deletes what succeeded, and leaves failures on the queue so that
 * the visibility timeout redelivers them and the redrive policy eventually moves them to the DLQ.
 */
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export type SqsHandler = (event: SQSEvent, context: LambdaLikeContext) => Promise<SQSBatchResponse | void>;

export interface LambdaLikeContext {
  functionName: string;
  awsRequestId: string;
  getRemainingTimeInMillis(): number;
}

export interface PollerSettings {
  client: SQSClient;
  queueUrl: string;
  queueArn: string;
  region: string;
  functionName: string;
  handler: SqsHandler;
  batchSize: number;
  maxBatchingWindowSeconds: number;
  /** Parallel pollers, as Lambda scales out up to the mapping's maximum concurrency. */
  concurrency: number;
  timeoutSeconds: number;
  /** Pause between polls of an empty queue. */
  idleDelayMs?: number;
  onError?: (error: unknown) => void;
}

export interface Poller {
  stop(): Promise<void>;
}

export function startSqsPoller(settings: PollerSettings): Poller {
  const abort = new AbortController();
  const loops = Array.from({ length: Math.max(1, settings.concurrency) }, () => pollLoop(settings, abort.signal));
  return {
    async stop() {
      abort.abort();
      await Promise.allSettled(loops);
    },
  };
}

async function pollLoop(settings: PollerSettings, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    try {
      const messages = await receiveBatch(settings, signal);
      if (messages.length === 0 || signal.aborted) continue;
      await deliver(settings, messages);
    } catch (error) {
      if (signal.aborted) return;
      settings.onError?.(error);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/**
 * local-aws-sqs's long poll only returns when the batch is full or the wait ends, and messages
 * whose visibility expires meanwhile come back twice in one answer. So, unlike Lambda, we short-poll
 * and pause briefly when the queue is empty: same semantics, no duplicates, low latency.
 */
async function receiveBatch(settings: PollerSettings, signal: AbortSignal): Promise<Message[]> {
  const batch: Message[] = [];
  const windowEnds = Date.now() + settings.maxBatchingWindowSeconds * 1000;
  while (!signal.aborted) {
    const { Messages = [] } = await settings.client.send(
      new ReceiveMessageCommand({
        QueueUrl: settings.queueUrl,
        MaxNumberOfMessages: Math.min(10, settings.batchSize - batch.length),
        WaitTimeSeconds: 0,
        // local-aws-sqs ignores MessageSystemAttributeNames; AttributeNames is asked as well.
        AttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: signal },
    );
    batch.push(...Messages);
    if (batch.length >= settings.batchSize || Date.now() >= windowEnds) break;
    if (Messages.length === 0) {
      if (batch.length === 0 && settings.maxBatchingWindowSeconds === 0) break;
      await pause(settings.idleDelayMs ?? 100, signal);
    }
  }
  if (batch.length === 0) await pause(settings.idleDelayMs ?? 100, signal);
  return batch;
}

async function pause(ms: number, signal: AbortSignal): Promise<void> {
  await sleep(ms, undefined, { signal }).catch(() => undefined);
}

async function deliver(settings: PollerSettings, messages: Message[]): Promise<void> {
  const event: SQSEvent = { Records: messages.map((message) => toRecord(message, settings)) };
  const deadline = Date.now() + settings.timeoutSeconds * 1000;
  const context: LambdaLikeContext = {
    functionName: settings.functionName,
    awsRequestId: crypto.randomUUID(),
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  let failedIds: Set<string>;
  try {
    const response = await withTimeout(settings.handler(event, context), settings.timeoutSeconds);
    failedIds = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
  } catch (error) {
    // A thrown error or a timeout fails the whole batch, as on Lambda.
    settings.onError?.(error);
    return;
  }
  const succeeded = messages.filter((message) => !failedIds.has(message.MessageId!));
  for (let i = 0; i < succeeded.length; i += 10) {
    const chunk = succeeded.slice(i, i + 10);
    await settings.client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: settings.queueUrl,
        Entries: chunk.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! })),
      }),
    );
  }
}

function toRecord(message: Message, settings: PollerSettings): SQSRecord {
  const attributes = message.Attributes ?? {};
  const messageAttributes: SQSRecord['messageAttributes'] = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    messageAttributes[name] = {
      dataType: value.DataType ?? 'String',
      ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined ? { binaryValue: Buffer.from(value.BinaryValue).toString('base64') } : {}),
      stringListValues: [],
      binaryListValues: [],
    };
  }
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      ...(attributes.MessageGroupId ? { MessageGroupId: attributes.MessageGroupId } : {}),
      ...(attributes.MessageDeduplicationId ? { MessageDeduplicationId: attributes.MessageDeduplicationId } : {}),
    },
    messageAttributes,
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: settings.queueArn,
    awsRegion: settings.region,
  };
}

class FunctionTimeoutError extends Error {
  override name = 'FunctionTimeoutError';
}

function withTimeout<T>(promise: Promise<T>, seconds: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new FunctionTimeoutError(`Task timed out after ${seconds} seconds`)), seconds * 1000);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
