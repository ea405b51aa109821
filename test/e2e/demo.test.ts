/**
 * `npm run demo` is also a smoke test: it plays the three cases against this test stack (its URLs
 * and keys passed through the environment, as for a running `npm start`) and must exit 0.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repositoryRoot } from '../../infra/local/stack.ts';
import { stack } from '../support/stack.ts';

const run = promisify(execFile);

describe('npm run demo', () => {
  it('plays the three cases on the running stack, checks every step and ends with the summary', async () => {
    // Prepare
    const env = {
      ...process.env,
      API_URL: stack.apiUrl,
      SES_URL: stack.endpoints.ses,
      FIC_SIMULATOR_URL: stack.functionEnv.FIC_API_BASE_URL!,
      LOCAL_KEYS_DIR: stack.keysDir,
      ...(stack.functionEnv.STUDIO_JWT_ISSUER ? { STUDIO_JWT_ISSUER: stack.functionEnv.STUDIO_JWT_ISSUER } : {}),
      ...(stack.functionEnv.STUDIO_JWT_AUDIENCE ? { STUDIO_JWT_AUDIENCE: stack.functionEnv.STUDIO_JWT_AUDIENCE } : {}),
    };

    // Act: a non-zero exit rejects with the output, which the failure then shows
    const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(repositoryRoot, 'scripts/demo.ts')], {
      cwd: repositoryRoot,
      env,
      timeout: 100_000,
      maxBuffer: 4 * 1024 * 1024,
    });

    // Assess
    expect(stdout).toContain(`on the running stack at ${stack.apiUrl}`);
    expect(stdout).not.toContain('✗');
    expect(stdout.match(/^ {2}✓ /gm)?.length).toBeGreaterThanOrEqual(17);
    const rows = stdout.split('\n').filter((line) => /^[123] +\| /.test(line));
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row).toMatch(/\| active \(via (portal|lynfa)\) +\| on, paid by FIC client +\| on, paid by FIC client +\|/);
    expect(rows[1]).toMatch(/\| Studio Rossi \d\d:\d\d:\d\d–\d\d:\d\d:\d\d, FIC client \d\d:\d\d:\d\d–now$/);
    expect(stdout).toContain(`${stack.apiUrl}/v1/docs`);
    expect(stdout).toContain(`${stack.endpoints.ses}/`);
    expect(stdout.trimEnd().endsWith('DEMO OK: all three cases behaved as shared/domain/DOMAIN.md says.')).toBe(true);
  }, 120_000);
});
