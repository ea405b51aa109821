/** Case 3's outbound leg on the local stack: a request on `ficOutbound` reaches the FIC simulator, once. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SqsConnectionRequestPublisher } from '#shared/adapters/sqs-publisher';
import { ficEventTypes } from '#shared/fic/event-types';
import { eventually, sqs, stack } from '../../support/stack.ts';
import { simulator } from './support.ts';


describe('connection requests to FIC', () => {
  it('reach the simulator with the Studio and company; publishing twice stores one request; confirming sends connections.confirmed', async () => {
    const publisher = new SqsConnectionRequestPublisher(sqs, stack.queueUrls.ficOutbound);
    const requestId = `req-${randomUUID()}`;
    const request = { requestId, companyId: 'co-1', vatNumber: '01234560017', ficCompanyId: '777', studioId: 'S1', studioName: 'Studio Rossi' };

    await publisher.publish(request);
    await publisher.publish(request);

    const received = await eventually(async () => {
      const found = await simulator.request(requestId);
      return found && found.calls === 2 ? found : undefined;
    });
    expect(received).toMatchObject({ requestId, vatNumber: '01234560017', ficCompanyId: 777, studio: { id: 'S1', name: 'Studio Rossi' }, status: 'pending' });
    expect((await simulator.requests()).filter((r) => r.requestId === requestId)).toHaveLength(1);

    const { delivery } = await simulator.confirm(requestId);
    expect(delivery).toMatchObject({ type: ficEventTypes.connectionConfirmed });
    // Without a matching connection the use case may refuse it later; the webhook's answer is 202 either way.
    expect(delivery.status).toBe(202);
  });
});
