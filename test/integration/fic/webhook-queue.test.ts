/**
 * The webhook handler against the SQS emulator, on a queue of the test's own (the stack's processor
 * would consume `ficEvents` before the test could read it): the exact event lands on the queue with
 * its attributes; a refused token enqueues nothing; SQS failing gives 503.
 */
import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { simulatedEvent, signWebhookToken, webhookRequest } from '../../../infra/local/fic-simulator.ts';
import { SqsFicEventQueue } from '#shared/fic/event-queue';
import { ficEventTypes } from '#shared/fic/event-types';
import { importFicPublicKey } from '#shared/fic/public-key';
import { createFicWebhookHandler } from '#shared/fic/webhook-handler';
import { apiEvent } from '../../support/api-events.ts';
import { functionConfig, sqs } from '../../support/stack.ts';
import { ficPrivateJwk, tokenClaims } from './support.ts';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

async function webhookOn(queueUrl: string) {
  const publicKey = await importFicPublicKey(functionConfig.FIC_PUBLIC_KEY_JWK!);
  return createFicWebhookHandler({
    publicKey: async () => publicKey,
    expectations: () => ({ issuer: functionConfig.FIC_ISSUER, audience: tokenClaims({ id: '', subject: '' }).audience[0]!, appId: functionConfig.FIC_APP_ID }),
    queue: new SqsFicEventQueue(sqs, queueUrl),
    logger: silent,
  });
}

async function freshQueue() {
  return (await sqs.send(new CreateQueueCommand({ QueueName: `fic-webhook-test-${randomUUID().slice(0, 8)}` }))).QueueUrl!;
}

async function drain(queueUrl: string) {
  const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ['All'] }));
  return Messages ?? [];
}

function activation() {
  return simulatedEvent(ficEventTypes.einvoicingActivated, 4242, {
    ficCompanyId: 4242,
    vatNumber: '01234560017',
    name: "Caffè dell'Angolo",
    activatedAt: new Date().toISOString(),
  });
}

describe('the FIC webhook on the SQS emulator', () => {
  it.each(['binary', 'structured'] as const)('puts the exact %s-mode event on the queue with eventId and eventType attributes', async (mode) => {
    const queueUrl = await freshQueue();
    const event = activation();
    const request = webhookRequest(event, await signWebhookToken(await ficPrivateJwk(), tokenClaims(event)), mode);

    const result = await (await webhookOn(queueUrl))(apiEvent({ method: 'POST', rawPath: '/v1/fic/webhook', headers: request.headers, body: request.body }));

    expect(result.statusCode).toBe(202);
    const messages = await drain(queueUrl);
    expect(messages).toHaveLength(1);
    expect(JSON.parse(messages[0]!.Body!)).toEqual({ specversion: '1.0', ...event, datacontenttype: 'application/json' });
    expect(messages[0]!.MessageAttributes).toEqual({
      eventId: { DataType: 'String', StringValue: event.id },
      eventType: { DataType: 'String', StringValue: ficEventTypes.einvoicingActivated },
    });
  });

  it('enqueues nothing for a refused token', async () => {
    const queueUrl = await freshQueue();
    const event = activation();
    const request = webhookRequest(event, await signWebhookToken(await ficPrivateJwk(), tokenClaims(event, { appId: 'another-app' })));

    const result = await (await webhookOn(queueUrl))(apiEvent({ method: 'POST', rawPath: '/v1/fic/webhook', headers: request.headers, body: request.body }));

    expect(result.statusCode).toBe(401);
    expect(await drain(queueUrl)).toEqual([]);
  });

  it('answers 503 when SQS refuses the message (queue gone)', async () => {
    const event = activation();
    const request = webhookRequest(event, await signWebhookToken(await ficPrivateJwk(), tokenClaims(event)));
    const missingQueue = (await freshQueue()).replace(/fic-webhook-test-\w+$/, 'no-such-queue');

    const result = await (await webhookOn(missingQueue))(apiEvent({ method: 'POST', rawPath: '/v1/fic/webhook', headers: request.headers, body: request.body }));

    expect(result.statusCode).toBe(503);
  });
});
