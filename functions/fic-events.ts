/** SQS `ficEvents` → the use cases: FIC's activation and connection events, with partial batch responses. */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { sqsClient } from '#shared/aws/clients';
import { productionDependencies } from '#shared/composition-root';
import { required } from '#shared/config';
import { deadLetterQueueUrlOf, SqsRejectedMessageRecorder } from '#shared/fic/dead-letter';
import { createFicEventsHandler } from '#shared/fic/event-processor';
import { logger } from '#shared/observability/logger';
import { handleFicEvent, PermanentEventError } from '#shared/use-cases/handle-fic-event';

const processEvents = createFicEventsHandler({
  handleEvent: (event) => handleFicEvent(productionDependencies(), event),
  isPermanent: (error) => error instanceof PermanentEventError,
  rejected: {
    record: (record, reason) =>
      new SqsRejectedMessageRecorder(sqsClient(), deadLetterQueueUrlOf(required('FIC_EVENTS_QUEUE_URL')), 'ficEvents').record(record, reason),
  },
  logger,
});

export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(processEvents);
