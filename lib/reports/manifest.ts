import type { ReportMode } from '../config/report-options';
import type { ReportType } from '../config/schema';
import type { Period } from './date-range';

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

/**
 * The JSON object written beside each report CSV, after the CSV upload completed. Data teams wait for it
 * before they read the CSV, and check `bytes` and `sha256` against the object.
 */
export interface ReportManifest {
  schedule: string;
  report: ReportType;
  /** `export` for a Talent CSV or JSON export, `live` for paged Report Builder data. */
  mode: ReportMode;
  /** Talent's `insightsReportRequestId`; for a live run, the `live_…` id of the run. */
  requestId: string;
  /** The saved Report Builder report, for `reportBuilder` runs. */
  reportId?: string;
  /** The filter options sent with the request; null for `reportBuilder`, which runs with its saved filters. */
  filterOptions: Record<string, unknown> | null;
  period?: Period;
  /** CSV records after the header line. */
  rows: number;
  /** Size of the CSV object, including a byte order mark if there is one. */
  bytes: number;
  /** Hex SHA-256 of the CSV object's bytes. */
  sha256: string;
  contentType: typeof CSV_CONTENT_TYPE;
  /** S3 key of the CSV object. */
  key: string;
  /** The instant the schedule fired (or the backfill stands for), ISO 8601; the key's timestamp. */
  scheduledTime: string;
  /** When the report was requested from Talent (ISO 8601). */
  startedAt: string;
  /** When the CSV object and its metadata were stored (ISO 8601). */
  finishedAt: string;
  /**
   * Live mode only: keys that first appeared after the first page, so the CSV has no column for them.
   * Absent when there were none.
   */
  unmappedColumns?: string[];
  version: 1;
}

export interface ManifestInput {
  schedule: string;
  report: ReportType;
  mode?: ReportMode;
  requestId: string;
  reportId?: string;
  filterOptions: Record<string, unknown> | undefined;
  period?: Period;
  rows: number;
  bytes: number;
  sha256: string;
  key: string;
  scheduledTime: string;
  startedAt: string;
  finishedAt: Date;
  unmappedColumns?: string[];
}

/** Builds a manifest; optional fields are left out rather than written as null, except `filterOptions`. */
export function buildManifest(input: ManifestInput): ReportManifest {
  return {
    schedule: input.schedule,
    report: input.report,
    mode: input.mode ?? 'export',
    requestId: input.requestId,
    ...(input.reportId === undefined ? {} : { reportId: input.reportId }),
    filterOptions: input.filterOptions ?? null,
    ...(input.period === undefined ? {} : { period: input.period }),
    rows: input.rows,
    bytes: input.bytes,
    sha256: input.sha256,
    contentType: CSV_CONTENT_TYPE,
    key: input.key,
    scheduledTime: input.scheduledTime,
    startedAt: input.startedAt,
    finishedAt: input.finishedAt.toISOString(),
    ...(input.unmappedColumns && input.unmappedColumns.length > 0
      ? { unmappedColumns: input.unmappedColumns }
      : {}),
    version: 1,
  };
}
