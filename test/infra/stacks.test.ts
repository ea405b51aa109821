/**
 * The AWS embodiment, stage by stage: every route, queue and function of the topology is deployed
 * with the settings the design asks for, with least privilege, and cdk-nag finds nothing.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { RemovalPolicy } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { resourceEnv, topology, type FunctionKey, type QueueKey } from '../../infra/topology.ts';
import {
  roleOf,
  sesSendActions,
  tableReadActions,
  tableWriteActions,
} from '../../infra/cdk/function-bindings.ts';
import { deadLetterQueueName, queueName, sesConfigurationSetName, tableName } from '../../infra/cdk/names.ts';
import { accessLogFields, functionName } from '../../infra/cdk/stateless-stack.ts';
import { deployStages, ficIssuer } from '../../infra/cdk/stages.ts';
import { parseEnvironment } from '../../shared/config.ts';
import { asArray, flatten, resourcesOfType, synthesizeStage, type CfnResource, type SynthesizedStage } from './synth.ts';

const functionKeys = Object.keys(topology.functions) as FunctionKey[];
const queueKeys = Object.keys(topology.queues) as QueueKey[];

describe.each(deployStages)('stage %s', (stage) => {
  let synth: SynthesizedStage;
  beforeAll(() => {
    synth = synthesizeStage(stage);
  });

  const lambdaOf = (key: FunctionKey): [string, CfnResource] => {
    const found = resourcesOfType(synth.statelessJson, 'AWS::Lambda::Function').find(
      ([, resource]) => resource.Properties?.FunctionName === functionName(synth.config, key),
    );
    if (!found) throw new Error(`no Lambda for ${key}`);
    return found;
  };
  const statementsOf = (key: FunctionKey): { Action: string | string[]; Resource: unknown }[] => {
    const [, fn] = lambdaOf(key);
    const roleId = fn.Properties!.Role['Fn::GetAtt'][0] as string;
    return resourcesOfType(synth.statelessJson, 'AWS::IAM::Policy')
      .filter(([, policy]) => policy.Properties!.Roles.some((role: { Ref: string }) => role.Ref === roleId))
      .flatMap(([, policy]) => policy.Properties!.PolicyDocument.Statement);
  };
  const actionsOf = (key: FunctionKey): string[] => statementsOf(key).flatMap((statement) => asArray(statement.Action));
  const resourcesFor = (key: FunctionKey, action: string): string[] =>
    statementsOf(key)
      .filter((statement) => asArray(statement.Action).includes(action))
      .flatMap((statement) => asArray(statement.Resource).map(flatten));

  describe('stateful stack', () => {
    it('has the table with PITR, the TTL of the topology, on-demand billing and the stage removal policy', () => {
      const retained = synth.config.removalPolicy === RemovalPolicy.RETAIN;
      synth.stateful.hasResource('AWS::DynamoDB::Table', {
        Properties: Match.objectLike({
          TableName: tableName(stage),
          BillingMode: 'PAY_PER_REQUEST',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          TimeToLiveSpecification: { AttributeName: topology.table.ttlAttribute, Enabled: true },
          DeletionProtectionEnabled: synth.config.tableDeletionProtection,
        }),
        DeletionPolicy: retained ? 'Retain' : 'Delete',
        UpdateReplacePolicy: retained ? 'Retain' : 'Delete',
      });
    });

    it.each(queueKeys)('has queue %s with its DLQ, redrive, SQS-managed encryption and TLS only', (key) => {
      const spec = topology.queues[key];
      const queues = resourcesOfType(synth.statefulJson, 'AWS::SQS::Queue');
      const [dlqId, dlq] = queues.find(([, queue]) => queue.Properties?.QueueName === deadLetterQueueName(stage, key))!;
      const [mainId, main] = queues.find(([, queue]) => queue.Properties?.QueueName === queueName(stage, key))!;
      expect(dlq.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: spec.deadLetter.retentionDays * 86_400 });
      expect(main.Properties).toMatchObject({
        SqsManagedSseEnabled: true,
        VisibilityTimeout: spec.visibilityTimeoutSeconds,
        MessageRetentionPeriod: spec.retentionDays * 86_400,
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: spec.deadLetter.maxReceiveCount },
      });
      for (const queueId of [dlqId, mainId]) {
        synth.stateful.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [{ Ref: queueId }],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            ]),
          },
        });
      }
      const retained = synth.config.removalPolicy === RemovalPolicy.RETAIN;
      expect([main.DeletionPolicy, dlq.DeletionPolicy]).toEqual(retained ? ['Retain', 'Retain'] : ['Delete', 'Delete']);
    });

    it('has the SES identity of the sender domain and a configuration set', () => {
      const domain = synth.config.senderAddress.split('@')[1];
      synth.stateful.hasResourceProperties('AWS::SES::ConfigurationSet', { Name: sesConfigurationSetName(stage) });
      synth.stateful.hasResourceProperties('AWS::SES::EmailIdentity', {
        EmailIdentity: domain,
        ConfigurationSetAttributes: { ConfigurationSetName: Match.anyValue() },
      });
    });

    it('holds no function, API or alarm (a code change never touches the data stack)', () => {
      for (const type of ['AWS::Lambda::Function', 'AWS::ApiGatewayV2::Api', 'AWS::CloudWatch::Alarm', 'AWS::IAM::Role']) {
        synth.stateful.resourceCountIs(type, 0);
      }
      expect(JSON.stringify(synth.statelessJson)).not.toContain('Fn::ImportValue');
    });
  });

  describe('functions', () => {
    it('deploys exactly the functions of the topology', () => {
      expect(resourcesOfType(synth.statelessJson, 'AWS::Lambda::Function')).toHaveLength(functionKeys.length);
    });

    it.each(functionKeys)('%s has the shared defaults and its environment', (key) => {
      const spec = topology.functions[key];
      const [, fn] = lambdaOf(key);
      const props = fn.Properties!;
      expect(props).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: spec.memoryMb,
        Timeout: spec.timeoutSeconds,
      });
      const env = props.Environment.Variables as Record<string, unknown>;
      expect(env).toMatchObject({
        STAGE: stage,
        [resourceEnv.tableName]: tableName(stage),
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'agyo-fic-onboarding',
        POWERTOOLS_LOG_LEVEL: synth.config.logLevel,
        LOG_LEVEL: synth.config.logLevel,
      });
      for (const queue of queueKeys) expect(flatten(env[resourceEnv.queueUrl(queue)])).toMatch(new RegExp(`/${queueName(stage, queue)}$`));

      expect(env.SES_SENDER === undefined).toBe(!spec.access.sendsEmail);
      if (spec.access.sendsEmail) {
        expect(env).toMatchObject({ SES_SENDER: synth.config.senderAddress, SES_CONFIGURATION_SET: sesConfigurationSetName(stage) });
      }
      // Every function knows the public URL: links, the webhook's JWT audience, the API document's server.
      expect(env.PUBLIC_BASE_URL).toBeDefined();
      expect(env.FIC_API_CREDENTIALS_SECRET === undefined).toBe(!spec.access.callsFic);
      if (spec.access.callsFic) {
        expect(env).toMatchObject({ FIC_API_BASE_URL: synth.config.fic.apiBaseUrl, FIC_API_CREDENTIALS_SECRET: synth.config.fic.apiCredentialsSecretName });
      }
      const verifiesWebhooks = roleOf(key).verifiesFicWebhooks;
      expect(env.FIC_PUBLIC_KEY_PARAMETER === undefined).toBe(!verifiesWebhooks);
      if (verifiesWebhooks) {
        expect(env).toMatchObject({ FIC_PUBLIC_KEY_PARAMETER: synth.config.fic.publicKeyParameterName, FIC_APP_ID: synth.config.fic.appId, FIC_ISSUER: ficIssuer });
      }
      // No secret value is ever in the template: only names of where to read them.
      expect(JSON.stringify(env)).not.toMatch(/BEGIN PUBLIC KEY|client_secret|password/i);
    });

    it.each(functionKeys)('%s gets an environment that shared/config.ts accepts', (key) => {
      const [, fn] = lambdaOf(key);
      const env = Object.fromEntries(
        Object.entries(fn.Properties!.Environment.Variables as Record<string, unknown>).map(([name, value]) => [
          name,
          // Deploy-time values, as CloudFormation would resolve them.
          flatten(value)
            .replace('${AWS::URLSuffix}', 'amazonaws.com')
            .replace(/\$\{HttpApi\w*\.ApiEndpoint\}/, 'https://abc123.execute-api.eu-south-1.amazonaws.com'),
        ]),
      );
      const parsed = parseEnvironment(env);
      expect(parsed.STAGE).toBe(stage);
      if (env.PUBLIC_BASE_URL) expect(parsed.PUBLIC_BASE_URL).toBe(env.PUBLIC_BASE_URL);
    });

    it.each(functionKeys)('%s logs to its own log group with the stage retention', (key) => {
      const [, fn] = lambdaOf(key);
      const logGroupId = fn.Properties!.LoggingConfig.LogGroup.Ref as string;
      const logGroup = synth.statelessJson.Resources[logGroupId]!;
      expect(logGroup.Properties).toMatchObject({ LogGroupName: `/aws/lambda/${functionName(synth.config, key)}`, RetentionInDays: synth.config.logRetention });
    });

    it.each(functionKeys)('%s has least privilege derived from its access flags', (key) => {
      const { access } = topology.functions[key];
      const actions = actionsOf(key);
      expect(actions.filter((action) => action.includes('*'))).toEqual([]);
      const tableActions = actions.filter((action) => action.startsWith('dynamodb:') && action !== 'dynamodb:DescribeTable');
      const expectedTable = access.table === 'readWrite' ? [...tableReadActions, ...tableWriteActions] : access.table === 'read' ? [...tableReadActions] : [];
      expect(new Set(tableActions)).toEqual(new Set(expectedTable));
      if (access.table) {
        const resources = resourcesFor(key, 'dynamodb:Query');
        expect(resources.some((arn) => arn.endsWith(`:table/${tableName(stage)}`))).toBe(true);
        for (const index of topology.table.globalSecondaryIndexes) {
          expect(resources).toContainEqual(expect.stringMatching(new RegExp(`:table/${tableName(stage)}/index/${index.indexName}$`)));
        }
      }
      const sendsTo: readonly QueueKey[] = access.sendsTo ?? [];
      const consumed = topology.eventSources.filter((source) => source.function === key).map((source) => deadLetterQueueName(stage, source.queue));
      expect(resourcesFor(key, 'sqs:SendMessage').map((arn) => arn.split(':').at(-1)).sort()).toEqual(
        [...sendsTo.map((queue) => queueName(stage, queue)), ...consumed].sort(),
      );
      for (const action of sesSendActions) {
        const resources = resourcesFor(key, action);
        expect(resources.length > 0).toBe(Boolean(access.sendsEmail));
        expect(resources.every((arn) => /:identity\/|:configuration-set\//.test(arn))).toBe(true);
      }
      expect(actions.includes('secretsmanager:GetSecretValue')).toBe(Boolean(access.callsFic));
      expect(actions.includes('ssm:GetParameter')).toBe(roleOf(key).verifiesFicWebhooks);
      const probes = roleOf(key).probesDependencies;
      for (const action of ['dynamodb:DescribeTable', 'sqs:GetQueueAttributes', 'ses:GetAccount']) {
        // GetQueueAttributes also comes with consuming a queue (event source mapping).
        if (action === 'sqs:GetQueueAttributes' && topology.eventSources.some((source) => source.function === key)) continue;
        expect(actions.includes(action)).toBe(probes);
      }
    });

    it('grants no wildcard action on the table anywhere, and no AWS managed policy', () => {
      for (const [, policy] of resourcesOfType(synth.statelessJson, 'AWS::IAM::Policy')) {
        for (const statement of policy.Properties!.PolicyDocument.Statement) {
          for (const action of asArray<string>(statement.Action)) expect(action).not.toMatch(/\*|^dynamodb:\*$/);
        }
      }
      for (const [, role] of resourcesOfType(synth.statelessJson, 'AWS::IAM::Role')) {
        expect(role.Properties?.ManagedPolicyArns).toBeUndefined();
      }
    });
  });

  describe('HTTP API', () => {
    it.each(topology.routes.map((route) => [`${route.method} ${route.path}`, route] as const))('has route %s', (routeKey, route) => {
      const [, cfnRoute] = resourcesOfType(synth.statelessJson, 'AWS::ApiGatewayV2::Route').find(
        ([, resource]) => resource.Properties?.RouteKey === routeKey,
      )!;
      expect(cfnRoute).toBeDefined();
      expect(cfnRoute.Properties!.AuthorizationType).toBe(route.auth === 'studioJwt' ? 'JWT' : 'NONE');
      const integrationId = (cfnRoute.Properties!.Target['Fn::Join'][1][1] as { Ref: string }).Ref;
      const integration = synth.statelessJson.Resources[integrationId]!;
      const [functionId] = lambdaOf(route.function);
      expect(integration.Properties).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: { 'Fn::GetAtt': [functionId, 'Arn'] },
      });
    });

    it('has the Studio JWT authorizer with the stage issuer and audience (when a route uses it)', () => {
      const usesJwt = topology.routes.some((route) => route.auth === 'studioJwt');
      synth.stateless.resourceCountIs('AWS::ApiGatewayV2::Authorizer', usesJwt ? 1 : 0);
      if (usesJwt) {
        synth.stateless.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
          AuthorizerType: 'JWT',
          IdentitySource: ['$request.header.Authorization'],
          JwtConfiguration: { Issuer: synth.config.studioJwt.issuer, Audience: synth.config.studioJwt.audience },
        });
      }
    });

    it("gives FIC's webhook a throttle budget of its own (a 429 would drop FIC's event) and the public health probe a low one", () => {
      const [, cfnStage] = resourcesOfType(synth.statelessJson, 'AWS::ApiGatewayV2::Stage')[0]!;
      const settings = cfnStage.Properties!.RouteSettings as Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }>;
      const { ficWebhook, healthProbe } = synth.config.routeThrottles;
      for (const method of ['GET', 'POST']) {
        expect(settings[`${method} /v1/fic/webhook`]).toEqual({ ThrottlingRateLimit: ficWebhook.rateLimit, ThrottlingBurstLimit: ficWebhook.burstLimit });
      }
      expect(settings['GET /v1/health']).toEqual({ ThrottlingRateLimit: healthProbe.rateLimit, ThrottlingBurstLimit: healthProbe.burstLimit });
      expect(ficWebhook.rateLimit).toBeGreaterThanOrEqual(synth.config.apiThrottle.rateLimit);
      // The stage is created after the routes its settings name.
      const routeIds = resourcesOfType(synth.statelessJson, 'AWS::ApiGatewayV2::Route')
        .filter(([, route]) => ['GET /v1/fic/webhook', 'POST /v1/fic/webhook', 'GET /v1/health'].includes(route.Properties!.RouteKey as string))
        .map(([id]) => id);
      expect(cfnStage.DependsOn).toEqual(expect.arrayContaining(routeIds));
    });

    it('throttles the default stage and writes JSON access logs with routeKey, never the path', () => {
      const [, cfnStage] = resourcesOfType(synth.statelessJson, 'AWS::ApiGatewayV2::Stage')[0]!;
      expect(cfnStage.Properties).toMatchObject({
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingBurstLimit: synth.config.apiThrottle.burstLimit, ThrottlingRateLimit: synth.config.apiThrottle.rateLimit },
      });
      const format = JSON.parse(cfnStage.Properties!.AccessLogSettings.Format as string) as Record<string, string>;
      expect(format).toEqual(accessLogFields);
      expect(format.routeKey).toBe('$context.routeKey');
      expect(Object.values(format).join(' ')).not.toMatch(/\$context\.(path|resourcePath)|rawPath|\$request/);
      const logGroupId = cfnStage.Properties!.AccessLogSettings.DestinationArn['Fn::GetAtt'][0] as string;
      expect(synth.statelessJson.Resources[logGroupId]!.Properties).toMatchObject({ RetentionInDays: synth.config.logRetention });
    });

    it('maps the custom domain when the stage has a public API URL', () => {
      synth.stateless.resourceCountIs('AWS::ApiGatewayV2::DomainName', synth.config.publicApiUrl ? 1 : 0);
      if (synth.config.publicApiUrl) {
        synth.stateless.hasResourceProperties('AWS::ApiGatewayV2::DomainName', { DomainName: new URL(synth.config.publicApiUrl).hostname });
        synth.stateless.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 1);
      }
    });
  });

  describe('SQS event sources', () => {
    it('maps exactly the event sources of the topology', () => {
      synth.stateless.resourceCountIs('AWS::Lambda::EventSourceMapping', topology.eventSources.length);
    });

    it.each(topology.eventSources.map((source) => [`${source.queue} -> ${source.function}`, source] as const))(
      '%s reports batch item failures, with batch size, window and concurrency',
      (_name, source) => {
        const [functionId] = lambdaOf(source.function);
        const mapping = resourcesOfType(synth.statelessJson, 'AWS::Lambda::EventSourceMapping').find(
          ([, resource]) => resource.Properties?.FunctionName?.Ref === functionId && flatten(resource.Properties?.EventSourceArn).endsWith(`:${queueName(stage, source.queue)}`),
        );
        expect(mapping).toBeDefined();
        expect(mapping![1].Properties).toMatchObject({
          BatchSize: source.batchSize,
          MaximumBatchingWindowInSeconds: source.maxBatchingWindowSeconds,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          ScalingConfig: { MaximumConcurrency: Math.max(2, source.maxConcurrency) },
        });
        expect(topology.queues[source.queue].visibilityTimeoutSeconds).toBeGreaterThanOrEqual(6 * topology.functions[source.function].timeoutSeconds);
      },
    );

    it('every mapping reports batch item failures', () => {
      for (const [, mapping] of resourcesOfType(synth.statelessJson, 'AWS::Lambda::EventSourceMapping')) {
        expect(mapping.Properties!.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      }
    });
  });

  describe('alarms', () => {
    const alarms = () => resourcesOfType(synth.statelessJson, 'AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties!);
    const topicId = () => resourcesOfType(synth.statelessJson, 'AWS::SNS::Topic')[0]![0];

    it('sends every alarm to the stage topic, subscribed by the alarm email, encrypted and TLS-only', () => {
      synth.stateless.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: synth.config.alarmEmail });
      synth.stateless.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
      synth.stateless.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
      for (const alarm of alarms()) {
        expect(alarm.AlarmActions).toEqual([{ Ref: topicId() }]);
        expect(alarm.Period).toBe(synth.config.alarmPeriod.toSeconds());
      }
    });

    it.each(queueKeys)('alarms when the %s dead-letter queue holds a message', (key) => {
      const dlqAlarm = alarms().find(
        (alarm) => alarm.MetricName === 'ApproximateNumberOfMessagesVisible' && alarm.Dimensions?.[0]?.Value === deadLetterQueueName(stage, key),
      );
      expect(dlqAlarm).toMatchObject({ Namespace: 'AWS/SQS', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    });

    it.each(functionKeys)('alarms on errors of %s', (key) => {
      const [functionId] = lambdaOf(key);
      const errors = alarms().find((alarm) => alarm.MetricName === 'Errors' && alarm.Dimensions?.[0]?.Value?.Ref === functionId);
      expect(errors).toMatchObject({ Namespace: 'AWS/Lambda', Threshold: 0, Statistic: 'Sum' });
    });

    it('alarms on API 5xx', () => {
      expect(alarms().find((alarm) => alarm.MetricName === '5xx')).toMatchObject({ Namespace: 'AWS/ApiGateway', Threshold: 0 });
    });
  });

  it('is clean under cdk-nag AwsSolutions: synthesis passed and nothing is reported', () => {
    expect(synth.validationReport?.pluginReports.flatMap((report) => report.violations) ?? []).toEqual([]);
  });
});

describe('prod differs from dev and staging where it must', () => {
  let dev: SynthesizedStage;
  let prod: SynthesizedStage;
  beforeAll(() => {
    dev = synthesizeStage('dev');
    prod = synthesizeStage('prod');
  });

  it('retains and protects the table in prod only', () => {
    const table = (synth: SynthesizedStage) => resourcesOfType(synth.statefulJson, 'AWS::DynamoDB::Table')[0]![1];
    expect(table(prod)).toMatchObject({ DeletionPolicy: 'Retain', Properties: { DeletionProtectionEnabled: true } });
    expect(table(dev)).toMatchObject({ DeletionPolicy: 'Delete', Properties: { DeletionProtectionEnabled: false } });
  });

  it('retains queues and log groups in prod only', () => {
    for (const [synth, policy] of [[prod, 'Retain'], [dev, 'Delete']] as const) {
      for (const type of ['AWS::SQS::Queue']) {
        for (const [, resource] of resourcesOfType(synth.statefulJson, type)) expect(resource.DeletionPolicy).toBe(policy);
      }
      for (const [, resource] of resourcesOfType(synth.statelessJson, 'AWS::Logs::LogGroup')) expect(resource.DeletionPolicy).toBe(policy);
    }
  });

  it('alarms faster and keeps logs longer in prod', () => {
    expect(prod.config.alarmPeriod.toSeconds()).toBeLessThan(dev.config.alarmPeriod.toSeconds());
    expect(prod.config.logRetention).toBeGreaterThan(dev.config.logRetention);
    expect(prod.config.logLevel).toBe('INFO');
  });
});
