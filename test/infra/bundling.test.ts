/**
 * The one synthesis with real bundling (esbuild, no Docker): each function's bundle is a minified
 * ESM file with a source map and the `createRequire` banner, and it loads on this machine's Node
 * (the bundles target Node 20) with its `handler` exported.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { topology, type FunctionKey } from '../../infra/topology.ts';
import { functionName } from '../../infra/cdk/stateless-stack.ts';
import { resourcesOfType, synthesizeStage, type SynthesizedStage } from './synth.ts';

const functionKeys = Object.keys(topology.functions) as FunctionKey[];

describe('function bundles (dev)', () => {
  let synth: SynthesizedStage;
  beforeAll(() => {
    synth = synthesizeStage('dev', { bundle: true });
  }, 120_000);

  const bundleDir = (key: FunctionKey): string => {
    const [, fn] = resourcesOfType(synth.statelessJson, 'AWS::Lambda::Function').find(
      ([, resource]) => resource.Properties?.FunctionName === functionName(synth.config, key),
    )!;
    // The asset's S3 key is `<hash>.zip`; the staged bundle sits in `asset.<hash>` of the assembly.
    const hash = (fn.Properties!.Code.S3Key as string).replace(/\.zip$/, '');
    return path.join(synth.assemblyDirectory, `asset.${hash}`);
  };

  it.each(functionKeys)('%s is a minified ESM bundle with a source map and the require banner', (key) => {
    const dir = bundleDir(key);
    const code = readFileSync(path.join(dir, 'index.mjs'), 'utf8');
    expect(code.startsWith('import { createRequire as topLevelCreateRequire }')).toBe(true);
    expect(existsSync(path.join(dir, 'index.mjs.map'))).toBe(true);
    expect(code).toMatch(/sourceMappingURL=index\.mjs\.map/);
    // The SDK is bundled, not expected from the runtime.
    expect(code).not.toMatch(/from\s*"@aws-sdk\//);
    // Minified: long lines (a few newlines survive inside template literals and legal comments).
    expect(code.length / code.split('\n').length).toBeGreaterThan(1_000);
  });

  it.each(functionKeys)('%s loads as ESM and exports handler', (key) => {
    const url = pathToFileURL(path.join(bundleDir(key), 'index.mjs')).href;
    const script = `const m = await import(${JSON.stringify(url)}); console.log(typeof m.handler);`;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, AWS_REGION: 'eu-south-1', STAGE: 'dev' },
      timeout: 20_000,
    });
    expect(output.trim().split('\n').at(-1)).toBe('function');
  });

  const withRuntimePackages = functionKeys.filter((key) => topology.functions[key].runtimePackages?.length);

  it.each(withRuntimePackages)('%s ships the packages it reads at run time beside its bundle', (key) => {
    for (const name of topology.functions[key].runtimePackages ?? []) {
      const script = `import { createRequire } from 'node:module'; console.log(createRequire(${JSON.stringify(pathToFileURL(path.join(bundleDir(key), 'index.mjs')).href)}).resolve(${JSON.stringify(`${name}/package.json`)}));`;
      const resolved = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 }).trim();
      expect(resolved.startsWith(bundleDir(key))).toBe(true);
    }
  });
});
