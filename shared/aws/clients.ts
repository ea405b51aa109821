/**
 * AWS SDK clients, created once per process (module scope survives warm Lambda invocations).
 * They are the ordinary SDK clients: locally the endpoints point at the emulators. With
 * AWS_CALL_METRICS=1 each also counts its requests (`#shared/observability/aws-call-metrics`; a no-op when off).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { config } from '#shared/config';
import { attachCallMetrics } from '#shared/observability/aws-call-metrics';

/**
 * Every client gives up on a call that hangs (connection 2 s, answer 10 s) so that the SDK retries it,
 * or the record fails on its own, well within the function's timeout, instead of the whole batch
 * timing out and coming back only after the queue's visibility timeout.
 */
function clientOptions(endpoint: string | undefined) {
  return {
    region: config().AWS_REGION,
    ...(endpoint ? { endpoint } : {}),
    requestHandler: { connectionTimeout: 2_000, requestTimeout: 10_000 },
  };
}

let dynamoDb: DynamoDBDocumentClient | undefined;
let sqs: SQSClient | undefined;
let ses: SESClient | undefined;

export function dynamoDbClient(): DynamoDBDocumentClient {
  dynamoDb ??= DynamoDBDocumentClient.from(attachCallMetrics(new DynamoDBClient(clientOptions(config().AWS_ENDPOINT_URL_DYNAMODB)), 'dynamodb'), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return dynamoDb;
}

export function sqsClient(): SQSClient {
  sqs ??= attachCallMetrics(new SQSClient(clientOptions(config().AWS_ENDPOINT_URL_SQS)), 'sqs');
  return sqs;
}

export function sesClient(): SESClient {
  ses ??= attachCallMetrics(new SESClient(clientOptions(config().AWS_ENDPOINT_URL_SES)), 'ses');
  return ses;
}

let sesV2: SESv2Client | undefined;

/** SES API v2, used for the account probe (sending enabled, sandbox) that v1 lacks locally. */
export function sesV2Client(): SESv2Client {
  sesV2 ??= attachCallMetrics(new SESv2Client(clientOptions(config().AWS_ENDPOINT_URL_SES)), 'sesv2');
  return sesV2;
}
