/**
 * Local key material, generated once into a git-ignored folder and reused across restarts:
 * - the local identity provider's key pair, whose public half the local JWT check trusts
 *   (on AWS, API Gateway's JWT authorizer trusts the real issuer's JWKS instead);
 * - the FIC simulator's key pair, whose public half the webhook verifies (on AWS, FIC's real key).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';

export interface KeyPairFiles {
  privateJwk: JWK;
  publicJwk: JWK;
}

export const localKeyNames = { studioIssuer: 'studio-issuer', ficSimulator: 'fic-simulator' } as const;

export async function loadOrCreateKeyPair(folder: string, name: string): Promise<KeyPairFiles> {
  const file = path.join(folder, `${name}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as KeyPairFiles;
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = `${name}-${Date.now().toString(36)}`;
  const pair: KeyPairFiles = {
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' },
  };
  mkdirSync(folder, { recursive: true });
  writeFileSync(file, JSON.stringify(pair, null, 2), { mode: 0o600 });
  return pair;
}
