/** What the FIC stack tests share: the simulator (FIC's key and control API) of the running local stack. */
import { ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { loadOrCreateKeyPair, localKeyNames } from '../../../infra/local/keys.ts';
import { FicSimulatorClient, signWebhookToken, webhookRequest, type DeliveryMode, type SimulatedEvent, type WebhookTokenClaims } from '../../../infra/local/fic-simulator.ts';
import { ficWebhookUrl } from '#shared/fic/event-types';
import { functionConfig, sqs, stack } from '../../support/stack.ts';

/** Locally FIC's API is the simulator: its URL is what the functions call. */
export const simulator = new FicSimulatorClient(functionConfig.FIC_API_BASE_URL);
export const webhookUrl = `${stack.apiUrl}/v1/fic/webhook`;

export async function ficPrivateJwk() {
  return (await loadOrCreateKeyPair(stack.keysDir, localKeyNames.ficSimulator)).privateJwk;
}

export function tokenClaims(event: { id: string; subject: string }, overrides: Partial<WebhookTokenClaims> = {}): WebhookTokenClaims {
  return {
    issuer: functionConfig.FIC_ISSUER,
    audience: [ficWebhookUrl(functionConfig.PUBLIC_BASE_URL)],
    appId: functionConfig.FIC_APP_ID,
    subject: event.subject,
    jwtId: event.id,
    ...overrides,
  };
}

/** POSTs an event to the running webhook as FIC would, with a token (or claims) of the test's choice. */
export async function postEvent(event: SimulatedEvent, options: { mode?: DeliveryMode; token?: string; claims?: Partial<WebhookTokenClaims> } = {}) {
  const token = options.token ?? (await signWebhookToken(await ficPrivateJwk(), tokenClaims(event, options.claims)));
  const request = webhookRequest(event, token, options.mode ?? 'binary');
  return fetch(webhookUrl, { method: 'POST', headers: request.headers, body: request.body });
}

/** Peeks at a queue without hiding the messages from other consumers (visibility timeout 0). */
export async function peek(queueUrl: string): Promise<Message[]> {
  const { Messages } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0, WaitTimeSeconds: 0, MessageAttributeNames: ['All'], AttributeNames: ['All'] }),
  );
  return Messages ?? [];
}
