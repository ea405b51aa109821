import { exportJWK, exportSPKI, generateKeyPair, SignJWT, jwtVerify } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';

const getParameter = vi.fn();
vi.mock('@aws-lambda-powertools/parameters/ssm', () => ({ getParameter }));

async function loadWith(env: Record<string, string>) {
  vi.resetModules();
  vi.stubEnv('FIC_PUBLIC_KEY_JWK', undefined);
  vi.stubEnv('FIC_PUBLIC_KEY_PARAMETER', undefined);
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  return import('#shared/fic/public-key');
}

afterEach(() => {
  vi.unstubAllEnvs();
  getParameter.mockReset();
});

describe("FIC's public key", () => {
  it('is read from the SSM parameter on AWS (PEM) and verifies what the private half signs', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    getParameter.mockResolvedValue(await exportSPKI(publicKey));
    const { ficPublicKeyFromConfig } = await loadWith({ FIC_PUBLIC_KEY_PARAMETER: '/agyo-fic-onboarding/dev/fic/webhook-public-key' });
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'ES256' }).sign(privateKey);

    const key = await ficPublicKeyFromConfig();

    await expect(jwtVerify(token, key)).resolves.toBeDefined();
    expect(getParameter).toHaveBeenCalledWith('/agyo-fic-onboarding/dev/fic/webhook-public-key');
  });

  it('prefers the inline JWK (local) and never calls SSM then', async () => {
    const { publicKey } = await generateKeyPair('ES256', { extractable: true });
    const { ficPublicKeyFromConfig } = await loadWith({ FIC_PUBLIC_KEY_JWK: JSON.stringify(await exportJWK(publicKey)), FIC_PUBLIC_KEY_PARAMETER: '/x' });

    await ficPublicKeyFromConfig();

    expect(getParameter).not.toHaveBeenCalled();
  });

  it('says which parameter is empty, and retries the load on the next request', async () => {
    getParameter.mockResolvedValueOnce(undefined);
    const { ficPublicKeyFromConfig } = await loadWith({ FIC_PUBLIC_KEY_PARAMETER: '/missing' });

    await expect(ficPublicKeyFromConfig()).rejects.toThrow(/\/missing/);
    getParameter.mockResolvedValueOnce(JSON.stringify(await exportJWK((await generateKeyPair('ES256', { extractable: true })).publicKey)));
    await expect(ficPublicKeyFromConfig()).resolves.toBeDefined();
  });
});

describe("reloading FIC's public key", () => {
  it('reads SSM again on reload, but at most once per 30 seconds whatever forged tokens arrive', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const first = JSON.stringify(await exportJWK((await generateKeyPair('ES256', { extractable: true })).publicKey));
      const second = JSON.stringify(await exportJWK((await generateKeyPair('ES256', { extractable: true })).publicKey));
      getParameter.mockResolvedValueOnce(first).mockResolvedValueOnce(second);
      const { ficPublicKeyFromConfig, reloadFicPublicKey } = await loadWith({ FIC_PUBLIC_KEY_PARAMETER: '/rotating' });

      const original = await ficPublicKeyFromConfig();
      const tooSoon = await reloadFicPublicKey();
      vi.setSystemTime(Date.now() + 31_000);
      const reloaded = await reloadFicPublicKey();

      expect(tooSoon).toBe(original);
      expect(reloaded).not.toBe(original);
      expect(await ficPublicKeyFromConfig()).toBe(reloaded);
      expect(getParameter).toHaveBeenCalledTimes(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
