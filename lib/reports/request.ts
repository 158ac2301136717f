import { randomUUID } from 'node:crypto';
import type { Config, ScheduleConfig } from '../config/schema';
import { initialWaitSeconds } from './backoff';
import { type Period, resolveDateRange } from './date-range';
import {
  buildFilterOptions,
  buildRequestBody,
  type ReportRequestBody,
  validateRequestBody,
} from './filter-options';
import type { ExecutionInput, ReportRun } from './run';
import { findSchedule } from './schedule';
import type { ReportClient } from './talent';

export { findSchedule } from './schedule';

/** A schedule's request for one scheduled time: the period, the filter options and the request body. */
export interface ResolvedRequest {
  period?: Period;
  filterOptions?: Record<string, unknown>;
  body: ReportRequestBody;
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

/** Prefix of the request id of a live run, which Talent does not assign; it keeps S3 keys unique per run. */
export const LIVE_REQUEST_PREFIX = 'live_';

/**
 * Asks Talent for the scheduled report and returns the first run state, with the first wait set. The
 * request body is validated first, so a bad schedule fails without a call to Talent. A live Report Builder
 * run asks Talent for nothing here: it returns a complete run with its own request id, and SaveReport
 * pages the data.
 */
export async function requestReport(input: RequestReportInput): Promise<ReportRun> {
  const schedule = findSchedule(input.reports, input.execution.schedule);
  const resolved = resolveRequest(schedule, new Date(input.execution.scheduledTime));
  validateRequestBody(schedule.name, resolved.body);
  const startedAt = (input.now ?? (() => new Date()))().toISOString();
  const base = {
    schedule: schedule.name,
    scheduledTime: input.execution.scheduledTime,
    report: schedule.report,
    startedAt,
    ...(resolved.period ? { period: resolved.period } : {}),
    waitedSeconds: 0,
    polls: 0,
  };

  if (schedule.mode === 'live') {
    const requestId = `${LIVE_REQUEST_PREFIX}${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    return { ...base, mode: 'live', requestId, waitSeconds: 0, status: 'complete' };
  }

  const { insightsReportRequestId } = await input.client.requestReport(resolved.body);
  return {
    ...base,
    requestId: insightsReportRequestId,
    waitSeconds: initialWaitSeconds(input.reports.poll),
    status: 'pending',
  };
}
