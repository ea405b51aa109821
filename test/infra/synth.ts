/**
 * Synthesizes one stage of the CDK app the way `cdk synth` does (cdk-nag on), for assertions.
 * Bundling is skipped unless asked for: it is proven once in `bundling.test.ts`, and skipping it
 * keeps a stage's synthesis well under a second.
 */
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp, stackNames } from '../../infra/cdk/build.ts';
import { resolveStageConfig, type DeployStage, type StageConfig } from '../../infra/cdk/stages.ts';

export interface SynthesizedStage {
  config: StageConfig;
  stateful: Template;
  stateless: Template;
  statefulJson: CfnTemplate;
  statelessJson: CfnTemplate;
  assemblyDirectory: string;
  /** CDK's policy validation report (cdk-nag's findings), when any plugin reported. */
  validationReport: { pluginReports: { violations: unknown[] }[] } | undefined;
}

export interface CfnResource {
  Type: string;
  Properties?: Record<string, any>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Metadata?: Record<string, any>;
  DependsOn?: string[];
}
export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
}

/** The feature flags and context of `cdk.json`, so that tests synthesize what the CLI does. */
const cdkJsonContext = (JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context?: Record<string, unknown> }).context ?? {};

export function synthesizeStage(stage: DeployStage, options: { bundle?: boolean } = {}): SynthesizedStage {
  const config = resolveStageConfig(stage, () => undefined);
  const context: Record<string, unknown> = { ...cdkJsonContext, ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) };
  const { app } = buildApp({ config, appProps: { context } });
  const assembly = app.synth();
  const names = stackNames(config);
  const statefulJson = assembly.getStackByName(names.stateful).template as CfnTemplate;
  const statelessJson = assembly.getStackByName(names.stateless).template as CfnTemplate;
  const reportPath = path.join(assembly.directory, 'validation-report.json');
  return {
    config,
    stateful: Template.fromJSON(statefulJson),
    stateless: Template.fromJSON(statelessJson),
    statefulJson,
    statelessJson,
    assemblyDirectory: assembly.directory,
    validationReport: existsSync(reportPath) ? JSON.parse(readFileSync(reportPath, 'utf8')) : undefined,
  };
}

export function resourcesOfType(template: CfnTemplate, type: string): [string, CfnResource][] {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

/** Renders the `Fn::Join` of the ARNs `formatArn` produces, so that tests compare plain strings. */
export function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (Array.isArray(record['Fn::Join'])) {
      const [separator, parts] = record['Fn::Join'] as [string, unknown[]];
      return parts.map(flatten).join(separator);
    }
    if (typeof record.Ref === 'string') return `\${${record.Ref}}`;
    if (Array.isArray(record['Fn::GetAtt'])) return `\${${(record['Fn::GetAtt'] as string[]).join('.')}}`;
  }
  return JSON.stringify(value);
}

export const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
