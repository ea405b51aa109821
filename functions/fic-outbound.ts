/** SQS `ficOutbound` → Fatture in Cloud: connection requests (case 3), retried by redelivery. */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { sqsClient } from '#shared/aws/clients';
import { config, required } from '#shared/config';
import { ficApiToken } from '#shared/fic/api-credentials';
import { HttpFicConnectionApi } from '#shared/fic/connection-api';
import { deadLetterQueueUrlOf, SqsRejectedMessageRecorder } from '#shared/fic/dead-letter';
import { createFicOutboundHandler } from '#shared/fic/outbound-processor';
import { logger } from '#shared/observability/logger';

const sendRequests = createFicOutboundHandler({
  api: new HttpFicConnectionApi({
    baseUrl: config().FIC_API_BASE_URL,
    token: ficApiToken,
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
