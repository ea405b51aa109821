/** cdk-nag's AWS Solutions rules on the whole app (v3 API: a validation plugin; findings fail synthesis). */
import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

export function addNagChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
}
