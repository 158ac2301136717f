import type { Config, ScheduleConfig } from '../config/schema';
import { initialWaitSeconds } from './backoff';
import { type Period, resolveDateRange } from './date-range';
import { UnknownScheduleError } from './errors';
import { buildFilterOptions, buildRequestBody, type ReportRequestBody } from './filter-options';
import type { ExecutionInput, ReportRun } from './run';
import type { ReportClient } from './talent';

/** A schedule's request for one scheduled time: the period, the filter options and the request body. */
export interface ResolvedRequest {
  period?: Period;
  filterOptions?: Record<string, unknown>;
  body: ReportRequestBody;
}

/** Returns the configured schedule with this name; throws UnknownScheduleError naming it otherwise. */
export function findSchedule(reports: Pick<Config['reports'], 'schedules'>, name: string): ScheduleConfig {
  const schedule = reports.schedules.find((entry) => entry.name === name);
  if (!schedule) {
    throw new UnknownScheduleError(
      name,
      reports.schedules.map((entry) => entry.name),
    );
  }
  return schedule;
}

/**
 * Resolves what a schedule requests for the given scheduled time. The result depends only on the schedule
 * and the time, so the SaveReport step rebuilds the same filter options for the manifest.
 */
export function resolveRequest(schedule: ScheduleConfig, scheduledTime: Date): ResolvedRequest {
  const period = schedule.dateRange
    ? resolveDateRange(schedule.dateRange, scheduledTime, schedule.timeZone)
    : undefined;
  const filterOptions = buildFilterOptions(schedule, period);
  return { period, filterOptions, body: buildRequestBody(schedule, filterOptions) };
}

export interface RequestReportInput {
  execution: ExecutionInput;
  reports: Config['reports'];
  client: Pick<ReportClient, 'requestReport'>;
  /** Clock for `startedAt`; tests pass a fixed one. */
  now?: () => Date;
}

/** Asks Talent for the scheduled report and returns the first run state, with the first wait set. */
export async function requestReport(input: RequestReportInput): Promise<ReportRun> {
  const schedule = findSchedule(input.reports, input.execution.schedule);
  const resolved = resolveRequest(schedule, new Date(input.execution.scheduledTime));
  const startedAt = (input.now ?? (() => new Date()))().toISOString();

  const { insightsReportRequestId } = await input.client.requestReport(resolved.body);

  return {
    schedule: schedule.name,
    scheduledTime: input.execution.scheduledTime,
    report: schedule.report,
    requestId: insightsReportRequestId,
    startedAt,
    ...(resolved.period ? { period: resolved.period } : {}),
    waitSeconds: initialWaitSeconds(input.reports.poll),
    waitedSeconds: 0,
    polls: 0,
    status: 'pending',
  };
}
