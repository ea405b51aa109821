/**
 * A topology function on Lambda: the defaults every function shares (runtime, architecture,
 * bundling, log group, role) pinned once, so that a function's entry in `infra/topology.ts` is
 * all it takes to deploy it.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal, type PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { FunctionSpec } from '../topology.ts';

export const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Node 22 on Lambda; bundles target Node 20 so that the same code runs on the local host. */
export const functionRuntime = Runtime.NODEJS_22_X;

/**
 * ESM bundles may contain CommonJS dependencies that call `require`; give them one.
 * (`import.meta.url` is the bundle's own URL at run time.)
 */
const esmRequireBanner =
  "import { createRequire as topLevelCreateRequire } from 'node:module'; const require = topLevelCreateRequire(import.meta.url);";

export interface TopologyFunctionProps {
  functionName: string;
  spec: FunctionSpec;
  environment: Record<string, string>;
  statements: PolicyStatement[];
  logRetention: RetentionDays;
  removalPolicy: RemovalPolicy;
}

export class TopologyFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: TopologyFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      logGroupName: `/aws/lambda/${props.functionName}`,
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    // An own role with inline statements only: no AWS managed policy, logs limited to this group.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.functionName}: ${props.spec.description}`,
    });
    super(scope, id, {
      functionName: props.functionName,
      description: props.spec.description,
      entry: path.join(repositoryRoot, props.spec.entry),
      handler: 'handler',
      runtime: functionRuntime,
      architecture: Architecture.ARM_64,
      memorySize: props.spec.memoryMb,
      timeout: Duration.seconds(props.spec.timeoutSeconds),
      role,
      logGroup,
      environment: props.environment,
      projectRoot: repositoryRoot,
      depsLockFilePath: path.join(repositoryRoot, 'package-lock.json'),
      bundling: {
        minify: true,
        sourceMap: true,
        target: 'node20',
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        banner: esmRequireBanner,
        // The SDK is bundled: the version we test is the version we run.
        externalModules: [],
        forceDockerBundling: false,
        tsconfig: path.join(repositoryRoot, 'tsconfig.json'),
        // Copied from the installed tree rather than `nodeModules` (which runs npm install: no network at synth).
        ...(props.spec.runtimePackages?.length ? { commandHooks: copyRuntimePackages(props.spec.runtimePackages) } : {}),
      },
    });
    logGroup.grantWrite(role);
    for (const statement of props.statements) role.addToPolicy(statement);
  }
}

function copyRuntimePackages(packages: readonly string[]) {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (_inputDir: string, outputDir: string) =>
      packages.map((name) => `mkdir -p "${outputDir}/node_modules" && cp -R "${path.join(repositoryRoot, 'node_modules', name)}" "${outputDir}/node_modules/"`),
  };
}
