import type { ScheduleConfig } from '../config/schema';
import type { ReportRequest } from '../talent/client';
import type { Period } from './date-range';

/**
 * Names of the `filterOptions` keys that carry a report's date range, with dates as `YYYY-MM-DD`.
 * NOTE: the Talent API V2 reference does not show the inner fields of `filterOptions`, so these names and
 * the date format are inferred. They are kept here so that a correction is one edit.
 */
export const DATE_FILTER_KEYS = { start: 'startDate', end: 'endDate' } as const;

/** The body of `POST /reports`. */
export type ReportRequestBody = ReportRequest;

/**
 * Builds the filter options of a schedule: its configured `filterOptions` with the resolved period's
 * dates set on top, so the preset wins over dates written in the config. Report Builder exports take no
 * filter options (they run with the saved report's filters), so the result is undefined for them. Every
 * other type requires the object, so it is at least `{}`.
 */
export function buildFilterOptions(
  schedule: ScheduleConfig,
  period: Period | undefined,
): Record<string, unknown> | undefined {
  if (schedule.report === 'reportBuilder') return undefined;

  const options: Record<string, unknown> = { ...schedule.filterOptions };
  if (period) {
    options[DATE_FILTER_KEYS.start] = period.start;
    options[DATE_FILTER_KEYS.end] = period.end;
  }
  return options;
}

/** Builds the `POST /reports` body: a saved report id for Report Builder, else filter options and run-as user. */
export function buildRequestBody(
  schedule: ScheduleConfig,
  filterOptions: Record<string, unknown> | undefined,
): ReportRequestBody {
  if (schedule.report === 'reportBuilder') {
    return { report: schedule.report, reportId: schedule.reportId };
  }
  const body: ReportRequestBody = { report: schedule.report, filterOptions };
  if (schedule.email !== undefined) body.email = schedule.email;
  return body;
}
