import { localDate } from './date-range';

export interface ReportKeys {
  /** Key of the CSV object. */
  key: string;
  /** Key of the manifest beside it: the CSV key with `.csv` replaced by `.manifest.json`. */
  manifestKey: string;
}

export interface ReportKeyInput {
  /** `reports.prefix` from the config: S3 key segments without leading or trailing slash. */
  prefix: string;
  schedule: string;
  timeZone: string;
  scheduledTime: Date;
  requestId: string;
}

/** Maximum length of the request id part of a key; Talent's ids (`export_…`) are far shorter. */
const MAX_REQUEST_ID_LENGTH = 128;

/**
 * Builds the S3 keys of a report run:
 * `{prefix}/{schedule}/date={YYYY-MM-DD}/{schedule}_{YYYYMMDDTHHmmssZ}_{requestId}.csv`. The date is the
 * scheduled day in the schedule's time zone, so each delivery lands in the partition of its local day.
 * The timestamp is the scheduled time in UTC.
 */
export function reportKeys(input: ReportKeyInput): ReportKeys {
  const date = localDate(input.scheduledTime, input.timeZone);
  const timestamp = compactUtcTimestamp(input.scheduledTime);
  const base = `${input.prefix}/${input.schedule}/date=${date}/${input.schedule}_${timestamp}_${safeKeyPart(input.requestId)}`;
  return { key: `${base}.csv`, manifestKey: `${base}.manifest.json` };
}

/** Formats an instant as `YYYYMMDDTHHmmssZ` in UTC. */
export function compactUtcTimestamp(instant: Date): string {
  return `${instant.toISOString().slice(0, 19).replaceAll('-', '').replaceAll(':', '')}Z`;
}

/**
 * Replaces every character outside letters, digits, `.`, `_` and `-` with `_`, which leaves a string
 * that needs no URL encoding and cannot add a `/` segment to a key.
 */
export function safeKeyPart(text: string): string {
  return text.slice(0, MAX_REQUEST_ID_LENGTH).replace(/[^A-Za-z0-9._-]/g, '_');
}
