/**
 * The README's commands work as written: every npm script and test file it names exists, the token
 * command prints a Studio JWT, the health check answers, and the "try case 3 by hand" block runs
 * from start to end against this test stack (its URLs in place of the README's defaults).
 * `npm start`, `npm install` and `npm test` are not run here: the stack this project starts is
 * `npm start`'s own code, and `npm test` is what runs this file.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { repositoryRoot } from '../../infra/local/stack.ts';
import { stack } from '../support/stack.ts';

const run = promisify(execFile);
const readme = readFileSync(path.join(repositoryRoot, 'README.md'), 'utf8');
const scripts = (JSON.parse(readFileSync(path.join(repositoryRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
const ficSimulatorUrl = stack.functionEnv.FIC_API_BASE_URL!;

/** The shell code blocks of the README, and the one after a `<!-- readme-test:NAME -->` marker. */
const shellBlocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]!);
function markedBlock(name: string): string {
  const match = new RegExp(`<!-- readme-test:${name} -->\\s*\`\`\`sh\\n([\\s\\S]*?)\`\`\``).exec(readme);
  if (!match) throw new Error(`README.md has no sh block after <!-- readme-test:${name} -->`);
  return match[1]!;
}

/** The README's default addresses, pointed at this test stack. */
function onTestStack(script: string): string {
  return script
    .replaceAll('http://127.0.0.1:3000', stack.apiUrl)
    .replaceAll('http://127.0.0.1:3100', ficSimulatorUrl)
    .replaceAll('http://127.0.0.1:8005', stack.endpoints.ses);
}

const env = { ...process.env, LOCAL_KEYS_DIR: stack.keysDir, FIC_SIMULATOR_URL: ficSimulatorUrl, API_URL: stack.apiUrl, SES_URL: stack.endpoints.ses };

function bash(script: string, timeout = 60_000) {
  return run('bash', ['-euo', 'pipefail', '-c', onTestStack(script)], { cwd: repositoryRoot, env, timeout, maxBuffer: 4 * 1024 * 1024 });
}

describe('the README', () => {
  it('names only npm scripts that exist and test files that exist', () => {
    const commands = shellBlocks.join('\n');
    const named = [...commands.matchAll(/\bnpm run (?:-s )?([\w:-]+)/g)].map((match) => match[1]!);
    const lifecycle = [...commands.matchAll(/\bnpm (start|test)\b/g)].map((match) => match[1]!);
    const files = [...commands.matchAll(/npx vitest run (test\/\S+)/g)].map((match) => match[1]!);

    for (const name of [...named, ...lifecycle]) expect(scripts, `npm script "${name}"`).toHaveProperty(name);
    expect(named).toEqual(expect.arrayContaining(['demo', 'token', 'fic']));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(existsSync(path.join(repositoryRoot, file)), file).toBe(true);
    expect(markedBlock('quick-start')).toMatch(/npm install && npm start[\s\S]*npm run demo/);
  });

  it('mints a Studio token with `npm run -s token -- --studio S1`', async () => {
    const command = /npm run -s token -- --studio S1/.exec(markedBlock('by-hand'))![0];

    const { stdout } = await bash(command);

    const token = stdout.trim();
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(decodeJwt(token)).toMatchObject({ studio_id: 'S1', iss: 'agyo-local-idp', aud: 'agyo-fic-onboarding' });
  });

  it('answers the health check it shows', async () => {
    const command = /curl http:\/\/127\.0\.0\.1:3000\/v1\/health/.exec(readme)![0];

    const { stdout } = await bash(`${command} --silent --fail`);

    expect(JSON.parse(stdout)).toMatchObject({ status: 'ok' });
  });

  it('plays case 3 by hand, as written, from activation in FIC to an active connection', async () => {
    const block = markedBlock('by-hand');
    const vatNumber = /^VAT=(\d{11})/m.exec(block)![1]!;

    const { stdout } = await bash(block, 90_000);

    expect(stdout).toMatch(new RegExp(`activated e-invoicing\\.\\s+Sent it\\.fattureincloud\\.webhooks\\.einvoicing\\.activated .*: webhook answered 202 after 1 attempt\\(s\\), accepted\\.`));
    expect(stdout).toMatch(/"connection":\{"status":"pending"/);
    expect(stdout).toMatch(new RegExp(`^\\S+  pending +FIC company \\d+ \\(P\\.IVA ${vatNumber}\\)  from Studio "S1"`, 'm'));
    expect(stdout).toMatch(/Request \S+ confirmed by FIC company \d+\.\s+Sent it\.fattureincloud\.webhooks\.connections\.confirmed .*accepted\./);
    const connections = JSON.parse(stdout.trim().split('\n').at(-1)!) as { items: { vatNumber: string; connection: { status: string }; services?: Record<string, { status: string; payer?: { kind: string } }> }[] };
    const company = connections.items.find((item) => item.vatNumber === vatNumber)!;
    expect(company.connection.status).toBe('active');
    expect(company.services).toMatchObject({ sdi: { status: 'active', payer: { kind: 'ficClient' } }, eRicevi: { status: 'active', payer: { kind: 'ficClient' } } });
  }, 120_000);

  it('runs one test file with the command it shows', async () => {
    const command = /npx vitest run test\/unit\/\S+\.test\.ts/.exec(readme)![0];

    const { stdout } = await bash(command, 90_000);

    expect(stdout).toMatch(/Tests: [1-9]\d* passed, 0 failed/);
  }, 120_000);
});
