/**
 * `npm run bench -- --smoke`: a tiny run of the benchmark, so that it cannot rot. It checks the shape
 * of the result and the counts (no scans, the calls each step makes), never a speed. The bench starts
 * and stops its own local stack.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoryRoot } from '../../infra/local/stack.ts';

interface Result {
  mode: string;
  ingest: { rows: { concurrency: number; ours: { ok: number; sent: number }; baseline: { ok: number; sent: number }; throughputRatio: number; p99Ratio: number }[] };
  endToEnd: { waves: { ours: { completed: number; events: number }; baseline: { completed: number; events: number }; throughputRatio: number }[]; overall: { ratio: number } };
  calls: {
    scans: number;
    cases: { case: string; steps: { step: string; dynamoDbRequests: number; sqsRequests: number; sesSends: number; scans: number; capacityMissing: number }[]; costPerMillionActivations: { total: number } }[];
  };
  coldStart: { functions: { function: string; bundleBytes: number; initMs: { median: number; runs: number } }[] };
  memory: Record<string, { idleRssMb: number; peakRssMb: number }>;
  prices: { region: string };
}

const out = mkdtempSync(path.join(tmpdir(), 'agyo-bench-smoke-'));
let result: Result;
let exitCode: number | null;
let stderr = '';

beforeAll(async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repositoryRoot, 'bench/run.ts'), '--smoke', '--out', out], {
    cwd: repositoryRoot,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  exitCode = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const file = readdirSync(out).find((name) => name.startsWith('bench-smoke-') && name.endsWith('.json'));
  if (file) result = JSON.parse(readFileSync(path.join(out, file), 'utf8')) as Result;
}, 240_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('npm run bench -- --smoke', () => {
  it('runs to the end and writes its JSON', () => {
    expect(exitCode, stderr).toBe(0);
    expect(result.mode).toBe('smoke');
    expect(result.prices.region).toBe('eu-south-1');
  });

  it('measures ingest at concurrency 1, 16 and 64 against the bare baseline, every request accepted', () => {
    expect(result.ingest.rows.map((row) => row.concurrency)).toEqual([1, 16, 64]);
    for (const row of result.ingest.rows) {
      expect(row.ours.ok).toBe(row.ours.sent);
      expect(row.baseline.ok).toBe(row.baseline.sent);
      expect(row.throughputRatio).toBeGreaterThan(0);
      expect(row.p99Ratio).toBeGreaterThan(0);
    }
  });

  it('processes every event end to end on both sides', () => {
    expect(result.endToEnd.waves).toHaveLength(3);
    for (const wave of result.endToEnd.waves) {
      expect(wave.ours.completed).toBe(wave.ours.events);
      expect(wave.baseline.completed).toBe(wave.baseline.events);
      expect(wave.throughputRatio).toBeGreaterThan(0);
    }
  });

  it('counts the AWS calls of every step: no scans, capacity reported, the calls each step must make', () => {
    expect(result.calls.scans).toBe(0);
    const step = (caseName: string, name: string) => result.calls.cases.find((c) => c.case === caseName)!.steps.find((s) => s.step === name)!;
    for (const caseName of ['case1', 'case2', 'case3']) {
      const steps = result.calls.cases.find((c) => c.case === caseName)!.steps;
      for (const s of steps) {
        expect(s.scans).toBe(0);
        expect(s.capacityMissing).toBe(0);
      }
      // The webhook only enqueues; the processor sends the email, once, for cases 1 and 2.
      expect(step(caseName, 'webhook: activation')).toMatchObject({ dynamoDbRequests: 0, sqsRequests: 1, sesSends: 0 });
      expect(step(caseName, 'processing: activation').sesSends).toBe(caseName === 'case3' ? 0 : 1);
      expect(step(caseName, 'processing: activation').dynamoDbRequests).toBeGreaterThan(0);
    }
    expect(step('case1', 'activation page: confirm').dynamoDbRequests).toBeGreaterThan(0);
    expect(step('case3', 'studio: connect').sqsRequests).toBe(1);
    for (const c of result.calls.cases) expect(c.costPerMillionActivations.total).toBeGreaterThan(0);
  });

  it('bundles and times the cold start of the functions it was asked for', () => {
    expect(result.coldStart.functions.map((f) => f.function)).toEqual(['ficWebhook', 'ficEvents']);
    for (const f of result.coldStart.functions) {
      expect(f.bundleBytes).toBeGreaterThan(10_000);
      expect(f.initMs.runs).toBeGreaterThan(0);
    }
    expect(Object.keys(result.memory)).toContain('function host');
  });
});
