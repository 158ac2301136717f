import * as z from 'zod';
import { REPORT_MODES, REPORT_TYPES } from '../config/report-options';
import { ReportInputError } from './errors';

/**
 * The state of one report run as Step Functions carries it between the report steps. It contains ids and
 * counters only, never report data, because a state may not exceed 256 KB.
 */

/** The execution input that EventBridge Scheduler or a manual run passes to the state machine. */
export const executionInputSchema = z.object({
  /** The `name` of a schedule in `reports.schedules`. */
  schedule: z.string().min(1),
  /** The instant the schedule fired, ISO 8601; date ranges and S3 keys are derived from it. */
  scheduledTime: z.iso.datetime({ offset: true }),
});

export type ExecutionInput = z.infer<typeof executionInputSchema>;

export const RUN_STATUSES = ['pending', 'complete', 'failed', 'timedOut'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

const isoDate = z.iso.date();

export const reportRunSchema = executionInputSchema.extend({
  report: z.enum(REPORT_TYPES),
  /** `live` when SaveReport pages the Report Builder data; absent for an export. */
  mode: z.enum(REPORT_MODES).optional(),
  /**
   * Talent's `insightsReportRequestId`, the id that `GET /reports/{reportId}` takes; for a live run, an id
   * this project makes (`live_…`), because no export is requested.
   */
  requestId: z.string().min(1),
  /** When the RequestReport step asked Talent for the report. */
  startedAt: z.iso.datetime({ offset: true }),
  /** The resolved date range, when the schedule has a date-range preset. */
  period: z.object({ start: isoDate, end: isoDate }).optional(),
  /** Seconds the next Wait state waits; a whole number because Wait states take whole seconds. */
  waitSeconds: z.int().min(0),
  /** Seconds spent in Wait states so far. */
  waitedSeconds: z.int().min(0),
  /** Status checks done so far. */
  polls: z.int().min(0),
  status: z.enum(RUN_STATUSES),
  /** Reason the run failed or timed out, for the alert. */
  failureReason: z.string().optional(),
});

export type ReportRun = z.infer<typeof reportRunSchema>;

/** The SaveReport step's output: the run plus where the report went and what it contains. */
export interface SavedReportRun extends Omit<ReportRun, 'status'> {
  status: 'saved';
  key: string;
  manifestKey: string;
  /** CSV records after the header line. */
  rows: number;
  bytes: number;
  /** Hex SHA-256 of the CSV object's bytes. */
  sha256: string;
}

/** Validates the state machine's execution input; the error names each invalid field. */
export function parseExecutionInput(value: unknown): ExecutionInput {
  return parseWith(executionInputSchema, value, 'execution input');
}

/** Validates a report run state; the error names each invalid field. */
export function parseReportRun(value: unknown): ReportRun {
  return parseWith(reportRunSchema, value, 'report run state');
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;

  const problems = result.error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    return `${path}: ${issue.message}`;
  });
  throw new ReportInputError(
    `Invalid ${what}: ${problems.join('; ')}. The state machine passes this object between the report ` +
      'steps; a manual execution must start with {"schedule": "<name>", "scheduledTime": "<ISO 8601>"}.',
    problems,
  );
}
