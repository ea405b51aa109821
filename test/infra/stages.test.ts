/** The per-stage configuration: complete, coherent, and what each stage must be. */
import { RemovalPolicy } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { defaultRegion, deployStages, placeholderAccount, resolveStageConfig, stages, type DeployStage } from '../../infra/cdk/stages.ts';

const none = () => undefined;

describe.each(deployStages)('stage %s config', (stage) => {
  const config = resolveStageConfig(stage, none);

  it('is complete and well formed', () => {
    expect(config.stage).toBe(stage);
    expect(config.senderAddress).toMatch(/^[^@\s]+@[a-z0-9.-]+\.[a-z]{2,}$/);
    expect(config.alarmEmail).toMatch(/^[^@\s]+@[a-z0-9.-]+\.[a-z]{2,}$/);
    if (config.publicApiUrl) expect(new URL(config.publicApiUrl).protocol).toBe('https:');
    expect(config.fic.publicKeyParameterName).toMatch(new RegExp(`^/[\\w-]+/${stage}/`));
    expect(config.fic.apiCredentialsSecretName).toContain(`/${stage}/`);
    expect(config.fic.apiBaseUrl).toBe('https://api-v2.fattureincloud.it');
    expect(config.studioJwt.audience.length).toBeGreaterThan(0);
    expect(new URL(config.studioJwt.issuer).protocol).toBe('https:');
    expect(config.apiThrottle.burstLimit).toBeGreaterThanOrEqual(config.apiThrottle.rateLimit);
  });

  it('uses placeholders offline, and the account and region given by context or environment', () => {
    expect(config).toMatchObject({ account: placeholderAccount, region: defaultRegion });
    const fromContext = resolveStageConfig(stage, (key) => ({ account: '123456789012', region: 'eu-west-1' })[key]);
    expect(fromContext).toMatchObject({ account: '123456789012', region: 'eu-west-1' });
    const fromEnv = resolveStageConfig(stage, none, { CDK_DEPLOY_ACCOUNT: '210987654321', CDK_DEPLOY_REGION: 'eu-central-1' });
    expect(fromEnv).toMatchObject({ account: '210987654321', region: 'eu-central-1' });
    // The CLI's ambient defaults (whatever the current credentials are) never choose the target.
    expect(resolveStageConfig(stage, none, { CDK_DEFAULT_ACCOUNT: '111122223333', CDK_DEFAULT_REGION: 'us-east-1' })).toMatchObject({
      account: placeholderAccount,
      region: defaultRegion,
    });
    expect(() => resolveStageConfig(stage, (key) => (key === 'account' ? 'nope' : undefined))).toThrow(/account/);
  });
});

describe('stages differ where they must', () => {
  const config = (stage: DeployStage) => resolveStageConfig(stage, none);

  it('prod retains data and protects the table; dev and staging can be torn down', () => {
    expect(config('prod')).toMatchObject({ removalPolicy: RemovalPolicy.RETAIN, tableDeletionProtection: true });
    for (const stage of ['dev', 'staging'] as const) {
      expect(config(stage)).toMatchObject({ removalPolicy: RemovalPolicy.DESTROY, tableDeletionProtection: false });
    }
  });

  it('no two stages share a sender, a FIC secret, a FIC key parameter, a JWT audience or an API URL', () => {
    for (const pick of [
      (stage: DeployStage) => stages[stage].senderAddress,
      (stage: DeployStage) => stages[stage].fic.apiCredentialsSecretName,
      (stage: DeployStage) => stages[stage].fic.publicKeyParameterName,
      (stage: DeployStage) => stages[stage].studioJwt.audience.join(),
      (stage: DeployStage) => stages[stage].publicApiUrl ?? 'api-gateway-endpoint',
    ]) {
      expect(new Set(deployStages.map(pick)).size).toBe(deployStages.length);
    }
  });

  it('matches the reviewed snapshot', () => {
    const view = Object.fromEntries(
      deployStages.map((stage) => {
        const { alarmPeriod, removalPolicy, ...rest } = config(stage);
        return [stage, { ...rest, removalPolicy, alarmPeriodSeconds: alarmPeriod.toSeconds() }];
      }),
    );
    expect(view).toMatchSnapshot();
  });
});
