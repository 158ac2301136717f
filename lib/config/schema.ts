import * as z from 'zod';
import { cronProblem } from './cron';
import { pollLimitProblem } from './poll-limit';
import { RECONCILE_DEFAULTS, reconcileSchema } from './reconcile';
import {
  REPORT_DELIVERY_DEFAULTS,
  REPORT_TYPES,
  reportDeliveryFields,
  scheduleDeliveryFields,
} from './report-options';
import { auditRetentionDays, condition, groupTemplate, rosterTimeZone, scope } from './roster-rules';
import { ianaTimeZone } from './time-zone';

export {
  type Condition,
  type FieldCondition,
  PERSON_FIELDS,
  type PersonField,
  type ScopeConfig,
} from './roster-rules';

/**
 * The deployment config: one JSON file per deployment, validated at synth time and when a Lambda starts.
 * Every object is strict, so a misspelt key fails instead of being ignored. Secrets never appear here,
 * only the names under which Secrets Manager stores them.
 */

const resourceName = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,39}$/,
    'must be 1-40 lowercase letters, digits or hyphens, starting with a letter or digit',
  );

const secretName = z
  .string()
  .regex(
    /^[A-Za-z0-9/_+=.@-]{1,512}$/,
    'must be a Secrets Manager secret name (letters, digits and /_+=.@-)',
  );

/** Talent's write enum for `role`; the UI calls Teacher "Mentee" and Admin "Administrator". */
export const TALENT_ROLES = ['Teacher', 'Coach', 'Admin'] as const;
export type TalentRole = (typeof TALENT_ROLES)[number];

// The report types live in constants.ts, which the report functions import without any schema.
export { REPORT_TYPES, type ReportType } from './constants';

export const PROVIDER_KINDS = [
  'generic',
  'merge',
  'bamboohr',
  'hibob',
  'personio',
  'standard-webhooks',
  'finch',
  'gusto',
  'rippling',
] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

const roleRule = z.strictObject({
  when: condition,
  role: z.enum(TALENT_ROLES),
});

const groupRule = z.strictObject({
  when: condition.default({}),
  /** Group name templates; `{school}` and the other person fields are replaced by the person's values. */
  groups: z.array(groupTemplate).min(1),
});

/**
 * Providers whose webhooks carry little more than an id: the apply function fetches the person from the
 * provider's API, so a source of these kinds needs `apiSecretName`.
 */
export const THIN_PROVIDER_KINDS: readonly string[] = [
  'finch',
  'gusto',
  'rippling',
  'bamboohr',
  'hibob',
  'personio',
];

const source = z
  .strictObject({
    name: resourceName,
    provider: z.enum(PROVIDER_KINDS),
    signingSecretName: secretName,
    /** Seconds a signed timestamp may differ from the receiver's clock (providers that sign one). */
    toleranceSeconds: z.int().min(30).max(3600).default(300),
    /** The secret whose value is the credential for the provider's API, used to fetch people. */
    apiSecretName: secretName.optional(),
    /** The provider API's base URL; absent means the provider's public API. */
    apiBaseUrl: z
      .url({ protocol: /^https?$/ })
      .refine(isHttpsOrLoopback, {
        message:
          'must use https, because every lookup carries the API credential (http is allowed only for 127.0.0.1 and localhost)',
      })
      .optional(),
    /**
     * Tenant ids (company, connection or account ids, depending on the provider) this source accepts.
     * A delivery for any other tenant is rejected with 403; absent accepts every tenant.
     */
    tenantIds: z.array(z.string().min(1).max(200)).min(1).optional(),
    /** BambooHR: the account's subdomain (`acme` for acme.bamboohr.com), part of every API URL. */
    companyDomain: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9-]{0,62}$/,
        'must be the subdomain of the BambooHR account, for example "acme"',
      )
      .optional(),
    /**
     * Gusto: the secret the webhook function writes a new subscription's verification token to, as
     * `{"verification_token", "webhook_subscription_uuid", "source", "receivedAt"}`. It is never used
     * to check signatures. Absent means `<signingSecretName>-pending-verification`. The stack creates it.
     */
    verificationSecretName: secretName.optional(),
    /** Personio: the header that carries the webhook's static token; absent means `Authorization`. */
    tokenHeader: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,100}$/, 'must be an HTTP header name, for example "X-Personio-Token"')
      .optional(),
  })
  .superRefine((value, context) => {
    if (value.provider === 'bamboohr' && !value.companyDomain) {
      context.addIssue({
        code: 'custom',
        path: ['companyDomain'],
        message:
          'is required for provider "bamboohr": set it to the account subdomain (acme for acme.bamboohr.com)',
      });
    }
    if (value.verificationSecretName && value.verificationSecretName === value.signingSecretName) {
      context.addIssue({
        code: 'custom',
        path: ['verificationSecretName'],
        message:
          'must differ from signingSecretName: an unsigned request may write it, so it must never be a signing key',
      });
    }
    if (THIN_PROVIDER_KINDS.includes(value.provider) && !value.apiSecretName) {
      context.addIssue({
        code: 'custom',
        path: ['apiSecretName'],
        message:
          `is required for provider "${value.provider}", whose webhooks carry only ids: set it to the ` +
          'Secrets Manager name of the provider API credential',
      });
    }
  });

/** Concurrent apply functions when `roster.apply` is absent. */
export const DEFAULT_APPLY_MAX_CONCURRENCY = 5;

/** The roster-apply function, which drains the roster queue. */
const rosterApply = z.strictObject({
  /**
   * Apply functions that run at once: the SQS event source's maximum concurrency. Each instance has
   * its own Talent client, so the load on Talent is up to this times `talent.requestsPerSecond`.
   */
  maxConcurrency: z
    .int()
    .min(2, 'must be at least 2, the lowest maximum concurrency an SQS event source accepts')
    .max(1000, 'must be at most 1000, the highest maximum concurrency an SQS event source accepts')
    .default(DEFAULT_APPLY_MAX_CONCURRENCY),
});

const roster = z.strictObject({
  sources: z.array(source).default([]),
  defaultRole: z.enum(TALENT_ROLES).default('Teacher'),
  roleRules: z.array(roleRule).default([]),
  groupRules: z.array(groupRule).default([]),
  /**
   * Group names the sync may add and remove, as patterns where `*` matches any text. Groups outside
   * them, for example ones assigned in Talent by hand, are never removed. Defaults to the group
   * templates with each placeholder read as `*`.
   */
  managedGroups: z.array(z.string().min(1)).optional(),
  terminationAction: z.enum(['deactivate', 'delete', 'ignore']).default('deactivate'),
  /** Passed to Talent as `suppress_invite` when a user is created. */
  suppressInvite: z.boolean().default(false),
  /** The largest share of Talent users that one reconcile run may deactivate without being forced. */
  maxDeactivationShare: z.number().min(0).max(1).default(0.1),
  /** The full-roster reconcile run: mode, owned domains, CSV columns, OneRoster roles. */
  reconcile: reconcileSchema.default(RECONCILE_DEFAULTS),
  /** The roster-apply function: how many run at once. */
  apply: rosterApply.default({ maxConcurrency: DEFAULT_APPLY_MAX_CONCURRENCY }),
  /** Who the sync manages; a person who leaves the scope is treated as a leaver. */
  scope: scope.default({ include: [], exclude: [] }),
  /** The IANA time zone in which a future hire's start date begins, when the held event is released. */
  timeZone: rosterTimeZone,
  /** Days the audit table keeps an entry before DynamoDB's TTL removes it. */
  auditRetentionDays,
});

const dateRange = z.discriminatedUnion('preset', [
  z.strictObject({ preset: z.literal('previousDay') }),
  z.strictObject({ preset: z.literal('previousWeek') }),
  z.strictObject({ preset: z.literal('previousMonth') }),
  z.strictObject({ preset: z.literal('monthToDate') }),
  z.strictObject({ preset: z.literal('lastNDays'), days: z.int().min(1).max(366) }),
]);

const schedule = z
  .strictObject({
    name: resourceName,
    /** An EventBridge Scheduler cron expression, for example `cron(0 6 * * ? *)`. */
    cron: z.string().superRefine((value, context) => {
      const problem = cronProblem(value);
      if (problem)
        context.addIssue({ code: 'custom', message: `is not an EventBridge cron expression: ${problem}` });
    }),
    /** The IANA time zone that the cron expression and the date range are read in. */
    timeZone: ianaTimeZone,
    report: z.enum(REPORT_TYPES),
    /** A saved Report Builder report; required for `reportBuilder` and rejected for other types. */
    reportId: z.string().min(1).optional(),
    /** The user the report runs as; required for every type except `reportBuilder`. */
    email: z.email().optional(),
    filterOptions: z.record(z.string(), z.unknown()).optional(),
    dateRange: dateRange.optional(),
    enabled: z.boolean().default(true),
    ...scheduleDeliveryFields,
  })
  .superRefine((value, context) => {
    if (value.mode === 'live' && value.report !== 'reportBuilder') {
      context.addIssue({
        code: 'custom',
        path: ['mode'],
        message: 'live is accepted only for reportBuilder: remove it or set report to "reportBuilder"',
      });
    }
    if (value.report === 'reportBuilder') {
      if (!value.reportId) {
        context.addIssue({
          code: 'custom',
          path: ['reportId'],
          message: 'is required for reportBuilder: set it to the id of a saved Report Builder report',
        });
      }
      for (const key of ['filterOptions', 'email', 'dateRange'] as const) {
        if (value[key] !== undefined) {
          context.addIssue({
            code: 'custom',
            path: [key],
            message: 'is not accepted for reportBuilder, which runs with its saved configuration: remove it',
          });
        }
      }
      return;
    }
    if (value.reportId !== undefined) {
      context.addIssue({
        code: 'custom',
        path: ['reportId'],
        message: `is accepted only for reportBuilder: remove it or set report to "reportBuilder"`,
      });
    }
    if (!value.email) {
      context.addIssue({
        code: 'custom',
        path: ['email'],
        message: `is required for ${value.report}: set it to the e-mail of the Talent user the report runs as`,
      });
    }
  });

/** The longest `reports.poll.timeoutSeconds`: one day. */
const MAX_POLL_TIMEOUT_SECONDS = 86_400;

const poll = z
  .strictObject({
    /** Seconds before the first status check; the reason for each default is in docs/reports.md. */
    initialWaitSeconds: z.int().min(1).max(3600).default(30),
    /** Each wait is the previous one times this factor, up to `maxWaitSeconds`. */
    backoffFactor: z.number().min(1).max(10).default(2),
    maxWaitSeconds: z.int().min(1).max(3600).default(300),
    /** Total seconds of waiting after which the run fails as timed out. */
    timeoutSeconds: z.int().min(60).max(MAX_POLL_TIMEOUT_SECONDS).default(7200),
  })
  .refine((value) => value.maxWaitSeconds >= value.initialWaitSeconds, {
    path: ['maxWaitSeconds'],
    message: 'must be at least initialWaitSeconds',
  })
  .superRefine((value, context) => {
    // Fields out of range have their own issue, and counting polls for them could loop for a long time.
    const countable =
      value.initialWaitSeconds >= 1 &&
      value.maxWaitSeconds >= 1 &&
      value.backoffFactor >= 1 &&
      value.timeoutSeconds <= MAX_POLL_TIMEOUT_SECONDS;
    const problem = countable ? pollLimitProblem(value) : undefined;
    if (problem) context.addIssue({ code: 'custom', message: problem });
  });

const reports = z.strictObject({
  /** Key prefix for report objects in the bucket, without leading or trailing slashes. */
  prefix: z
    .string()
    .regex(
      /^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/,
      'must be S3 key segments joined by "/", with no leading or trailing slash',
    )
    .default('reports'),
  /** Days after which report objects expire; absent keeps them. */
  retentionDays: z.int().min(1).max(36_500).optional(),
  /** Prefixes spreadsheet formula characters (= + - @) with a quote in JSON-converted CSVs. */
  neutralizeFormulas: z.boolean().default(false),
  poll: poll.default({ initialWaitSeconds: 30, backoffFactor: 2, maxWaitSeconds: 300, timeoutSeconds: 7200 }),
  schedules: z.array(schedule).default([]),
  ...reportDeliveryFields,
});

const talent = z.strictObject({
  /** The API URL, for example `https://api.torshtalent.com/api/v2` (not the web domain). */
  baseUrl: z.url({ protocol: /^https?$/ }).refine(isHttpsOrLoopback, {
    message:
      'must use https, because every request carries the bearer token (http is allowed only for 127.0.0.1 and localhost)',
  }),
  /** The Secrets Manager secret whose value is the Talent bearer token. */
  tokenSecretName: secretName,
  /** Sent as `systemId` on creates; needed with network tokens to pick the target system. */
  systemId: z.string().min(1).optional(),
  /** Client-side limit on Talent requests per second, per function instance. */
  requestsPerSecond: z.number().min(0.1).max(100).default(5),
  /** Milliseconds a single Talent request may take before it is aborted and retried. */
  timeoutMs: z.int().min(100).max(60_000).default(10_000),
  /** Retries after the first attempt for 429, 5xx, timeouts and dropped connections. */
  maxRetries: z.int().min(0).max(10).default(4),
});

export const configSchema = z
  .strictObject({
    /** The config's JSON Schema (`./config.schema.json`), for editor completion; not used otherwise. */
    $schema: z.string().optional(),
    talent,
    roster: roster.default({
      sources: [],
      defaultRole: 'Teacher',
      roleRules: [],
      groupRules: [],
      terminationAction: 'deactivate',
      suppressInvite: false,
      maxDeactivationShare: 0.1,
      reconcile: RECONCILE_DEFAULTS,
      apply: { maxConcurrency: DEFAULT_APPLY_MAX_CONCURRENCY },
      scope: { include: [], exclude: [] },
      timeZone: 'UTC',
      auditRetentionDays: 400,
    }),
    reports: reports.default({
      prefix: 'reports',
      neutralizeFormulas: false,
      poll: { initialWaitSeconds: 30, backoffFactor: 2, maxWaitSeconds: 300, timeoutSeconds: 7200 },
      schedules: [],
      ...REPORT_DELIVERY_DEFAULTS,
    }),
    alerts: z
      .strictObject({
        /** Subscribed to the alert topic; AWS sends a confirmation e-mail first. */
        email: z.email().optional(),
      })
      .default({}),
  })
  .superRefine((value, context) => {
    addDuplicateIssues(
      value.roster.sources.map((entry) => entry.name),
      ['roster', 'sources'],
      context,
    );
    addDuplicateIssues(
      value.reports.schedules.map((entry) => entry.name),
      ['reports', 'schedules'],
      context,
    );
  });

export type Config = z.infer<typeof configSchema>;
export type SourceConfig = Config['roster']['sources'][number];
export type RosterConfig = Config['roster'];
export type ScheduleConfig = Config['reports']['schedules'][number];
export type DateRangeConfig = NonNullable<ScheduleConfig['dateRange']>;

/** Accepts https, or http on loopback; an unparseable URL passes here because `z.url()` reports it. */
function isHttpsOrLoopback(url: string): boolean {
  if (!URL.canParse(url)) return true;
  const { protocol, hostname } = new URL(url);
  return protocol === 'https:' || ['127.0.0.1', 'localhost', '[::1]'].includes(hostname);
}

function addDuplicateIssues(names: string[], path: (string | number)[], context: z.RefinementCtx): void {
  const seen = new Set<string>();
  names.forEach((name, index) => {
    if (seen.has(name)) {
      context.addIssue({
        code: 'custom',
        path: [...path, index, 'name'],
        message: `"${name}" is used twice: give each entry a unique name`,
      });
    }
    seen.add(name);
  });
}
