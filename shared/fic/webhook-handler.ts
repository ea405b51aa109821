/**
 * The FIC webhook (`GET`/`POST /v1/fic/webhook`): authenticate, check the envelope, enqueue,
 * answer. FIC drops an event on any 4xx and retries on 5xx, so: 401 only for a bad token, 4xx
 * only for what can never succeed, 503 when the event could not be enqueued, never 410. The
 * event's data is validated later by the processor, so FIC never hears 4xx for data we could
 * record as rejected.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { HttpProblem, problemResponse } from '#shared/http/problem';
import { json } from '#shared/http/responses';
import {
  MalformedCloudEventError,
  PayloadTooLargeError,
  readCloudEvent,
  UnsupportedMediaTypeError,
  type FicCloudEvent,
} from './cloud-event.ts';
import type { FicEventQueue } from './event-queue.ts';
import type { FicLogger } from './log.ts';
import { ficEventTypes, isProcessedEventType, verificationChallengeName } from './event-types.ts';
import {
  assertTokenBindsEvent,
  InvalidFicTokenError,
  verifyFicToken,
  type FicPublicKey,
  type FicTokenExpectations,
} from './webhook-token.ts';

export interface FicWebhookDependencies {
  publicKey(): Promise<FicPublicKey>;
  /** Loads the key again (rate-limited by the loader) when a signature does not verify: FIC may have rotated it. */
  reloadPublicKey?(): Promise<FicPublicKey>;
  expectations(): FicTokenExpectations;
  queue: FicEventQueue;
  logger: FicLogger;
}

type Result = APIGatewayProxyStructuredResultV2;

export function createFicWebhookHandler(deps: FicWebhookDependencies) {
  return async (event: APIGatewayProxyEventV2): Promise<Result> => {
    const requestId = event.requestContext.requestId;
    try {
      const method = event.requestContext.http.method.toUpperCase();
      if (method === 'GET') return await verifySubscription(deps, event);
      if (method === 'POST') return await receiveEvent(deps, event);
      throw new HttpProblem(405, 'method-not-allowed', 'Method not allowed', 'Use GET (verification) or POST (events).', {}, { allow: 'GET, POST' });
    } catch (error) {
      return problemResponse(toProblem(error, deps.logger), requestId);
    }
  };
}

/**
 * A 401 makes FIC drop the event for good, so a signature that does not verify is tried once more
 * with a freshly loaded key before we refuse: after a key rotation, warm instances would otherwise
 * refuse every genuine event.
 */
async function verifyToken(deps: FicWebhookDependencies, authorization: string | undefined) {
  try {
    return await verifyFicToken(authorization, await deps.publicKey(), deps.expectations());
  } catch (error) {
    if (!(error instanceof InvalidFicTokenError) || !error.signatureMismatch || !deps.reloadPublicKey) throw error;
    return verifyFicToken(authorization, await deps.reloadPublicKey(), deps.expectations());
  }
}

async function verifySubscription(deps: FicWebhookDependencies, event: APIGatewayProxyEventV2): Promise<Result> {
  // For the verification call jti/sub name no event: the token itself must still be FIC's, for us.
  await verifyToken(deps, event.headers.authorization);
  const challenge = event.headers[verificationChallengeName] ?? event.queryStringParameters?.[verificationChallengeName];
  if (challenge === undefined || !/^[\x20-\x7e]{1,1024}$/.test(challenge)) {
    throw new HttpProblem(400, 'malformed-verification', 'Malformed verification', `Send the challenge in the ${verificationChallengeName} header or query parameter (1-1024 printable characters).`);
  }
  deps.logger.info('FIC subscription verified');
  return json(200, { verification: challenge });
}

async function receiveEvent(deps: FicWebhookDependencies, event: APIGatewayProxyEventV2): Promise<Result> {
  // Authenticity first: nothing of the body is read for a caller that is not FIC.
  const claims = await verifyToken(deps, event.headers.authorization);
  const cloudEvent = readCloudEvent({ headers: event.headers, body: event.body, isBase64Encoded: event.isBase64Encoded });
  assertTokenBindsEvent(claims, cloudEvent);

  const context = { eventId: cloudEvent.id, eventType: cloudEvent.type };
  if (!isProcessedEventType(cloudEvent.type)) {
    deps.logger.info(cloudEvent.type === ficEventTypes.welcome ? 'FIC welcome event acknowledged' : 'FIC event of an unhandled type acknowledged and ignored', context);
    return json(200, { status: 'ignored', eventId: cloudEvent.id });
  }
  await enqueue(deps, cloudEvent);
  deps.logger.info('FIC event enqueued', context);
  return json(202, { status: 'accepted', eventId: cloudEvent.id });
}

async function enqueue(deps: FicWebhookDependencies, cloudEvent: FicCloudEvent): Promise<void> {
  try {
    await deps.queue.enqueue(cloudEvent);
  } catch (error) {
    deps.logger.error('FIC event could not be enqueued', { eventId: cloudEvent.id, eventType: cloudEvent.type, error });
    throw new HttpProblem(503, 'temporarily-unavailable', 'Temporarily unavailable', 'The event could not be stored: deliver it again later.', {}, { 'retry-after': '30' });
  }
}

function toProblem(error: unknown, logger: FicLogger): HttpProblem {
  if (error instanceof HttpProblem) return error;
  if (error instanceof InvalidFicTokenError) {
    logger.warn('FIC webhook token refused', { reason: error.reason });
    return new HttpProblem(401, 'invalid-token', 'Invalid token', 'The bearer token is missing, invalid, or not issued for this event.', {}, {
      'www-authenticate': 'Bearer error="invalid_token"',
    });
  }
  if (error instanceof PayloadTooLargeError) return new HttpProblem(413, 'payload-too-large', 'Payload too large', error.message);
  if (error instanceof UnsupportedMediaTypeError) {
    return new HttpProblem(415, 'unsupported-media-type', 'Unsupported media type', error.message, {}, { accept: 'application/cloudevents+json, application/json' });
  }
  if (error instanceof MalformedCloudEventError) {
    logger.warn('Malformed FIC event refused', { reason: error.message });
    return new HttpProblem(400, 'malformed-event', 'Malformed CloudEvent', error.message, { errors: [{ pointer: error.pointer, detail: error.message }] });
  }
  // Configuration or key loading: a 5xx, so FIC retries once it is fixed.
  logger.error('FIC webhook failed', { error });
  return new HttpProblem(500, 'internal-error', 'Internal error', 'Something went wrong on our side; deliver the event again later.');
}
