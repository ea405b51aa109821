/** GET/POST /v1/fic/webhook: Fatture in Cloud's signed CloudEvents, verified and put on `ficEvents`. */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { sqsClient } from '#shared/aws/clients';
import { config, required } from '#shared/config';
import { SqsFicEventQueue } from '#shared/fic/event-queue';
import { ficWebhookUrl } from '#shared/fic/event-types';
import { ficPublicKeyFromConfig, reloadFicPublicKey } from '#shared/fic/public-key';
import { createFicWebhookHandler } from '#shared/fic/webhook-handler';
import { logger } from '#shared/observability/logger';

const settings = config();

const handleWebhook = createFicWebhookHandler({
  publicKey: ficPublicKeyFromConfig,
  reloadPublicKey: reloadFicPublicKey,
  expectations: () => ({ issuer: settings.FIC_ISSUER, audience: ficWebhookUrl(settings.PUBLIC_BASE_URL), appId: settings.FIC_APP_ID }),
  queue: {
    // Resolved per call so that a missing queue URL is a 500 (FIC retries), not a failed cold start.
    enqueue: (event) => new SqsFicEventQueue(sqsClient(), required('FIC_EVENTS_QUEUE_URL')).enqueue(event),
  },
  logger,
});

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(handleWebhook);
