import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { loadConfigFile } from '../lib/config/load';
import type { Config } from '../lib/config/schema';
import { applyLocalEnvironment, type LocalEndpoints, readLocalEndpoints } from '../local/environment';
import { CliError } from './errors';

/**
 * The target of an operator command: the local stack that `npm start` serves, or a deployed stack. The
 * deployed resource names come from the outputs file that `cdk deploy --outputs-file FILE` writes, or from flags.
 */

export const DEFAULT_CONFIG_FILE = 'examples/talent-sync.config.json';
/** The stack id that `infra/build.ts` gives the deployed stack. */
export const DEFAULT_STACK_NAME = 'TalentSync';

export interface TargetOptions {
  config?: string;
  local?: boolean;
  localDir: string;
  stackOutputs?: string;
  stackName?: string;
}

/** Resource names of a deployment, as the stack outputs name them; each may be missing. */
export interface StackResources {
  webhookBaseUrl?: string;
  rosterQueueUrl?: string;
  rosterDeadLetterQueueUrl?: string;
  stateTableName?: string;
  reportBucketName?: string;
  /** The bucket of roster snapshots and reconcile plans, where the stack has one. */
  rosterBucketName?: string;
  stateMachineArn?: string;
}

export interface Target {
  kind: 'local' | 'aws';
  config: Config;
  configFile: string;
  resources: StackResources;
  /** Local only: the endpoints of the running local stack. */
  endpoints?: LocalEndpoints;
}

/** Adds `--config`, `--local`, `--local-dir`, `--stack-outputs` and `--stack-name` to a command. */
export function addTargetOptions(command: Command): Command {
  return command
    .option(
      '--config <file>',
      `deployment config file (default: ${DEFAULT_CONFIG_FILE}; with --local, the local one)`,
    )
    .option('--local', 'use the local stack that "npm start" runs instead of AWS')
    .option('--local-dir <dir>', 'folder of the local stack state, with endpoints.json', '.local')
    .option(
      '--stack-outputs <file>',
      'outputs file written by "cdk deploy --outputs-file FILE", for the deployed resource names',
    )
    .option('--stack-name <name>', 'stack in the outputs file', DEFAULT_STACK_NAME);
}

/**
 * Resolves the target of a command. With `--local` it also points the AWS SDK at the local servers
 * and the secrets at the local secrets file, as the local stack does for its handlers.
 */
export function resolveTarget(options: TargetOptions): Target {
  if (options.local) {
    const endpoints = readLocalTarget(options.localDir);
    applyLocalEnvironment(endpoints);
    const configFile = options.config ?? endpoints.configFile;
    return {
      kind: 'local',
      config: loadConfigFile(configFile),
      configFile,
      endpoints,
      resources: {
        webhookBaseUrl: endpoints.webhookBaseUrl,
        rosterQueueUrl: endpoints.rosterQueueUrl,
        rosterDeadLetterQueueUrl: endpoints.rosterDeadLetterQueueUrl,
        stateTableName: endpoints.stateTable,
        reportBucketName: endpoints.reportBucket,
      },
    };
  }

  const configFile = options.config ?? DEFAULT_CONFIG_FILE;
  return {
    kind: 'aws',
    config: loadConfigFile(configFile),
    configFile,
    resources: options.stackOutputs
      ? readStackOutputs(options.stackOutputs, options.stackName ?? DEFAULT_STACK_NAME)
      : {},
  };
}

function readLocalTarget(localDir: string): LocalEndpoints {
  try {
    return readLocalEndpoints(localDir);
  } catch (error) {
    throw new CliError((error as Error).message, 1, { cause: error });
  }
}

/**
 * Reads the resource names of one stack from a `cdk deploy --outputs-file` file, which maps each stack
 * name to its outputs: `{"TalentSync": {"WebhookBaseUrl": "...", ...}}`.
 */
export function readStackOutputs(file: string, stackName: string): StackResources {
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CliError(
      `Cannot read the stack outputs file ${file}: ${(error as Error).message}. ` +
        'Write it with "npx cdk deploy --outputs-file FILE".',
      2,
      { cause: error },
    );
  }
  const stacks = (document ?? {}) as Record<string, unknown>;
  const outputs = stacks[stackName];
  if (typeof outputs !== 'object' || outputs === null) {
    throw new CliError(
      `The stack outputs file ${file} has no stack "${stackName}" (it has ${Object.keys(stacks).join(', ') || 'none'}): ` +
        'pass --stack-name with one of them.',
      2,
    );
  }
  const value = (key: string) => {
    const entry = (outputs as Record<string, unknown>)[key];
    return typeof entry === 'string' && entry !== '' ? entry : undefined;
  };
  return dropUndefined({
    webhookBaseUrl: value('WebhookBaseUrl'),
    rosterQueueUrl: value('RosterQueueUrl'),
    rosterDeadLetterQueueUrl: value('RosterDeadLetterQueueUrl'),
    stateTableName: value('StateTableName'),
    reportBucketName: value('ReportBucketName'),
    rosterBucketName: value('RosterBucketName'),
    stateMachineArn: value('StateMachineArn'),
  });
}

/** Returns the value, or throws a usage error naming the flag and the output that would provide it. */
export function requireResource(value: string | undefined, flag: string, output: string): string {
  if (value) return value;
  throw new CliError(
    `No ${output}: pass ${flag}, or --stack-outputs FILE from "cdk deploy --outputs-file FILE", or --local.`,
    2,
  );
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}
