/**
 * Builds the CDK app for one stage: the stateful stack (data) and the stateless stack (code),
 * both checked by cdk-nag. Used by `app.ts` and by the tests.
 */
import { App, Tags, type AppProps } from 'aws-cdk-lib';
import { addNagChecks } from './nag.ts';
import { serviceName } from './names.ts';
import { StatefulStack } from './stateful-stack.ts';
import { StatelessStack } from './stateless-stack.ts';
import type { StageConfig } from './stages.ts';

export interface BuildOptions {
  config: StageConfig;
  /** An existing app (the CLI's, which carries its context); a new one from `appProps` otherwise. */
  app?: App;
  appProps?: AppProps;
  /** Run cdk-nag (on by default). */
  nag?: boolean;
}

export interface BuiltApp {
  app: App;
  stateful: StatefulStack;
  stateless: StatelessStack;
}

export const stackNames = (config: StageConfig) => ({
  stateful: `${config.stage}-fic-onboarding-data`,
  stateless: `${config.stage}-fic-onboarding-app`,
});

export function buildApp(options: BuildOptions): BuiltApp {
  const { config } = options;
  const app = options.app ?? new App(options.appProps);
  const env = { account: config.account, region: config.region };
  const names = stackNames(config);
  const stateful = new StatefulStack(app, names.stateful, {
    config,
    env,
    description: `${serviceName} ${config.stage}: table, queues, SES identity (stateful)`,
    terminationProtection: config.tableDeletionProtection,
  });
  const stateless = new StatelessStack(app, names.stateless, {
    config,
    env,
    description: `${serviceName} ${config.stage}: functions, HTTP API, alarms (stateless)`,
  });
  // Deploy order only: the stateless stack reads the data by name, not through exports.
  stateless.addStackDependency(stateful);
  Tags.of(app).add('service', serviceName);
  Tags.of(app).add('stage', config.stage);
  if (options.nag ?? true) addNagChecks(app);
  return { app, stateful, stateless };
}
