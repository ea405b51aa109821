/**
 * The one place that turns a function's `access` flags (and the routes it serves) into what it
 * needs on AWS: environment variables and least-privilege IAM statements. A new function in the
 * topology gets its bindings from here with no change elsewhere.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { resourceEnv, topology, type FunctionKey, type FunctionSpec, type QueueKey } from '../topology.ts';
import {
  deadLetterQueueName,
  queueArn,
  queueKeys,
  queueName,
  queueUrl,
  sesConfigurationSetArn,
  sesConfigurationSetName,
  sesIdentityArn,
  serviceName,
  tableArn,
  tableIndexArns,
  tableName,
} from './names.ts';
import { ficIssuer, type StageConfig } from './stages.ts';


export const tableReadActions = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
] as const;
// Only what the repository and the mailer call: items are never deleted (TTL expires them), mail is SendEmail.
export const tableWriteActions = ['dynamodb:PutItem', 'dynamodb:UpdateItem'] as const;
export const sesSendActions = ['ses:SendEmail'] as const;

export interface BindingContext {
  config: StageConfig;
  /** Base URL of the public API (custom domain, or the API Gateway endpoint as a token). */
  publicApiUrl: string;
  senderDomain: string;
}

export interface FunctionBinding {
  environment: Record<string, string>;
  statements: PolicyStatement[];
  /** IAM statements that need a resource wildcard, each with why (for the cdk-nag acknowledgement). */
  wildcardReasons: { finding: string; reason: string }[];
}

/** Duties beyond data access: the FIC webhook verifies signatures, health probes every dependency. */
export function roleOf(key: FunctionKey): { verifiesFicWebhooks: boolean; probesDependencies: boolean } {
  const { access } = topology.functions[key];
  return { verifiesFicWebhooks: access.verifiesFicWebhooks === true, probesDependencies: access.probesDependencies === true };
}

export function bindingFor(scope: Construct, key: FunctionKey, context: BindingContext): FunctionBinding {
  const spec: FunctionSpec = topology.functions[key];
  const { access } = spec;
  const { config } = context;
  const stage = config.stage;
  const role = roleOf(key);
  const environment: Record<string, string> = {
    STAGE: stage,
    [resourceEnv.tableName]: tableName(stage),
    ...Object.fromEntries(queueKeys().map((queue) => [resourceEnv.queueUrl(queue), queueUrl(scope, queueName(stage, queue))])),
    LOG_LEVEL: config.logLevel,
    POWERTOOLS_SERVICE_NAME: serviceName,
    POWERTOOLS_LOG_LEVEL: config.logLevel,
    POWERTOOLS_METRICS_NAMESPACE: serviceName,
    POWERTOOLS_LOGGER_LOG_EVENT: 'false',
    STUDIO_JWT_ISSUER: config.studioJwt.issuer,
    STUDIO_JWT_AUDIENCE: config.studioJwt.audience.join(','),
    // Links (activation emails and page), the webhook's JWT audience and the API document's server.
    PUBLIC_BASE_URL: context.publicApiUrl,
    NODE_OPTIONS: '--enable-source-maps',
  };
  const statements: PolicyStatement[] = [];
  const wildcardReasons: FunctionBinding['wildcardReasons'] = [];

  if (access.table) {
    const actions = access.table === 'readWrite' ? [...tableReadActions, ...tableWriteActions] : [...tableReadActions];
    statements.push(allow(actions, [tableArn(scope, stage), ...tableIndexArns(scope, stage)]));
  }
  const sendsTo: readonly QueueKey[] = access.sendsTo ?? [];
  if (sendsTo.length > 0) {
    statements.push(allow(['sqs:SendMessage'], sendsTo.map((queue) => queueArn(scope, queueName(stage, queue)))));
  }
  // A consumer records messages that can never succeed on its source queue's DLQ, with the reason.
  const consumedQueues = topology.eventSources.filter((source) => source.function === key).map((source) => source.queue);
  if (consumedQueues.length > 0) {
    statements.push(allow(['sqs:SendMessage'], consumedQueues.map((queue) => queueArn(scope, deadLetterQueueName(stage, queue)))));
  }
  if (access.sendsEmail) {
    Object.assign(environment, {
      SES_SENDER: config.senderAddress,
      SES_CONFIGURATION_SET: sesConfigurationSetName(stage),
    });
    statements.push(
      allow(
        [...sesSendActions],
        [sesIdentityArn(scope, context.senderDomain), sesConfigurationSetArn(scope, sesConfigurationSetName(stage))],
      ),
    );
  }
  if (access.callsFic) {
    Object.assign(environment, {
      FIC_API_BASE_URL: config.fic.apiBaseUrl,
      FIC_API_CREDENTIALS_SECRET: config.fic.apiCredentialsSecretName,
    });
    // Secrets Manager appends six random characters to a secret's name in its ARN.
    statements.push(
      allow(
        ['secretsmanager:GetSecretValue'],
        [Stack.of(scope).formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: `${config.fic.apiCredentialsSecretName}-??????`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      ),
    );
  }
  if (role.verifiesFicWebhooks) {
    Object.assign(environment, {
      FIC_PUBLIC_KEY_PARAMETER: config.fic.publicKeyParameterName,
      FIC_APP_ID: config.fic.appId,
      FIC_ISSUER: ficIssuer,
    });
    statements.push(allow(['ssm:GetParameter'], [parameterArn(scope, config.fic.publicKeyParameterName)]));
  }
  if (role.probesDependencies) {
    statements.push(allow(['dynamodb:DescribeTable'], [tableArn(scope, stage)]));
    statements.push(allow(['sqs:GetQueueAttributes'], queueKeys().map((queue) => queueArn(scope, queueName(stage, queue)))));
    statements.push(allow(['ses:GetAccount'], ['*']));
    wildcardReasons.push({
      finding: 'Resource::*',
      reason: 'ses:GetAccount reads account-level sending status and supports no resource-level permission.',
    });
  }
  return { environment, statements, wildcardReasons };
}

function allow(actions: string[], resources: string[]): PolicyStatement {
  return new PolicyStatement({ effect: Effect.ALLOW, actions, resources });
}

function parameterArn(scope: Construct, name: string): string {
  return Stack.of(scope).formatArn({ service: 'ssm', resource: 'parameter', resourceName: name.replace(/^\//, '') });
}
