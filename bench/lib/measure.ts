/** Small measuring tools for the benchmark: percentiles, a bounded HTTP load loop, process memory. */
import http from 'node:http';
import { readFileSync } from 'node:fs';

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function summarize(latencies: readonly number[]): LatencySummary {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { count: sorted.length, p50Ms: round(percentile(sorted, 50)), p99Ms: round(percentile(sorted, 99)), maxMs: round(sorted.at(-1) ?? Number.NaN) };
}

export function median(values: readonly number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function ratio(ours: number, baseline: number): number {
  return baseline > 0 && Number.isFinite(ours) ? round(ours / baseline, 2) : Number.NaN;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- HTTP ---------------------------------------------------------------------------------------

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface HttpRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** One request over a keep-alive agent (loopback only: the bench never leaves the machine). */
export function send(agent: http.Agent, request: HttpRequest, timeoutMs = 30_000): Promise<HttpResponse> {
  const url = new URL(request.url);
  if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') throw new Error(`The bench only talks to loopback, not ${url.hostname}`);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { agent, host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method: request.method ?? 'GET', headers: request.headers, timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(request.body);
  });
}

export interface LoadResult {
  concurrency: number;
  sent: number;
  ok: number;
  failed: number;
  statuses: Record<string, number>;
  durationMs: number;
  requestsPerSecond: number;
  latency: LatencySummary;
}

/**
 * Closed-loop load: `concurrency` workers each send the next request as soon as their previous one
 * answered, until `count` requests are sent or `maxMs` has passed. Counts and time are both bounded.
 */
export async function runLoad(options: {
  concurrency: number;
  count: number;
  maxMs: number;
  request: (index: number) => HttpRequest;
  isOk: (response: HttpResponse) => boolean;
}): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let next = 0;
  let ok = 0;
  let failed = 0;
  const started = performance.now();
  const deadline = started + options.maxMs;
  const worker = async () => {
    while (next < options.count && performance.now() < deadline) {
      const index = next++;
      const t0 = performance.now();
      try {
        const response = await send(agent, options.request(index));
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;
        if (options.isOk(response)) {
          ok += 1;
          latencies.push(performance.now() - t0);
        } else failed += 1;
      } catch {
        statuses.error = (statuses.error ?? 0) + 1;
        failed += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const durationMs = performance.now() - started;
  agent.destroy();
  return {
    concurrency: options.concurrency,
    sent: next,
    ok,
    failed,
    statuses,
    durationMs: round(durationMs),
    requestsPerSecond: round((ok / durationMs) * 1000, 1),
    latency: summarize(latencies),
  };
}

/** Runs `task` over `items` with at most `concurrency` in flight; returns per-item durations (ms). */
export async function runPool<T>(items: readonly T[], concurrency: number, task: (item: T, index: number) => Promise<void>): Promise<{ durationMs: number; latencies: number[]; failures: number; firstError?: string }> {
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  let firstError: string | undefined;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, async () => {
      while (next < items.length) {
        const index = next++;
        const t0 = performance.now();
        try {
          await task(items[index]!, index);
          latencies.push(performance.now() - t0);
        } catch (error) {
          failures += 1;
          firstError ??= error instanceof Error ? error.message : String(error);
        }
      }
    }),
  );
  return { durationMs: performance.now() - started, latencies, failures, ...(firstError ? { firstError } : {}) };
}

// ---- Memory -------------------------------------------------------------------------------------

/** Resident and peak resident memory of a process, in MB, from /proc (Linux). */
export function processMemory(pid: number | undefined): { rssMb: number; peakRssMb: number } | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { rssMb: round(kb('VmRSS') / 1024, 1), peakRssMb: round(kb('VmHWM') / 1024, 1) };
  } catch {
    return undefined;
  }
}
