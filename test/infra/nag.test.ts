/** cdk-nag is wired the v3 way and does fail synthesis: a control that a finding is not silently lost. */
import { App, Stack } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { addNagChecks } from '../../infra/cdk/nag.ts';

describe('cdk-nag', () => {
  it('fails synthesis on an unacknowledged AwsSolutions finding', () => {
    const app = new App();
    new Queue(new Stack(app, 'Control'), 'PlainQueue');
    addNagChecks(app);
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
  });
});
