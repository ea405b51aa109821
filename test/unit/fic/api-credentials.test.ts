import { afterEach, describe, expect, it, vi } from 'vitest';

const getSecret = vi.fn();
vi.mock('@aws-lambda-powertools/parameters/secrets', () => ({ getSecret }));

async function loadWith(env: Record<string, string>) {
  vi.resetModules();
  vi.stubEnv('FIC_API_TOKEN', undefined);
  vi.stubEnv('FIC_API_CREDENTIALS_SECRET', undefined);
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  return import('#shared/fic/api-credentials');
}

afterEach(() => {
  vi.unstubAllEnvs();
  getSecret.mockReset();
});

describe('FIC API credentials', () => {
  it('uses FIC_API_TOKEN when set (local)', async () => {
    const { ficApiToken } = await loadWith({ FIC_API_TOKEN: 'local-token' });

    expect(await ficApiToken()).toBe('local-token');
    expect(getSecret).not.toHaveBeenCalled();
  });

  it('reads the access token from the Secrets Manager secret (AWS), cached for five minutes', async () => {
    getSecret.mockResolvedValue({ accessToken: 'from-secrets-manager' });
    const { ficApiToken } = await loadWith({ FIC_API_CREDENTIALS_SECRET: 'agyo/dev/fic/api-credentials' });

    expect(await ficApiToken()).toBe('from-secrets-manager');
    expect(getSecret).toHaveBeenCalledWith('agyo/dev/fic/api-credentials', { transform: 'json', maxAge: 300 });
  });

  it('refuses a secret of the wrong shape, and no configuration at all, by name', async () => {
    getSecret.mockResolvedValue({ token: 'x' });
    const misshapen = await loadWith({ FIC_API_CREDENTIALS_SECRET: 'agyo/dev/fic/api-credentials' });
    await expect(misshapen.ficApiToken()).rejects.toThrow(/accessToken/);

    const unconfigured = await loadWith({});
    await expect(unconfigured.ficApiToken()).rejects.toThrow(/FIC_API_TOKEN or FIC_API_CREDENTIALS_SECRET/);
  });
});
