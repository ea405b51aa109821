/** `ConnectionRequestPublisher` on SQS: the request goes to `ficOutbound`, whose consumer calls FIC with retries. */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { requestMessageAttributes, serializeConnectionRequest } from '#shared/fic/connection-request-message';
import type { ConnectionRequest, ConnectionRequestPublisher } from '#shared/use-cases/ports';

export class SqsConnectionRequestPublisher implements ConnectionRequestPublisher {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async publish(request: ConnectionRequest): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: serializeConnectionRequest(request),
        MessageAttributes: { [requestMessageAttributes.requestId]: { DataType: 'String', StringValue: request.requestId } },
      }),
    );
  }
}
