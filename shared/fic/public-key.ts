/**
 * FIC's webhook-signing public key, loaded once per process (a Lambda's cold start). Locally it is
 * the FIC simulator's key, passed as FIC_PUBLIC_KEY_JWK; on AWS the SSM parameter named by
 * FIC_PUBLIC_KEY_PARAMETER holds it (PEM or JWK).
 */
import { getParameter } from '@aws-lambda-powertools/parameters/ssm';
import { importJWK, importSPKI, type JWK } from 'jose';
import { ConfigurationError, config } from '#shared/config';
import type { FicPublicKey } from './webhook-token.ts';

/** Parses a P-256 public key given as a JWK (JSON) or a PEM `PUBLIC KEY`; private parts are dropped. */
export async function importFicPublicKey(text: string): Promise<FicPublicKey> {
  const trimmed = text.trim();
  if (trimmed.startsWith('-----BEGIN PUBLIC KEY-----')) return importSPKI(trimmed, 'ES256');
  let jwk: JWK;
  try {
    jwk = JSON.parse(trimmed) as JWK;
  } catch {
    throw new ConfigurationError('The FIC public key is neither a JWK (JSON) nor a PEM public key');
  }
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.x || !jwk.y) {
    throw new ConfigurationError('The FIC public key must be an EC P-256 key (ES256)');
  }
  const { kty, crv, x, y } = jwk;
  return importJWK({ kty, crv, x, y }, 'ES256') as Promise<FicPublicKey>;
}

let cached: { key: Promise<FicPublicKey>; loadedAt: number } | undefined;

/** A forged token must not make every request a read of SSM: at most one reload per this interval. */
const minimumReloadIntervalMs = 30_000;

export function ficPublicKeyFromConfig(): Promise<FicPublicKey> {
  if (!cached) {
    const key = load();
    cached = { key, loadedAt: Date.now() };
    key.catch(() => {
      // A failed load (misconfiguration, SSM unreachable) is retried on the next request.
      if (cached?.key === key) cached = undefined;
    });
  }
  return cached.key;
}

/** Loads the key again, e.g. after a signature failed to verify (FIC may have rotated its key). */
export function reloadFicPublicKey(): Promise<FicPublicKey> {
  if (cached && Date.now() - cached.loadedAt < minimumReloadIntervalMs) return cached.key;
  cached = undefined;
  return ficPublicKeyFromConfig();
}

async function load(): Promise<FicPublicKey> {
  const settings = config();
  if (settings.FIC_PUBLIC_KEY_JWK) return importFicPublicKey(settings.FIC_PUBLIC_KEY_JWK);
  if (settings.FIC_PUBLIC_KEY_PARAMETER) {
    const value = await getParameter(settings.FIC_PUBLIC_KEY_PARAMETER);
    if (!value) throw new ConfigurationError(`The SSM parameter ${settings.FIC_PUBLIC_KEY_PARAMETER} holds no FIC public key`);
    return importFicPublicKey(value);
  }
  throw new ConfigurationError('Set FIC_PUBLIC_KEY_JWK or FIC_PUBLIC_KEY_PARAMETER: the webhook cannot verify FIC tokens without the key');
}
