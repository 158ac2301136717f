import { writeFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { loadConfigFile } from '../../lib/config/load';
import type { Config } from '../../lib/config/schema';
import { createAuditStore } from '../../lib/roster/audit';
import { createReconcileTalentClient } from '../../lib/roster/reconcile/client';
import { RosterFileError } from '../../lib/roster/reconcile/errors';
import { brakeMessage, formatPlanText, planCounts } from '../../lib/roster/reconcile/format';
import { type ReconcileOutcome, type ReconcileProgress, runReconcile } from '../../lib/roster/reconcile/run';
import type { PlanDocument } from '../../lib/roster/reconcile/s3';
import { type RosterFormat, readRosterPath } from '../../lib/roster/reconcile/sources/files';
import { readKnownEmails } from '../../lib/roster/reconcile/talent';
import { ENV } from '../../lib/runtime/environment';
import { getSecretValue } from '../../lib/runtime/secrets';
import { applyLocalEnvironment, readLocalEndpoints } from '../../local/environment';
import { CliError } from '../errors';

export interface ReconcileCommandOptions {
  roster: string;
  format?: RosterFormat;
  apply?: boolean;
  force?: boolean;
  json?: boolean;
  planOut?: string;
  config?: string;
  local?: boolean;
  localDir: string;
  stateTable?: string;
  auditTable?: string;
}

/** Registers `talent-sync reconcile`: plan (and with --apply, apply) a full roster against Talent. */
export function registerReconcileCommand(program: Command): void {
  program
    .command('reconcile')
    .description(
      'Compare a full roster (CSV, or a OneRoster folder or .zip) with every Talent user and print the ' +
        'plan; a dry run unless --apply.',
    )
    .requiredOption('--roster <path>', 'roster CSV file, OneRoster folder or OneRoster .zip')
    .addOption(
      new Option(
        '--format <format>',
        'roster format; default: csv for a file, oneroster for a folder or .zip',
      ).choices(['csv', 'oneroster']),
    )
    .option('--apply', 'apply the plan to Talent (default: dry run, read calls only)')
    .option('--force', 'apply even when the deactivation brake (roster.maxDeactivationShare) trips')
    .option('--json', 'print the plan summary as JSON instead of a table')
    .option('--plan-out <file>', 'also write the full plan as JSON to this file')
    .option('--config <file>', 'deployment config file (default: TALENT_SYNC_CONFIG_FILE, or the local one)')
    .option('--local', 'use the local stack that "npm start" runs: its simulator, config and secrets')
    .option('--local-dir <dir>', 'folder of the local stack state, with endpoints.json', '.local')
    .option(
      '--state-table <name>',
      'state table whose addresses count as managed (default: STATE_TABLE_NAME)',
    )
    .option(
      '--audit-table <name>',
      'audit table that records each applied change (default: AUDIT_TABLE_NAME)',
    )
    .action(async (options: ReconcileCommandOptions) => {
      await reconcileCommand(options);
    });
}

/** Runs the command; throws a CliError for bad usage (exit 2), a failed change or a tripped brake (exit 1). */
export async function reconcileCommand(options: ReconcileCommandOptions): Promise<void> {
  const { config, token, stateTable } = loadEnvironment(options);
  const snapshot = await readRoster(options, config);

  const { talent, requests } = createReconcileTalentClient(config, token);
  const knownEmails = stateTable ? await readKnownEmails(stateTable) : new Set<string>();
  const auditTable = options.auditTable ?? process.env[ENV.auditTableName];
  const outcome = await runReconcile({
    snapshot,
    config,
    talent,
    knownEmails,
    apply: options.apply === true,
    force: options.force === true,
    ...(auditTable
      ? {
          audit: createAuditStore({ tableName: auditTable, retentionDays: config.roster.auditRetentionDays }),
        }
      : {}),
    onProgress: progressPrinter(),
  });

  const document: PlanDocument = {
    status: outcome.status,
    roster: options.roster,
    talentRequests: requests(),
    plan: outcome.plan,
    ...(outcome.result ? { result: outcome.result } : {}),
  };
  if (options.planOut) await writeFile(options.planOut, `${JSON.stringify(document, null, 2)}\n`);
  console.log(
    options.json ? JSON.stringify(summary(document), null, 2) : formatPlanText(outcome.plan, outcome.result),
  );

  checkOutcome(outcome);
}

function loadEnvironment(options: ReconcileCommandOptions): {
  config: Config;
  token: string | (() => Promise<string>);
  stateTable?: string;
} {
  if (options.local) {
    const endpoints = readLocal(options.localDir);
    applyLocalEnvironment(endpoints);
    const config = loadConfigFile(options.config ?? endpoints.configFile);
    return {
      // A config of its own still runs against the local simulator.
      config: { ...config, talent: { ...config.talent, baseUrl: endpoints.talentApiUrl } },
      token: endpoints.talentToken,
      stateTable: options.stateTable ?? endpoints.stateTable,
    };
  }

  const configFile = options.config ?? process.env[ENV.configFile];
  if (!configFile) {
    throw new CliError(
      'No config: pass --config FILE (the deployment config), or --local for the local stack.',
      2,
    );
  }
  const config = loadConfigFile(configFile);
  const stateTable = options.stateTable ?? process.env[ENV.stateTableName];
  return {
    config,
    token: () => getSecretValue(config.talent.tokenSecretName),
    ...(stateTable ? { stateTable } : {}),
  };
}

/** Reads the local stack's endpoints; a missing file is bad usage, because the fix is to start the stack. */
function readLocal(dir: string): ReturnType<typeof readLocalEndpoints> {
  try {
    return readLocalEndpoints(dir);
  } catch (error) {
    throw new CliError((error as Error).message, 2, { cause: error });
  }
}

async function readRoster(options: ReconcileCommandOptions, config: Config) {
  try {
    return await readRosterPath(options.roster, config, options.format);
  } catch (error) {
    if (error instanceof RosterFileError) throw new CliError(error.message, 2, { cause: error });
    throw error;
  }
}

function summary(document: PlanDocument) {
  return {
    status: document.status,
    runId: document.plan.runId,
    roster: document.roster,
    talentRequests: document.talentRequests,
    counts: planCounts(document.plan),
    brake: document.plan.brake,
    ...(document.result ? { result: document.result } : {}),
  };
}

function checkOutcome(outcome: ReconcileOutcome): void {
  if (outcome.status === 'braked') throw new CliError(brakeMessage(outcome.plan), 1);
  if (outcome.status === 'planned' && outcome.plan.brake.tripped) {
    console.error(`Warning: ${brakeMessage(outcome.plan).replace('Nothing was applied. ', '')}`);
  }
  const failures = outcome.result?.failures.length ?? 0;
  if (failures > 0) {
    throw new CliError(
      `${failures} changes failed; the plan lists each with the reason. The rest were applied.`,
      1,
    );
  }
}

/** Prints progress to stderr when it is a terminal, so piped JSON output stays clean. */
function progressPrinter(): ((progress: ReconcileProgress) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  return (progress) => {
    process.stderr.write(`\r${progress.phase}: ${progress.done}/${progress.total}   `);
    if (progress.done === progress.total) process.stderr.write('\n');
  };
}
