/**
 * The CDK app: `npx cdk synth -c stage=dev|staging|prod` (offline), `npx cdk deploy -c stage=…`.
 */
import { App } from 'aws-cdk-lib';
import { buildApp } from './build.ts';
import { deployStages, isDeployStage, resolveStageConfig } from './stages.ts';

const app = new App();
const stage: unknown = app.node.tryGetContext('stage') ?? process.env.STAGE;
if (!isDeployStage(stage)) {
  throw new Error(`Choose a stage: -c stage=${deployStages.join('|')} (got ${String(stage)})`);
}
const config = resolveStageConfig(stage, (key) => app.node.tryGetContext(key) as string | undefined, process.env);
buildApp({ app, config });
app.synth();
