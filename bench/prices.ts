/**
 * Prices used for "cost per one million activations", eu-south-1 (Milan), on-demand, USD, no free
 * tier. Written into every result so a figure always travels with its prices. They were taken from
 * AWS's public price pages and are not fetched at run time (the bench is offline): check them against
 * https://aws.amazon.com/{dynamodb,sqs,ses,api-gateway,lambda}/pricing/ before quoting a cost, and
 * update `asOf` when you do.
 */
export const prices = {
  region: 'eu-south-1',
  currency: 'USD',
  asOf: '2026-12 (not re-checked at run time; verify before quoting)',
  dynamoDbPerMillionWriteRequestUnits: 0.7625,
  dynamoDbPerMillionReadRequestUnits: 0.1525,
  sqsPerMillionRequests: 0.4,
  sesPerThousandEmails: 0.1,
  apiGatewayHttpPerMillionRequests: 1.17,
  lambdaPerMillionRequests: 0.2,
  notes: [
    'DynamoDB on demand: a transactional write of an item up to 1 KB is 2 WRU, a strongly consistent read up to 4 KB is 1 RRU, eventually consistent 0.5; the bench uses the capacity DynamoDB reports (ReturnConsumedCapacity TOTAL, indexes included).',
    'SQS: standard queue, per 64 KB request chunk; the event source mapping\'s own polling (ReceiveMessage/DeleteMessageBatch, done by Lambda) is not counted by the handlers\' middleware and not included.',
    'Lambda: request charge only (one invocation per HTTP request, one per SQS message at worst); duration (GB-s) is not measured locally and not included.',
    'Not included: storage, data transfer, CloudWatch Logs, KMS, Secrets Manager / SSM reads (cached per instance).',
  ],
} as const;
