/**
 * What Lambda's SQS event source mapping does, locally: long-polls a queue, hands batches to the
 * handler as real SQS events, deletes what succeeded, and leaves failures on the queue so that
 * the visibility timeout redelivers them and the redrive policy eventually moves them to the DLQ.
 */
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
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
  /** Long-poll wait; short in tests so that stopping is quick. */
  waitTimeSeconds?: number;
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

async function receiveBatch(settings: PollerSettings, signal: AbortSignal): Promise<Message[]> {
  const batch: Message[] = [];
  const windowEnds = Date.now() + settings.maxBatchingWindowSeconds * 1000;
  do {
    const waitTimeSeconds = batch.length === 0 ? (settings.waitTimeSeconds ?? 5) : Math.max(0, Math.ceil((windowEnds - Date.now()) / 1000));
    const { Messages = [] } = await settings.client.send(
      new ReceiveMessageCommand({
        QueueUrl: settings.queueUrl,
        MaxNumberOfMessages: Math.min(10, settings.batchSize - batch.length),
        WaitTimeSeconds: Math.min(20, waitTimeSeconds),
        // local-aws-sqs ignores MessageSystemAttributeNames; AttributeNames is asked as well.
        AttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: signal },
    );
    batch.push(...Messages);
    if (Messages.length === 0) break;
  } while (batch.length < settings.batchSize && Date.now() < windowEnds);
  return batch;
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
