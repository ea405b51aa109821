/**
 * The one place that reads environment variables. Every value is validated; local defaults make
 * `npm start` work with no setup, and the CDK app sets the real values on AWS.
 */
import { z } from 'zod';

const stage = z.enum(['local', 'dev', 'staging', 'prod']);
export type Stage = z.infer<typeof stage>;

const optionalUrl = z.url().optional();

const environmentSchema = z.object({
  STAGE: stage.default('local'),
  AWS_REGION: z.string().min(1).default('eu-south-1'),
  TABLE_NAME: z.string().min(3).default('local-onboarding'),
  FIC_EVENTS_QUEUE_URL: z.url().optional(),
  /** Standard SDK names for service-specific endpoints; set only when talking to emulators. */
  AWS_ENDPOINT_URL_DYNAMODB: optionalUrl,
  AWS_ENDPOINT_URL_SQS: optionalUrl,
  AWS_ENDPOINT_URL_SES: optionalUrl,
  /** The Studio identity provider's token contract (API Gateway's JWT authorizer checks the same). */
  STUDIO_JWT_ISSUER: z.string().min(1).default('agyo-local-idp'),
  STUDIO_JWT_AUDIENCE: z.string().min(1).default('agyo-fic-onboarding'),
  /** Folder of the local key pairs (studio issuer, FIC simulator); git-ignored. */
  LOCAL_KEYS_DIR: z.string().min(1).default('.local/keys'),
  /** Where the public API answers (activation links, the webhook's JWT audience). */
  PUBLIC_BASE_URL: z.url().default('http://127.0.0.1:3000'),
  /** Confirmation emails: verified sender identity and (on AWS) the SES configuration set. */
  SES_SENDER: z.string().min(3).default('Agyo <no-reply@agyo.local>'),
  SES_CONFIGURATION_SET: z.string().min(1).optional(),
  /** Fatture in Cloud webhooks: the token issuer, our app id, and FIC's ES256 public key. */
  FIC_ISSUER: z.string().min(1).default('https://api-v2.fattureincloud.it'),
  FIC_APP_ID: z.string().min(1).default('local-fic-app'),
  /** The public key as a JWK (local) or the SSM parameter holding it (AWS): one of the two. */
  FIC_PUBLIC_KEY_JWK: z.string().min(1).optional(),
  FIC_PUBLIC_KEY_PARAMETER: z.string().min(1).optional(),
  /** Fatture in Cloud's API for outbound connection requests (locally: the FIC simulator). */
  FIC_API_BASE_URL: z.url().default('http://127.0.0.1:3100'),
  /** Bearer credential for FIC's API (local), or the Secrets Manager secret holding it (AWS). */
  FIC_API_TOKEN: z.string().min(1).optional(),
  FIC_API_CREDENTIALS_SECRET: z.string().min(1).optional(),
  FIC_OUTBOUND_QUEUE_URL: z.url().optional(),
  /**
   * How long the processor that owes a confirmation email holds it before a redelivery may take it over.
   * Must stay below the fic-events visibility timeout (180 s): a redelivery of a crashed sender's message
   * that still finds the lease held acknowledges it, and the email would never be sent. Tests that
   * provision the queue with a shorter visibility timeout shorten this too.
   */
  FIC_EMAIL_LEASE_SECONDS: z.coerce.number().int().min(1).max(900).default(60),
  LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT']).default('INFO'),
});

/** The JWT claim that carries the Studio's id (set by the identity provider, never by the body). */
export const studioIdClaim = 'studio_id';

export type Config = z.infer<typeof environmentSchema>;

export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

let cached: Config | undefined;

/** Reads and validates the environment once per process (a Lambda's cold start). */
export function config(): Config {
  cached ??= parseEnvironment(process.env);
  return cached;
}

export function parseEnvironment(env: NodeJS.ProcessEnv): Config {
  const result = environmentSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigurationError(`Invalid environment: ${problems.join('; ')}`);
  }
  return result.data;
}

/** Reads a value a function cannot work without, with an error that names it. */
export function required<K extends keyof Config>(key: K): NonNullable<Config[K]> {
  const value = config()[key];
  if (value === undefined || value === null || value === '') {
    throw new ConfigurationError(`Missing environment variable ${String(key)}`);
  }
  return value as NonNullable<Config[K]>;
}
