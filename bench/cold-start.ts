/**
 * Cold-start cost per topology function: the bundle as the CDK app builds it (esbuild, minified, ESM,
 * node20, SDK included: the options of `infra/cdk/topology-function.ts`), its size from the metafile,
 * and the time to import it in a fresh Node process (median of N, rounds interleaved across functions
 * so that noise hits all alike). Baselines in the same run: an empty module (the harness's floor) and
 * a minimal SDK handler (one DynamoDBClient), bundled and timed the same way.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { topology, type FunctionKey } from '../infra/topology.ts';
import { median, round } from './lib/measure.ts';

// Same banner as infra/cdk/topology-function.ts (CJS dependencies in an ESM bundle need `require`).
const esmRequireBanner =
  "import { createRequire as topLevelCreateRequire } from 'node:module'; const require = topLevelCreateRequire(import.meta.url);";

export interface ColdStartRow {
  function: string;
  entry: string;
  bundleBytes: number;
  bundleKb: number;
  /** The largest contributors to the minified output, by package. */
  topPackages: { name: string; kb: number }[];
  initMs: { median: number; min: number; max: number; runs: number };
  failedRuns: number;
}

export interface ColdStartResult {
  runs: number;
  baselines: { empty: ColdStartRow; sdkMinimal: ColdStartRow };
  functions: ColdStartRow[];
}

async function bundle(repositoryRoot: string, entry: string, outDir: string): Promise<{ file: string; bytes: number; topPackages: { name: string; kb: number }[] }> {
  const outfile = path.join(outDir, 'index.mjs');
  const result = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    sourcemap: true,
    mainFields: ['module', 'main'],
    banner: { js: esmRequireBanner },
    external: [],
    tsconfig: path.join(repositoryRoot, 'tsconfig.json'),
    metafile: true,
    logLevel: 'silent',
    // The baselines' fixtures live outside the repository: resolve packages from its node_modules.
    nodePaths: [path.join(repositoryRoot, 'node_modules')],
  });
  const output = Object.entries(result.metafile.outputs).find(([file]) => file.endsWith('.mjs'))!;
  const byPackage = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output[1].inputs)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    const name = match ? match[1]! : '(project)';
    byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
  }
  const topPackages = [...byPackage.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([name, bytes]) => ({ name, kb: round(bytes / 1024, 1) }));
  return { file: outfile, bytes: output[1].bytes, topPackages };
}

/** Milliseconds to import the bundle in a fresh process (Node's own start excluded). */
function timeImport(file: string, env: Record<string, string>): Promise<number | undefined> {
  const script = `const t=performance.now();await import(${JSON.stringify(pathToFileURL(file).href)});process.stdout.write(JSON.stringify({ms:performance.now()-t}));process.exit(0);`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', () => {
      clearTimeout(timer);
      try {
        resolve((JSON.parse(out) as { ms: number }).ms);
      } catch {
        resolve(undefined);
      }
    });
  });
}

export async function measureColdStart(options: { repositoryRoot: string; outDir: string; functions: readonly FunctionKey[]; runs: number }): Promise<ColdStartResult> {
  const fixtures = path.join(options.outDir, 'fixtures');
  mkdirSync(fixtures, { recursive: true });
  const emptyEntry = path.join(fixtures, 'empty.mjs');
  writeFileSync(emptyEntry, 'export const handler = async () => ({ statusCode: 200 });\n');
  const sdkEntry = path.join(fixtures, 'sdk-minimal.mjs');
  writeFileSync(
    sdkEntry,
    "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nconst client = new DynamoDBClient({});\nexport const handler = async () => ({ statusCode: 200, body: String(client.config.serviceId) });\n",
  );

  const targets: { key: string; entry: string; source: string }[] = [
    { key: '(baseline: empty module)', entry: emptyEntry, source: 'bench fixture' },
    { key: '(baseline: minimal SDK handler)', entry: sdkEntry, source: 'bench fixture' },
    ...options.functions.map((key) => ({ key, entry: path.join(options.repositoryRoot, topology.functions[key].entry), source: topology.functions[key].entry })),
  ];
  const bundles = [];
  for (const target of targets) {
    const outDir = path.join(options.outDir, target.key.replace(/[^A-Za-z0-9-]+/g, '_'));
    bundles.push({ ...target, ...(await bundle(options.repositoryRoot, target.entry, outDir)) });
  }

  // A function's module scope may read its configuration: give it what it would have on AWS.
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    AWS_REGION: 'eu-south-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    STAGE: 'local',
    TABLE_NAME: 'local-onboarding',
    FIC_EVENTS_QUEUE_URL: 'http://127.0.0.1:1/000000000000/local-fic-events',
    FIC_OUTBOUND_QUEUE_URL: 'http://127.0.0.1:1/000000000000/local-fic-outbound',
    FIC_API_TOKEN: 'local-fic-api-token',
    LOG_LEVEL: 'SILENT',
    AWS_NODEJS_CONNECTION_REUSE_ENABLED: '1',
  };
  const times = bundles.map(() => [] as number[]);
  const failed = bundles.map(() => 0);
  for (let round_ = 0; round_ < options.runs; round_++) {
    for (const [index, target] of bundles.entries()) {
      const ms = await timeImport(target.file, env);
      if (ms === undefined) failed[index]! += 1;
      else times[index]!.push(ms);
    }
  }
  const rows: ColdStartRow[] = bundles.map((target, index) => ({
    function: target.key,
    entry: target.source,
    bundleBytes: target.bytes,
    bundleKb: round(target.bytes / 1024, 1),
    topPackages: target.topPackages,
    initMs: {
      median: round(median(times[index]!), 1),
      min: round(Math.min(...times[index]!), 1),
      max: round(Math.max(...times[index]!), 1),
      runs: times[index]!.length,
    },
    failedRuns: failed[index]!,
  }));
  return { runs: options.runs, baselines: { empty: rows[0]!, sdkMinimal: rows[1]! }, functions: rows.slice(2) };
}
