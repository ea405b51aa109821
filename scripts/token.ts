/**
 * Mints a Studio token signed by the local identity provider's key, which the local JWT check
 * trusts. Usage: npm run token -- --studio S1 [--hours 8]
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadOrCreateKeyPair, localKeyNames } from '../infra/local/keys.ts';
import { repositoryRoot } from '../infra/local/stack.ts';
import { mintStudioToken } from '../infra/local/studio-token.ts';
import { config } from '#shared/config';

const { values } = parseArgs({
  options: { studio: { type: 'string' }, hours: { type: 'string', default: '8' } },
});
if (!values.studio) {
  console.error('Usage: npm run token -- --studio <studio id> [--hours 8]');
  process.exit(2);
}
const settings = config();
const keys = await loadOrCreateKeyPair(path.resolve(repositoryRoot, settings.LOCAL_KEYS_DIR), localKeyNames.studioIssuer);
console.log(
  await mintStudioToken(keys.privateJwk, {
    studioId: values.studio,
    issuer: settings.STUDIO_JWT_ISSUER,
    audience: settings.STUDIO_JWT_AUDIENCE,
    expiresInSeconds: Number(values.hours) * 3600,
  }),
);
