import * as z from 'zod/mini';
import { REPORT_MODES, REPORT_TYPES } from '../config/constants';
import { executionInputSchema, parseWith } from './execution-input';

/**
 * The state of one report run as Step Functions carries it between the report steps. It contains ids and
 * counters only, never report data, because a state may not exceed 256 KB.
 */

export {
  type ExecutionInput,
  executionInputSchema,
  parseExecutionInput,
} from './execution-input';

export const RUN_STATUSES = ['pending', 'complete', 'failed', 'timedOut'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

const isoDate = z.iso.date();

export const reportRunSchema = z.extend(executionInputSchema, {
  report: z.enum(REPORT_TYPES),
  /** `live` when SaveReport pages the Report Builder data; absent for an export. */
  mode: z.optional(z.enum(REPORT_MODES)),
  /**
   * Talent's `insightsReportRequestId`, the id that `GET /reports/{reportId}` takes; for a live run, an id
   * this project makes (`live_…`), because no export is requested.
   */
  requestId: z.string().check(z.minLength(1)),
  /** When the RequestReport step asked Talent for the report. */
  startedAt: z.iso.datetime({ offset: true }),
  /** The resolved date range, when the schedule has a date-range preset. */
  period: z.optional(z.object({ start: isoDate, end: isoDate })),
  /** Seconds the next Wait state waits; a whole number because Wait states take whole seconds. */
  waitSeconds: z.int().check(z.minimum(0)),
  /** Seconds spent in Wait states so far. */
  waitedSeconds: z.int().check(z.minimum(0)),
  /** Status checks done so far. */
  polls: z.int().check(z.minimum(0)),
  status: z.enum(RUN_STATUSES),
  /** Reason the run failed or timed out, for the alert. */
  failureReason: z.optional(z.string()),
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

/** Validates a report run state; the error names each invalid field. */
export function parseReportRun(value: unknown): ReportRun {
  return parseWith(reportRunSchema, value, 'report run state');
}
