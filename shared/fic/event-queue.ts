/**
 * The webhook's outlet: the received event, as structured CloudEvent JSON, on the `ficEvents`
 * queue. The message attributes let operators and the DLQ tooling see id and type unparsed.
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { serializeCloudEvent, type FicCloudEvent } from './cloud-event.ts';

export interface FicEventQueue {
  /** Resolves once SQS has durably accepted the message; rejects otherwise. */
  enqueue(event: FicCloudEvent): Promise<void>;
}

export const eventMessageAttributes = { eventId: 'eventId', eventType: 'eventType' } as const;

export class SqsFicEventQueue implements FicEventQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(event: FicCloudEvent): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: serializeCloudEvent(event),
        MessageAttributes: {
          [eventMessageAttributes.eventId]: { DataType: 'String', StringValue: event.id },
          [eventMessageAttributes.eventType]: { DataType: 'String', StringValue: event.type },
        },
      }),
    );
  }
}
