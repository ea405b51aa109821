/**
 * Starts one local stack for the `stack` test project: emulators and the function host on free
 * ports, DynamoDB in memory, keys in a temporary folder. Stops everything it started.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startLocalStack, type LocalStack } from '../../infra/local/stack.ts';
import type { QueueKey } from '../../infra/topology.ts';

export interface ProvidedStack {
  apiUrl: string;
  endpoints: { dynamoDb: string; sqs: string; ses: string };
  tableName: string;
  queueUrls: Record<QueueKey, string>;
  deadLetterQueueUrls: Record<QueueKey, string>;
  keysDir: string;
  functionEnv: Record<string, string>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: ProvidedStack;
  }
}

/** What a test needs of a running stack; both test projects with a stack provide it. */
export function providedStack(stack: LocalStack, keysDir: string): ProvidedStack {
  return {
    apiUrl: stack.apiUrl,
    endpoints: stack.endpoints,
    tableName: stack.tableName,
    queueUrls: stack.queueUrls,
    deadLetterQueueUrls: stack.deadLetterQueueUrls,
    keysDir,
    functionEnv: stack.functionEnv,
  };
}

export default async function setup(project: TestProject) {
  const keysDir = mkdtempSync(path.join(tmpdir(), 'agyo-test-keys-'));
  const stack = await startLocalStack({
    ports: { api: 0, dynamoDb: 0, sqs: 0, ses: 0 },
    keysDir,
    functionHostOutput: process.env.TEST_FUNCTION_LOGS === '1' ? 'inherit' : 'ignore',
  });
  project.provide('stack', providedStack(stack, keysDir));
  return async () => {
    await stack.stop();
    rmSync(keysDir, { recursive: true, force: true });
  };
}
