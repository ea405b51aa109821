/**
 * Rejected messages: an authentic FIC event (or a connection request) that can never be applied
 * is copied, untouched, to its queue's dead-letter queue with the reason, then acknowledged. The
 * DLQ's alarm tells operators; redriving it once the cause is fixed replays it.
 */
import { SendMessageCommand, type MessageAttributeValue, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';

export interface RejectedMessageRecorder {
  record(record: SQSRecord, reason: string): Promise<void>;
}

export const rejectionAttributes = { reason: 'rejectionReason', rejectedBy: 'rejectedBy', originalMessageId: 'originalMessageId' } as const;

/**
 * The DLQ's URL by the topology's naming rule (`<queue>` → `<queue>-dlq`, see infra/topology.ts),
 * so no extra setting is needed; `test/unit/fic/dead-letter.test.ts` holds the rule to the topology.
 */
export function deadLetterQueueUrlOf(queueUrl: string): string {
  return `${queueUrl.replace(/\/+$/, '')}-dlq`;
}

export class SqsRejectedMessageRecorder implements RejectedMessageRecorder {
  constructor(
    private readonly sqs: SQSClient,
    private readonly deadLetterQueueUrl: string,
    private readonly rejectedBy: string,
  ) {}

  async record(record: SQSRecord, reason: string): Promise<void> {
    const attributes: Record<string, MessageAttributeValue> = {};
    for (const [name, value] of Object.entries(record.messageAttributes ?? {})) {
      if (value.dataType && value.stringValue !== undefined) attributes[name] = { DataType: value.dataType, StringValue: value.stringValue };
    }
    attributes[rejectionAttributes.reason] = { DataType: 'String', StringValue: reason.slice(0, 1024) };
    attributes[rejectionAttributes.rejectedBy] = { DataType: 'String', StringValue: this.rejectedBy };
    attributes[rejectionAttributes.originalMessageId] = { DataType: 'String', StringValue: record.messageId };
    await this.sqs.send(new SendMessageCommand({ QueueUrl: this.deadLetterQueueUrl, MessageBody: record.body, MessageAttributes: attributes }));
  }
}
