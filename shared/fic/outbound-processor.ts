/**
 * The `ficOutbound` queue's consumer: one connection request to FIC per record. FIC down, slow or
 * throttling: the record fails and is redelivered (DLQ after maxReceiveCount). FIC refusing the
 * request, or a message that is not a request: recorded on the DLQ with the reason, not retried.
 */
import { processSqsBatch } from '#shared/aws/sqs-batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { FicConnectionApi } from '#shared/use-cases/ports';
import { FicRequestRejectedError } from './connection-api.ts';
import { connectionRequestSchema } from './connection-request-message.ts';
import type { RejectedMessageRecorder } from './dead-letter.ts';
import type { FicLogger } from './log.ts';

export interface FicOutboundDependencies {
  api: FicConnectionApi;
  rejected: RejectedMessageRecorder;
  logger: FicLogger;
}

export function createFicOutboundHandler(deps: FicOutboundDependencies) {
  const processRecord = async (record: SQSRecord): Promise<void> => {
    const request = readRequest(record.body);
    if (typeof request === 'string') return reject(record, `malformed connection request: ${request}`);
    try {
      await deps.api.requestConnection(request);
      deps.logger.info('Connection request sent to FIC', { requestId: request.requestId, companyId: request.companyId });
    } catch (error) {
      if (error instanceof FicRequestRejectedError) return reject(record, error.message, request.requestId);
      deps.logger.error('Connection request to FIC failed, will be retried', {
        requestId: request.requestId,
        receiveCount: record.attributes?.ApproximateReceiveCount,
        error,
      });
      throw error;
    }
  };
  const reject = async (record: SQSRecord, reason: string, requestId?: string) => {
    await deps.rejected.record(record, reason);
    deps.logger.error('Connection request rejected, not retried', { requestId, messageId: record.messageId, reason });
  };
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
    // FIC's API limits calls in flight: one request at a time per invocation.
    processSqsBatch(event, context, processRecord, { inParallel: false });
}

function readRequest(body: string) {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return 'not JSON';
  }
  const parsed = connectionRequestSchema.safeParse(json);
  return parsed.success ? parsed.data : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
}
