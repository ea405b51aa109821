/**
 * The bearer credential for FIC's API: FIC_API_TOKEN locally (the simulator's), or on AWS the
 * Secrets Manager secret named by FIC_API_CREDENTIALS_SECRET (`{"accessToken": "..."}`), cached
 * for five minutes so that a rotation reaches running instances without a redeploy.
 */
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { z } from 'zod';
import { ConfigurationError, config } from '#shared/config';

const secretShape = z.object({ accessToken: z.string().min(1) });

export async function ficApiToken(): Promise<string> {
  const settings = config();
  if (settings.FIC_API_TOKEN) return settings.FIC_API_TOKEN;
  if (!settings.FIC_API_CREDENTIALS_SECRET) {
    throw new ConfigurationError('Set FIC_API_TOKEN or FIC_API_CREDENTIALS_SECRET: FIC cannot be called without a credential');
  }
  const secret = secretShape.safeParse(await getSecret(settings.FIC_API_CREDENTIALS_SECRET, { transform: 'json', maxAge: 300 }));
  if (!secret.success) {
    throw new ConfigurationError(`The secret ${settings.FIC_API_CREDENTIALS_SECRET} must be JSON {"accessToken": "..."}`);
  }
  return secret.data.accessToken;
}
