/** Payload-v2 events as API Gateway's HTTP API delivers them, for unit tests of handlers. */
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';

export interface ApiEventInput {
  method?: string;
  routeKey?: string;
  rawPath?: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  pathParameters?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
  /** JWT claims as the authorizer passes them (strings); omitted: no authorizer. */
  claims?: Record<string, string>;
}

export function apiEvent(input: ApiEventInput = {}): APIGatewayProxyEventV2WithJWTAuthorizer {
  const method = input.method ?? 'GET';
  const rawPath = input.rawPath ?? '/v1/test';
  return {
    version: '2.0',
    routeKey: input.routeKey ?? `${method} ${rawPath}`,
    rawPath,
    rawQueryString: new URLSearchParams(input.query ?? {}).toString(),
    headers: Object.fromEntries(Object.entries(input.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    ...(input.query ? { queryStringParameters: input.query } : {}),
    ...(input.pathParameters ? { pathParameters: input.pathParameters } : {}),
    ...(input.body !== undefined ? { body: input.body } : {}),
    isBase64Encoded: input.isBase64Encoded ?? false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.test',
      domainPrefix: 'api',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'vitest' },
      requestId: 'req-1',
      routeKey: input.routeKey ?? `${method} ${rawPath}`,
      stage: '$default',
      time: '03/Dec/2026:10:00:00 +0000',
      timeEpoch: 1_796_292_000_000,
      authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: input.claims ?? {}, scopes: [] } },
    },
  } as APIGatewayProxyEventV2WithJWTAuthorizer;
}

export const lambdaContext = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-south-1:123456789012:function:test',
  memoryLimitInMB: '256',
  awsRequestId: 'aws-req-1',
  logGroupName: '/aws/lambda/test',
  logStreamName: 'stream',
  getRemainingTimeInMillis: () => 10_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};
