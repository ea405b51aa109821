/** SQS `ficOutbound` → Fatture in Cloud: connection requests (case 3), retried by redelivery. */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { sqsClient } from '#shared/aws/clients';
import { config, required } from '#shared/config';
import { HttpFicConnectionApi } from '#shared/fic/connection-api';
import { deadLetterQueueUrlOf, SqsRejectedMessageRecorder } from '#shared/fic/dead-letter';
import { createFicOutboundHandler } from '#shared/fic/outbound-processor';
import { logger } from '#shared/observability/logger';

const sendRequests = createFicOutboundHandler({
  api: new HttpFicConnectionApi({
    baseUrl: config().FIC_API_BASE_URL,
    // On AWS the credential lives in Secrets Manager (FIC_API_CREDENTIALS_SECRET): see the issue note.
    token: () => required('FIC_API_TOKEN'),
    timeoutMs: 5_000,
  }),
  rejected: {
    record: (record, reason) =>
      new SqsRejectedMessageRecorder(sqsClient(), deadLetterQueueUrlOf(required('FIC_OUTBOUND_QUEUE_URL')), 'ficOutbound').record(record, reason),
  },
  logger,
});

export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(sendRequests);
