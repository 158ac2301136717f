import { type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { ScheduleConfig } from '../config/schema';
import {
  firstDayOfMonth,
  isoWeekdayIndex,
  MS_PER_DAY,
  type Period,
  resolveDateRange,
  toEpochDay,
} from './date-range';
import { ReportInputError } from './errors';
import { compactUtcTimestamp } from './keys';
import type { ExecutionInput } from './run';

/** Step Functions allows execution names of 1 to 80 characters. */
const MAX_EXECUTION_NAME = 80;

/** Starts one execution; throws an error named `ExecutionAlreadyExists` when the name was used before. */
export type ExecutionStarter = (request: { name: string; input: ExecutionInput }) => Promise<{
  executionArn?: string;
}>;

export interface StartedRun {
  schedule: string;
  scheduledTime: string;
  period?: Period;
  executionName: string;
  /** False when an execution of this name existed already, so nothing new was started. */
  started: boolean;
  executionArn?: string;
}

/**
 * Returns the execution name of a schedule's run for a scheduled time:
 * `{schedule}-{period start}-{YYYYMMDDTHHmmssZ}`, or `{schedule}-{YYYYMMDDTHHmmssZ}` without a date range.
 * The name is a function of the schedule and the time only, so a second trigger for the same time gets
 * the same name and Step Functions starts nothing new. It returns ExecutionAlreadyExists, or the running
 * execution's ARN when the input is the same. A rerun adds `-r{base-36 ms}` to make a new name.
 * Schedule names are at most 40 characters of `[a-z0-9-]`, so the name stays within 80 characters and
 * uses no character that Step Functions rejects.
 */
export function executionName(schedule: ScheduleConfig, scheduledTime: Date, rerunAt?: Date): string {
  const period = schedule.dateRange
    ? resolveDateRange(schedule.dateRange, scheduledTime, schedule.timeZone)
    : undefined;
  const parts = [schedule.name, ...(period ? [period.start] : []), compactUtcTimestamp(scheduledTime)];
  if (rerunAt) parts.push(`r${rerunAt.getTime().toString(36)}`);
  return parts.join('-').slice(0, MAX_EXECUTION_NAME);
}

export interface StartReportRunInput {
  schedule: ScheduleConfig;
  scheduledTime: Date;
  start: ExecutionStarter;
  /** Set to run a period again under a new execution name; its report lands under a new key. */
  rerunAt?: Date;
}

/**
 * Starts the report execution of a schedule for a scheduled time under its deterministic name. An
 * execution that exists already counts as success with `started: false`, so a duplicate trigger is
 * harmless.
 */
export async function startReportRun(input: StartReportRunInput): Promise<StartedRun> {
  const { schedule, scheduledTime } = input;
  const name = executionName(schedule, scheduledTime, input.rerunAt);
  const period = schedule.dateRange
    ? resolveDateRange(schedule.dateRange, scheduledTime, schedule.timeZone)
    : undefined;
  const base = {
    schedule: schedule.name,
    scheduledTime: scheduledTime.toISOString(),
    ...(period ? { period } : {}),
    executionName: name,
  };

  try {
    const { executionArn } = await input.start({
      name,
      input: { schedule: schedule.name, scheduledTime: scheduledTime.toISOString() },
    });
    return { ...base, started: true, ...(executionArn ? { executionArn } : {}) };
  } catch (error) {
    if ((error as Error).name === 'ExecutionAlreadyExists') return { ...base, started: false };
    throw error;
  }
}

/** Returns an ExecutionStarter that calls Step Functions' StartExecution on one state machine. */
export function stepFunctionsStarter(client: SFNClient, stateMachineArn: string): ExecutionStarter {
  return async ({ name, input }) => {
    // The SDK throws ExecutionAlreadyExists with that name, which startReportRun matches.
    const result = await client.send(
      new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
    );
    return { executionArn: result.executionArn };
  };
}

/**
 * Returns the scheduled instants whose periods cover the days from `from` to `to` (inclusive,
 * `YYYY-MM-DD`), one per period of the schedule's date-range preset, oldest first. Each instant is the
 * schedule's time of day (from its cron expression; noon when that is not a fixed time) on the day the
 * schedule would have fired for the period, so a backfill run gets the same execution name as the
 * scheduled run of that period would have. Without a date range, each day is one run.
 */
export function backfillTimes(schedule: ScheduleConfig, from: string, to: string): Date[] {
  const first = backfillDay(from, 'from');
  const last = backfillDay(to, 'to');
  if (last < first) {
    throw new ReportInputError(`Backfill --to ${to} is before --from ${from}: swap them.`, [
      'to: before from',
    ]);
  }

  const fireDays: number[] = [];
  const range = schedule.dateRange;
  if (!range) {
    for (let day = first; day <= last; day++) fireDays.push(day);
  } else {
    switch (range.preset) {
      case 'previousDay':
        for (let day = first; day <= last; day++) fireDays.push(day + 1);
        break;
      case 'previousWeek':
        for (let monday = first - isoWeekdayIndex(first); monday <= last; monday += 7) {
          fireDays.push(monday + 7);
        }
        break;
      case 'previousMonth':
      case 'monthToDate':
        // On the 1st, monthToDate covers the whole previous month, as previousMonth does.
        for (let month = firstDayOfMonth(first); month <= last; month = nextMonth(month)) {
          fireDays.push(nextMonth(month));
        }
        break;
      case 'lastNDays':
        for (let end = first + range.days - 1; end - range.days + 1 <= last; end += range.days) {
          fireDays.push(end + 1);
        }
        break;
    }
  }

  const { hour, minute } = cronTimeOfDay(schedule.cron);
  return fireDays.map((day) => zonedInstant(day, hour, minute, schedule.timeZone));
}

/** Returns the hour and minute of a cron expression with a fixed time of day, or noon for any other. */
export function cronTimeOfDay(cron: string): { hour: number; minute: number } {
  const [minute, hour] = cron.replace(/^cron\(/, '').split(' ');
  if (minute && hour && /^\d+$/.test(minute) && /^\d+$/.test(hour)) {
    return { hour: Number(hour), minute: Number(minute) };
  }
  return { hour: 12, minute: 0 };
}

/**
 * Returns the instant when a wall clock in `timeZone` shows `hour:minute` on `day` (days since
 * 1970-01-01). The zone's offset is read at a first guess and again at the result, which settles it
 * across a daylight-saving change. A time inside a spring-forward gap comes out an hour earlier.
 */
export function zonedInstant(day: number, hour: number, minute: number, timeZone: string): Date {
  const wall = day * MS_PER_DAY + (hour * 60 + minute) * 60_000;
  let instant = wall - offsetMs(new Date(wall), timeZone);
  instant = wall - offsetMs(new Date(instant), timeZone);
  return new Date(instant);
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** Milliseconds the zone's wall clock is ahead of UTC at `instant`. */
function offsetMs(instant: Date, timeZone: string): number {
  let formatter = offsetFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    offsetFormatters.set(timeZone, formatter);
  }
  const parts: Record<string, number> = {};
  for (const part of formatter.formatToParts(instant)) parts[part.type] = Number(part.value);
  const asUtc = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

function backfillDay(date: string, what: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) {
    throw new ReportInputError(`Backfill --${what} "${date}" is not a date: use YYYY-MM-DD.`, [
      `${what}: not YYYY-MM-DD`,
    ]);
  }
  return toEpochDay(date);
}

function nextMonth(firstDay: number): number {
  const date = new Date(firstDay * MS_PER_DAY);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1) / MS_PER_DAY;
}
