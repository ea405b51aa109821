/**
 * Mints a Studio token signed by the local identity provider's key, which the local JWT check
 * trusts. Usage: npm run token -- --studio S1 [--hours 8]   (--hours 0: an already-expired token)
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadOrCreateKeyPair, localKeyNames } from '../infra/local/keys.ts';
import { mintStudioToken } from '../infra/local/studio-token.ts';
import { config } from '#shared/config';

// The repository root, as infra/local/stack.ts computes it (not imported from there: it loads the AWS SDK).
const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const usage = `Usage: npm run token -- --studio <studio id> [--hours <n>]

Prints a Studio JWT (and nothing else) signed by the local identity provider's key:
  TOKEN=$(npm run -s token -- --studio S1)

Options:
  --studio <id>   the studio id the token carries (required)
  --hours <n>     how long the token is valid, a non-negative number (default 8; decimals ok, e.g. 0.5);
                  --hours 0 gives an already-expired token, to see the API answer 401
  -h, --help      show this text`;

/** A wrong command line: one line saying what is wrong, then the usage, on stderr; exit code 2. */
function usageError(message: string): never {
  console.error(`${message}\n\n${usage}`);
  process.exit(2);
}

function parseCommandLine() {
  try {
    return parseArgs({
      options: {
        studio: { type: 'string' },
        hours: { type: 'string', default: '8' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code !== 'string' || !code.startsWith('ERR_PARSE_ARGS_')) throw error;
    const message = (error as Error).message;
    // parseArgs refuses `--hours -1` as "ambiguous" (the value looks like an option).
    if (/^Option '--hours' argument is ambiguous/.test(message)) usageError('--hours must be a non-negative number of hours.');
    return usageError(message.split('\n')[0]!);
  }
}

/** Hours as a non-negative decimal number ("8", "0", "0.5", ".5"); anything else is refused. */
function parseHours(text: string): number {
  const hours = /^(\d+(\.\d*)?|\.\d+)$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!Number.isFinite(hours)) usageError(`--hours must be a non-negative number of hours, got '${text}'.`);
  return hours;
}

const values = parseCommandLine();
if (values.help) {
  console.log(usage);
  process.exit(0);
}
if (!values.studio) usageError('--studio is required.');
const expiresInSeconds = Math.round(parseHours(values.hours) * 3600);

const settings = config();
const keys = await loadOrCreateKeyPair(path.resolve(repositoryRoot, settings.LOCAL_KEYS_DIR), localKeyNames.studioIssuer);
console.log(
  await mintStudioToken(keys.privateJwk, {
    studioId: values.studio,
    issuer: settings.STUDIO_JWT_ISSUER,
    audience: settings.STUDIO_JWT_AUDIENCE,
    expiresInSeconds,
  }),
);
