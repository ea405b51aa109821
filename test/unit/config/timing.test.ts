/**
 * Timings that only work together. If the email lease outlived the fic-events visibility timeout, the
 * redelivery of a crashed sender's message would find the lease still held, acknowledge the message,
 * and the owed confirmation email would never be sent.
 */
import { describe, expect, it } from 'vitest';
import { parseEnvironment } from '#shared/config';
import { topology } from '../../../infra/topology.ts';

describe('timings', () => {
  it('keeps the email lease shorter than the visibility timeout of the queue that redelivers the event', () => {
    const lease = parseEnvironment({}).FIC_EMAIL_LEASE_SECONDS;

    expect(lease).toBeLessThan(topology.queues.ficEvents.visibilityTimeoutSeconds);
  });

  it('keeps each queue visible for at least six times its consumer timeout, as AWS recommends', () => {
    for (const source of topology.eventSources) {
      expect(topology.queues[source.queue].visibilityTimeoutSeconds).toBeGreaterThanOrEqual(6 * topology.functions[source.function].timeoutSeconds);
    }
  });
});
