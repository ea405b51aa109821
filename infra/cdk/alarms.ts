/**
 * What pages on-call, by email through one SNS topic per stage:
 * - a dead-letter queue holds a message (a webhook or job failed every retry: inspect and redrive);
 * - a queue's oldest message is older than a quarter of its retention (the consumer is stuck);
 * - a function reports errors (crash, timeout, unhandled rejection);
 * - the API answers 5xx (includes health's 503 when a dependency is down).
 */
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { topology, type QueueKey } from '../topology.ts';
import { pascalCase } from './names.ts';
import type { StageConfig } from './stages.ts';

export interface AlarmsProps {
  config: StageConfig;
  functions: IFunction[];
  apiStage: HttpStage;
  queues: { key: QueueKey; queue: IQueue; deadLetterQueue: IQueue }[];
}

export class Alarms extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const { config } = props;
    // CloudWatch can publish to an encrypted topic only with a customer managed key it may use.
    const key = new Key(this, 'TopicKey', {
      description: `Encrypts the ${config.stage} alarm topic`,
      enableKeyRotation: true,
      removalPolicy: config.removalPolicy,
    });
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'Topic', { displayName: `fic-onboarding ${config.stage} alarms`, masterKey: key, enforceSSL: true });
    this.topic.addSubscription(new EmailSubscription(config.alarmEmail));
    const period = config.alarmPeriod;

    for (const { key: queueKey, queue, deadLetterQueue } of props.queues) {
      const name = pascalCase(queueKey);
      this.alarm(`${name}DeadLetters`, deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }), {
        threshold: 0,
        description: `${config.stage}: messages in the ${topology.queues[queueKey].deadLetter.name} dead-letter queue (failed ${topology.queues[queueKey].deadLetter.maxReceiveCount} times). Inspect, fix, redrive.`,
      });
      const stuckAfter = Duration.days(topology.queues[queueKey].retentionDays).toSeconds() / 4;
      this.alarm(`${name}OldestMessage`, queue.metricApproximateAgeOfOldestMessage({ period, statistic: 'Maximum' }), {
        threshold: stuckAfter,
        description: `${config.stage}: the oldest message in ${topology.queues[queueKey].name} is older than ${stuckAfter}s; its consumer is not keeping up.`,
      });
    }
    for (const fn of props.functions) {
      const name = fn.node.id;
      this.alarm(`${name}Errors`, fn.metricErrors({ period, statistic: 'Sum' }), {
        threshold: 0,
        description: `${config.stage}: ${name} reported errors (crash, timeout or unhandled rejection). See its log group.`,
      });
    }
    this.alarm('Api5xx', props.apiStage.metricServerError({ period, statistic: 'Sum' }), {
      threshold: 0,
      description: `${config.stage}: the HTTP API answered 5xx. See the access logs (routeKey, status) and the function logs.`,
    });
  }

  private alarm(id: string, metric: IMetric, options: { threshold: number; description: string }): Alarm {
    const alarm = new Alarm(this, id, {
      metric,
      threshold: options.threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: options.description,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    alarm.addOkAction(new SnsAction(this.topic));
    return alarm;
  }
}
