import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionRequestsPath, FicRequestRejectedError, FicUnavailableError, HttpFicConnectionApi } from '#shared/fic/connection-api';
import { serializeConnectionRequest } from '#shared/fic/connection-request-message';
import { createFicOutboundHandler } from '#shared/fic/outbound-processor';
import type { ConnectionRequest, FicConnectionApi } from '#shared/use-cases/ports';
import { lambdaContext } from '../../support/api-events.ts';
import { silentLogger, sqsRecord } from './support.ts';

const request: ConnectionRequest = {
  requestId: 'req-1',
  companyId: 'co-1',
  vatNumber: '01234560017',
  ficCompanyId: '123',
  studioId: 'S1',
  studioName: 'Studio Rossi',
};

// A stand-in FIC that answers what the test asks and remembers what it received.
let answer: { status: number; delayMs?: number } = { status: 201 };
const received: { headers: http.IncomingHttpHeaders; body: unknown; path: string }[] = [];
const server = http.createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString()), path: req.url ?? '' });
  if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
  res.writeHead(answer.status, { 'content-type': 'application/json' }).end('{}');
});
let baseUrl = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const api = (timeoutMs = 1_000) => new HttpFicConnectionApi({ baseUrl, token: () => 'secret-token', timeoutMs });

describe('the FIC connection API client', () => {
  it('POSTs the request with the bearer token and the request id as Idempotency-Key', async () => {
    answer = { status: 201 };
    received.length = 0;

    await api().requestConnection(request);

    expect(received).toEqual([
      {
        path: connectionRequestsPath,
        headers: expect.objectContaining({ authorization: 'Bearer secret-token', 'idempotency-key': 'req-1', 'content-type': 'application/json' }),
        body: { data: { requestId: 'req-1', vatNumber: '01234560017', ficCompanyId: 123, studio: { id: 'S1', name: 'Studio Rossi' } } },
      },
    ]);
  });

  it.each([200, 202, 204, 409])('takes HTTP %i as done (409: FIC already has this request id)', async (status) => {
    answer = { status };
    await expect(api().requestConnection(request)).resolves.toBeUndefined();
  });

  it.each([500, 502, 503, 429, 408, 401, 403])('takes HTTP %i as transient', async (status) => {
    answer = { status };
    await expect(api().requestConnection(request)).rejects.toBeInstanceOf(FicUnavailableError);
  });

  it.each([400, 404, 422])('takes HTTP %i as permanent', async (status) => {
    answer = { status };
    await expect(api().requestConnection(request)).rejects.toBeInstanceOf(FicRequestRejectedError);
  });

  it('gives up after its timeout, as a transient failure', async () => {
    answer = { status: 201, delayMs: 500 };
    await expect(api(100).requestConnection(request)).rejects.toBeInstanceOf(FicUnavailableError);
  });

  it('takes an unreachable FIC as transient', async () => {
    const unreachable = new HttpFicConnectionApi({ baseUrl: 'http://127.0.0.1:1', token: () => 't', timeoutMs: 1_000 });
    await expect(unreachable.requestConnection(request)).rejects.toBeInstanceOf(FicUnavailableError);
  });
});

describe('the ficOutbound processor', () => {
  function outbound(fic: FicConnectionApi) {
    const rejected: [SQSRecord, string][] = [];
    const handler = createFicOutboundHandler({ api: fic, rejected: { record: async (record, reason) => void rejected.push([record, reason]) }, logger: silentLogger });
    return { run: (...records: SQSRecord[]) => handler({ Records: records } as SQSEvent, lambdaContext), rejected };
  }

  it('sends each request; FIC unavailable → batch item failure; FIC refusing → recorded, not retried', async () => {
    const ok = sqsRecord(serializeConnectionRequest(request));
    const down = sqsRecord(serializeConnectionRequest({ ...request, requestId: 'req-down' }));
    const refused = sqsRecord(serializeConnectionRequest({ ...request, requestId: 'req-refused' }));
    const sent: string[] = [];
    const { run, rejected } = outbound({
      requestConnection: async (r) => {
        if (r.requestId === 'req-down') throw new FicUnavailableError('HTTP 503', 503);
        if (r.requestId === 'req-refused') throw new FicRequestRejectedError(422, 'unknown company');
        sent.push(r.requestId);
      },
    });

    const response = await run(ok, down, refused);

    expect(sent).toEqual(['req-1']);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: down.messageId }]);
    expect(rejected.map(([record, reason]) => [record.messageId, reason])).toEqual([[refused.messageId, expect.stringMatching(/422/)]]);
  });

  it("sends a batch's requests one at a time: FIC's API limits calls in flight", async () => {
    let inFlight = 0;
    let mostInFlight = 0;
    const { run } = outbound({
      requestConnection: async () => {
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 10));
        inFlight -= 1;
      },
    });

    const response = await run(...['a', 'b', 'c', 'd'].map((id) => sqsRecord(serializeConnectionRequest({ ...request, requestId: `req-${id}` }))));

    expect(response.batchItemFailures).toEqual([]);
    expect(mostInFlight).toBe(1);
  });

  it('records a message that is not a connection request, without calling FIC', async () => {
    const { run, rejected } = outbound({ requestConnection: async () => Promise.reject(new Error('must not be called')) });
    const response = await run(sqsRecord('{"requestId": 5}'));
    expect(response.batchItemFailures).toEqual([]);
    expect(rejected).toHaveLength(1);
  });
});
