/**
 * The OpenAPI 3.1 document, generated from the zod contract in `studio-api.ts` and the topology's
 * routes, so the documentation cannot drift from what the handlers validate and return.
 */
import { z } from 'zod';
import * as api from './studio-api.ts';
import { channelHeader } from './studio-route.ts';

type JsonSchema = Record<string, unknown>;

interface Operation {
  method: 'get' | 'post' | 'head';
  path: string;
  operationId: string;
  summary: string;
  tag: 'Studio' | 'FIC' | 'Company' | 'Operations';
  studio?: boolean;
  pathParams?: string[];
  query?: z.ZodType;
  body?: z.ZodType;
  /** A browser form's body (the activation page), documented as posted. */
  formBody?: { description: string; fields: Record<string, string> };
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string }>;
}

const problems = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [status, { description: problemDescriptions[status] ?? 'Problem', schema: api.problem, contentType: 'application/problem+json' }]));

const problemDescriptions: Record<number, string> = {
  400: 'Malformed request (bad JSON, missing channel, bad query)',
  401: 'Missing or invalid token (answered by the JWT authorizer)',
  403: 'The token names no Studio, or the connection is not confirmed yet',
  404: 'No such company among those this Studio is connected to',
  409: 'Conflict with the current state (the problem says what to do instead)',
  413: 'Body too large',
  415: 'Body is not application/json',
  422: 'Invalid fields (each error points at its field)',
  429: 'Too soon: retry after the given seconds',
};

/** Every Studio operation: the JWT authorizer answers 401 itself, before any handler, in API Gateway's own format. */
const unauthorized = { 401: { description: problemDescriptions[401]!, schema: api.gatewayMessage } };

export const operations: readonly Operation[] = [
  {
    method: 'post', path: '/v1/companies', operationId: 'createCompany', tag: 'Studio', studio: true,
    summary: 'Create a company, optionally extending the Studio\'s services to it (cases 1 and 2)',
    body: api.createCompanyBody,
    responses: { 201: { description: 'Created; the Studio is connected at once', schema: api.companyView }, ...unauthorized, ...problems(400, 403, 409, 413, 415, 422) },
  },
  {
    method: 'get', path: '/v1/companies/{companyId}', operationId: 'getCompany', tag: 'Studio', studio: true, pathParams: ['companyId'],
    summary: 'Read a company as this Studio may see it',
    responses: { 200: { description: 'The company', schema: api.companyView }, ...unauthorized, ...problems(400, 403, 404) },
  },
  {
    method: 'get', path: '/v1/companies/{companyId}/timeline', operationId: 'getTimeline', tag: 'Studio', studio: true, pathParams: ['companyId'],
    summary: 'The company\'s timeline: who changed what, when, through which channel',
    query: api.pageQuery,
    responses: { 200: { description: 'A page of the timeline, oldest first', schema: api.timelinePage }, ...unauthorized, ...problems(400, 403, 404) },
  },
  {
    method: 'post', path: '/v1/companies/{companyId}/extensions', operationId: 'extendServices', tag: 'Studio', studio: true, pathParams: ['companyId'],
    summary: 'Extend the Studio\'s own sdi / eRicevi to the company (case 2)',
    body: api.extendServicesBody,
    responses: { 200: { description: 'The company after the extension', schema: api.companyView }, ...unauthorized, ...problems(400, 403, 404, 409, 413, 415, 422) },
  },
  {
    method: 'post', path: '/v1/companies/{companyId}/activation/resend', operationId: 'resendActivation', tag: 'Studio', studio: true, pathParams: ['companyId'],
    summary: 'Send the confirmation email again (the previous link stops working)',
    responses: { 202: { description: 'Sent', schema: api.resendResult }, ...unauthorized, ...problems(400, 403, 404, 409, 429) },
  },
  {
    method: 'post', path: '/v1/connections', operationId: 'connectToCompany', tag: 'Studio', studio: true,
    summary: 'Connect to a company already on Agyo (case 3): pending until the company confirms in FIC',
    body: api.connectBody,
    responses: {
      200: { description: 'Already connected (or already requested): nothing new', schema: api.connectionResult },
      202: { description: 'Requested: FIC asks the company to confirm', schema: api.connectionResult },
      ...unauthorized,
      ...problems(400, 403, 404, 413, 415, 422),
    },
  },
  {
    method: 'get', path: '/v1/connections', operationId: 'listConnections', tag: 'Studio', studio: true,
    summary: 'The Studio\'s connections ("Connessioni", STARTUPAGYO)',
    query: api.pageQuery,
    responses: { 200: { description: 'A page of connections', schema: api.connectionsPage }, ...unauthorized, ...problems(400, 403) },
  },
  {
    method: 'get', path: '/v1/fic/webhook', operationId: 'verifyFicSubscription', tag: 'FIC',
    summary: 'FIC subscription verification: echoes x-fic-verification-challenge (FIC-signed bearer token required)',
    responses: { 200: { description: 'The challenge, echoed' }, 401: { description: 'Bad token' } },
  },
  {
    method: 'post', path: '/v1/fic/webhook', operationId: 'receiveFicEvent', tag: 'FIC',
    summary: 'A FIC CloudEvent (binary or structured mode), ES256-signed bearer token; queued and acknowledged',
    responses: { 202: { description: 'Queued' }, 400: { description: 'Malformed event' }, 401: { description: 'Bad token' }, 503: { description: 'Could not queue: FIC retries' } },
  },
  {
    method: 'get', path: '/v1/activations/{token}', operationId: 'showActivation', tag: 'Company', pathParams: ['token'],
    summary: 'The confirmation page (HTML) linked from the email; changes nothing',
    responses: { 200: { description: 'The page', contentType: 'text/html' }, 404: { description: 'Unknown link' }, 410: { description: 'Used, revoked or expired link' } },
  },
  {
    method: 'head', path: '/v1/activations/{token}', operationId: 'showActivationHeaders', tag: 'Company', pathParams: ['token'],
    summary: 'The confirmation page\'s headers without its body (link checkers, mail scanners); changes nothing',
    responses: { 200: { description: 'The page would be shown' }, 404: { description: 'Unknown link' }, 410: { description: 'Used, revoked or expired link' } },
  },
  {
    method: 'post', path: '/v1/activations/{token}', operationId: 'confirmActivation', tag: 'Company', pathParams: ['token'],
    summary: 'The company presses the button: both services pass to the company\'s bill',
    formBody: {
      description: 'The form of the page shown by GET: its hidden `csrf` field, sent back with the `agyo-activation-csrf` cookie the page set (`__Host-agyo-activation-csrf` over https).',
      fields: { csrf: 'The anti-forgery value from the page (double-submit cookie).' },
    },
    responses: { 200: { description: 'Confirmed (HTML)', contentType: 'text/html' }, 403: { description: 'Missing anti-forgery value' }, 410: { description: 'Used, revoked or expired link' } },
  },
  {
    method: 'get', path: '/v1/openapi.json', operationId: 'openApiDocument', tag: 'Operations',
    summary: 'This OpenAPI 3.1 document',
    responses: { 200: { description: 'The document', contentType: 'application/json' } },
  },
  {
    method: 'get', path: '/v1/docs', operationId: 'apiDocs', tag: 'Operations',
    summary: 'The API documentation (Swagger UI over this document)',
    responses: { 200: { description: 'The page', contentType: 'text/html' } },
  },
  {
    method: 'get', path: '/v1/docs/{asset}', operationId: 'apiDocsAsset', tag: 'Operations', pathParams: ['asset'],
    summary: 'A file of the documentation page (script, style sheet, icon)',
    responses: {
      200: { description: 'The file (text/css, text/javascript or image/png)' },
      404: { description: 'No such documentation file', schema: api.problem, contentType: 'application/problem+json' },
    },
  },
  {
    method: 'get', path: '/v1/health', operationId: 'health', tag: 'Operations',
    summary: 'Whether DynamoDB, SQS and SES answer',
    responses: { 200: { description: 'All up' }, 503: { description: 'A dependency is down' } },
  },
];

/** Converts a zod schema, hoisting named schemas (`.meta({ id })`) into components. */
function schemaOf(schema: z.ZodType, io: 'input' | 'output', components: Record<string, JsonSchema>): JsonSchema {
  const { $schema: _, $defs, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema & { $defs?: Record<string, JsonSchema> };
  const rewrite = (value: JsonSchema) => JSON.parse(JSON.stringify(value).replaceAll('"#/$defs/', '"#/components/schemas/')) as JsonSchema;
  for (const [name, definition] of Object.entries($defs ?? {})) components[name] = rewrite(definition);
  return rewrite(rest);
}

export function openApiDocument(serverUrl = '/'): JsonSchema {
  const components: Record<string, JsonSchema> = {};
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of operations) {
    const parameters: unknown[] = [];
    for (const name of operation.pathParams ?? []) parameters.push({ name, in: 'path', required: true, schema: { type: 'string' } });
    if (operation.studio) {
      parameters.push({ name: channelHeader, in: 'header', required: true, description: 'Where the request comes from: the Agyo portal or Lynfa (STARTUPAGYO)', schema: { type: 'string', enum: ['portal', 'lynfa'] } });
    }
    if (operation.query) {
      const query = schemaOf(operation.query, 'input', components) as { properties?: Record<string, JsonSchema>; required?: string[] };
      for (const [name, schema] of Object.entries(query.properties ?? {})) {
        parameters.push({ name, in: 'query', required: query.required?.includes(name) ?? false, schema });
      }
    }
    paths[operation.path] ??= {};
    paths[operation.path]![operation.method] = {
      operationId: operation.operationId,
      summary: operation.summary,
      tags: [operation.tag],
      ...(operation.studio ? { security: [{ studioJwt: [] }] } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(operation.formBody
        ? {
            requestBody: {
              required: true,
              description: operation.formBody.description,
              content: {
                'application/x-www-form-urlencoded': {
                  schema: {
                    type: 'object',
                    properties: Object.fromEntries(Object.entries(operation.formBody.fields).map(([name, description]) => [name, { type: 'string', description }])),
                    required: Object.keys(operation.formBody.fields),
                  },
                },
              },
            },
          }
        : {}),
      ...(operation.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(operation.body, 'input', components) } } } }
        : {}),
      responses: Object.fromEntries(
        Object.entries(operation.responses).map(([status, response]) => [
          status,
          {
            description: response.description,
            ...(response.schema
              ? { content: { [response.contentType ?? 'application/json']: { schema: schemaOf(response.schema, 'output', components) } } }
              : response.contentType
                ? { content: { [response.contentType]: {} } }
                : {}),
          },
        ]),
      ),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'agyo-fic-onboarding',
      version: '1.0.0',
      description: 'Brings Fatture in Cloud clients onto Agyo e-invoicing (sdi, eRicevi): the Studio API, the FIC webhook and the company\'s confirmation page. Errors are RFC 9457 problem details.',
    },
    servers: [{ url: serverUrl }],
    paths,
    components: {
      schemas: components,
      securitySchemes: { studioJwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A Studio token; the studio id is its `studio_id` claim.' } },
    },
  };
}
