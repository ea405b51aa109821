import { describe, expect, it } from 'vitest';
import { deadLetterQueueUrlOf } from '#shared/fic/dead-letter';
import { topology } from '../../../infra/topology.ts';

describe('dead-letter queue URLs', () => {
  it("follow the topology's naming rule for every queue (<queue> → <queue>-dlq)", () => {
    for (const queue of Object.values(topology.queues)) {
      const url = `https://sqs.eu-south-1.amazonaws.com/123456789012/dev-${queue.name}`;
      expect(deadLetterQueueUrlOf(url)).toBe(`https://sqs.eu-south-1.amazonaws.com/123456789012/dev-${queue.deadLetter.name}`);
    }
  });
});
