import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { Command } from 'commander';
import { ConfigError } from '../../lib/config/errors';
import type { Config } from '../../lib/config/schema';
import { getSecretValue } from '../../lib/runtime/secrets';
import { createTalentClient, type TalentClient } from '../../lib/talent/client';
import { TalentApiError, TalentError } from '../../lib/talent/errors';
import { CliError } from '../errors';
import { formatTable, printResult } from '../output';
import { addTargetOptions, resolveTarget, type Target, type TargetOptions } from '../target';

/**
 * `talent-sync doctor`: the first command to run against a new deployment or tenant. It checks the
 * config, that every named secret exists and is readable (values are never printed), and that the
 * Talent API responds to the read-only calls the sync depends on, since several of its paths are inferred.
 */

export interface DoctorCheck {
  /** The item checked, such as `secret talent-sync/talent-token` or `talent listUsers`. */
  check: string;
  status: 'ok' | 'failed' | 'info';
  detail: string;
  /** The action that fixes a failed check. */
  fix?: string;
}

interface DoctorOptions extends TargetOptions {
  json?: boolean;
}

/** Registers `talent-sync doctor`. */
export function registerDoctorCommand(program: Command): void {
  const command = program
    .command('doctor')
    .description(
      'Check the config, the secrets it names and read-only Talent calls; exit 1 with a fix per failed check.',
    )
    .option('--json', 'print the checks as JSON');
  addTargetOptions(command).action(async (options: DoctorOptions) => {
    const checks = await runDoctor(options);
    printResult(options.json, { checks }, () =>
      formatTable(checks, [
        { header: 'CHECK', value: (row) => row.check },
        { header: 'RESULT', value: (row) => row.status },
        { header: 'DETAIL', value: (row) => row.detail },
        { header: 'FIX', value: (row) => row.fix },
      ]),
    );
    const failed = checks.filter((entry) => entry.status === 'failed').length;
    if (failed > 0)
      throw new CliError(`${failed} of ${checks.length} checks failed: apply the fix on each line.`, 1);
  });
}

/** Runs every check and returns them in order; a failed config check ends the run early. */
export async function runDoctor(options: TargetOptions): Promise<DoctorCheck[]> {
  let target: Target;
  try {
    target = resolveTarget(options);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return [
      {
        check: 'config',
        status: 'failed',
        detail: error.message,
        fix: 'correct each listed field; "talent-sync config validate FILE" checks the file alone',
      },
    ];
  }

  const checks: DoctorCheck[] = [
    { check: 'config', status: 'ok', detail: `${target.configFile} is valid (${target.kind})` },
  ];
  const secrets = await checkSecrets(target, checks);
  const token = secrets.get(target.config.talent.tokenSecretName);
  if (token === undefined) {
    checks.push({
      check: 'talent',
      status: 'failed',
      detail: 'not called, because the token secret could not be read',
      fix: `fix the secret ${target.config.talent.tokenSecretName} first`,
    });
    return checks;
  }
  await checkTalent(target.config, token, checks);
  return checks;
}

/** Names each secret the config refers to, with the field that names it. */
function namedSecrets(config: Config): Map<string, string> {
  const names = new Map<string, string>([[config.talent.tokenSecretName, 'talent.tokenSecretName']]);
  config.roster.sources.forEach((source, index) => {
    names.set(source.signingSecretName, `roster.sources[${index}].signingSecretName`);
    if (source.apiSecretName) names.set(source.apiSecretName, `roster.sources[${index}].apiSecretName`);
  });
  return names;
}

/** Reads every named secret; returns the values that could be read, for the Talent checks only. */
async function checkSecrets(target: Target, checks: DoctorCheck[]): Promise<Map<string, string>> {
  const values = new Map<string, string>();
  const client = target.kind === 'aws' ? new SecretsManagerClient({}) : undefined;

  for (const [name, field] of namedSecrets(target.config)) {
    const check = `secret ${name}`;
    try {
      const value = client ? await readAwsSecret(client, name) : await getSecretValue(name);
      values.set(name, value);
      checks.push({ check, status: 'ok', detail: `readable, ${value.length} characters (${field})` });
    } catch (error) {
      checks.push({
        check,
        status: 'failed',
        detail: (error as Error).message,
        fix: secretFix(target, name, error),
      });
    }
  }
  return values;
}

async function readAwsSecret(client: SecretsManagerClient, name: string): Promise<string> {
  await client.send(new DescribeSecretCommand({ SecretId: name }));
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: name }));
  if (!SecretString) throw new Error('has no string value (a binary secret, or an empty one)');
  return SecretString;
}

function secretFix(target: Target, name: string, error: unknown): string {
  if (target.kind === 'local') {
    return `add "${name}" with a string value to the secrets file ${target.endpoints?.secretsFile ?? ''}`.trim();
  }
  switch ((error as { name?: string }).name) {
    case 'ResourceNotFoundException':
      return `create it: aws secretsmanager create-secret --name ${name} --secret-string "$VALUE"`;
    case 'AccessDeniedException':
      return 'give the credentials you run doctor with secretsmanager:DescribeSecret and GetSecretValue on it';
    default:
      return `store the value as a plain string: aws secretsmanager put-secret-value --secret-id ${name} --secret-string "$VALUE"`;
  }
}

/** The read-only calls the sync relies on, each asking for one item. */
const TALENT_PROBES: { operation: string; call: (talent: TalentClient) => Promise<unknown> }[] = [
  { operation: 'listUsers', call: (talent) => talent.listUsers({ pageNumber: 1, limit: 1 }) },
  { operation: 'listGroups', call: (talent) => talent.listGroups({ pageNumber: 1, limit: 1 }) },
  { operation: 'listSystems', call: (talent) => talent.listSystems({ pageNumber: 1, limit: 1 }) },
];

async function checkTalent(config: Config, token: string, checks: DoctorCheck[]): Promise<void> {
  // One attempt per call, so a failing endpoint shows its first status instead of being retried.
  const talent = createTalentClient({
    baseUrl: config.talent.baseUrl,
    token,
    timeoutMs: config.talent.timeoutMs,
    maxRetries: 0,
  });
  let systemCount: number | undefined;

  for (const probe of TALENT_PROBES) {
    const check = `talent ${probe.operation}`;
    const started = performance.now();
    try {
      const result = await probe.call(talent);
      const latency = `${Math.round(performance.now() - started)} ms`;
      if (probe.operation === 'listSystems') systemCount = (result as { totalCount?: number }).totalCount;
      checks.push({ check, status: 'ok', detail: `answered as expected in ${latency}` });
    } catch (error) {
      const latency = `${Math.round(performance.now() - started)} ms`;
      checks.push({
        check,
        status: 'failed',
        detail: `${(error as Error).message} after ${latency}`,
        fix: talentFix(config, error),
      });
    }
  }

  if (systemCount !== undefined) checks.push(tokenKind(systemCount));
}

/**
 * Tells the token kind from the number of systems it sees.
 * NOTE: inferred from the API reference, which says a network token lists every system of its network;
 * a system token and a read-only user token both list one system and cannot be told apart without a write.
 */
function tokenKind(systemCount: number): DoctorCheck {
  const detail =
    systemCount > 1
      ? `network token: it sees ${systemCount} systems, so set talent.systemId to the system to sync`
      : 'system or user token: it sees one system (a user token cannot write; doctor makes no write call)';
  return { check: 'talent token', status: 'info', detail };
}

function talentFix(config: Config, error: unknown): string {
  if (error instanceof TalentApiError) {
    if (error.status === 401) return `store a valid API token in ${config.talent.tokenSecretName}`;
    if (error.status === 403) return 'use a system or network token with access to users and groups';
    if (error.status === 404) {
      return `check talent.baseUrl (${config.talent.baseUrl}): it must be the API URL ending in /api/v2`;
    }
    if (error.status >= 500) return 'Talent is failing: try again later, and see docs/runbook.md';
  }
  if (error instanceof TalentError) {
    return `check that ${config.talent.baseUrl} is reachable from here, or raise talent.timeoutMs`;
  }
  return 'see the detail';
}
