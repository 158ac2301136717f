import * as z from 'zod';
import type { RosterEvent } from '../roster/event';
import {
  employeeIdField,
  finishRosterEvent,
  optionalDateField,
  optionalText,
  optionalTimestampField,
  optionalWorkEmail,
} from './fields';
import { hmacSha256, matchesAnySignature, sha256Hex } from './signing';
import type {
  HandshakeReply,
  NormalizeContext,
  NormalizeResult,
  ProviderAdapter,
  RawDelivery,
  VerifyResult,
} from './types';
import { parsePayloadPart } from './validation';

/**
 * Merge's unified HRIS webhooks (https://docs.merge.dev/basics/webhooks/merge-webhooks). A delivery has
 * `hook` (with the event name), `linked_account` and `data`, which is the full Employee common model.
 * Related objects (employments, groups, work location) usually arrive as Merge ids; they are used only
 * when Merge sends them expanded, and never fetched.
 *
 * NOTE: the tenant (`linked_account.id`, `end_user_origin_id`) is not kept. All linked accounts of a Merge
 * organization post to one URL, so two linked accounts whose HRIS ids collide would share a person key.
 */

/** base64url(HMAC-SHA256(signature key, raw body)); Merge sends it with `=` padding. No timestamp is signed. */
export const MERGE_SIGNATURE_HEADER = 'x-merge-webhook-signature';

/** 32 digest bytes are 43 base64url characters, plus one `=` when padded. */
const BASE64URL_SHA256 = /^[A-Za-z0-9_-]{43}=?$/;

type RosterAction = RosterEvent['action'];

/** Employee event verbs, read case-insensitively: Merge's docs write both `Employee.added` and `employee.created`. */
const ACTION_BY_VERB = new Map<string, RosterAction>([
  ['added', 'upsert'],
  ['created', 'upsert'],
  ['changed', 'upsert'],
  ['updated', 'upsert'],
  ['removed', 'delete'],
  ['deleted', 'delete'],
]);

const HANDSHAKE_REPLY: HandshakeReply = { statusCode: 200, body: { status: 'ok', handshake: true } };

const envelopeSchema = z.object({
  hook: z.object({ event: z.string().trim().min(1).max(100) }),
  data: z.unknown(),
});

/** An empty remote id counts as absent, so the Merge id is used instead. */
const optionalRemoteId = z.preprocess(
  (value) => (value === '' ? undefined : value),
  employeeIdField.nullish(),
);

const employeeDataSchema = z.object({
  id: employeeIdField,
  remote_id: optionalRemoteId,
  work_email: optionalWorkEmail,
  first_name: optionalText(200),
  last_name: optionalText(200),
  preferred_name: optionalText(200),
  display_full_name: optionalText(400),
  employment_status: z
    .string()
    .trim()
    .toUpperCase()
    .pipe(z.enum(['ACTIVE', 'PENDING', 'INACTIVE']))
    .nullish(),
  start_date: optionalDateField,
  termination_date: optionalDateField,
  modified_at: optionalTimestampField,
  remote_was_deleted: z.boolean().nullish(),
  employments: z.array(z.unknown()).nullish(),
  groups: z.array(z.unknown()).nullish(),
  work_location: z.unknown().optional(),
});

type EmployeeData = z.output<typeof employeeDataSchema>;

const expandedEmploymentSchema = z.object({
  job_title: optionalText(200),
  employment_type: optionalText(100),
});

const expandedGroupSchema = z.object({
  name: optionalText(200),
  type: z.string().nullish(),
});

const expandedLocationSchema = z.object({
  name: optionalText(200),
});

/**
 * Returns the X-Merge-Webhook-Signature value for a body, in the padded base64url form Merge sends.
 * Tests and the example deliveries use it.
 */
export function signMergeBody(key: string, body: Buffer | string): string {
  return hmacSha256(key, body).toString('base64').replaceAll('+', '-').replaceAll('/', '_');
}

/**
 * Standard base64 (`+` or `/`) is rejected on purpose: Merge documents base64url, so either of those
 * characters means the value was produced or rewritten by something other than Merge's signer.
 */
function verifyMergeDelivery(delivery: RawDelivery, secrets: readonly string[]): VerifyResult {
  const header = delivery.headers[MERGE_SIGNATURE_HEADER]?.trim();
  if (!header) return reject(`missing ${MERGE_SIGNATURE_HEADER} header`);
  if (/[+/]/.test(header)) {
    return reject(
      `${MERGE_SIGNATURE_HEADER} is standard base64 ("+" or "/"), but Merge signs with base64url ("-" and "_")`,
    );
  }
  if (!BASE64URL_SHA256.test(header)) {
    return reject(
      `${MERGE_SIGNATURE_HEADER} must be a base64url HMAC-SHA256 digest (43 characters and an optional "=")`,
    );
  }

  const presented = Buffer.from(header.replace(/=$/, ''), 'base64url');
  const expected = secrets.map((secret) => hmacSha256(secret, delivery.body));
  if (!matchesAnySignature([presented], expected)) {
    return reject(
      'signature does not match: check that the secret holds the webhook signature key from the Merge ' +
        'dashboard, not the API key',
    );
  }
  return { ok: true };
}

/**
 * Recognizes Merge's "Send test POST request", which posts a body without `hook`, such as
 * `{"response": "Success! This URL will be notified."}`. It is called only after the signature is verified.
 */
function mergeHandshake(delivery: RawDelivery): HandshakeReply | undefined {
  let payload: unknown;
  try {
    payload = JSON.parse(delivery.body.toString('utf8'));
  } catch {
    return undefined;
  }
  const isEvent = typeof payload === 'object' && payload !== null && 'hook' in payload;
  return isEvent ? undefined : HANDSHAKE_REPLY;
}

function normalizeMergePayload(payload: unknown, context: NormalizeContext): NormalizeResult {
  const { hook, data } = parsePayloadPart(envelopeSchema, payload, []);
  const verb = /^employee\.([a-z_]+)$/i.exec(hook.event)?.[1]?.toLowerCase();
  const eventAction = verb ? ACTION_BY_VERB.get(verb) : undefined;
  if (!eventAction) {
    const reason = `event ${JSON.stringify(hook.event)} is not an Employee change; only Employee events change the roster`;
    return { events: [], ignored: [{ reason }] };
  }

  const employee = parsePayloadPart(employeeDataSchema, data, ['data']);
  const action = actionFor(eventAction, employee);
  const employment = firstExpandedEmployment(employee.employments);
  const school = expandedLocationName(employee.work_location);
  const candidate: RosterEvent = {
    eventId: sha256Hex(context.delivery.body),
    source: context.source,
    employeeId: employee.remote_id ?? employee.id,
    action,
    occurredAt: employee.modified_at ?? context.receivedAt.toISOString(),
    receivedAt: context.receivedAt.toISOString(),
    person: {
      email: employee.work_email,
      firstName: employee.first_name,
      lastName: employee.last_name,
      displayName: displayNameOf(employee),
      jobTitle: employment?.job_title,
      department: departmentOf(employee.groups),
      school,
      location: school,
      employeeType: employment?.employment_type,
      status: action === 'upsert' && employee.employment_status === 'PENDING' ? 'pending' : statusFor(action),
      startDate: employee.start_date,
      terminationDate: employee.termination_date,
    },
  };
  return { events: [finishRosterEvent(candidate, 'data')], ignored: [] };
}

/** Merge has no termination event: a termination is a change to INACTIVE. */
function actionFor(eventAction: RosterAction, employee: EmployeeData): RosterAction {
  if (eventAction === 'delete' || employee.remote_was_deleted === true) return 'delete';
  if (employee.employment_status === 'INACTIVE') return 'terminate';
  return 'upsert';
}

function statusFor(action: RosterAction): RosterEvent['person']['status'] {
  return action === 'upsert' ? 'active' : 'inactive';
}

/** Merge's display_full_name already uses the preferred first name when there is one. */
function displayNameOf(employee: EmployeeData): string | undefined {
  if (employee.display_full_name) return employee.display_full_name;
  if (!employee.preferred_name) return undefined;
  return [employee.preferred_name, employee.last_name].filter(Boolean).join(' ');
}

/** Job title and type come from the first employment, and only when Merge sent it as an object. */
function firstExpandedEmployment(
  employments: unknown[] | null | undefined,
): z.output<typeof expandedEmploymentSchema> | undefined {
  const first = employments?.[0];
  if (!isObject(first)) return undefined;
  return parsePayloadPart(expandedEmploymentSchema, first, ['data', 'employments', 0]);
}

/** Returns the name of the first expanded group whose type is DEPARTMENT. */
function departmentOf(groups: unknown[] | null | undefined): string | undefined {
  for (const [index, group] of (groups ?? []).entries()) {
    if (!isObject(group)) continue;
    const parsed = parsePayloadPart(expandedGroupSchema, group, ['data', 'groups', index]);
    if (parsed.type?.toUpperCase() === 'DEPARTMENT' && parsed.name) return parsed.name;
  }
  return undefined;
}

/** Returns the name of an expanded work location; a district's work locations are its schools. */
function expandedLocationName(location: unknown): string | undefined {
  if (!isObject(location)) return undefined;
  return parsePayloadPart(expandedLocationSchema, location, ['data', 'work_location']).name;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function reject(reason: string): VerifyResult {
  return { ok: false, reason };
}

export const mergeAdapter: ProviderAdapter = {
  kind: 'merge',
  verify: verifyMergeDelivery,
  handshake: mergeHandshake,
  normalize: normalizeMergePayload,
};
