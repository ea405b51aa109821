/** What a `stack` test needs to talk to the running local stack. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { inject } from 'vitest';
import { loadOrCreateKeyPair, localKeyNames } from '../../infra/local/keys.ts';
import { mintStudioToken } from '../../infra/local/studio-token.ts';
import { parseEnvironment } from '#shared/config';

export const stack = inject('stack');

const region = 'eu-south-1';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
// Fail fast instead of hanging if an emulator does not support a call.
const fastFail = { maxAttempts: 1, requestHandler: { requestTimeout: 10_000 } };

export const dynamoDb = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region, credentials, endpoint: stack.endpoints.dynamoDb, ...fastFail }),
);
export const sqs = new SQSClient({ region, credentials, endpoint: stack.endpoints.sqs, ...fastFail });

/** The configuration the functions see, defaults included. */
export const functionConfig = parseEnvironment(stack.functionEnv);

export async function studioToken(studioId: string, overrides: { expiresInSeconds?: number; audience?: string } = {}): Promise<string> {
  const keys = await loadOrCreateKeyPair(stack.keysDir, localKeyNames.studioIssuer);
  return mintStudioToken(keys.privateJwk, {
    studioId,
    issuer: functionConfig.STUDIO_JWT_ISSUER,
    audience: overrides.audience ?? functionConfig.STUDIO_JWT_AUDIENCE,
    expiresInSeconds: overrides.expiresInSeconds ?? 600,
  });
}

/** Polls an observable outcome until it holds (never a fixed sleep). */
export async function eventually<T>(probe: () => Promise<T | undefined>, { timeoutMs = 20_000, intervalMs = 100 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`Condition not met within ${timeoutMs} ms${lastError ? `: ${String(lastError)}` : ''}`);
}
