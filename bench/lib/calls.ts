/** AWS calls as the handlers' SDK middleware recorded them, cut into the bench's steps, and priced. */
import { existsSync, readFileSync } from 'node:fs';
import type { AwsCallRecord } from '#shared/observability/aws-call-metrics';
import { prices } from '../prices.ts';
import { round } from './measure.ts';

export function readCallRecords(file: string): AwsCallRecord[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as AwsCallRecord);
}

/** Records with `from < at <= to`. */
export function inWindow(records: readonly AwsCallRecord[], from: number, to: number): AwsCallRecord[] {
  return records.filter((record) => record.at > from && record.at <= to);
}

const dynamoReads = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);

export interface CallCounts {
  dynamoDbRequests: number;
  dynamoDbByOperation: Record<string, number>;
  scans: number;
  readUnits: number;
  writeUnits: number;
  /** DynamoDB requests that reported no consumed capacity (the emulator left it out). */
  capacityMissing: number;
  sqsRequests: number;
  sqsByOperation: Record<string, number>;
  sesSends: number;
  otherRequests: number;
  failedAttempts: number;
  /** The operations in order (first occurrence of the step only), e.g. `dynamodb:Query`. */
  sequence?: string[];
}

export function countCalls(records: readonly AwsCallRecord[], per = 1): CallCounts {
  const counts: CallCounts = {
    dynamoDbRequests: 0,
    dynamoDbByOperation: {},
    scans: 0,
    readUnits: 0,
    writeUnits: 0,
    capacityMissing: 0,
    sqsRequests: 0,
    sqsByOperation: {},
    sesSends: 0,
    otherRequests: 0,
    failedAttempts: 0,
  };
  for (const record of records) {
    if (!record.ok) counts.failedAttempts += 1;
    if (record.service === 'dynamodb') {
      counts.dynamoDbRequests += 1;
      counts.dynamoDbByOperation[record.operation] = (counts.dynamoDbByOperation[record.operation] ?? 0) + 1;
      if (record.operation === 'Scan') counts.scans += 1;
      const units = record.capacityUnits;
      if (record.readCapacityUnits !== undefined || record.writeCapacityUnits !== undefined) {
        counts.readUnits += record.readCapacityUnits ?? 0;
        counts.writeUnits += record.writeCapacityUnits ?? 0;
      } else if (units !== undefined) {
        if (dynamoReads.has(record.operation)) counts.readUnits += units;
        else counts.writeUnits += units;
      } else if (record.ok) counts.capacityMissing += 1;
    } else if (record.service === 'sqs') {
      counts.sqsRequests += 1;
      counts.sqsByOperation[record.operation] = (counts.sqsByOperation[record.operation] ?? 0) + 1;
    } else if ((record.service === 'ses' || record.service === 'sesv2') && /^Send/.test(record.operation)) {
      counts.sesSends += 1;
    } else {
      counts.otherRequests += 1;
    }
  }
  if (per === 1) return counts;
  const scale = (value: number) => round(value / per, 2);
  const scaleMap = (map: Record<string, number>) => Object.fromEntries(Object.entries(map).map(([key, value]) => [key, scale(value)]));
  return {
    dynamoDbRequests: scale(counts.dynamoDbRequests),
    dynamoDbByOperation: scaleMap(counts.dynamoDbByOperation),
    scans: scale(counts.scans),
    readUnits: scale(counts.readUnits),
    writeUnits: scale(counts.writeUnits),
    capacityMissing: scale(counts.capacityMissing),
    sqsRequests: scale(counts.sqsRequests),
    sqsByOperation: scaleMap(counts.sqsByOperation),
    sesSends: scale(counts.sesSends),
    otherRequests: scale(counts.otherRequests),
    failedAttempts: scale(counts.failedAttempts),
  };
}

export interface StepCounts extends CallCounts {
  step: string;
  /** How many times the step ran (counts are per run of the step). */
  samples: number;
  /** API Gateway requests and Lambda invocations the step costs (known from what the bench sent). */
  apiRequests: number;
  lambdaInvocations: number;
}

export interface CostPerMillion {
  dynamoDbWrites: number;
  dynamoDbReads: number;
  sqs: number;
  ses: number;
  apiGateway: number;
  lambdaRequests: number;
  total: number;
}

/** USD for one million runs of the steps given (their counts are per run). */
export function costPerMillion(steps: readonly Pick<StepCounts, 'readUnits' | 'writeUnits' | 'sqsRequests' | 'sesSends' | 'apiRequests' | 'lambdaInvocations'>[]): CostPerMillion {
  const sum = (pick: (step: (typeof steps)[number]) => number) => steps.reduce((total, step) => total + pick(step), 0);
  const cost = {
    dynamoDbWrites: sum((s) => s.writeUnits) * prices.dynamoDbPerMillionWriteRequestUnits,
    dynamoDbReads: sum((s) => s.readUnits) * prices.dynamoDbPerMillionReadRequestUnits,
    sqs: sum((s) => s.sqsRequests) * prices.sqsPerMillionRequests,
    ses: sum((s) => s.sesSends) * prices.sesPerThousandEmails * 1000,
    apiGateway: sum((s) => s.apiRequests) * prices.apiGatewayHttpPerMillionRequests,
    lambdaRequests: sum((s) => s.lambdaInvocations) * prices.lambdaPerMillionRequests,
  };
  const total = Object.values(cost).reduce((a, b) => a + b, 0);
  return Object.fromEntries(Object.entries({ ...cost, total }).map(([key, value]) => [key, round(value, 2)])) as unknown as CostPerMillion;
}
