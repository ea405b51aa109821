/**
 * A fault-injecting HTTP proxy between the function host and one emulator: it forwards every AWS
 * request unchanged, except those matching a rule, which get the rule's answer (an AWS error, or a
 * dropped connection) for a number of requests or until a deadline. It counts requests per API
 * action, so a test can also prove that something was never sent (e.g. no SendMessage to fic-events).
 * Controlled over HTTP under `/__faults` (tests run in a worker process, the proxy in the global setup's).
 */
import http from 'node:http';
import { listen } from '../../../infra/local/ports.ts';

export type FaultAnswer =
  | { kind: 'status'; status: number; body: string; contentType?: string }
  /** The connection is destroyed without an answer, as when the service is down. */
  | { kind: 'reset' };

export interface FaultRule {
  /** API action: `SendMessage`, `TransactWriteItems`, `SendEmail`, … */
  action?: string;
  /** For SQS: the queue name (last segment of QueueUrl), e.g. `local-fic-events`. */
  queue?: string;
  answer: FaultAnswer;
  /** Faults this many matching requests, then stops (absent: until `untilEpochMs` or removal). */
  count?: number;
  untilEpochMs?: number;
}

export interface ProxyStats {
  /** `action` or `action:queue` → requests forwarded to the emulator. */
  forwarded: Record<string, number>;
  /** Same keys → requests answered with a fault. */
  faulted: Record<string, number>;
}

export interface FaultProxy {
  url: string;
  stop(): Promise<void>;
}

export const faultPath = '/__faults';

/** What AWS API call a request is, for the three protocols the SDK speaks to our emulators. */
function describe(request: http.IncomingMessage, body: Buffer): { action: string; queue?: string } {
  const target = request.headers['x-amz-target'];
  if (typeof target === 'string') {
    const action = target.split('.').at(-1) ?? target;
    if (target.startsWith('AmazonSQS.')) {
      try {
        const queueUrl = (JSON.parse(body.toString('utf8')) as { QueueUrl?: string }).QueueUrl;
        return { action, ...(queueUrl ? { queue: queueUrl.split('/').at(-1)! } : {}) };
      } catch {
        return { action };
      }
    }
    return { action };
  }
  const form = /(?:^|&)Action=([A-Za-z]+)/.exec(body.toString('utf8'));
  if (form) return { action: form[1]! };
  return { action: `${request.method} ${(request.url ?? '/').split('?')[0]}` };
}

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  let rules: FaultRule[] = [];
  let stats: ProxyStats = { forwarded: {}, faulted: {} };
  const bump = (table: Record<string, number>, key: string) => (table[key] = (table[key] ?? 0) + 1);

  const control = (request: http.IncomingMessage, body: Buffer, response: http.ServerResponse) => {
    const send = (value: unknown) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(value));
    };
    if (request.method === 'GET') return send({ rules, stats });
    if (request.method === 'DELETE') {
      rules = [];
      if ((request.url ?? '').includes('stats')) stats = { forwarded: {}, faulted: {} };
      return send({ rules, stats });
    }
    rules.push(...(JSON.parse(body.toString('utf8')) as FaultRule[]));
    return send({ rules });
  };

  const server = http.createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    if ((request.url ?? '').startsWith(faultPath)) return control(request, body, response);

    const call = describe(request, body);
    const key = call.queue ? `${call.action}:${call.queue}` : call.action;
    const now = Date.now();
    rules = rules.filter((rule) => (rule.count === undefined || rule.count > 0) && (rule.untilEpochMs === undefined || rule.untilEpochMs > now));
    const rule = rules.find((candidate) => (candidate.action === undefined || candidate.action === call.action) && (candidate.queue === undefined || candidate.queue === call.queue));
    if (rule) {
      if (rule.count !== undefined) rule.count -= 1;
      bump(stats.faulted, key);
      if (rule.answer.kind === 'reset') {
        request.socket.destroy();
        return;
      }
      response.writeHead(rule.answer.status, { 'content-type': rule.answer.contentType ?? 'application/json', 'x-amzn-requestid': 'fault-proxy' });
      response.end(rule.answer.body);
      return;
    }
    bump(stats.forwarded, key);
    const forwarded = http.request(
      { protocol: target.protocol, hostname: target.hostname, port: target.port, method: request.method, path: request.url, headers: { ...request.headers, host: target.host }, agent },
      (upstreamResponse) => {
        response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
        upstreamResponse.pipe(response);
      },
    );
    forwarded.on('error', () => request.socket.destroy());
    forwarded.end(body);
  });
  server.keepAliveTimeout = 5_000;
  const port = await listen('fault proxy', server, 0);
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The test side: injects faults and reads counts of a proxy by its URL. */
export class FaultProxyClient {
  constructor(readonly url: string) {}

  async inject(...rules: FaultRule[]): Promise<void> {
    await this.call('POST', faultPath, rules);
  }

  async clear(options: { stats?: boolean } = {}): Promise<void> {
    await this.call('DELETE', `${faultPath}${options.stats ? '?stats' : ''}`);
  }

  async stats(): Promise<ProxyStats> {
    return ((await this.call('GET', faultPath)) as { stats: ProxyStats }).stats;
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.url}${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    if (!response.ok) throw new Error(`fault proxy ${method} ${path}: HTTP ${response.status}`);
    return response.json();
  }
}

/** AWS errors as the services send them, so the SDK classifies them as it would on AWS. */
export const awsErrors = {
  sesThrottling: (): FaultAnswer => ({
    kind: 'status',
    status: 400,
    contentType: 'text/xml',
    body: '<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Maximum sending rate exceeded.</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>',
  }),
  sesUnavailable: (): FaultAnswer => ({
    kind: 'status',
    status: 503,
    contentType: 'text/xml',
    body: '<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code><Message>Service unavailable.</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>',
  }),
  sqsUnavailable: (): FaultAnswer => ({
    kind: 'status',
    status: 503,
    contentType: 'application/x-amz-json-1.0',
    body: JSON.stringify({ __type: 'com.amazonaws.sqs#ServiceUnavailable', message: 'Service unavailable.' }),
  }),
  dynamoDbUnavailable: (): FaultAnswer => ({ kind: 'reset' }),
} as const;
