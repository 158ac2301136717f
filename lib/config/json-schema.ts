import * as z from 'zod';
import { MAX_POLLS_PER_RUN } from './poll-limit';
import { configSchema } from './schema';

/**
 * The JSON Schema of the deployment config, generated from the zod schema, and the Markdown reference
 * generated from that JSON Schema. Both are committed (`config.schema.json`, `docs/configuration.md`)
 * and a test regenerates them, so the schema, the editor completion and the docs cannot drift apart.
 *
 * zod carries the types, bounds, enums and defaults. The descriptions below are keyed by the field's
 * path (`[]` is an array item) and added to the generated schema; a test requires one for every field.
 */
export const FIELD_DESCRIPTIONS: Readonly<Record<string, string>> = {
  $schema: 'Path or URL of this JSON Schema, for editor completion; ignored by Talent Sync.',
  talent: 'The Talent API that the roster sync and the reports call.',
  'talent.baseUrl':
    'The API URL including `/api/v2`, for example `https://api.torshtalent.com/api/v2` (not the web domain). Must use https, except for 127.0.0.1 and localhost.',
  'talent.tokenSecretName': 'The Secrets Manager secret whose value is the Talent bearer token.',
  'talent.systemId':
    'Sent as `systemId` when users are created; needed with network tokens to pick the target system.',
  'talent.requestsPerSecond':
    "Client-side limit on Talent requests per second, per function instance, with bursts of up to one second's worth. Talent publishes no rate limit, so the default 5 is a cautious choice: with the default 5 apply functions the sync sends at most 25 requests per second. The benchmarks show what it costs: an event takes one call in most cases (two for a transfer or a rehire), and a reconcile run takes about one call per roster person, so 10,000 people need about 35 minutes at 5 per second, more than the reconcile function's 15 minutes; raise it to 12 or more for rosters above about 4,000 people once Talent confirms the rate. In the reconcile benchmark, a client paced at the server's own limit of 100 per second drew almost no 429 responses.",
  'talent.timeoutMs': 'Milliseconds a single Talent request may take before it is aborted and retried.',
  'talent.maxRetries': 'Retries after the first attempt for 429, 5xx, timeouts and dropped connections.',

  roster:
    'Roster sync: the HRIS sources, how people map to Talent roles and groups, and what happens to leavers.',
  'roster.sources': 'The HRIS webhook sources. Each receives deliveries at `{WebhookBaseUrl}/{name}`.',
  'roster.sources[].name':
    'The source name: the last segment of its webhook URL, and the source recorded on each roster event.',
  'roster.sources[].provider': 'The webhook format and signature scheme of the source.',
  'roster.sources[].signingSecretName':
    'The Secrets Manager secret whose value is the key the HRIS signs webhooks with.',
  'roster.sources[].toleranceSeconds':
    'Seconds a signed timestamp may differ from the receiver clock, for providers that sign one.',
  'roster.sources[].apiSecretName':
    'The Secrets Manager secret whose value is the credential for the provider API, used to fetch people. Required for finch, gusto, rippling, bamboohr, hibob and personio, whose webhooks carry only ids.',
  'roster.sources[].apiBaseUrl': "The provider API's base URL; absent means the provider's public API.",
  'roster.sources[].tenantIds':
    'Tenant ids (company, connection or account ids, depending on the provider) this source accepts. A delivery for another tenant is rejected with 403; absent accepts every tenant.',
  'roster.sources[].companyDomain':
    'BambooHR only, and required there: the account subdomain (`acme` for acme.bamboohr.com).',
  'roster.sources[].verificationSecretName':
    "Gusto only: the secret the webhook function writes a new subscription's verification token to, for the operator to read; never used to check signatures. Absent means `<signingSecretName>-pending-verification`. The stack creates it.",
  'roster.sources[].tokenHeader':
    'Personio only: the header that carries the static webhook token; absent means `Authorization`.',
  'roster.defaultRole': 'The Talent role of a person whom no role rule matches.',
  'roster.roleRules': 'Role rules, tried in order; the first whose `when` matches sets the role.',
  'roster.roleRules[].when':
    'Condition: every listed key must match. A key is jobTitle, department, school, location, employeeType or `attributes.<name>`; a string value matches ignoring case, `{"pattern": "..."}` as a regular expression, `{"in": [...]}` any listed value.',
  'roster.roleRules[].role': 'The Talent role given when the condition matches.',
  'roster.groupRules': 'Group rules; a person joins the groups of every rule whose `when` matches.',
  'roster.groupRules[].when': 'Condition, as in role rules; `{}` matches everyone.',
  'roster.groupRules[].groups':
    "Group name templates; `{school}` and the other person fields, or `{attributes.<name>}`, are replaced by the person's values.",
  'roster.managedGroups':
    'Group names the sync may add and remove, as patterns where `*` matches any text. Groups outside them, such as ones assigned by hand in Talent, are never removed. Absent means the group templates with each placeholder read as `*`.',
  'roster.terminationAction': 'What happens to the Talent user of a leaver.',
  'roster.suppressInvite': 'Passed to Talent as `suppress_invite` when a user is created.',
  'roster.maxDeactivationShare':
    'The largest share of Talent users (0 to 1) that one reconcile run may deactivate without `--force`.',
  'roster.reconcile':
    'The full-roster reconcile run, which compares a roster snapshot with every Talent user.',
  'roster.reconcile.mode':
    '`plan` writes the plan only; `apply` also applies it when the deactivation brake allows.',
  'roster.reconcile.domains':
    'E-mail domains the sync owns. A Talent user missing from the roster is deactivated only when its domain is listed or the state table knows its address; an empty list leaves the domain test out.',
  'roster.reconcile.deactivateAdmins':
    'Also deactivate Talent Admins missing from the roster; by default they are left alone.',
  'roster.reconcile.columns':
    'Roster CSV header per person field, matched ignoring case; unset fields use the common header names.',
  'roster.reconcile.oneRosterRoles': 'OneRoster `role` values that are synced; other roles are out of scope.',
  'roster.reconcile.source':
    'The source name under which the state table and the audit trail record roster people.',
  'roster.reconcile.batchSize': 'Users per bulk create or bulk group request.',
  'roster.reconcile.concurrency':
    'Talent requests one reconcile run keeps in flight. The rate limit (`talent.requestsPerSecond`) sets the pace, and this only hides the latency, so it must be at least the rate times the latency in seconds. The default 8 covers 1.6 s of latency at 5 requests per second, or 80 ms at 100; in the reconcile benchmark (100 per second, 20 ms latency) the run took no longer than the rate limit alone imposes.',
  'roster.apply': 'The roster-apply function, which drains the roster queue.',
  'roster.apply.maxConcurrency':
    "Apply functions that run at once: the SQS event source's maximum concurrency (2 to 1000). Each has its own Talent client, so Talent receives up to this many times `talent.requestsPerSecond`. The default 5 gives 25 requests per second with the default rate; at the benchmark's one or two calls per event that applies roughly 20 events per second, 10,000 changes in under 10 minutes, and leaves Talent room for reconcile and reports. The infrastructure prop `applyMaxConcurrency` overrides it.",
  'roster.scope': 'Who the sync manages. A person who leaves the scope is treated as a leaver.',
  'roster.scope.include':
    'Conditions, as in role rules; a person must match one of them. Empty includes everyone.',
  'roster.scope.exclude': 'Conditions, as in role rules; a person who matches any of them is out of scope.',
  'roster.timeZone':
    "The IANA time zone in which a future hire's start date begins, when the held event is released.",
  'roster.auditRetentionDays': "Days the audit table keeps an entry before DynamoDB's TTL removes it.",

  reports: 'Report delivery: the schedules, where the CSVs go in S3, and how long to wait for Talent.',
  'reports.prefix':
    'Key prefix of report objects in the bucket: S3 key segments without leading or trailing slash.',
  'reports.retentionDays': 'Days after which report objects expire; absent keeps them.',
  'reports.neutralizeFormulas':
    'Prefixes spreadsheet formula characters (= + - @) with a quote in JSON-converted CSVs.',
  'reports.poll':
    'How the state machine waits for a requested report. Each poll costs three state transitions; the defaults were chosen from `npm run bench -- --only polling` (see docs/BENCHMARKS.md). ' +
    `Settings that need more than ${MAX_POLLS_PER_RUN.toLocaleString('en-US')} polls before \`timeoutSeconds\` are rejected: each poll adds about 9 events (an estimate) to the execution history, and AWS fails a Standard execution at 25,000, so ${MAX_POLLS_PER_RUN.toLocaleString('en-US')} polls leave room for retries.`,
  'reports.poll.initialWaitSeconds':
    'Seconds before the first status check. The default 30 costs no more transitions than fixed 30-second polling for a report ready within a minute, and one poll (3 transitions) fewer than 15 for most ready times.',
  'reports.poll.backoffFactor':
    'Each wait is the previous one times this factor, up to `maxWaitSeconds`. The default 2 reaches the cap after four waits; 1.5 detects short reports sooner but costs more transitions on long ones.',
  'reports.poll.maxWaitSeconds':
    'The longest single wait in seconds; at least `initialWaitSeconds`. It bounds the delay between readiness and detection. The default 300 keeps that delay within 5 minutes at about 0.3× the transitions of fixed 30-second polling for a 10-minute report and 0.12× for a 2-hour one; 600 cuts the transitions of a 2-hour report by about 40% but doubles the worst delay.',
  'reports.poll.timeoutSeconds':
    'Total seconds of waiting after which the run fails as timed out. The default 7200 (2 hours) is a limit on Talent, not a cost: a run that times out has polled 27 times.',
  'reports.schedules': 'The report schedules; each becomes an EventBridge Scheduler schedule.',
  'reports.schedules[].name': 'The schedule name, unique; the S3 key segment under the prefix.',
  'reports.schedules[].cron': 'An EventBridge Scheduler cron expression, for example `cron(0 6 * * ? *)`.',
  'reports.schedules[].timeZone':
    'The IANA time zone that the cron expression and the date range are read in.',
  'reports.schedules[].report': 'The Talent report type.',
  'reports.schedules[].reportId':
    'A saved Report Builder report; required for `reportBuilder` and rejected for other types.',
  'reports.schedules[].email':
    'The Talent user the report runs as; required for every type except `reportBuilder`.',
  'reports.schedules[].filterOptions':
    'Report filter options passed to Talent as they are; not accepted for `reportBuilder`.',
  'reports.schedules[].dateRange':
    'The period the report covers, relative to the scheduled time: `previousDay`, `previousWeek`, `previousMonth`, `monthToDate`, or `lastNDays` with `days` (1-366).',
  'reports.schedules[].dateRange.preset': 'The date range preset.',
  'reports.schedules[].dateRange.days': 'For `lastNDays`: the number of days, 1 to 366.',
  'reports.schedules[].enabled': 'A disabled schedule is deployed but does not run.',
  'reports.schedules[].mode':
    '`export` asks Talent for a CSV export; `live` pages `POST /reports/reportBuilder/data` into one CSV, only for `reportBuilder`.',
  'reports.schedules[].bom':
    'Starts the CSV with a UTF-8 byte order mark; overrides `reports.bom` for this schedule.',
  'reports.encryption':
    'Server-side encryption of report objects: `S3_MANAGED` (SSE-S3) or `KMS` (SSE-KMS with a key that the stack creates with rotation on, unless `kmsKeyArn` names one).',
  'reports.kmsKeyArn': 'An existing KMS key for `encryption: KMS`; the stack then creates none.',
  'reports.latestPointer':
    'Writes `{prefix}/{schedule}/latest.json` after each manifest, pointing at the newest one.',
  'reports.bom': 'Starts every CSV with a UTF-8 byte order mark unless the schedule says otherwise.',

  alerts: 'Where alarms and failed report runs are sent.',
  'alerts.email':
    'An e-mail address subscribed to the alert topic; AWS first sends it a confirmation e-mail.',
};

export type JsonSchema = Record<string, unknown> & {
  type?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  required?: string[];
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  description?: string;
};

/** Builds the JSON Schema (draft 2020-12) of the config file as people write it, with descriptions. */
export function configJsonSchema(): JsonSchema {
  // `input` describes the file before defaults are filled in, so defaulted fields are not required.
  const generated = z.toJSONSchema(configSchema, {
    io: 'input',
    target: 'draft-2020-12',
    // Refinements (cron, time zones, cross-field rules) have no JSON Schema form; `talent-sync config
    // validate` and synthesis check them.
    unrepresentable: 'any',
  }) as JsonSchema;

  const { $schema, ...body } = generated;
  const schema: JsonSchema = {
    $schema,
    title: 'Talent Sync deployment config',
    description:
      'One JSON file per deployment, validated when the CDK app synthesizes and by `talent-sync config validate`. It names secrets, never their values.',
    ...body,
  };
  forEachField(schema, '', (path, node) => {
    const description = FIELD_DESCRIPTIONS[path];
    if (description) node.description = description;
  });
  return schema;
}

/** Calls `visit` with the path and schema of every object property, depth first, in schema order. */
export function forEachField(
  node: JsonSchema,
  path: string,
  visit: (path: string, node: JsonSchema, parent: JsonSchema) => void,
): void {
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const childPath = path ? `${path}.${key}` : key;
    visit(childPath, child, node);
    forEachField(child, childPath, visit);
  }
  if (node.items) forEachField(node.items, `${path}[]`, visit);
  for (const branch of [...(node.oneOf ?? []), ...(node.anyOf ?? [])]) forEachField(branch, path, visit);
}

interface ReferenceRow {
  path: string;
  type: string;
  required: boolean;
  defaultValue?: unknown;
  allowed: string[];
  description: string;
}

/**
 * Renders the Markdown reference of every config key: type, whether it is required, default, allowed
 * values and description, one table per top-level section.
 */
export function configReferenceMarkdown(schema: JsonSchema = configJsonSchema()): string {
  const rows = new Map<string, ReferenceRow>();
  forEachField(schema, '', (path, node, parent) => {
    const row = rows.get(path);
    const allowed = allowedValues(node);
    if (row) {
      // A field of several union branches, such as dateRange.preset, lists the values of every branch.
      row.allowed = [...new Set([...row.allowed, ...allowed])];
      return;
    }
    rows.set(path, {
      path,
      type: typeName(node),
      required: parent.required?.includes(path.split('.').at(-1) ?? '') ?? false,
      defaultValue: node.default,
      allowed,
      description: node.description ?? '',
    });
  });

  const sections = Object.entries(schema.properties ?? {})
    .filter(([, node]) => node.type === 'object')
    .map(([key]) => key);
  const lines = [
    '# Configuration reference',
    '',
    '<!-- Generated by `npm run config:docs` from lib/config/schema.ts; do not edit by hand. -->',
    '',
    String(schema.description ?? ''),
    '',
    'Start a config file with `"$schema": "./config.schema.json"` (the path relative to the file) so that',
    'editors complete and check it. `npx talent-sync config validate FILE` checks everything, including',
    'the rules that JSON Schema cannot express: cron expressions, time zones, and fields that depend on',
    'each other. `examples/configs/` has complete configs of typical districts.',
    '',
    'A path ending in `[]` is a field of each entry of that list.',
  ];
  for (const section of sections) {
    const sectionRows = [...rows.values()].filter(
      (row) => row.path === section || row.path.startsWith(`${section}.`),
    );
    lines.push('', `## ${section}`, '', rows.get(section)?.description ?? '', '');
    lines.push('| key | type | required | default | allowed values | description |');
    lines.push('| --- | --- | --- | --- | --- | --- |');
    for (const row of sectionRows) {
      if (row.path === section) continue;
      lines.push(
        `| \`${row.path}\` | ${row.type} | ${row.required ? 'yes' : 'no'} | ${formatDefault(row.defaultValue)} | ${row.allowed.join(', ')} | ${escapeCell(row.description)} |`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

function typeName(node: JsonSchema): string {
  if (node.oneOf || node.anyOf) {
    const names = [...(node.oneOf ?? []), ...(node.anyOf ?? [])].map(typeName);
    return [...new Set(names)].join(' or ');
  }
  const type = node.type ?? 'any';
  if (type === 'array' && node.items) return `array of ${typeName(node.items)}`;
  const format = typeof node.format === 'string' ? ` (${node.format})` : '';
  return `${type}${format}`;
}

/** Lists enum and const values, and the bounds of numbers, strings and arrays, as Markdown code. */
function allowedValues(node: JsonSchema): string[] {
  if (Array.isArray(node.enum)) return node.enum.map((value) => `\`${JSON.stringify(value)}\``);
  if (node.const !== undefined) return [`\`${JSON.stringify(node.const)}\``];
  const bounds: string[] = [];
  const bound = (key: string, label: string) => {
    if (typeof node[key] === 'number') bounds.push(`${label} ${String(node[key])}`);
  };
  bound('minimum', 'min');
  bound('maximum', 'max');
  bound('minLength', 'min length');
  bound('maxLength', 'max length');
  bound('minItems', 'min entries');
  bound('maxItems', 'max entries');
  if (typeof node.pattern === 'string') bounds.push(`pattern \`${node.pattern.replaceAll('|', '\\|')}\``);
  return bounds;
}

function formatDefault(value: unknown): string {
  if (value === undefined) return '';
  const text = JSON.stringify(value);
  // Whole default objects repeat the defaults of their fields, which have rows of their own.
  return text.length > 40 ? 'see fields' : `\`${text}\``;
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}
