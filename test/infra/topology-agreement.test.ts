/**
 * The CDK app and the local host both read `infra/topology.ts`. This proves the AWS side says the
 * same thing, read back from the synthesized templates: routes, functions, queues (names,
 * redrive, visibility, retention), event sources, and the table (keys, indexes, TTL).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { topology, type QueueKey } from '../../infra/topology.ts';
import { resourceName } from '../../infra/cdk/names.ts';
import { functionName } from '../../infra/cdk/stateless-stack.ts';
import { deployStages } from '../../infra/cdk/stages.ts';
import { flatten, resourcesOfType, synthesizeStage, type SynthesizedStage } from './synth.ts';

describe.each(deployStages)('stage %s agrees with infra/topology.ts', (stage) => {
  let synth: SynthesizedStage;
  beforeAll(() => {
    synth = synthesizeStage(stage);
  });

  const functionKeyOfLogicalId = (logicalId: string): string | undefined => {
    const name = synth.statelessJson.Resources[logicalId]?.Properties?.FunctionName as string | undefined;
    return Object.keys(topology.functions).find((key) => functionName(synth.config, key as never) === name);
  };

  it('routes: the same route keys, each served by the same function with the same auth', () => {
    const deployed = resourcesOfType(synth.statelessJson, 'AWS::ApiGatewayV2::Route').map(([, route]) => {
      const integrationId = (route.Properties!.Target['Fn::Join'][1][1] as { Ref: string }).Ref;
      const functionId = synth.statelessJson.Resources[integrationId]!.Properties!.IntegrationUri['Fn::GetAtt'][0] as string;
      return {
        routeKey: route.Properties!.RouteKey as string,
        function: functionKeyOfLogicalId(functionId),
        auth: route.Properties!.AuthorizationType === 'JWT' ? 'studioJwt' : 'none',
      };
    });
    const described = topology.routes.map((route) => ({ routeKey: `${route.method} ${route.path}`, function: route.function, auth: route.auth }));
    expect(sortBy(deployed, 'routeKey')).toEqual(sortBy(described, 'routeKey'));
  });

  it('functions: one Lambda per topology function, with its timeout and memory', () => {
    const deployed = resourcesOfType(synth.statelessJson, 'AWS::Lambda::Function').map(([id, fn]) => ({
      key: functionKeyOfLogicalId(id),
      timeoutSeconds: fn.Properties!.Timeout,
      memoryMb: fn.Properties!.MemorySize,
    }));
    const described = Object.entries(topology.functions).map(([key, spec]) => ({ key, timeoutSeconds: spec.timeoutSeconds, memoryMb: spec.memoryMb }));
    expect(sortBy(deployed, 'key')).toEqual(sortBy(described, 'key'));
  });

  it('queues: the same names, dead-letter queues, maxReceiveCount, visibility and retention', () => {
    const queues = resourcesOfType(synth.statefulJson, 'AWS::SQS::Queue');
    const byId = new Map(queues);
    const deployed = queues
      .filter(([, queue]) => queue.Properties!.RedrivePolicy)
      .map(([, queue]) => {
        const props = queue.Properties!;
        const dlq = byId.get(props.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0])!.Properties!;
        return {
          name: props.QueueName,
          visibilityTimeoutSeconds: props.VisibilityTimeout,
          retentionSeconds: props.MessageRetentionPeriod,
          deadLetter: { name: dlq.QueueName, maxReceiveCount: props.RedrivePolicy.maxReceiveCount, retentionSeconds: dlq.MessageRetentionPeriod },
        };
      });
    const described = Object.values(topology.queues).map((queue) => ({
      name: resourceName(stage, queue.name),
      visibilityTimeoutSeconds: queue.visibilityTimeoutSeconds,
      retentionSeconds: queue.retentionDays * 86_400,
      deadLetter: {
        name: resourceName(stage, queue.deadLetter.name),
        maxReceiveCount: queue.deadLetter.maxReceiveCount,
        retentionSeconds: queue.deadLetter.retentionDays * 86_400,
      },
    }));
    expect(sortBy(deployed, 'name')).toEqual(sortBy(described, 'name'));
    // Every queue is either a topology queue or its dead-letter queue: nothing else.
    expect(queues).toHaveLength(2 * Object.keys(topology.queues).length);
  });

  it('event sources: the same queue -> function pairs, batch settings and partial batch responses', () => {
    const deployed = resourcesOfType(synth.statelessJson, 'AWS::Lambda::EventSourceMapping').map(([, mapping]) => {
      const props = mapping.Properties!;
      const queueName = flatten(props.EventSourceArn).split(':').at(-1);
      return {
        queue: (Object.keys(topology.queues) as QueueKey[]).find((key) => resourceName(stage, topology.queues[key].name) === queueName),
        function: functionKeyOfLogicalId(props.FunctionName.Ref as string),
        batchSize: props.BatchSize,
        maxBatchingWindowSeconds: props.MaximumBatchingWindowInSeconds,
        maxConcurrency: props.ScalingConfig.MaximumConcurrency,
        reportBatchItemFailures: props.FunctionResponseTypes.includes('ReportBatchItemFailures'),
      };
    });
    const described = topology.eventSources.map((source) => ({
      queue: source.queue,
      function: source.function,
      batchSize: source.batchSize,
      maxBatchingWindowSeconds: source.maxBatchingWindowSeconds,
      maxConcurrency: Math.max(2, source.maxConcurrency),
      reportBatchItemFailures: source.reportBatchItemFailures,
    }));
    expect(sortBy(deployed, 'queue')).toEqual(sortBy(described, 'queue'));
  });

  it('table: the same key schema, indexes (all attributes projected) and TTL attribute', () => {
    const tables = resourcesOfType(synth.statefulJson, 'AWS::DynamoDB::Table');
    expect(tables).toHaveLength(1);
    const props = tables[0]![1].Properties!;
    const keys = (schema: { AttributeName: string; KeyType: string }[]) => ({
      partitionKey: schema.find((key) => key.KeyType === 'HASH')?.AttributeName,
      sortKey: schema.find((key) => key.KeyType === 'RANGE')?.AttributeName,
    });
    expect({
      name: props.TableName,
      ...keys(props.KeySchema),
      ttlAttribute: props.TimeToLiveSpecification.AttributeName,
      globalSecondaryIndexes: (props.GlobalSecondaryIndexes ?? []).map(
        (index: { IndexName: string; KeySchema: { AttributeName: string; KeyType: string }[]; Projection: { ProjectionType: string } }) => ({
          indexName: index.IndexName,
          ...keys(index.KeySchema),
          projection: index.Projection.ProjectionType,
        }),
      ),
    }).toEqual({
      name: resourceName(stage, topology.table.name),
      partitionKey: topology.table.partitionKey,
      sortKey: topology.table.sortKey,
      ttlAttribute: topology.table.ttlAttribute,
      globalSecondaryIndexes: topology.table.globalSecondaryIndexes.map((index) => ({ ...index, projection: 'ALL' })),
    });
    // Every key attribute is a string, as the local host creates them.
    expect(props.AttributeDefinitions.every((attribute: { AttributeType: string }) => attribute.AttributeType === 'S')).toBe(true);
  });
});

function sortBy<T>(items: T[], key: keyof T): T[] {
  return [...items].sort((a, b) => String(a[key]).localeCompare(String(b[key])));
}
