/** Keys, tokens and events for the FIC unit tests: a throwaway ES256 pair per run, as FIC would sign. */
import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { SQSRecord } from 'aws-lambda';
import { signWebhookToken, simulatedEvent, webhookRequest, type DeliveryMode, type SimulatedEvent, type WebhookTokenClaims } from '../../../infra/local/fic-simulator.ts';
import { ficEventTypes } from '#shared/fic/event-types';
import type { FicPublicKey, FicTokenExpectations } from '#shared/fic/webhook-token';
import { apiEvent } from '../../support/api-events.ts';

export const expectations: FicTokenExpectations = {
  issuer: 'https://api-v2.fattureincloud.it',
  audience: 'https://api.agyo.test/v1/fic/webhook',
  appId: 'agyo-app-42',
};

export async function keyPair(): Promise<{ privateJwk: JWK; publicJwk: JWK; publicKey: FicPublicKey }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  return { privateJwk: await exportJWK(privateKey), publicJwk, publicKey: (await importJWK(publicJwk, 'ES256')) as FicPublicKey };
}

export const validVat = '01234560017';

export function activationEvent(overrides: Partial<SimulatedEvent> = {}, data: Record<string, unknown> = {}): SimulatedEvent {
  const base = simulatedEvent(ficEventTypes.einvoicingActivated, 123, {
    ficCompanyId: 123,
    vatNumber: validVat,
    taxCode: validVat,
    name: "Caffè dell'Angolo",
    activatedAt: '2026-12-03T10:00:00+01:00',
    ...data,
  });
  return { ...base, ...overrides };
}

export function claimsFor(event: { id: string; subject: string }, overrides: Partial<WebhookTokenClaims> = {}): WebhookTokenClaims {
  return { issuer: expectations.issuer, audience: [expectations.audience], appId: expectations.appId, subject: event.subject, jwtId: event.id, ...overrides };
}

/** A payload-v2 POST as API Gateway hands it to the webhook function. */
export async function webhookPost(
  privateJwk: JWK,
  event: SimulatedEvent,
  options: { mode?: DeliveryMode; claims?: Partial<WebhookTokenClaims>; token?: string; base64?: boolean; headers?: Record<string, string> } = {},
) {
  const token = options.token ?? (await signWebhookToken(privateJwk, claimsFor(event, options.claims)));
  const request = webhookRequest(event, token, options.mode ?? 'binary');
  return apiEvent({
    method: 'POST',
    rawPath: '/v1/fic/webhook',
    headers: { ...request.headers, ...options.headers },
    body: options.base64 ? Buffer.from(request.body, 'utf8').toString('base64') : request.body,
    isBase64Encoded: options.base64 ?? false,
  });
}

export function sqsRecord(body: string, messageId = `m-${Math.random().toString(36).slice(2)}`): SQSRecord {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1796292000000',
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: '1796292000000',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-south-1:123456789012:local-fic-events',
    awsRegion: 'eu-south-1',
  };
}

export const silentLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
