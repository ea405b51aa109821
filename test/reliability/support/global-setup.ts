/**
 * The `reliability` project's own local stack: like the `stack` project's, plus what reliability tests
 * need and must not impose on others:
 * - a fault-injecting proxy between the function host and each emulator (`fault-proxy.ts`);
 * - queues with a short visibility timeout (20 s instead of 180 s) and an email lease to match (15 s
 *   instead of 60 s; the lease must stay below the visibility timeout), so redeliveries come quickly;
 * - the function host's output captured to a file, for the log scan.
 * It provides the same `stack` shape as the `stack` project (so `test/support/stack.ts` works) and `reliability`.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startLocalStack } from '../../../infra/local/stack.ts';
import { providedStack } from '../../support/global-setup.ts';
import { startFaultProxy, type FaultProxy } from './fault-proxy.ts';

export const reliabilityVisibilityTimeoutSeconds = 20;
export const reliabilityEmailLeaseSeconds = 15;

export interface ProvidedReliability {
  /** Fault proxies' URLs (the function host reaches each emulator through them). */
  proxies: { dynamoDb: string; sqs: string; ses: string };
  functionHostLog: string;
  /** Where tests append their figures (`figures.ts`); summed and printed at the end of the run. */
  figuresFile: string;
  visibilityTimeoutSeconds: number;
}

declare module 'vitest' {
  export interface ProvidedContext {
    reliability: ProvidedReliability;
  }
}

export default async function setup(project: TestProject) {
  const workDir = mkdtempSync(path.join(tmpdir(), 'agyo-reliability-'));
  const keysDir = path.join(workDir, 'keys');
  const functionHostLog = path.join(workDir, 'function-host.log');
  const figuresFile = path.join(workDir, 'figures.jsonl');
  const proxies: FaultProxy[] = [];
  let proxyUrls: ProvidedReliability['proxies'] | undefined;
  const stack = await startLocalStack({
    ports: { api: 0, dynamoDb: 0, sqs: 0, ses: 0 },
    keysDir,
    functionHostOutput: { file: functionHostLog },
    visibilityTimeoutOverrideSeconds: reliabilityVisibilityTimeoutSeconds,
    functionEnv: { FIC_EMAIL_LEASE_SECONDS: String(reliabilityEmailLeaseSeconds), LOG_LEVEL: 'INFO' },
    functionEndpoints: async (endpoints) => {
      const [dynamoDb, sqs, ses] = await Promise.all([startFaultProxy(endpoints.dynamoDb), startFaultProxy(endpoints.sqs), startFaultProxy(endpoints.ses)]);
      proxies.push(dynamoDb, sqs, ses);
      proxyUrls = { dynamoDb: dynamoDb.url, sqs: sqs.url, ses: ses.url };
      return proxyUrls;
    },
  });
  project.provide('stack', providedStack(stack, keysDir));
  project.provide('reliability', { proxies: proxyUrls!, functionHostLog, figuresFile, visibilityTimeoutSeconds: reliabilityVisibilityTimeoutSeconds });
  return async () => {
    printFigures(figuresFile);
    await stack.stop();
    await Promise.all(proxies.map((proxy) => proxy.stop()));
    if (process.env.RELIABILITY_KEEP_LOGS === '1') process.stdout.write(`Reliability logs kept in ${workDir}\n`);
    else rmSync(workDir, { recursive: true, force: true });
  };
}

function printFigures(file: string): void {
  if (!existsSync(file)) return;
  const totals: Record<string, number> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const { name, count } = JSON.parse(line) as { name: string; count: number };
    totals[name] = (totals[name] ?? 0) + count;
  }
  process.stdout.write(`\nReliability figures: ${Object.entries(totals).map(([name, count]) => `${name}=${count}`).join(', ')}\n`);
}
