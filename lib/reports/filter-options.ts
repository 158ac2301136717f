import * as z from 'zod';
import type { ReportType, ScheduleConfig } from '../config/schema';
import type { ReportRequest } from '../talent/client';
import type { Period } from './date-range';
import { ReportInputError } from './errors';

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

/** The report types that take `filterOptions`: every type except `reportBuilder`. */
export type FilterReportType = Exclude<ReportType, 'reportBuilder'>;

/**
 * The keys that every report type's filter options may carry, with their types checked. All of them are
 * inferred: the Talent API V2 reference shows `filterOptions` as an object without fields and points to
 * `GET /reports/filterOptions`, whose answer is tenant-specific. Keys outside this list are allowed and
 * sent as they are, because a tenant may offer filters that no list here can know; the known keys are
 * checked so that a wrong type or date fails before Talent is asked.
 */
function commonFilterFields() {
  const isoDate = z.iso.date();
  const ids = z.array(z.string().min(1));
  return {
    /** Inferred: first day of the date range, `YYYY-MM-DD`. Set from the date-range preset when there is one. */
    [DATE_FILTER_KEYS.start]: isoDate.optional(),
    /** Inferred: last day of the date range, inclusive. */
    [DATE_FILTER_KEYS.end]: isoDate.optional(),
    /** Inferred: systems to restrict the report to. */
    systemIds: ids.optional(),
    /** Inferred: groups to restrict the report to. */
    groupIds: ids.optional(),
    /** Inferred: users to restrict the report to. */
    userIds: ids.optional(),
  };
}

type ExtraFilterFields = () => Record<string, z.ZodType>;

/** Inferred keys of report types about goals, rubrics and learning paths; checked when present. */
const goalFields: ExtraFilterFields = () => ({ goalStatus: z.string().min(1).optional() });
const rubricFields: ExtraFilterFields = () => ({ rubricIds: z.array(z.string().min(1)).optional() });
const pathFields: ExtraFilterFields = () => ({ learningPathIds: z.array(z.string().min(1)).optional() });
const noExtraFields: ExtraFilterFields = () => ({});

/**
 * The keys each report type accepts beyond the common ones; the one place that lists what each type
 * accepts. They are functions because a deployment's schedules use one or a few report types, and
 * building all twenty schemas at module load added to every cold start of the report functions.
 */
export const FILTER_OPTION_FIELDS: Record<FilterReportType, ExtraFilterFields> = {
  systemPerformance: noExtraFields,
  domainsAndDimensions: rubricFields,
  selfAssessments: rubricFields,
  goals: goalFields,
  videoInteraction: noExtraFields,
  videoUsage: noExtraFields,
  fileUsage: noExtraFields,
  rubricUsage: rubricFields,
  goalsActivity: goalFields,
  goalsCreation: goalFields,
  exemplarUsage: noExtraFields,
  forumUsage: noExtraFields,
  forumParticipation: noExtraFields,
  workflowParticipation: noExtraFields,
  observations: rubricFields,
  coachingFrequency: noExtraFields,
  frequencySnapshot: noExtraFields,
  accountUsage: noExtraFields,
  activityStream: noExtraFields,
  learningPathsStatus: pathFields,
};

const filterSchemas = new Map<FilterReportType, z.ZodType<Record<string, unknown>>>();

/** Returns the filter options schema of a report type, built on its first use. */
export function filterOptionsSchema(report: FilterReportType): z.ZodType<Record<string, unknown>> {
  let schema = filterSchemas.get(report);
  if (!schema) {
    schema = z
      .looseObject({ ...commonFilterFields(), ...FILTER_OPTION_FIELDS[report]() })
      .refine((value) => !(value.startDate && value.endDate) || value.startDate <= value.endDate, {
        path: [DATE_FILTER_KEYS.end],
        message: `must not be before ${DATE_FILTER_KEYS.start}`,
      });
    filterSchemas.set(report, schema);
  }
  return schema;
}

/**
 * Checks a request body before it is sent: Report Builder takes a saved report id and nothing else, every
 * other type takes filter options that match its schema and a run-as e-mail. Throws a ReportInputError
 * naming each problem, which the state machine does not retry because a retry cannot fix it.
 */
export function validateRequestBody(schedule: string, body: ReportRequestBody): void {
  const problems: string[] = [];
  if (body.report === 'reportBuilder') {
    if (!body.reportId) problems.push('reportId: is required for reportBuilder');
    if (body.filterOptions !== undefined) problems.push('filterOptions: is not accepted for reportBuilder');
    if (body.email !== undefined) problems.push('email: is not accepted for reportBuilder');
  } else {
    if (body.reportId !== undefined) problems.push(`reportId: is accepted only for reportBuilder`);
    if (!body.email) problems.push(`email: is required for ${body.report}`);
    const result = filterOptionsSchema(body.report).safeParse(body.filterOptions);
    if (!result.success) {
      for (const issue of result.error.issues) {
        problems.push(`filterOptions.${issue.path.join('.') || '(object)'}: ${issue.message}`);
      }
    }
  }
  if (problems.length === 0) return;

  throw new ReportInputError(
    `Schedule "${schedule}" would send an invalid ${body.report} request: ${problems.join('; ')}. ` +
      'Correct the schedule in reports.schedules of the deployment config and deploy.',
    problems,
  );
}
