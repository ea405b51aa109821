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

let dynamoDb: DynamoDBDocumentClient | undefined;
let sqs: SQSClient | undefined;
let ses: SESClient | undefined;

export function dynamoDbClient(): DynamoDBDocumentClient {
  const { AWS_REGION: region, AWS_ENDPOINT_URL_DYNAMODB: endpoint } = config();
  dynamoDb ??= DynamoDBDocumentClient.from(attachCallMetrics(new DynamoDBClient({ region, ...(endpoint ? { endpoint } : {}) }), 'dynamodb'), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return dynamoDb;
}

export function sqsClient(): SQSClient {
  const { AWS_REGION: region, AWS_ENDPOINT_URL_SQS: endpoint } = config();
  sqs ??= attachCallMetrics(new SQSClient({ region, ...(endpoint ? { endpoint } : {}) }), 'sqs');
  return sqs;
}

export function sesClient(): SESClient {
  const { AWS_REGION: region, AWS_ENDPOINT_URL_SES: endpoint } = config();
  ses ??= attachCallMetrics(new SESClient({ region, ...(endpoint ? { endpoint } : {}) }), 'ses');
  return ses;
}

let sesV2: SESv2Client | undefined;

/** SES API v2, used for the account probe (sending enabled, sandbox) that v1 lacks locally. */
export function sesV2Client(): SESv2Client {
  const { AWS_REGION: region, AWS_ENDPOINT_URL_SES: endpoint } = config();
  sesV2 ??= attachCallMetrics(new SESv2Client({ region, ...(endpoint ? { endpoint } : {}) }), 'sesv2');
  return sesV2;
}
