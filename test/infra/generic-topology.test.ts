/**
 * The CDK app is generic over the topology: a topology that uses every feature (Studio JWT routes,
 * the FIC webhook, FIC-calling and mail-sending consumers, a second queue, event sources) is
 * deployed with no change in `infra/cdk`, least-privileged, and still clean under cdk-nag.
 * The real topology grows into this shape; this test proves the app is ready for it.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type * as TopologyModule from '../../infra/topology.ts';
import { asArray, flatten, resourcesOfType, synthesizeStage, type SynthesizedStage } from './synth.ts';

vi.mock(import('../../infra/topology.ts'), async (importOriginal) => {
  const original = await importOriginal();
  const entry = 'functions/health.ts'; // any existing handler: bundling is skipped here
  const functions = {
    ...original.topology.functions,
    ficWebhook: { entry, description: 'FIC webhook', timeoutSeconds: 5, memoryMb: 256, access: { sendsTo: ['ficEvents'], verifiesFicWebhooks: true } },
    ficEventsProcessor: { entry, description: 'FIC events', timeoutSeconds: 30, memoryMb: 512, access: { table: 'readWrite', sendsTo: ['ficOutbound'], sendsEmail: true } },
    ficOutboundSender: { entry, description: 'FIC outbound', timeoutSeconds: 20, memoryMb: 256, access: { table: 'readWrite', callsFic: true } },
    createCompany: { entry, description: 'Studio: create company', timeoutSeconds: 10, memoryMb: 256, access: { table: 'readWrite', sendsEmail: true } },
    showActivation: { entry, description: 'Activation page', timeoutSeconds: 10, memoryMb: 256, access: { table: 'read' } },
  };
  const queues = {
    ...original.topology.queues,
    ficOutbound: {
      name: 'fic-outbound',
      visibilityTimeoutSeconds: 120,
      retentionDays: 4,
      deadLetter: { name: 'fic-outbound-dlq', maxReceiveCount: 8, retentionDays: 14 },
    },
  };
  const extraRoutes = [
    { method: 'POST', path: '/v1/fic/webhook', function: 'ficWebhook', auth: 'none' },
    { method: 'POST', path: '/v1/companies', function: 'createCompany', auth: 'studioJwt' },
    { method: 'GET', path: '/v1/activations/{token}', function: 'showActivation', auth: 'none' },
    { method: 'HEAD', path: '/v1/activations/{token}', function: 'showActivation', auth: 'none' },
  ];
  // The mocked routes take the place of real ones with the same method and path.
  const routes = [
    ...original.topology.routes.filter((route) => !extraRoutes.some((extra) => extra.method === route.method && extra.path === route.path)),
    ...extraRoutes,
  ];
  const eventSources = [
    { queue: 'ficEvents', function: 'ficEventsProcessor', batchSize: 5, maxBatchingWindowSeconds: 1, maxConcurrency: 1, reportBatchItemFailures: true },
    { queue: 'ficOutbound', function: 'ficOutboundSender', batchSize: 1, maxBatchingWindowSeconds: 0, maxConcurrency: 3, reportBatchItemFailures: true },
  ];
  return { ...original, topology: { ...original.topology, functions, queues, routes, eventSources } } as unknown as typeof TopologyModule;
});

const { topology } = await import('../../infra/topology.ts');

describe('a topology using every feature', () => {
  let synth: SynthesizedStage;
  beforeAll(() => {
    synth = synthesizeStage('staging');
  });

  const statementsOf = (name: string) => {
    const [, fn] = resourcesOfType(synth.statelessJson, 'AWS::Lambda::Function').find(([, f]) => f.Properties!.FunctionName === `staging-fic-onboarding-${name}`)!;
    const roleId = fn.Properties!.Role['Fn::GetAtt'][0];
    const statements = resourcesOfType(synth.statelessJson, 'AWS::IAM::Policy')
      .filter(([, policy]) => policy.Properties!.Roles[0].Ref === roleId)
      .flatMap(([, policy]) => policy.Properties!.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
    return { env: fn.Properties!.Environment.Variables as Record<string, unknown>, statements };
  };
  const resourcesFor = (name: string, action: string) =>
    statementsOf(name).statements.filter((s) => asArray(s.Action).includes(action)).flatMap((s) => asArray(s.Resource).map(flatten));

  it('synthesizes every function, route, queue and event source, cdk-nag clean', () => {
    expect(resourcesOfType(synth.statelessJson, 'AWS::Lambda::Function')).toHaveLength(Object.keys(topology.functions).length);
    expect(resourcesOfType(synth.statelessJson, 'AWS::ApiGatewayV2::Route')).toHaveLength(topology.routes.length);
    expect(resourcesOfType(synth.statefulJson, 'AWS::SQS::Queue')).toHaveLength(4);
    expect(resourcesOfType(synth.statelessJson, 'AWS::Lambda::EventSourceMapping')).toHaveLength(2);
    expect(synth.validationReport?.pluginReports.flatMap((report) => report.violations) ?? []).toEqual([]);
  });

  it('gives the webhook its FIC verification settings and the SSM parameter, nothing else of FIC', () => {
    const { env } = statementsOf('ficWebhook');
    expect(env).toMatchObject({
      FIC_PUBLIC_KEY_PARAMETER: synth.config.fic.publicKeyParameterName,
      FIC_APP_ID: synth.config.fic.appId,
      FIC_ISSUER: 'https://api-v2.fattureincloud.it',
      PUBLIC_BASE_URL: synth.config.publicApiUrl,
    });
    expect(resourcesFor('ficWebhook', 'ssm:GetParameter')).toEqual([expect.stringMatching(new RegExp(`:parameter${synth.config.fic.publicKeyParameterName}$`))]);
    expect(resourcesFor('ficWebhook', 'sqs:SendMessage')).toEqual([expect.stringMatching(/:staging-fic-events$/)]);
    expect(resourcesFor('ficWebhook', 'dynamodb:GetItem')).toEqual([]);
    expect(env.FIC_API_CREDENTIALS_SECRET).toBeUndefined();
  });

  it('lets only FIC-calling functions read the FIC credentials secret', () => {
    expect(resourcesFor('ficOutboundSender', 'secretsmanager:GetSecretValue')).toEqual([
      expect.stringMatching(new RegExp(`:secret:${synth.config.fic.apiCredentialsSecretName}-\\?{6}$`)),
    ]);
    expect(statementsOf('ficOutboundSender').env).toMatchObject({ FIC_API_CREDENTIALS_SECRET: synth.config.fic.apiCredentialsSecretName, FIC_API_BASE_URL: synth.config.fic.apiBaseUrl });
    for (const name of ['ficWebhook', 'ficEventsProcessor', 'createCompany', 'showActivation', 'health']) {
      expect(resourcesFor(name, 'secretsmanager:GetSecretValue')).toEqual([]);
    }
  });

  it('lets mail-sending functions send only from the sender identity with the configuration set', () => {
    for (const name of ['ficEventsProcessor', 'createCompany']) {
      expect(resourcesFor(name, 'ses:SendEmail').sort()).toEqual([
        expect.stringMatching(/:configuration-set\/staging-agyo-fic-onboarding$/),
        expect.stringMatching(/:identity\/staging\.onboarding\.example\.com$/),
      ]);
      expect(statementsOf(name).env).toMatchObject({ PUBLIC_BASE_URL: synth.config.publicApiUrl, SES_SENDER: synth.config.senderAddress });
    }
    expect(resourcesFor('showActivation', 'ses:SendEmail')).toEqual([]);
  });

  it('consumes each queue with partial batch responses and at least the minimum concurrency of 2', () => {
    const mappings = resourcesOfType(synth.statelessJson, 'AWS::Lambda::EventSourceMapping').map(([, m]) => m.Properties!);
    expect(mappings.map((m) => m.ScalingConfig.MaximumConcurrency).sort()).toEqual([2, 3]);
    for (const mapping of mappings) expect(mapping.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    // Consumers may receive and delete from their queue only.
    expect(resourcesFor('ficOutboundSender', 'sqs:DeleteMessage')).toEqual([expect.stringMatching(/:staging-fic-outbound$/)]);
  });

  it('puts the Studio JWT authorizer on Studio routes only', () => {
    const routes = resourcesOfType(synth.statelessJson, 'AWS::ApiGatewayV2::Route').map(([, r]) => [r.Properties!.RouteKey, r.Properties!.AuthorizationType]);
    expect(Object.fromEntries(routes)).toMatchObject({
      'POST /v1/companies': 'JWT',
      'POST /v1/fic/webhook': 'NONE',
      'GET /v1/activations/{token}': 'NONE',
      'HEAD /v1/activations/{token}': 'NONE',
    });
  });

  it('alarms on both dead-letter queues', () => {
    const dlqAlarms = resourcesOfType(synth.statelessJson, 'AWS::CloudWatch::Alarm')
      .map(([, a]) => a.Properties!)
      .filter((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible')
      .map((a) => a.Dimensions[0].Value);
    expect(dlqAlarms.sort()).toEqual(['staging-fic-events-dlq', 'staging-fic-outbound-dlq']);
  });

  it('refuses a queue whose visibility timeout is under six times its consumer timeout', () => {
    const queue = (topology.queues as unknown as Record<string, { visibilityTimeoutSeconds: number }>).ficOutbound!;
    const saved = queue.visibilityTimeoutSeconds;
    queue.visibilityTimeoutSeconds = 119; // consumer timeout 20 s -> needs 120 s
    try {
      expect(() => synthesizeStage('dev')).toThrow(/ficOutbound: visibility timeout 119s is less than 6x/);
    } finally {
      queue.visibilityTimeoutSeconds = saved;
    }
  });
});
