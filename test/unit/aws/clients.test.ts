import { describe, expect, it } from 'vitest';
import { dynamoDbClient, sesClient, sesV2Client, sqsClient } from '#shared/aws/clients';

interface HandlerView {
  configProvider?: Promise<{ connectionTimeout?: number; requestTimeout?: number }>;
}

describe('AWS SDK clients', () => {
  it.each([
    ['DynamoDB', () => dynamoDbClient()],
    ['SQS', () => sqsClient()],
    ['SES', () => sesClient()],
    ['SES v2', () => sesV2Client()],
  ])('%s gives up on a hanging call well within a function timeout', async (_, client) => {
    const handler = (client() as unknown as { config: { requestHandler: HandlerView } }).config.requestHandler;

    const settings = await handler.configProvider;

    expect(settings).toMatchObject({ connectionTimeout: 2_000, requestTimeout: 10_000 });
  });
});
