/**
 * The data: the table and every queue of the topology (each with its dead-letter queue), plus the
 * SES identity whose DKIM records must outlive any function change. Nothing here depends on the
 * functions, so deploying them never touches this stack.
 */
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table } from 'aws-cdk-lib/aws-dynamodb';
import { ConfigurationSet, EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { topology, type QueueKey } from '../topology.ts';
import { deadLetterQueueName, pascalCase, queueKeys, queueName, senderDomain, sesConfigurationSetName, tableName } from './names.ts';
import type { StageConfig } from './stages.ts';

export interface StatefulStackProps extends StackProps {
  config: StageConfig;
}

export class StatefulStack extends Stack {
  readonly table: Table;
  readonly queues: Record<QueueKey, Queue>;
  readonly deadLetterQueues: Record<QueueKey, Queue>;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { config } = props;
    const spec = topology.table;

    this.table = new Table(this, 'Table', {
      tableName: tableName(config.stage),
      partitionKey: { name: spec.partitionKey, type: AttributeType.STRING },
      sortKey: { name: spec.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: spec.ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: config.tableDeletionProtection,
      removalPolicy: config.removalPolicy,
    });
    for (const index of spec.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
      });
    }

    this.queues = {} as Record<QueueKey, Queue>;
    this.deadLetterQueues = {} as Record<QueueKey, Queue>;
    for (const key of queueKeys()) {
      const queue = topology.queues[key];
      const deadLetterQueue = new Queue(this, `${pascalCase(key)}DeadLetterQueue`, {
        queueName: deadLetterQueueName(config.stage, key),
        retentionPeriod: Duration.days(queue.deadLetter.retentionDays),
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        removalPolicy: config.removalPolicy,
      });
      this.deadLetterQueues[key] = deadLetterQueue;
      this.queues[key] = new Queue(this, `${pascalCase(key)}Queue`, {
        queueName: queueName(config.stage, key),
        visibilityTimeout: Duration.seconds(queue.visibilityTimeoutSeconds),
        retentionPeriod: Duration.days(queue.retentionDays),
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: queue.deadLetter.maxReceiveCount },
        removalPolicy: config.removalPolicy,
      });
    }

    const configurationSet = new ConfigurationSet(this, 'MailConfigurationSet', {
      configurationSetName: sesConfigurationSetName(config.stage),
    });
    new EmailIdentity(this, 'SenderDomain', {
      identity: Identity.domain(senderDomain(config)),
      configurationSet,
    });
  }
}
