/**
 * Entry point of the function host process (spawned by `npm start` and by the tests' global
 * setup). It reads its environment exactly as a deployed function would, plus LOCAL_API_PORT.
 * Prints one JSON line `{"listening": "<url>"}` when ready; stops cleanly on SIGINT/SIGTERM.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SQSClient } from '@aws-sdk/client-sqs';
import { config } from '#shared/config';
import { topology, resourceEnv, type FunctionKey } from '../topology.ts';
import { startFunctionHost, type AnyHandler } from './function-host.ts';
import { loadOrCreateKeyPair, localKeyNames } from './keys.ts';
import { queueArn } from './provision.ts';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function main(): Promise<void> {
  const settings = config();
  const sqs = new SQSClient({ region: settings.AWS_REGION });
  const studioIssuer = await loadOrCreateKeyPair(path.resolve(repositoryRoot, settings.LOCAL_KEYS_DIR), localKeyNames.studioIssuer);

  const eventSources = await Promise.all(
    topology.eventSources.map(async (source) => {
      const queueUrl = process.env[resourceEnv.queueUrl(source.queue)];
      if (!queueUrl) throw new Error(`${resourceEnv.queueUrl(source.queue)} is not set`);
      return { ...source, queueUrl, queueArn: await queueArn(sqs, queueUrl) };
    }),
  );

  const host = await startFunctionHost({
    port: Number(process.env.LOCAL_API_PORT ?? 3000),
    routes: topology.routes,
    eventSources,
    loadHandler: async (key) => {
      const entry = topology.functions[key as FunctionKey].entry;
      const module = (await import(pathToFileURL(path.join(repositoryRoot, entry)).href)) as { handler: AnyHandler };
      return module.handler;
    },
    timeoutSecondsOf: (key) => topology.functions[key as FunctionKey].timeoutSeconds,
    authorizer: {
      issuer: settings.STUDIO_JWT_ISSUER,
      audience: [settings.STUDIO_JWT_AUDIENCE],
      jwks: { keys: [studioIssuer.publicJwk] },
    },
    sqs,
    region: settings.AWS_REGION,
    log: (message, details, level = 'ERROR') => console.error(JSON.stringify({ level, component: 'function-host', message, ...details })),
  });
  process.stdout.write(`${JSON.stringify({ listening: host.url })}\n`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await host.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
