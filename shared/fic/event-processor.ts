/**
 * The `ficEvents` queue's consumer: each record is a structured CloudEvent the webhook accepted.
 * Per record, one of three ends:
 * - applied (or a duplicate, or ignored by the rules): success;
 * - can never be applied (invalid data, or the use case's PermanentEventError): recorded as
 *   rejected on the DLQ with its reason, then success, so it is not retried forever;
 * - anything else is transient: reported in `batchItemFailures`, redelivered, DLQ after maxReceiveCount.
 */
import { processSqsBatch } from '#shared/aws/sqs-batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { FicEvent, FicEventResult } from '#shared/use-cases/fic-event';
import { MalformedCloudEventError, parseStructuredCloudEvent } from './cloud-event.ts';
import type { RejectedMessageRecorder } from './dead-letter.ts';
import { InvalidFicEventError, toFicEvent } from './event-schemas.ts';
import type { FicLogger } from './log.ts';

export interface FicEventProcessorDependencies {
  handleEvent(event: FicEvent): Promise<FicEventResult>;
  /** Tells a permanent failure of the use case from a transient one. */
  isPermanent(error: unknown): boolean;
  rejected: RejectedMessageRecorder;
  logger: FicLogger;
}

export function createFicEventsHandler(deps: FicEventProcessorDependencies) {
  const processRecord = async (record: SQSRecord): Promise<void> => {
    let eventId = record.messageAttributes?.eventId?.stringValue;
    try {
      const cloudEvent = parseStructuredCloudEvent(record.body);
      eventId = cloudEvent.id;
      const result = await deps.handleEvent(toFicEvent(cloudEvent));
      deps.logger.info('FIC event processed', { eventId, eventType: cloudEvent.type, outcome: result.outcome, detail: result.detail });
    } catch (error) {
      const reason = permanentReason(error, deps);
      if (reason === undefined) {
        deps.logger.error('FIC event failed, will be retried', { eventId, messageId: record.messageId, receiveCount: record.attributes?.ApproximateReceiveCount, error });
        throw error;
      }
      // If recording fails, the record is retried as a whole: the reason is logged again next time.
      await deps.rejected.record(record, reason);
      deps.logger.warn('FIC event rejected', { eventId, messageId: record.messageId, reason });
    }
  };
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
    processSqsBatch(event, context, processRecord, { inParallel: true });
}

function permanentReason(error: unknown, deps: FicEventProcessorDependencies): string | undefined {
  if (error instanceof InvalidFicEventError) return error.reason;
  if (error instanceof MalformedCloudEventError) return `malformed message: ${error.message}`;
  if (deps.isPermanent(error)) return error instanceof Error ? error.message : String(error);
  return undefined;
}
