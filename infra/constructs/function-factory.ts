import { join } from 'node:path';
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  type BundlingOptions,
  NodejsFunction,
  OutputFormat,
  SourceMapMode,
} from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { Config } from '../../lib/config/schema';
import { acknowledge } from './nag';

/** The Lambda functions of Talent Sync. Each is `functions/<name>/handler.ts`, which exports `handler`. */
export const FUNCTION_NAMES = [
  'roster-webhook',
  'roster-apply',
  'report-request',
  'report-poll',
  'report-save',
  'report-start',
  'report-alert',
  'roster-release',
  'roster-reconcile',
] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/** The Powertools metrics namespace of every function. The service name is the function name. */
export const METRICS_NAMESPACE = 'TalentSync';

/** The runtime of every function. esbuild targets its Node.js version. */
export const FUNCTION_RUNTIME = lambda.Runtime.NODEJS_24_X;

/**
 * Lets the ESM bundle load CommonJS dependencies that call `require` (esbuild keeps those calls, and an
 * ES module has no `require` of its own).
 */
const ESM_REQUIRE_BANNER =
  "import { createRequire as __talentSyncCreateRequire } from 'node:module'; " +
  'const require = __talentSyncCreateRequire(import.meta.url);';

export interface FunctionFactoryProps {
  /** The validated deployment config, compiled into every bundle as `__TALENT_SYNC_CONFIG__`. */
  readonly config: Config;
  /** The repository root, which contains `functions/`, `package-lock.json` and `node_modules/`. */
  readonly projectRoot: string;
  /** How long function logs are kept. */
  readonly logRetention: logs.RetentionDays;
}

export interface TalentSyncFunctionProps {
  readonly description: string;
  /** Also sets how long the function may run before Lambda stops it. */
  readonly timeout: Duration;
  /** Memory in megabytes. Lambda gives CPU in proportion to memory. */
  readonly memorySize: number;
  /** Resource names only: the config travels in the code asset, because variables are limited to 4 KB. */
  readonly environment?: Record<string, string>;
}

/**
 * Creates the Talent Sync functions with one set of defaults. Each runs Node.js 24 on ARM64 with active
 * X-Ray tracing, and has its own role and its own log group with a retention period. esbuild bundles it
 * locally (no Docker) to minified ESM with source maps and the validated config compiled in.
 */
export class FunctionFactory {
  constructor(private readonly props: FunctionFactoryProps) {}

  /** Creates the function whose handler is `functions/<name>/handler.ts`, as a child `<id>` of scope. */
  create(scope: Construct, id: string, name: FunctionName, options: TalentSyncFunctionProps): NodejsFunction {
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: this.props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // A role of its own, instead of the AWSLambdaBasicExecutionRole managed policy, limits log writes to
    // this function's log group.
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${name} function of Talent Sync`,
    });
    logGroup.grantWrite(role);

    const fn = new NodejsFunction(scope, id, {
      entry: join(this.props.projectRoot, 'functions', name, 'handler.ts'),
      handler: 'handler',
      projectRoot: this.props.projectRoot,
      depsLockFilePath: join(this.props.projectRoot, 'package-lock.json'),
      description: options.description,
      runtime: FUNCTION_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      timeout: options.timeout,
      memorySize: options.memorySize,
      role,
      logGroup,
      tracing: lambda.Tracing.ACTIVE,
      // The SDK v3 keeps connections alive by itself, and the variable only mattered for SDK v2.
      awsSdkConnectionReuse: false,
      environment: {
        POWERTOOLS_SERVICE_NAME: name,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        NODE_OPTIONS: '--enable-source-maps',
        ...options.environment,
      },
      bundling: functionBundlingOptions(this.props.config),
    });

    acknowledge(
      role,
      'AwsSolutions-IAM5[Resource::*]',
      'Active tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which support no ' +
        'resource-level permissions, so AWS requires Resource "*" for them.',
    );
    for (const ruleId of ['AwsSolutions-L1', 'Serverless-LambdaLatestVersion']) {
      acknowledge(fn, ruleId, RUNTIME_REASON);
    }
    acknowledge(
      fn,
      'Serverless-LambdaDLQ',
      'A Lambda dead-letter queue only receives failed asynchronous invocations, and no Talent Sync ' +
        'function is invoked asynchronously: API Gateway, the SQS event source mapping and Step Functions ' +
        'invoke synchronously. Failures go to the roster FIFO dead-letter queue or to the report failure alert.',
    );
    return fn;
  }
}

/**
 * The esbuild settings of every function: minified ESM with source maps, the pinned AWS SDK bundled, and
 * the validated config compiled in. `bench/cold-start.ts` builds with the same settings.
 */
export function functionBundlingOptions(config: Config): BundlingOptions {
  return {
    format: OutputFormat.ESM,
    mainFields: ['module', 'main'],
    banner: ESM_REQUIRE_BANNER,
    minify: true,
    sourceMap: true,
    sourceMapMode: SourceMapMode.DEFAULT,
    sourcesContent: false,
    // The SDK version pinned in package-lock.json is deployed, not whichever one the runtime carries.
    bundleAwsSDK: true,
    forceDockerBundling: false,
    define: {
      // A JavaScript string literal whose text is the config JSON, which runtimeConfig() parses.
      __TALENT_SYNC_CONFIG__: JSON.stringify(JSON.stringify(config)),
    },
  };
}

/**
 * Allows the function to read the secret's value, and nothing else: `grantRead` would add
 * DescribeSecret, which the functions do not call.
 */
export function grantSecretValue(fn: lambda.IFunction, secret: secretsmanager.ISecret): void {
  fn.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }),
  );
}

const RUNTIME_REASON =
  'nodejs24.x is the Node.js Active LTS line and the runtime aws-cdk-lib 2.278 names NODEJS_LATEST. ' +
  'The rule asks for nodejs26.x, whose Node.js line enters LTS in October 2026 by the Node.js release schedule.';
