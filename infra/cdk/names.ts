/**
 * Physical names of the stateful resources, derived from the topology and the stage (as the local
 * host does: `dev-fic-events`). Both stacks compute them here, so the stateless stack reaches the
 * table and queues by name and ARN, with no CloudFormation export tying the two stacks together:
 * redeploying or removing functions never needs the data stack to change.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { topology, type QueueKey } from '../topology.ts';
import type { DeployStage, StageConfig } from './stages.ts';

export const serviceName = 'agyo-fic-onboarding';

export const resourceName = (stage: DeployStage, baseName: string): string => `${stage}-${baseName}`;

export const tableName = (stage: DeployStage): string => resourceName(stage, topology.table.name);
export const queueName = (stage: DeployStage, queue: QueueKey): string => resourceName(stage, topology.queues[queue].name);
export const deadLetterQueueName = (stage: DeployStage, queue: QueueKey): string =>
  resourceName(stage, topology.queues[queue].deadLetter.name);
export const sesConfigurationSetName = (stage: DeployStage): string => resourceName(stage, serviceName);

export const queueKeys = (): QueueKey[] => Object.keys(topology.queues) as QueueKey[];

export function tableArn(scope: Construct, stage: DeployStage): string {
  return Stack.of(scope).formatArn({ service: 'dynamodb', resource: 'table', resourceName: tableName(stage) });
}

/** One ARN per index (no `index/*`): the topology lists them all. */
export function tableIndexArns(scope: Construct, stage: DeployStage): string[] {
  return topology.table.globalSecondaryIndexes.map((index) =>
    Stack.of(scope).formatArn({ service: 'dynamodb', resource: 'table', resourceName: `${tableName(stage)}/index/${index.indexName}` }),
  );
}

export function queueArn(scope: Construct, name: string): string {
  return Stack.of(scope).formatArn({ service: 'sqs', resource: name, arnFormat: ArnFormat.NO_RESOURCE_NAME });
}

export function queueUrl(scope: Construct, name: string): string {
  const stack = Stack.of(scope);
  return `https://sqs.${stack.region}.${stack.urlSuffix}/${stack.account}/${name}`;
}

export function sesIdentityArn(scope: Construct, identity: string): string {
  return Stack.of(scope).formatArn({ service: 'ses', resource: 'identity', resourceName: identity });
}

export function sesConfigurationSetArn(scope: Construct, name: string): string {
  return Stack.of(scope).formatArn({ service: 'ses', resource: 'configuration-set', resourceName: name });
}

/** The SES identity is the sender's domain, so any address at it may send. */
export function senderDomain(config: StageConfig): string {
  const domain = config.senderAddress.split('@')[1];
  if (!domain) throw new Error(`Invalid sender address for stage ${config.stage}: ${config.senderAddress}`);
  return domain;
}

/** Construct ids from topology keys: `ficEvents` -> `FicEvents`. */
export function pascalCase(camel: string): string {
  return camel.charAt(0).toUpperCase() + camel.slice(1);
}
