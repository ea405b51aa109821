/**
 * How every SQS consumer hands its records to Powertools' batch utility: partial batch responses, a
 * full-batch failure reported as item failures (not thrown), and one processor per invocation.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export interface SqsBatchOptions {
  /**
   * Records of one batch at once (the default), or one after the other where a downstream rate limit
   * counts calls in flight: then a batch adds one call, not `batchSize` calls, per concurrent invocation.
   */
  inParallel: boolean;
}

export function processSqsBatch(
  event: SQSEvent,
  context: Context,
  processRecord: (record: SQSRecord) => Promise<void>,
  options: SqsBatchOptions,
): Promise<SQSBatchResponse> {
  // One processor per invocation: its state (records, failures) must not be shared by invocations that
  // run at once in one process (the local host's pollers, Lambda Managed Instances); shared, a failure
  // could be reported to the wrong invocation and its message deleted unprocessed.
  return processPartialResponse(event, processRecord, new BatchProcessor(EventType.SQS), {
    context,
    throwOnFullBatchFailure: false,
    processInParallel: options.inParallel,
  });
}
