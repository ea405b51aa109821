/**
 * The local stand-in for API Gateway + Lambda + SQS event source mappings: one HTTP server that
 * turns requests into payload-v2 events for the routes' handlers, and one poller per event
 * source. It holds no state of its own, so it can be killed and restarted like a Lambda.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { Context } from 'aws-lambda';
import type { SQSClient } from '@aws-sdk/client-sqs';
import {
  createRouter,
  maxPayloadBytes,
  toPayloadV2Event,
  writeGatewayMessage,
  writeResult,
} from './api-gateway.ts';
import { createJwtAuthorizer, type JwtAuthorizerSettings } from './jwt-authorizer.ts';
import { listen } from './ports.ts';
import { startSqsPoller, type Poller, type SqsHandler } from './sqs-poller.ts';
import type { HttpMethod } from '../topology.ts';

/** A Lambda handler as a module exports it; events are typed by each function. */
export type AnyHandler = (event: never, context: Context) => Promise<unknown>;

export interface HostedRoute {
  method: HttpMethod;
  path: string;
  function: string;
  auth: 'none' | 'studioJwt';
}

export interface HostedEventSource {
  function: string;
  queueUrl: string;
  queueArn: string;
  batchSize: number;
  maxBatchingWindowSeconds: number;
  maxConcurrency: number;
}

export interface FunctionHostOptions {
  port: number;
  host?: string;
  routes: readonly HostedRoute[];
  eventSources: readonly HostedEventSource[];
  /** Resolves a function key to its handler (the module's `handler` export). */
  loadHandler(functionKey: string): Promise<AnyHandler>;
  timeoutSecondsOf(functionKey: string): number;
  authorizer?: JwtAuthorizerSettings;
  sqs: SQSClient;
  region: string;
  log?: (message: string, details?: Record<string, unknown>, level?: 'WARN' | 'ERROR') => void;
}

export interface FunctionHost {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startFunctionHost(options: FunctionHostOptions): Promise<FunctionHost> {
  const log = options.log ?? (() => undefined);
  const handlers = new Map<string, Promise<AnyHandler>>();
  const handlerFor = (key: string) => {
    if (!handlers.has(key)) handlers.set(key, options.loadHandler(key));
    return handlers.get(key)!;
  };
  const route = createRouter(options.routes);
  const authorize = options.authorizer ? createJwtAuthorizer(options.authorizer) : undefined;

  const server = http.createServer(async (request, response) => {
    try {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const matched = route(request.method ?? 'GET', url.pathname);
      if (!matched) return writeGatewayMessage(response, 404, 'Not Found');
      const body = await readBody(request);
      if (body === undefined) return writeGatewayMessage(response, 413, 'Request Entity Too Large');
      let jwtClaims: Record<string, string> | undefined;
      if (matched.route.auth === 'studioJwt') {
        const decision = authorize ? await authorize(request.headers.authorization) : { refusal: 'no authorizer configured' };
        if ('refusal' in decision) {
          log('JWT authorizer refused the request', { routeKey: `${matched.route.method} ${matched.route.path}`, reason: decision.refusal }, 'WARN');
          return writeGatewayMessage(response, 401, 'Unauthorized', { 'www-authenticate': 'Bearer' });
        }
        jwtClaims = decision.claims;
      }
      const event = toPayloadV2Event({
        request,
        body,
        routeKey: `${matched.route.method} ${matched.route.path}`,
        pathParameters: matched.pathParameters,
        ...(jwtClaims ? { jwtClaims } : {}),
      });
      const functionKey = matched.route.function;
      const handler = await handlerFor(functionKey);
      const result = await handler(event as never, lambdaContext(functionKey, options.timeoutSecondsOf(functionKey)));
      writeResult(result as never, response);
    } catch (error) {
      // As on AWS: the function's failure becomes API Gateway's generic 500; details go to the log.
      log('function failed', { error: error instanceof Error ? error.stack : String(error) });
      if (!response.headersSent) writeGatewayMessage(response, 500, 'Internal Server Error');
      else response.destroy();
    }
  });
  server.keepAliveTimeout = 5_000;
  const port = await listen('Function host (local API)', server, options.port, options.host ?? '127.0.0.1');

  const pollers: Poller[] = [];
  for (const source of options.eventSources) {
    const handler = (await handlerFor(source.function)) as unknown as SqsHandler;
    pollers.push(
      startSqsPoller({
        client: options.sqs,
        queueUrl: source.queueUrl,
        queueArn: source.queueArn,
        region: options.region,
        functionName: source.function,
        handler: (event) => handler(event, lambdaContext(source.function, options.timeoutSecondsOf(source.function))),
        batchSize: source.batchSize,
        maxBatchingWindowSeconds: source.maxBatchingWindowSeconds,
        concurrency: source.maxConcurrency,
        timeoutSeconds: options.timeoutSecondsOf(source.function),
        onError: (error) => log('event source batch failed', { function: source.function, error: String(error) }),
      }),
    );
  }

  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    async stop() {
      await Promise.all(pollers.map((poller) => poller.stop()));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

async function readBody(request: http.IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxPayloadBytes) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function lambdaContext(functionName: string, timeoutSeconds: number): Context {
  const deadline = Date.now() + timeoutSeconds * 1000;
  const awsRequestId = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${awsRequestId}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
