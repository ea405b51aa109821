/**
 * `npm run demo`: the three cases of the source document, played end to end over HTTP, as a Studio
 * (portal and Lynfa), as FIC (signed webhooks from the FIC simulator) and as the company (email,
 * page, button; the connection confirmed inside FIC). Exits 1 when any step does not behave as
 * DOMAIN.md says, so it is also a smoke test (`test/e2e/demo.test.ts` runs it in `npm test`).
 *
 * Where it plays:
 * - the running `npm start`, when it answers at API_URL (default http://127.0.0.1:${PORT:-3000});
 *   SES_URL (default http://127.0.0.1:${SES_PORT:-8005}) and FIC_SIMULATOR_URL (default
 *   http://127.0.0.1:${FIC_SIMULATOR_PORT:-3100}) name its emulators, LOCAL_KEYS_DIR the keys it trusts;
 * - otherwise a stack of its own (free ports, DynamoDB in memory, temporary keys), stopped at the end.
 * Every run uses fresh Partita IVA numbers and Studio ids, so it can run again and again on the same data.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { config } from '#shared/config';
import { loadOrCreateKeyPair, localKeyNames } from '../infra/local/keys.ts';
import { repositoryRoot, startLocalStack, type LocalStack } from '../infra/local/stack.ts';
import { DemoFailure, type DemoEndpoints } from './demo/actors.ts';
import { Story, summaryTable } from './demo/story.ts';

const local = (port: string | undefined, fallback: number) => `http://127.0.0.1:${port || fallback}`;

async function answers(apiUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${apiUrl}/v1/health`, { signal: AbortSignal.timeout(2_000) });
    return response.status === 200;
  } catch {
    return false;
  }
}

interface Stage {
  endpoints: DemoEndpoints;
  keysDir: string;
  description: string;
  stop(): Promise<void>;
}

async function findOrStartStack(): Promise<Stage> {
  const apiUrl = (process.env.API_URL || local(process.env.PORT, 3000)).replace(/\/+$/, '');
  if (await answers(apiUrl)) {
    return {
      endpoints: {
        apiUrl,
        sesUrl: (process.env.SES_URL || local(process.env.SES_PORT, 8005)).replace(/\/+$/, ''),
        ficSimulatorUrl: (process.env.FIC_SIMULATOR_URL || local(process.env.FIC_SIMULATOR_PORT, 3100)).replace(/\/+$/, ''),
      },
      keysDir: path.resolve(repositoryRoot, config().LOCAL_KEYS_DIR),
      description: `the running stack at ${apiUrl}`,
      stop: async () => undefined,
    };
  }
  if (process.env.API_URL) throw new DemoFailure(`API_URL=${apiUrl} does not answer /v1/health with 200: is the stack running?`);

  console.log(`No stack answers at ${apiUrl}: starting one for the demo (free ports, DynamoDB in memory)...`);
  const keysDir = mkdtempSync(path.join(tmpdir(), 'agyo-demo-keys-'));
  let stack: LocalStack;
  try {
    stack = await startLocalStack({ ports: { api: 0, dynamoDb: 0, sqs: 0, ses: 0, ficSimulator: 0 }, keysDir, functionHostOutput: 'ignore' });
  } catch (error) {
    rmSync(keysDir, { recursive: true, force: true });
    throw error;
  }
  return {
    endpoints: { apiUrl: stack.apiUrl, sesUrl: stack.endpoints.ses, ficSimulatorUrl: stack.ficSimulatorUrl },
    keysDir,
    description: `its own stack at ${stack.apiUrl} (stopped when the demo ends)`,
    stop: async () => {
      await stack.stop();
      rmSync(keysDir, { recursive: true, force: true });
    },
  };
}

async function main(): Promise<number> {
  const stage = await findOrStartStack();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await stage.stop();
  };
  // Ctrl-C during the demo still stops the stack it started (DynamoDB Local's JVM included).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void stop().finally(() => process.exit(130));
    });
  }
  try {
    const settings = config();
    const keys = await loadOrCreateKeyPair(stage.keysDir, localKeyNames.studioIssuer);
    const story = new Story(stage.endpoints, { privateJwk: keys.privateJwk, issuer: settings.STUDIO_JWT_ISSUER, audience: settings.STUDIO_JWT_AUDIENCE });
    console.log(`Demo run ${story.run} on ${stage.description}`);
    try {
      await story.playAll();
    } catch (error) {
      if (!(error instanceof DemoFailure)) throw error;
      console.error(`  ✗ ${error.message}`);
      console.error('\nDEMO FAILED: the system did not behave as shared/domain/DOMAIN.md says (see the line above).');
      return 1;
    }
    const { apiUrl, sesUrl, ficSimulatorUrl } = stage.endpoints;
    console.log(`\nSummary (as each company's Studio sees it)\n${summaryTable(story.summary)}`);
    console.log('\nLook around:');
    console.log(`  SES inbox (the confirmation emails)  ${sesUrl}/`);
    console.log(`  API docs (Swagger UI)                ${apiUrl}/v1/docs`);
    console.log(`  OpenAPI document                     ${apiUrl}/v1/openapi.json`);
    console.log(`  FIC simulator: connection requests   ${ficSimulatorUrl}/control/requests`);
    if (stage.description.startsWith('its own')) console.log('  (these stop with the demo: run `npm start` in another terminal, then `npm run demo`, to browse them)');
    console.log('\nDEMO OK: all three cases behaved as shared/domain/DOMAIN.md says.');
    return 0;
  } finally {
    await stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof DemoFailure ? `Cannot run the demo: ${error.message}` : error);
    process.exit(1);
  },
);
