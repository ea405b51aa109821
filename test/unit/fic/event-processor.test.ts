import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { serializeCloudEvent } from '#shared/fic/cloud-event';
import type { RejectedMessageRecorder } from '#shared/fic/dead-letter';
import { createFicEventsHandler } from '#shared/fic/event-processor';
import type { FicEvent, FicEventResult } from '#shared/use-cases/fic-event';
import { lambdaContext } from '../../support/api-events.ts';
import { activationEvent, silentLogger, sqsRecord } from './support.ts';

class PermanentEventError extends Error {
  override name = 'PermanentEventError';
}

function message(data: Record<string, unknown> = {}) {
  const event = activationEvent({}, data);
  return { event, record: sqsRecord(serializeCloudEvent({ specversion: '1.0', ...event, datacontenttype: 'application/json' })) };
}

function processor(handleEvent: (event: FicEvent) => Promise<FicEventResult>, rejected: RejectedMessageRecorder & { records: [SQSRecord, string][] } = recorder()) {
  const warnings: Record<string, unknown>[] = [];
  const handler = createFicEventsHandler({
    handleEvent,
    isPermanent: (error) => error instanceof PermanentEventError,
    rejected,
    logger: { ...silentLogger, warn: (_message, attributes) => void warnings.push(attributes ?? {}) },
  });
  return { run: (...records: SQSRecord[]) => handler({ Records: records } as SQSEvent, lambdaContext), rejected, warnings };
}

function recorder(): RejectedMessageRecorder & { records: [SQSRecord, string][] } {
  const records: [SQSRecord, string][] = [];
  return { records, record: async (record, reason) => void records.push([record, reason]) };
}

describe('the ficEvents processor', () => {
  it('hands a valid event to the use case and reports success', async () => {
    const seen: FicEvent[] = [];
    const { event, record } = message();
    const { run, rejected } = processor(async (ficEvent) => {
      seen.push(ficEvent);
      return { outcome: 'applied' };
    });

    const response = await run(record);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(seen).toEqual([expect.objectContaining({ kind: 'einvoicingActivated', eventId: event.id, ficCompanyId: '123' })]);
    expect(rejected.records).toEqual([]);
  });

  it('records an authentic event with invalid data as rejected, with its reason, and does not retry it', async () => {
    const { event, record } = message({ vatNumber: '01234560018' });
    let calls = 0;
    const { run, rejected, warnings } = processor(async () => {
      calls += 1;
      return { outcome: 'applied' };
    });

    const response = await run(record);

    expect(response.batchItemFailures).toEqual([]);
    expect(calls).toBe(0);
    expect(rejected.records).toEqual([[record, expect.stringMatching(/check digit/)]]);
    expect(warnings).toEqual([expect.objectContaining({ eventId: event.id, reason: expect.stringMatching(/check digit/) })]);
  });

  it('records a message that is not a CloudEvent as rejected', async () => {
    const { run, rejected } = processor(async () => ({ outcome: 'applied' }));
    const response = await run(sqsRecord('{"not":"an event"}'));
    expect(response.batchItemFailures).toEqual([]);
    expect(rejected.records).toHaveLength(1);
  });

  it("records the use case's PermanentEventError as rejected", async () => {
    const { record } = message();
    const { run, rejected } = processor(async () => Promise.reject(new PermanentEventError('no pending connection request req-9')));

    const response = await run(record);

    expect(response.batchItemFailures).toEqual([]);
    expect(rejected.records.map(([, reason]) => reason)).toEqual(['no pending connection request req-9']);
  });

  it('reports only the transient failure in a batch for redelivery', async () => {
    const good = message();
    const transient = message();
    const invalid = message({ ficCompanyId: 'x' });
    const { run, rejected } = processor(async (ficEvent) => {
      if (ficEvent.eventId === transient.event.id) throw new Error('DynamoDB throttled');
      return { outcome: 'duplicate' };
    });

    const response = await run(good.record, transient.record, invalid.record);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: transient.record.messageId }]);
    expect(rejected.records.map(([record]) => record.messageId)).toEqual([invalid.record.messageId]);
  });

  it('retries a rejected event whose rejection could not be recorded', async () => {
    const { record } = message({ vatNumber: 'bad' });
    const failingRecorder = { records: [], record: async () => Promise.reject(new Error('DLQ unreachable')) };
    const { run } = processor(async () => ({ outcome: 'applied' }), failingRecorder);

    expect((await run(record)).batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
  });

  it('reports every record of an all-failing batch instead of throwing', async () => {
    const first = message();
    const second = message();
    const { run } = processor(async () => Promise.reject(new Error('SES down')));

    expect((await run(first.record, second.record)).batchItemFailures).toHaveLength(2);
  });
});
