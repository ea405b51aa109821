/**
 * Per-stage settings of the AWS embodiment, typed and in one place. Values that differ per AWS
 * account (account id, region, certificate) come from CDK context or the environment; the rest is
 * fixed here so that a review of this file shows everything a stage is.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

export const deployStages = ['dev', 'staging', 'prod'] as const;
export type DeployStage = (typeof deployStages)[number];

/** An account id no one owns: `cdk synth` works offline, `cdk deploy` refuses it. */
export const placeholderAccount = '000000000000';
export const defaultRegion = 'eu-south-1';

export interface StageConfig {
  stage: DeployStage;
  account: string;
  region: string;
  /** The From address of every mail; its domain becomes the SES email identity. */
  senderAddress: string;
  /**
   * Where FIC and the companies reach the API (webhook audience, activation links). When set, the
   * API gets this custom domain with `apiCertificateArn`; when absent, the API Gateway endpoint is used.
   */
  publicApiUrl?: string;
  apiCertificateArn?: string;
  fic: {
    /** FIC application id (the `aud`-side identity of our app in FIC's webhooks). */
    appId: string;
    /** SSM String parameter holding FIC's webhook-signing public key (PEM or JWK). Set out of band. */
    publicKeyParameterName: string;
    /** Secrets Manager secret with FIC API credentials (JSON). Set out of band. */
    apiCredentialsSecretName: string;
    apiBaseUrl: string;
  };
  studioJwt: { issuer: string; audience: string[] };
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  logRetention: RetentionDays;
  alarmEmail: string;
  /** Applies to the table, the queues and the log groups. */
  removalPolicy: RemovalPolicy;
  /** DynamoDB deletion protection: a `cdk destroy` or a console click cannot drop the table. */
  tableDeletionProtection: boolean;
  /** Throttling of the API's default stage. */
  apiThrottle: { rateLimit: number; burstLimit: number };
  /**
   * Per-route limits that override the stage's. FIC's webhook gets its own, higher budget: a 429
   * would make FIC drop the event and start expiring the subscription, so other routes' traffic must
   * never use it up. The public health probe gets a low one: each call costs three AWS requests.
   */
  routeThrottles: { ficWebhook: { rateLimit: number; burstLimit: number }; healthProbe: { rateLimit: number; burstLimit: number } };
  alarmPeriod: Duration;
}

export const ficIssuer = 'https://api-v2.fattureincloud.it';
const ficApiBaseUrl = 'https://api-v2.fattureincloud.it';

type StageDefaults = Omit<StageConfig, 'account' | 'region'> & { defaultRegion: string };

export const stages: Record<DeployStage, StageDefaults> = {
  dev: {
    stage: 'dev',
    defaultRegion,
    senderAddress: 'no-reply@dev.onboarding.example.com',
    fic: {
      appId: 'FIC_APP_ID_DEV',
      publicKeyParameterName: '/agyo-fic-onboarding/dev/fic/webhook-public-key',
      apiCredentialsSecretName: 'agyo-fic-onboarding/dev/fic/api-credentials',
      apiBaseUrl: ficApiBaseUrl,
    },
    studioJwt: { issuer: 'https://idp.dev.example.com/', audience: ['agyo-fic-onboarding-dev'] },
    logLevel: 'DEBUG',
    logRetention: RetentionDays.ONE_WEEK,
    alarmEmail: 'oncall-dev@example.com',
    removalPolicy: RemovalPolicy.DESTROY,
    tableDeletionProtection: false,
    apiThrottle: { rateLimit: 20, burstLimit: 40 },
    routeThrottles: { ficWebhook: { rateLimit: 50, burstLimit: 100 }, healthProbe: { rateLimit: 2, burstLimit: 5 } },
    alarmPeriod: Duration.minutes(5),
  },
  staging: {
    stage: 'staging',
    defaultRegion,
    senderAddress: 'no-reply@staging.onboarding.example.com',
    publicApiUrl: 'https://api.staging.onboarding.example.com',
    fic: {
      appId: 'FIC_APP_ID_STAGING',
      publicKeyParameterName: '/agyo-fic-onboarding/staging/fic/webhook-public-key',
      apiCredentialsSecretName: 'agyo-fic-onboarding/staging/fic/api-credentials',
      apiBaseUrl: ficApiBaseUrl,
    },
    studioJwt: { issuer: 'https://idp.staging.example.com/', audience: ['agyo-fic-onboarding-staging'] },
    logLevel: 'INFO',
    logRetention: RetentionDays.ONE_MONTH,
    alarmEmail: 'oncall-staging@example.com',
    removalPolicy: RemovalPolicy.DESTROY,
    tableDeletionProtection: false,
    apiThrottle: { rateLimit: 50, burstLimit: 100 },
    routeThrottles: { ficWebhook: { rateLimit: 200, burstLimit: 400 }, healthProbe: { rateLimit: 2, burstLimit: 5 } },
    alarmPeriod: Duration.minutes(5),
  },
  prod: {
    stage: 'prod',
    defaultRegion,
    senderAddress: 'no-reply@onboarding.example.com',
    publicApiUrl: 'https://api.onboarding.example.com',
    fic: {
      appId: 'FIC_APP_ID_PROD',
      publicKeyParameterName: '/agyo-fic-onboarding/prod/fic/webhook-public-key',
      apiCredentialsSecretName: 'agyo-fic-onboarding/prod/fic/api-credentials',
      apiBaseUrl: ficApiBaseUrl,
    },
    studioJwt: { issuer: 'https://idp.example.com/', audience: ['agyo-fic-onboarding'] },
    logLevel: 'INFO',
    logRetention: RetentionDays.SIX_MONTHS,
    alarmEmail: 'oncall@example.com',
    removalPolicy: RemovalPolicy.RETAIN,
    tableDeletionProtection: true,
    apiThrottle: { rateLimit: 100, burstLimit: 200 },
    routeThrottles: { ficWebhook: { rateLimit: 500, burstLimit: 1000 }, healthProbe: { rateLimit: 5, burstLimit: 10 } },
    alarmPeriod: Duration.minutes(1),
  },
};

export function isDeployStage(value: unknown): value is DeployStage {
  return typeof value === 'string' && (deployStages as readonly string[]).includes(value);
}

/** Reads CDK context (`-c key=value`) first, then the environment. */
export type Lookup = (contextKey: string) => string | undefined;

/**
 * The stage's full settings: the fixed ones above plus the account-specific ones from context or
 * environment (`-c account=… -c region=… -c apiCertificateArn=…`, or `CDK_DEPLOY_ACCOUNT`,
 * `CDK_DEPLOY_REGION`). The CLI's own `CDK_DEFAULT_ACCOUNT`/`CDK_DEFAULT_REGION` (whatever the
 * current credentials point at) are ignored on purpose: deploying a stage names its account.
 */
export function resolveStageConfig(stage: DeployStage, context: Lookup, env: NodeJS.ProcessEnv = {}): StageConfig {
  const { defaultRegion: stageRegion, ...defaults } = stages[stage];
  const account = context('account') ?? env.CDK_DEPLOY_ACCOUNT ?? placeholderAccount;
  const region = context('region') ?? env.CDK_DEPLOY_REGION ?? stageRegion;
  if (!/^\d{12}$/.test(account)) throw new Error(`Invalid AWS account id for stage ${stage}: ${account}`);
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) throw new Error(`Invalid AWS region for stage ${stage}: ${region}`);
  const apiCertificateArn =
    context('apiCertificateArn') ??
    (defaults.publicApiUrl ? `arn:aws:acm:${region}:${account}:certificate/00000000-0000-0000-0000-000000000000` : undefined);
  return { ...defaults, account, region, ...(apiCertificateArn ? { apiCertificateArn } : {}) };
}
