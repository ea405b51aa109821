/**
 * What API Gateway's HTTP API does between a client and a Lambda, for the local host:
 * route matching, the payload-v2 event, and turning the handler's result into an HTTP response.
 * Behaviour follows the AWS documentation for payload format 2.0
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import type { RouteSpec } from '../topology.ts';

/** API Gateway's own limit on a request payload. */
export const maxPayloadBytes = 10 * 1024 * 1024;

export interface MatchedRoute<R extends Pick<RouteSpec, 'method' | 'path'>> {
  route: R;
  pathParameters: Record<string, string>;
}

/** Compiles `/v1/companies/{companyId}` (and greedy `{proxy+}`) into a matcher. */
export function createRouter<R extends Pick<RouteSpec, 'method' | 'path'>>(routes: readonly R[]) {
  const compiled = routes.map((route) => {
    const names: string[] = [];
    const pattern = route.path
      .split('/')
      .map((segment) => {
        const greedy = /^\{(\w+)\+\}$/.exec(segment);
        if (greedy) {
          names.push(greedy[1]!);
          return '(.+)';
        }
        const param = /^\{(\w+)\}$/.exec(segment);
        if (param) {
          names.push(param[1]!);
          return '([^/]+)';
        }
        return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    return { route, names, regex: new RegExp(`^${pattern}$`) };
  });
  return (method: string, path: string): MatchedRoute<R> | undefined => {
    for (const { route, names, regex } of compiled) {
      if (route.method !== method) continue;
      const match = regex.exec(path);
      if (!match) continue;
      const pathParameters: Record<string, string> = {};
      names.forEach((name, index) => {
        const raw = match[index + 1]!;
        pathParameters[name] = safeDecode(raw);
      });
      return { route, pathParameters };
    }
    return undefined;
  };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

const textContentType = /^(text\/|application\/(json|[\w.+-]+\+json|xml|[\w.+-]+\+xml|x-www-form-urlencoded|javascript))/i;

export function isTextContentType(contentType: string | undefined): boolean {
  return contentType !== undefined && textContentType.test(contentType.trim());
}

export interface EventInput {
  request: IncomingMessage;
  body: Buffer;
  routeKey: string;
  pathParameters: Record<string, string>;
  jwtClaims?: Record<string, string>;
  stage?: string;
}

/** Builds the event exactly as an HTTP API (payload v2) hands it to Lambda. */
export function toPayloadV2Event(input: EventInput): APIGatewayProxyEventV2 {
  const { request, body } = input;
  const url = new URL(request.url ?? '/', 'http://localhost');
  const rawQueryString = (request.url ?? '').includes('?') ? (request.url ?? '').slice((request.url ?? '').indexOf('?') + 1) : '';
  // Repeated headers are joined with commas; cookies travel apart in `cookies`.
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i]!.toLowerCase();
    const value = request.rawHeaders[i + 1]!;
    if (name === 'cookie') {
      cookies = [...(cookies ?? []), ...value.split(';').map((c) => c.trim()).filter(Boolean)];
      continue;
    }
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  const queryStringParameters: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    queryStringParameters[key] = key in queryStringParameters ? `${queryStringParameters[key]},${value}` : value;
  }
  const now = new Date();
  const isBase64Encoded = body.length > 0 && !isTextContentType(headers['content-type']);
  const host = headers.host ?? 'localhost';
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: input.routeKey,
    rawPath: url.pathname,
    rawQueryString,
    headers,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: host,
      domainPrefix: host.split('.')[0] ?? host,
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: input.routeKey,
      stage: input.stage ?? '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded,
  };
  if (cookies) event.cookies = cookies;
  if (Object.keys(queryStringParameters).length > 0) event.queryStringParameters = queryStringParameters;
  if (Object.keys(input.pathParameters).length > 0) event.pathParameters = input.pathParameters;
  if (body.length > 0) event.body = isBase64Encoded ? body.toString('base64') : body.toString('utf8');
  if (input.jwtClaims) {
    (event as APIGatewayProxyEventV2 & { requestContext: { authorizer: unknown } }).requestContext.authorizer = {
      jwt: { claims: input.jwtClaims, scopes: null },
    };
  }
  return event;
}

/** Writes a handler's result the way API Gateway does, including its inference for bare results. */
export function writeResult(result: APIGatewayProxyResultV2 | undefined, response: ServerResponse): void {
  if (result === undefined || result === null || typeof result !== 'object' || !('statusCode' in result)) {
    // A result without statusCode is taken as a 200 JSON body.
    const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(body);
    return;
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name.toLowerCase()] = String(value);
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  const body = result.body === undefined ? undefined : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  if (body !== undefined && !('content-length' in headers)) headers['content-length'] = String(body.length);
  response.writeHead(result.statusCode ?? 200, headers);
  response.end(response.req.method === 'HEAD' ? undefined : body);
}

/** API Gateway's own answers (no route, authorizer refusal, size limit, integration failure). */
export function writeGatewayMessage(response: ServerResponse, status: number, message: string, extraHeaders: Record<string, string> = {}): void {
  const body = JSON.stringify({ message });
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...extraHeaders });
  response.end(body);
}
