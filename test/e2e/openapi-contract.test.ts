/**
 * The OpenAPI 3.1 document against the system it describes:
 * - the routes: every route of `infra/topology.ts` is an operation of `openApiDocument()`, and every
 *   operation is a route (same method and path);
 * - the responses: real answers, collected from real calls over HTTP against the running local stack
 *   (every Studio operation, its success and at least one problem), validate with ajv against the
 *   schema the document declares for that status and content type. A status or content type the
 *   document does not declare fails.
 */
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { topology } from '../../infra/topology.ts';
import { openApiDocument } from '#shared/http/openapi';
import { studioToken } from '../support/stack.ts';
import {
  activationLinkIn,
  agePendingActivation,
  connectionRequestFor,
  type Exchange,
  fic,
  nthEmailTo,
  StudioClient,
  uniqueEmail,
  uniqueVatNumber,
} from '../support/e2e-api.ts';
import { eventually } from '../support/stack.ts';

type JsonObject = Record<string, any>;

const document = openApiDocument() as JsonObject;
const httpMethods = ['get', 'head', 'post', 'put', 'patch', 'delete', 'options', 'trace'];

/** The Studio API's operations, by "METHOD /template". */
const studioOperations = Object.entries(document.paths as JsonObject).flatMap(([path, item]) =>
  Object.entries(item as JsonObject)
    .filter(([method, operation]) => httpMethods.includes(method) && (operation.security ?? []).some((s: JsonObject) => 'studioJwt' in s))
    .map(([method]) => `${method.toUpperCase()} ${path}`),
);

describe('the routes', () => {
  it('are the same in the topology and in the OpenAPI document (method and path)', () => {
    const fromTopology = topology.routes.map((route) => `${route.method} ${route.path}`).sort();
    const fromDocument = Object.entries(document.paths as JsonObject)
      .flatMap(([path, item]) => Object.keys(item as JsonObject).filter((key) => httpMethods.includes(key)).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();

    expect(fromDocument).toEqual(fromTopology);
  });

  it('name the same operations as Studio operations (JWT) in both', () => {
    const jwtRoutes = topology.routes.filter((route) => route.auth === 'studioJwt').map((route) => `${route.method} ${route.path}`).sort();
    expect([...studioOperations].sort()).toEqual(jwtRoutes);
  });
});

describe('real responses', () => {
  const exchanges: Exchange[] = [];
  const record = (exchange: Exchange) => exchanges.push(exchange);

  beforeAll(async () => {
    const studio = await StudioClient.create('contract', 'portal', record);
    const other = await StudioClient.create('contract-other', 'lynfa', record);

    // createCompany: 201 (case 1 and case 2), 409, 422, 400, 415, 413, 401.
    const vatNumber = uniqueVatNumber();
    const email = uniqueEmail('contract');
    const created = await studio.createCompany({ vatNumber, taxCode: vatNumber, name: "Caffè dell'Angolo S.r.l.", email });
    const companyId = created.json.companyId as string;
    const extended = await studio.createCompany({ vatNumber: uniqueVatNumber(), name: 'Estesa S.r.l.', email: uniqueEmail('contract'), extend: ['sdi'] });
    const extendedId = extended.json.companyId as string;
    await studio.createCompany({ vatNumber, name: 'Doppia S.r.l.', email: uniqueEmail('contract') });
    await studio.createCompany({ vatNumber: '12345678901', name: 'X', email: 'nope' });
    await studio.createCompany({ vatNumber, name: 'Y S.r.l.', email }, { channel: 'fax' });
    await studio.call('POST', '/v1/companies', {}, { rawBody: '{}', headers: { 'content-type': 'text/plain' } });
    await studio.createCompany({ vatNumber, name: 'x'.repeat(20_000), email });
    await studio.createCompany({ vatNumber, name: 'Z S.r.l.', email }, { token: null });

    // getCompany: 200 (full), 200 (redacted, below), 404, 400, 401.
    await studio.getCompany(companyId);
    await other.getCompany(companyId);
    await studio.getCompany(companyId, { channel: null });
    await studio.getCompany(companyId, { token: await studioToken(studio.studioId, { expiresInSeconds: -60 }) });

    // resendActivation: 409 before FIC activates, then 429, then 202 after a minute, 404.
    await studio.resend(companyId);
    await fic.activate({ vatNumber, name: "Caffè dell'Angolo S.r.l." });
    activationLinkIn(await nthEmailTo(email, 1));
    await studio.resend(companyId);
    await agePendingActivation(companyId, 61);
    await studio.resend(companyId);
    await other.resend(companyId);

    // getCompany with the pending activation, then getTimeline: 200, 404, 400.
    await studio.getCompany(companyId);
    await studio.timeline(companyId, { query: { limit: '3' } });
    await studio.timeline(companyId);
    await other.timeline(companyId);
    await studio.timeline(companyId, { query: { limit: '0' } });

    // extendServices: 200, 409, 404, 422, 415.
    await studio.extend(companyId, ['eRicevi']);
    await studio.extend(companyId, ['sdi', 'eRicevi']);
    await other.extend(extendedId, ['sdi']);
    await studio.extend(extendedId, ['fax']);
    await studio.call('POST', '/v1/companies/{companyId}/extensions', { companyId: extendedId }, { rawBody: 'services=sdi', headers: { 'content-type': 'application/x-www-form-urlencoded' } });

    // connectToCompany: 202 (redacted), 200 (again), 403 for a pending Studio extending, 404, 422; then
    // confirmed in FIC, 409 for the service another Studio pays.
    const connected = await other.connect(vatNumber);
    expect(connected.status).toBe(202);
    await other.connect(vatNumber);
    await other.extend(companyId, ['sdi']);
    await other.getCompany(companyId);
    await other.connect(uniqueVatNumber());
    await other.connect('01234567890');
    const request = await connectionRequestFor(vatNumber, other.studioId);
    await fic.confirm(request.requestId);
    await eventually(async () => (await other.getCompany(companyId)).json?.access === 'full');
    await other.extend(companyId, ['sdi']);
    await other.timeline(companyId);

    // listConnections: 200 (several pages, full and redacted rows), 400.
    await other.connect(extended.json.vatNumber);
    await other.listConnections({ query: { limit: '1' } });
    await studio.listConnections({ query: { limit: '1' } });
    const firstPage = await studio.listConnections({ query: { limit: '1' } });
    await studio.listConnections({ query: { limit: '1', cursor: firstPage.json.nextCursor } });
    await other.listConnections();
    await studio.listConnections({ query: { limit: 'lots' } });
    await studio.listConnections({ token: 'garbage' });
  });

  /** The schema the document declares for this operation, status and media type, or a reason it has none. */
  function declared(exchange: Exchange): { schema?: JsonObject; problem?: string } {
    const operation = document.paths[exchange.route]?.[exchange.method.toLowerCase()];
    if (!operation) return { problem: `no operation ${exchange.method} ${exchange.route}` };
    const response = operation.responses[String(exchange.response.status)];
    if (!response) return { problem: `status ${exchange.response.status} not documented for ${exchange.method} ${exchange.route}` };
    const content = response.content?.[exchange.response.mediaType];
    if (!content) {
      return { problem: `content type ${exchange.response.mediaType} not documented for ${exchange.response.status} of ${exchange.method} ${exchange.route}` };
    }
    return { schema: content.schema ?? {} };
  }

  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  /** Compiles a response schema with the document's components beside it, so `#/components/schemas/...` resolves. */
  const compiled = new Map<string, ReturnType<typeof ajv.compile>>();
  function validatorFor(key: string, schema: JsonObject) {
    let validate = compiled.get(key);
    if (!validate) {
      validate = ajv.compile({ ...schema, components: { schemas: document.components.schemas } });
      compiled.set(key, validate);
    }
    return validate;
  }

  it('were collected for every Studio operation: a success and at least one problem each', () => {
    for (const operation of studioOperations) {
      const statuses = exchanges.filter((e) => `${e.method} ${e.route}` === operation).map((e) => e.response.status);
      expect(statuses.some((status) => status < 300), `${operation}: ${statuses}`).toBe(true);
      expect(statuses.some((status) => status >= 400), `${operation}: ${statuses}`).toBe(true);
    }
    const statuses = new Set(exchanges.map((e) => e.response.status));
    for (const status of [200, 201, 202, 400, 401, 403, 404, 409, 413, 415, 422, 429]) expect(statuses.has(status), String(status)).toBe(true);
  });

  it('have a documented status and content type, and validate against the declared schema', () => {
    const failures: string[] = [];
    for (const exchange of exchanges) {
      const { schema, problem } = declared(exchange);
      if (problem) {
        failures.push(problem);
        continue;
      }
      const key = `${exchange.method} ${exchange.route} ${exchange.response.status} ${exchange.response.mediaType}`;
      const validate = validatorFor(key, schema!);
      if (!validate(exchange.response.json)) {
        failures.push(`${key}: ${ajv.errorsText(validate.errors)} in ${exchange.response.text.slice(0, 300)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(exchanges.length).toBeGreaterThan(40);
  });

  it('are not accepted by a schema that would take anything (the check has teeth)', () => {
    const created = exchanges.find((e) => e.route === '/v1/companies' && e.response.status === 201)!;
    const validate = validatorFor('POST /v1/companies 201 application/json', declared(created).schema!);
    expect(validate({ ...created.response.json, access: 'everything' })).toBe(false);
    expect(validate({ ...created.response.json, secret: 'x' })).toBe(false);
    const { name: _name, ...withoutName } = created.response.json;
    expect(validate(withoutName)).toBe(false);
  });
});
