import * as z from 'zod';

/**
 * Report delivery settings that sit beside the schedules in `reports` and on each schedule. They live in
 * their own file so that the report delivery options read as one list; `schema.ts` spreads them into
 * its strict objects.
 */

import { REPORT_ENCRYPTIONS, REPORT_MODES } from './constants';

export {
  REPORT_ENCRYPTIONS,
  REPORT_MODES,
  REPORT_TYPES,
  type ReportMode,
  type ReportType,
} from './constants';

/** Fields added to each schedule. */
export const scheduleDeliveryFields = {
  /**
   * `live` pages `POST /reports/reportBuilder/data` into one CSV instead of requesting an export; only for
   * `reportBuilder`. Default `export`.
   */
  mode: z.enum(REPORT_MODES).default('export'),
  /** Starts the CSV with a UTF-8 byte order mark; overrides `reports.bom` for this schedule. */
  bom: z.boolean().optional(),
};

/** Fields added to `reports`. */
export const reportDeliveryFields = {
  /**
   * Server-side encryption of report objects: `S3_MANAGED` (SSE-S3) or `KMS` (SSE-KMS with a
   * customer-managed key that the stack creates with rotation on, unless `kmsKeyArn` names one).
   */
  encryption: z.enum(REPORT_ENCRYPTIONS).default('S3_MANAGED'),
  /** An existing KMS key for `encryption: KMS`; the stack then creates none. */
  kmsKeyArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/, 'must be the ARN of a KMS key')
    .optional(),
  /** Writes `{prefix}/{schedule}/latest.json` after each manifest, pointing at the newest one. */
  latestPointer: z.boolean().default(false),
  /** Starts every CSV with a UTF-8 byte order mark unless the schedule says otherwise. */
  bom: z.boolean().default(false),
};

/** The defaults of `reportDeliveryFields`, for the `reports` default object. */
export const REPORT_DELIVERY_DEFAULTS = {
  encryption: 'S3_MANAGED',
  latestPointer: false,
  bom: false,
} as const;
