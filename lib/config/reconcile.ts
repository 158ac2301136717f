import * as z from 'zod';

import { ROSTER_COLUMN_FIELDS } from './constants';

export { ROSTER_COLUMN_FIELDS, type RosterColumnField } from './constants';

const domain = z
  .string()
  .regex(
    /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/,
    'must be a lower-case e-mail domain such as "district.example.org", without "@"',
  );

/** OneRoster roles that are staff: the rest (student, parent, guardian, relative) are out of scope. */
export const DEFAULT_ONEROSTER_STAFF_ROLES = [
  'administrator',
  'aide',
  'counselor',
  'districtAdministrator',
  'principal',
  'proctor',
  'siteAdministrator',
  'systemAdministrator',
  'teacher',
] as const;

/**
 * Settings of the reconcile run, which compares a full roster snapshot with every Talent user.
 * Every field has a default, so a config without `roster.reconcile` stays valid.
 */
export const reconcileSchema = z.strictObject({
  /** `plan` writes the plan only; `apply` also applies it when the deactivation brake allows. */
  mode: z.enum(['plan', 'apply']).default('plan'),
  /**
   * E-mail domains the sync owns. A Talent user missing from the roster is deactivated only when its
   * domain is listed here or the state table records its address; an empty list leaves the domain test out.
   */
  domains: z.array(domain).default([]),
  /** Deactivate Talent Admins missing from the roster too; by default they are left alone. */
  deactivateAdmins: z.boolean().default(false),
  /** Roster CSV header per field, matched ignoring case; unset fields use the common header names. */
  columns: z.partialRecord(z.enum(ROSTER_COLUMN_FIELDS), z.string().min(1)).default({}),
  /** OneRoster `role` values that are synced; other roles are left alone as out of scope. */
  oneRosterRoles: z
    .array(z.string().min(1))
    .min(1)
    .default([...DEFAULT_ONEROSTER_STAFF_ROLES]),
  /** The source name under which the state table and the audit trail record roster people. */
  source: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be 1-40 lowercase letters, digits or hyphens')
    .default('roster'),
  /** Users per bulk create or bulk group request. */
  batchSize: z.int().min(1).max(500).default(100),
  /**
   * Talent requests one run keeps in flight. The client's rate limit sets the pace; this only has to
   * cover the latency, so it needs at least `talent.requestsPerSecond` times the latency in seconds.
   */
  concurrency: z
    .int()
    .min(1, 'must be at least 1 request in flight')
    .max(64, 'must be at most 64: more only queues behind the rate limit')
    .default(8),
});

export type ReconcileConfig = z.infer<typeof reconcileSchema>;

/** The defaults of `roster.reconcile`, for the `default()` of the roster object. */
export const RECONCILE_DEFAULTS: ReconcileConfig = reconcileSchema.parse({});
