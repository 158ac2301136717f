import { SFNClient } from '@aws-sdk/client-sfn';
import type { Command } from 'commander';
import type { ScheduleConfig } from '../../lib/config/schema';
import { ReportInputError } from '../../lib/reports/errors';
import { findSchedule } from '../../lib/reports/request';
import {
  backfillTimes,
  type ExecutionStarter,
  type StartedRun,
  startReportRun,
  stepFunctionsStarter,
} from '../../lib/reports/start';
import { lambdaContext } from '../../local/lambda-context';
import { definitionFromTemplate, runLocalExecution } from '../../local/state-machine';
import { CliError } from '../errors';
import { formatTable, printResult } from '../output';
import { addTargetOptions, requireResource, resolveTarget, type Target, type TargetOptions } from '../target';

/**
 * `talent-sync report run NAME`: starts the report state machine for one period, or one execution per
 * period of a backfill, under the same execution names the schedule uses. On AWS it calls
 * StartExecution; with `--local` it runs the synthesized state machine in this process against the
 * running local stack's simulator and S3.
 */

interface RunOptions extends TargetOptions {
  date?: string;
  from?: string;
  to?: string;
  rerun?: boolean;
  stateMachineArn?: string;
  json?: boolean;
}

export interface ReportRunRow extends StartedRun {
  /** Local runs only: how the execution ended. */
  outcome?: 'saved' | 'failed';
  key?: string;
  error?: string;
}

/** Registers `talent-sync report run`. */
export function registerReportCommand(program: Command): void {
  const report = program.command('report').description('Run Talent insight reports outside their schedule.');

  addTargetOptions(
    report
      .command('run')
      .description('Start a report for the current period, one date, or each period from --from to --to.')
      .argument('<schedule>', 'name of a schedule in reports.schedules')
      .option('--date <YYYY-MM-DD>', 'run the period that contains this day')
      .option('--from <YYYY-MM-DD>', 'first day of a backfill (with --to)')
      .option('--to <YYYY-MM-DD>', 'last day of a backfill (with --from)')
      .option('--rerun', 'run periods again under new execution names, writing new objects')
      .option('--state-machine-arn <arn>', 'report state machine (default: from --stack-outputs)')
      .option('--json', 'print the result as JSON'),
  ).action((name: string, options: RunOptions) => runReports(name, options));
}

/**
 * Returns the scheduled instants to run: now, the period containing `date`, or every period that the
 * days from `from` to `to` touch.
 */
export function plannedTimes(schedule: ScheduleConfig, options: RunOptions, now = new Date()): Date[] {
  if (options.date && (options.from || options.to)) {
    throw new CliError('Give either --date or --from with --to, not both.', 2);
  }
  if (Boolean(options.from) !== Boolean(options.to)) {
    throw new CliError('A backfill needs both --from and --to.', 2);
  }
  const days = options.date ? { '--date': options.date } : { '--from': options.from, '--to': options.to };
  for (const [flag, day] of Object.entries(days)) {
    if (day !== undefined) checkDay(flag, day, now);
  }
  if ((options.date || options.from) && !schedule.dateRange) {
    throw new CliError(
      `Schedule "${schedule.name}" has no dateRange, so every run exports the data as it is now; a run for a past ` +
        'date would file current data under that date. Run it without --date, --from or --to.',
      2,
    );
  }
  try {
    if (options.date) return backfillTimes(schedule, options.date, options.date).slice(0, 1);
    if (options.from && options.to) return backfillTimes(schedule, options.from, options.to);
  } catch (error) {
    if (error instanceof ReportInputError) throw new CliError(error.message, 2, { cause: error });
    throw error;
  }
  return [now];
}

/** Rejects a day that is not a real calendar date or lies in the future, naming the flag. */
function checkDay(flag: string, day: string, now: Date): void {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const date = match
    ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])))
    : undefined;
  if (!date || date.toISOString().slice(0, 10) !== day) {
    throw new CliError(`${flag} "${day}" is not a calendar date: use YYYY-MM-DD, for example 2026-03-04.`, 2);
  }
  if (day > now.toISOString().slice(0, 10)) {
    throw new CliError(`${flag} ${day} is in the future: a report covers only days that have ended.`, 2);
  }
}

async function runReports(name: string, options: RunOptions): Promise<void> {
  const target = resolveTarget(options);
  const schedule = findScheduleOrExit(target, name);
  const times = plannedTimes(schedule, options);

  const rows: ReportRunRow[] = [];
  if (target.kind === 'local') {
    const runLocal = await localRunner(target);
    for (const scheduledTime of times) rows.push(await runLocal(schedule, scheduledTime, options.rerun));
  } else {
    const arn = requireResource(
      options.stateMachineArn ?? target.resources.stateMachineArn,
      '--state-machine-arn',
      'report state machine ARN',
    );
    const start = stepFunctionsStarter(new SFNClient({}), arn);
    for (const scheduledTime of times) {
      rows.push(await startReportRun({ schedule, scheduledTime, start, ...rerunOption(options.rerun) }));
    }
  }

  printResult(options.json, rows, () =>
    formatTable(rows, [
      { header: 'PERIOD', value: (row) => (row.period ? `${row.period.start}..${row.period.end}` : '-') },
      { header: 'EXECUTION', value: (row) => row.executionName },
      { header: 'STARTED', value: (row) => (row.started ? 'yes' : 'exists') },
      { header: 'RESULT', value: (row) => row.key ?? row.error ?? row.outcome },
    ]),
  );
  if (rows.some((row) => row.outcome === 'failed')) {
    throw new CliError(`Some runs of ${name} failed; see the RESULT column.`, 1);
  }
}

function findScheduleOrExit(target: Target, name: string): ScheduleConfig {
  try {
    return findSchedule(target.config.reports, name);
  } catch (error) {
    throw new CliError((error as Error).message, 2, { cause: error });
  }
}

function rerunOption(rerun: boolean | undefined): { rerunAt?: Date } {
  return rerun ? { rerunAt: new Date() } : {};
}

type LocalRun = (schedule: ScheduleConfig, scheduledTime: Date, rerun?: boolean) => Promise<ReportRunRow>;

/**
 * Runs executions in this process: the definition from the synthesized template, its tasks bound to the
 * report handlers, which reach the local stack's servers through the environment `resolveTarget` set.
 * NOTE: execution names are not remembered between CLI processes, so a repeated local run starts again.
 */
async function localRunner(target: Target): Promise<LocalRun> {
  const { buildApp } = await import('../../infra/build');
  const { app, stack } = buildApp({ config: target.config, bundling: false });
  const { definition } = definitionFromTemplate(app.synth().getStackArtifact(stack.artifactId).template);
  const [request, poll, save, alert] = await Promise.all([
    import('../../functions/report-request/handler'),
    import('../../functions/report-poll/handler'),
    import('../../functions/report-save/handler'),
    import('../../functions/report-alert/handler'),
  ]);
  const bind = (handler: unknown, name: string) => (event: unknown) =>
    (handler as (event: unknown, context: unknown) => Promise<unknown>)(event, lambdaContext(name));
  const tasks = {
    RequestReport: bind(request.handler, 'report-request'),
    PollReport: bind(poll.handler, 'report-poll'),
    SaveReport: bind(save.handler, 'report-save'),
    DescribeFailure: bind(alert.handler, 'report-alert'),
    NotifyFailure: async (event: unknown) => event,
  };

  return async (schedule, scheduledTime, rerun) => {
    let outcome: Pick<ReportRunRow, 'outcome' | 'key' | 'error'> = {};
    const start: ExecutionStarter = async ({ input }) => {
      try {
        const output = (await runLocalExecution(definition, input, { tasks, waitMs: 300 })) as {
          key?: string;
        };
        outcome = { outcome: 'saved', ...(output.key ? { key: output.key } : {}) };
      } catch (error) {
        outcome = { outcome: 'failed', error: (error as Error).message };
      }
      return {};
    };
    const started = await startReportRun({ schedule, scheduledTime, start, ...rerunOption(rerun) });
    return { ...started, ...outcome };
  };
}
