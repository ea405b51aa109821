/**
 * One process may run several invocations of a queue consumer at once: the local function host does
 * (one poller per unit of the event source's maximum concurrency), and so do Lambda Managed Instances.
 * Each invocation must report its own failed records and only those: a failure reported to another
 * invocation, or lost, gets the message deleted (an event lost) or retried for nothing.
 * Found by `outages.test.ts` (events with a failed first attempt vanished from the queue unprocessed).
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { serializeCloudEvent } from '#shared/fic/cloud-event';
import { serializeConnectionRequest } from '#shared/fic/connection-request-message';
import { createFicEventsHandler } from '#shared/fic/event-processor';
import { createFicOutboundHandler } from '#shared/fic/outbound-processor';
import { lambdaContext } from '../support/api-events.ts';
import { activationEvent, silentLogger, sqsRecord } from '../unit/fic/support.ts';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const rejected = { record: async () => undefined };

function eventRecord(vatNumber: string) {
  const event = activationEvent({}, { vatNumber });
  return sqsRecord(serializeCloudEvent({ specversion: '1.0', ...event, datacontenttype: 'application/json' }));
}

async function interleaved(run: (event: SQSEvent) => Promise<SQSBatchResponse>, batches: SQSEvent[]) {
  return Promise.all(batches.map((batch) => run(batch)));
}

describe('concurrent invocations of one consumer in one process', () => {
  it('ficEvents: each invocation reports exactly its own failed records', async () => {
    // Batch A fails at once; batch B's records succeed slowly; batch C mixes both.
    const failing = new Set(['01234560017']);
    const handler = createFicEventsHandler({
      handleEvent: async (event) => {
        if (event.kind === 'einvoicingActivated' && failing.has(event.vatNumber)) throw new Error('DynamoDB unreachable');
        await pause(30);
        return { outcome: 'applied' };
      },
      isPermanent: () => false,
      rejected,
      logger: silentLogger,
    });
    const a = { Records: [eventRecord('01234560017')] } as SQSEvent;
    const b = { Records: [eventRecord('12345678903'), eventRecord('12345678903')] } as SQSEvent;
    const c = { Records: [eventRecord('12345678903'), eventRecord('01234560017')] } as SQSEvent;

    const [ra, rb, rc] = await interleaved((event) => handler(event, lambdaContext), [a, b, c]);

    expect(ra).toEqual({ batchItemFailures: [{ itemIdentifier: a.Records[0]!.messageId }] });
    expect(rb).toEqual({ batchItemFailures: [] });
    expect(rc).toEqual({ batchItemFailures: [{ itemIdentifier: c.Records[1]!.messageId }] });
  });

  it('ficOutbound: each invocation reports exactly its own failed records', async () => {
    const request = (requestId: string) =>
      sqsRecord(serializeConnectionRequest({ requestId, companyId: 'c1', vatNumber: '01234560017', studioId: 's1', studioName: 'Studio Rossi' }));
    const handler = createFicOutboundHandler({
      api: {
        requestConnection: async (connection) => {
          if (connection.requestId.startsWith('down')) throw new Error('FIC unreachable');
          await pause(30);
        },
      },
      rejected,
      logger: silentLogger,
    });
    const a = { Records: [request('down-1')] } as SQSEvent;
    const b = { Records: [request('ok-1'), request('ok-2')] } as SQSEvent;

    const [ra, rb] = await interleaved((event) => handler(event, lambdaContext), [a, b]);

    expect(ra).toEqual({ batchItemFailures: [{ itemIdentifier: a.Records[0]!.messageId }] });
    expect(rb).toEqual({ batchItemFailures: [] });
  });
});
