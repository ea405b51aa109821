/** SQS `ficEvents` → the use cases: FIC's activation and connection events, with partial batch responses. */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { sesMailerFromConfig } from '#shared/adapters/ses-mailer';
import { SqsConnectionRequestPublisher } from '#shared/adapters/sqs-publisher';
import { sesClient, sqsClient } from '#shared/aws/clients';
import { config, required } from '#shared/config';
import { deadLetterQueueUrlOf, SqsRejectedMessageRecorder } from '#shared/fic/dead-letter';
import { createFicEventsHandler } from '#shared/fic/event-processor';
import { logger } from '#shared/observability/logger';
import { makeUseCaseDependencies } from '#shared/use-cases/dependencies';
import { handleFicEvent, PermanentEventError } from '#shared/use-cases/handle-fic-event';

// Queue URLs are read on first use, so a missing variable fails an invocation by name, not the import.
const dependencies = makeUseCaseDependencies({
  mailer: sesMailerFromConfig(sesClient(), config()),
  connectionRequests: {
    publish: (request) => new SqsConnectionRequestPublisher(sqsClient(), required('FIC_OUTBOUND_QUEUE_URL')).publish(request),
  },
});

const processEvents = createFicEventsHandler({
  handleEvent: (event) => handleFicEvent(dependencies, event),
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
