/**
 * What every Studio route does before and after its use case: who is calling (the studio id from
 * the verified JWT's claims, never from the body), through which channel (portal or Lynfa), the
 * path, query and body validated with zod, and every error mapped to problem+json.
 * A route file then only says which schemas it takes and which use case it calls.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { z } from 'zod';
import type { Channel } from '#shared/domain/actor';
import { studioIdClaim } from '#shared/config';
import type { StudioIdentity } from '#shared/use-cases/common';
import { logger } from '#shared/observability/logger';
import { problemForError } from './error-mapping.ts';
import { HttpProblem, invalidInput, problemResponse, type FieldError } from './problem.ts';
import { json } from './responses.ts';

export const channelHeader = 'x-agyo-channel';
export const maxBodyBytes = 16 * 1024;

/** The calling Studio; its display name (shown to the company) comes from the token's `name` claim when present. */
export type { StudioIdentity };

export interface StudioRequest<Body, Query, Path> {
  studio: StudioIdentity;
  channel: Channel;
  body: Body;
  query: Query;
  path: Path;
}

export interface RouteResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

type Schema = z.ZodType;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface StudioRouteSpec<B extends Schema | undefined, Q extends Schema | undefined, P extends Schema | undefined> {
  body?: B;
  query?: Q;
  path?: P;
}

const studioIdPattern = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
const channelSchema = z.enum(['portal', 'lynfa']);

export function studioRoute<
  B extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  P extends Schema | undefined = undefined,
>(
  spec: StudioRouteSpec<B, Q, P>,
  handle: (request: StudioRequest<Out<B>, Out<Q>, Out<P>>) => Promise<RouteResult>,
) {
  return middy<APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event) => {
      try {
        const request = {
          studio: studioFrom(event),
          // The path is checked before the channel: an id that cannot exist is a 404 whatever else is wrong.
          path: spec.path ? parsePart(spec.path, event.pathParameters ?? {}, 'path', 404) : undefined,
          channel: channelFrom(event),
          query: spec.query ? parsePart(spec.query, event.queryStringParameters ?? {}, 'query', 400) : undefined,
          body: spec.body ? parsePart(spec.body, parseJsonBody(event), '', 422) : undefined,
        } as StudioRequest<Out<B>, Out<Q>, Out<P>>;
        const result = await handle(request);
        return json(result.status, result.body, result.headers);
      } catch (error) {
        const problem = problemForError(error);
        if (problem.status >= 500) logger.error('Studio request failed', { routeKey: event.routeKey, error });
        else logger.info('Studio request refused', { routeKey: event.routeKey, status: problem.status, kind: problem.kind });
        return problemResponse(problem, event.requestContext.requestId);
      }
    });
}

function studioFrom(event: APIGatewayProxyEventV2WithJWTAuthorizer): StudioIdentity {
  const claims = event.requestContext.authorizer?.jwt?.claims ?? {};
  const studioId = claims[studioIdClaim];
  if (typeof studioId !== 'string' || !studioIdPattern.test(studioId)) {
    throw new HttpProblem(403, 'studio-claim-missing', 'No Studio in the token', `The token carries no valid "${studioIdClaim}" claim: ask the identity provider for a Studio token.`);
  }
  const name = claims.name;
  return { studioId, displayName: typeof name === 'string' && name.trim() ? name.trim().slice(0, 120) : studioId };
}

function channelFrom(event: APIGatewayProxyEventV2WithJWTAuthorizer): Channel {
  const parsed = channelSchema.safeParse(event.headers[channelHeader]);
  if (!parsed.success) {
    throw invalidInput(400, `Every request names its channel in the ${channelHeader} header: "portal" or "lynfa".`, [
      { pointer: `header:${channelHeader}`, detail: event.headers[channelHeader] === undefined ? 'missing' : 'must be "portal" or "lynfa"' },
    ]);
  }
  return parsed.data;
}

function parseJsonBody(event: APIGatewayProxyEventV2WithJWTAuthorizer): unknown {
  const contentType = event.headers['content-type'] ?? '';
  if (!/^application\/json\s*(;|$)/i.test(contentType)) {
    throw new HttpProblem(415, 'unsupported-media-type', 'Unsupported media type', 'Send the body as application/json.', {
      errors: [{ pointer: 'header:content-type', detail: contentType ? 'must be application/json' : 'missing' }],
    });
  }
  const raw = event.body === undefined ? '' : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(raw) > maxBodyBytes) {
    throw new HttpProblem(413, 'payload-too-large', 'Payload too large', `The body may hold at most ${maxBodyBytes} bytes.`, {
      errors: [{ pointer: '', detail: `larger than ${maxBodyBytes} bytes` }],
    });
  }
  try {
    return JSON.parse(raw);
  } catch {
    throw invalidInput(400, 'The body is not valid JSON.', [{ pointer: '', detail: 'malformed JSON' }]);
  }
}

function parsePart<S extends z.ZodType>(schema: S, value: unknown, where: 'path' | 'query' | '', status: 400 | 404 | 422): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  if (status === 404) throw new HttpProblem(404, 'not-found', 'Not found', 'No such resource.');
  // An unknown key is reported at the key itself, not at the object that holds it.
  const errors: FieldError[] = parsed.error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ pointer: pointerTo(where, [...issue.path, key]), detail: `unknown field "${key}"` }))
      : [{ pointer: pointerTo(where, issue.path), detail: issue.message }],
  );
  throw invalidInput(status, where === 'query' ? 'Invalid query parameters.' : 'The body does not match what this operation takes.', errors);
}

/** `query:limit` for a parameter; an RFC 6901 JSON Pointer into the body (`""` is the whole body). */
function pointerTo(where: 'path' | 'query' | '', path: readonly PropertyKey[]): string {
  if (where) return `${where}:${path.map(String).join('.')}`;
  return path.map((segment) => `/${String(segment).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}
