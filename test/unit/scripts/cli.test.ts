/**
 * The command-line scripts answer --help, refuse wrong arguments with a one-line error and the
 * usage (exit 2, no stack trace), mint tokens with the asked lifetime and make valid Partita IVA.
 * They run as child processes, as `npm run` runs them; keys go to a temporary folder.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeJwt } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { isValidVatNumber } from '#shared/domain/identifiers';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const keysDir = mkdtempSync(path.join(tmpdir(), 'cli-test-keys-'));
afterAll(() => rmSync(keysDir, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(script: 'token' | 'fic', ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', `scripts/${script}.ts`, ...args],
      // Nothing listens on port 9 (discard): a script that wrongly reached for the simulator would fail fast.
      { cwd: root, env: { ...process.env, LOCAL_KEYS_DIR: keysDir, FIC_SIMULATOR_URL: 'http://127.0.0.1:9' }, timeout: 20_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

const stackLine = /^\s+at /m;

function expectUsageError(result: Run, message: RegExp): void {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr.split('\n')[0]).toMatch(message);
  expect(result.stderr).toContain('Usage');
  expect(result.stderr).not.toMatch(stackLine);
}

describe.concurrent('npm run token', () => {
  it('prints the usage on --help and exits 0', async () => {
    const result = await run('token', '--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage');
    expect(result.stdout).toContain('--hours 0');
    expect(result.stderr).toBe('');
  });

  it('refuses an unknown option with a one-line error, no stack trace', async () => {
    expectUsageError(await run('token', '--studio', 'S1', '--bogus'), /Unknown option '--bogus'/);
  });

  it('refuses a missing --studio', async () => {
    expectUsageError(await run('token'), /--studio/);
  });

  it.each([['-1'], ['abc'], ['--hours=-1']])('refuses --hours %j', async (hours) => {
    const args = hours.startsWith('--') ? [hours] : ['--hours', hours];
    expectUsageError(await run('token', '--studio', 'S1', ...args), /--hours/);
  });

  it('prints only a JWT, valid for the hours asked (decimals ok)', async () => {
    const before = Math.floor(Date.now() / 1000);
    const result = await run('token', '--studio', 'S1', '--hours', '0.5');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const claims = decodeJwt(result.stdout.trim());
    expect(claims).toMatchObject({ studio_id: 'S1' });
    expect(claims.exp! - claims.iat!).toBe(1800);
    expect(claims.exp!).toBeGreaterThanOrEqual(before + 1800);
  });

  it('gives an already-expired token with --hours 0', async () => {
    const result = await run('token', '--studio', 'S1', '--hours', '0');
    expect(result.code).toBe(0);
    const claims = decodeJwt(result.stdout.trim());
    expect(claims.exp!).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });
});

describe.concurrent('npm run fic', () => {
  it('prints the usage on -h and exits 0', async () => {
    const result = await run('fic', '-h');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage');
    expect(result.stdout).toContain('new-vat');
    expect(result.stderr).toBe('');
  });

  it('refuses an unknown option with a one-line error, no stack trace', async () => {
    expectUsageError(await run('fic', 'requests', '--bogus'), /Unknown option '--bogus'/);
  });

  it('refuses an unknown command and a missing one', async () => {
    const [unknown, missing] = await Promise.all([run('fic', 'frobnicate'), run('fic')]);
    expectUsageError(unknown, /Unknown command 'frobnicate'/);
    expectUsageError(missing, /Missing command/);
  });

  it('refuses a bad --fic-id before calling the simulator', async () => {
    expectUsageError(await run('fic', 'activate', '--vat', '01234560017', '--name', 'X', '--fic-id', 'abc'), /--fic-id/);
  });

  it('new-vat prints one valid Partita IVA, a different one each time', async () => {
    const results = await Promise.all([run('fic', 'new-vat'), run('fic', 'new-vat')]);
    for (const result of results) {
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(/^\d{11}\n$/);
      const vat = result.stdout.trim();
      expect(isValidVatNumber(vat)).toBe(true);
      expect(Number(vat.slice(7, 10))).toBeGreaterThanOrEqual(1);
      expect(Number(vat.slice(7, 10))).toBeLessThanOrEqual(100);
    }
    expect(results[0]!.stdout).not.toBe(results[1]!.stdout);
  });
});
