/**
 * The code: one Lambda per topology function, the HTTP API over the topology's routes, the SQS
 * event sources, and the alarms. It reaches the table and queues by name (see `names.ts`), so it
 * can be changed, redeployed or destroyed without risk to the data in the stateful stack.
 */
import { Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import {
  CfnStage,
  DomainName,
  HttpApi,
  HttpMethod,
  LogGroupLogDestination,
  type HttpStage,
  type IHttpRouteAuthorizer,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { topology, type EventSourceSpec, type FunctionKey, type RouteSpec } from '../topology.ts';
import { Alarms } from './alarms.ts';
import { bindingFor } from './function-bindings.ts';
import { deadLetterQueueName, pascalCase, queueArn, queueKeys, queueName, resourceName, senderDomain, serviceName } from './names.ts';
import type { StageConfig } from './stages.ts';
import { TopologyFunction, functionRuntime } from './topology-function.ts';

export interface StatelessStackProps extends StackProps {
  config: StageConfig;
}

/** AWS requires an SQS event source's maximum concurrency to be at least 2. */
export const minimumMaxConcurrency = 2;
/** AWS's guidance for SQS event sources: visibility timeout at least six times the function timeout. */
export const visibilityTimeoutFactor = 6;

/** The access log fields. `routeKey` and never `path`: activation tokens travel in the path. */
export const accessLogFields = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  sourceIp: '$context.identity.sourceIp',
} as const;

export class StatelessStack extends Stack {
  readonly functions: Record<FunctionKey, TopologyFunction>;
  readonly api: HttpApi;
  readonly apiStage: HttpStage;
  readonly publicApiUrl: string;
  private readonly config: StageConfig;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.config = config;

    this.api = new HttpApi(this, 'HttpApi', {
      apiName: resourceName(config.stage, serviceName),
      description: `${serviceName} (${config.stage})`,
      createDefaultStage: false,
    });
    const domainName = config.publicApiUrl && config.apiCertificateArn
      ? new DomainName(this, 'ApiDomain', {
          domainName: new URL(config.publicApiUrl).hostname,
          certificate: Certificate.fromCertificateArn(this, 'ApiCertificate', config.apiCertificateArn),
        })
      : undefined;
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: config.logRetention,
      removalPolicy: config.removalPolicy,
    });
    this.apiStage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: config.apiThrottle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(accessLogFields)),
      },
      ...(domainName ? { domainMapping: { domainName } } : {}),
    });
    this.publicApiUrl = (config.publicApiUrl ?? this.api.apiEndpoint).replace(/\/$/, '');

    this.functions = {} as Record<FunctionKey, TopologyFunction>;
    for (const key of Object.keys(topology.functions) as FunctionKey[]) {
      this.functions[key] = this.createFunction(key, config);
    }
    this.addRoutes(config);
    for (const [index, source] of topology.eventSources.entries()) this.addEventSource(index, source);

    new Alarms(this, 'Alarms', {
      config,
      functions: Object.values(this.functions),
      apiStage: this.apiStage,
      queues: queueKeys().map((key) => ({
        key,
        queue: Queue.fromQueueArn(this, `${pascalCase(key)}QueueRef`, queueArn(this, queueName(config.stage, key))),
        deadLetterQueue: Queue.fromQueueArn(this, `${pascalCase(key)}DeadLetterQueueRef`, queueArn(this, deadLetterQueueName(config.stage, key))),
      })),
    });
  }

  private createFunction(key: FunctionKey, config: StageConfig): TopologyFunction {
    const binding = bindingFor(this, key, { config, publicApiUrl: this.publicApiUrl, senderDomain: senderDomain(config) });
    const fn = new TopologyFunction(this, `${pascalCase(key)}Function`, {
      functionName: functionName(config, key),
      spec: topology.functions[key],
      environment: binding.environment,
      statements: binding.statements,
      logRetention: config.logRetention,
      removalPolicy: config.removalPolicy,
    });
    Validations.of(fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason: `${functionRuntime.name} on purpose: the bundles target Node 20 (the local host and CI run Node 20) and Node 22 is the nearest supported Lambda LTS.`,
    });
    for (const { finding, reason } of binding.wildcardReasons) {
      Validations.of(fn.role!).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
    }
    return fn;
  }

  private addRoutes(config: StageConfig): void {
    const studioJwt = new HttpJwtAuthorizer('StudioJwt', config.studioJwt.issuer, {
      jwtAudience: config.studioJwt.audience,
      identitySource: ['$request.header.Authorization'],
    });
    const integrations = new Map<FunctionKey, HttpLambdaIntegration>();
    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    const stage = this.apiStage.node.defaultChild as CfnStage;
    for (const route of topology.routes) {
      const fn = this.functions[route.function];
      if (!fn) throw new Error(`Route ${route.method} ${route.path} names unknown function ${route.function}`);
      let integration = integrations.get(route.function);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${pascalCase(route.function)}Integration`, fn);
        integrations.set(route.function, integration);
      }
      const authorizer: IHttpRouteAuthorizer | undefined = route.auth === 'studioJwt' ? studioJwt : undefined;
      const [httpRoute] = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
        ...(authorizer ? { authorizer } : {}),
      });
      if (route.auth === 'none' && httpRoute) {
        Validations.of(httpRoute).acknowledge({ id: 'AwsSolutions-APIG4', reason: publicRouteReason(route) });
      }
      const { access } = topology.functions[route.function];
      const throttle = access.verifiesFicWebhooks ? config.routeThrottles.ficWebhook : access.probesDependencies ? config.routeThrottles.healthProbe : undefined;
      if (throttle && httpRoute) {
        routeSettings[`${route.method} ${route.path}`] = { ThrottlingRateLimit: throttle.rateLimit, ThrottlingBurstLimit: throttle.burstLimit };
        // A stage's route settings may only name routes that already exist.
        stage.node.addDependency(httpRoute);
      }
    }
    stage.routeSettings = routeSettings;
  }

  private addEventSource(index: number, source: EventSourceSpec): void {
    const fn = this.functions[source.function];
    const queue = topology.queues[source.queue];
    const timeoutSeconds = topology.functions[source.function].timeoutSeconds;
    if (queue.visibilityTimeoutSeconds < visibilityTimeoutFactor * timeoutSeconds) {
      throw new Error(
        `Queue ${source.queue}: visibility timeout ${queue.visibilityTimeoutSeconds}s is less than ${visibilityTimeoutFactor}x ` +
          `the timeout of ${source.function} (${timeoutSeconds}s); raise it in infra/topology.ts`,
      );
    }
    const queueRef = Queue.fromQueueArn(
      this,
      `EventSource${index}${pascalCase(source.queue)}`,
      queueArn(this, queueName(this.config.stage, source.queue)),
    );
    fn.addEventSource(
      new SqsEventSource(queueRef, {
        batchSize: source.batchSize,
        maxBatchingWindow: Duration.seconds(source.maxBatchingWindowSeconds),
        reportBatchItemFailures: source.reportBatchItemFailures,
        maxConcurrency: Math.max(minimumMaxConcurrency, source.maxConcurrency),
      }),
    );
  }
}

/** `dev-fic-onboarding-ficWebhook`-like names: short enough for Lambda's 64 characters. */
export function functionName(config: StageConfig, key: FunctionKey): string {
  const name = resourceName(config.stage, `fic-onboarding-${key}`);
  if (name.length > 64) throw new Error(`Function name too long for Lambda (64): ${name}`);
  return name;
}

/** Why a route with `auth: 'none'` is public; the handler authenticates where it must. */
function publicRouteReason(route: RouteSpec): string {
  return (
    `${route.method} ${route.path} is public by design (auth: 'none' in infra/topology.ts): the FIC webhook is ` +
    'authenticated in its handler by FIC\'s signed JWT, activation pages by their single-use token, health carries no data.'
  );
}
