import * as z from 'zod';
import { DeliveryRejectedError } from './errors';
import { employeeIdField } from './fields';
import { DEFAULT_TOLERANCE_SECONDS } from './generic';
import { type PersonNotice, personNoticesResult, tenantOf } from './notices';
import { parseProviderTime, providerTimeOrFallback } from './provider-time';
import { hmacSha256, matchesAnySignature } from './signing';
import type {
  NormalizeContext,
  NormalizeResult,
  ProviderAdapter,
  RawDelivery,
  VerifyOptions,
  VerifyResult,
} from './types';
import { parsePayloadPart } from './validation';

/**
 * BambooHR webhooks (https://documentation.bamboohr.com/docs/webhooks). Event-based webhooks send
 * `employee.created`, `employee.updated` and `employee.deleted` with only ids and the changed field
 * names. A termination or a rehire is an `employee.updated` of the status fields. Legacy field-based
 * webhooks send `{"employees": [...]}` with the values of the fields the webhook posts. Both kinds become
 * lookups: the apply step reads the employee's current record from the BambooHR API, because a partial
 * field list cannot be applied as a full record.
 *
 * Payloads carry `companyId` but not the company domain that the API needs, so each BambooHR company
 * gets its own source (and URL) with its own `companyDomain`.
 */

export const BAMBOOHR_HEADERS = {
  /** Sent with every delivery; signed as an opaque string, read as Unix seconds or ISO 8601 for the replay window. */
  timestamp: 'x-bamboohr-timestamp',
  /** hex(HMAC-SHA256(private key, raw body followed by the timestamp header value)). */
  signature: 'x-bamboohr-signature',
} as const;

/** Employees accepted in one legacy delivery; BambooHR batches several, and the SQS batch step sends ten at a time. */
const MAX_LEGACY_EMPLOYEES = 100;

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

/** Event verbs that change the roster; a Map, so that a type such as "employee.constructor" finds nothing. */
const NOTICE_KIND_BY_EVENT = new Map<string, PersonNotice['kind']>([
  ['employee.created', 'lookup'],
  ['employee.updated', 'lookup'],
  ['employee.deleted', 'delete'],
]);

/** Legacy `action` values, read case-insensitively. */
const NOTICE_KIND_BY_LEGACY_ACTION = new Map<string, PersonNotice['kind']>([
  ['created', 'lookup'],
  ['updated', 'lookup'],
  ['deleted', 'delete'],
]);

const companyIdField = z
  .union([z.string().trim().min(1).max(100), z.int().nonnegative().transform(String)])
  .nullish()
  .transform((value) => value ?? undefined);

const eventEnvelopeSchema = z.object({
  type: z.string().trim().min(1).max(100),
  timestamp: z.string().max(100).nullish(),
  data: z.unknown(),
});

const eventDataSchema = z.object({
  companyId: companyIdField,
  employeeId: employeeIdField,
  changedFields: z.array(z.string().max(200)).max(500).nullish(),
});

const legacyEnvelopeSchema = z.object({
  companyId: companyIdField,
  employees: z.array(z.unknown()).max(MAX_LEGACY_EMPLOYEES),
});

const legacyEmployeeSchema = z.object({
  id: employeeIdField,
  action: z.string().trim().min(1).max(50),
  timestamp: z.string().max(100).nullish(),
  changedFields: z.array(z.string().max(200)).max(500).nullish(),
});

/**
 * Returns the X-BambooHR-Signature value for a body and a timestamp header value. Tests, the provider
 * fake and example deliveries use it.
 */
export function signBambooHrBody(privateKey: string, body: Buffer | string, timestamp: string): string {
  return hmacSha256(privateKey, body, timestamp).toString('hex');
}

function verifyBambooHrDelivery(
  delivery: RawDelivery,
  secrets: readonly string[],
  now: Date,
  options: VerifyOptions = {},
): VerifyResult {
  const timestamp = delivery.headers[BAMBOOHR_HEADERS.timestamp];
  if (!timestamp) return reject(`missing ${BAMBOOHR_HEADERS.timestamp} header`);
  const signedAt = parseProviderTime(timestamp);
  if (!signedAt) {
    return reject(`${BAMBOOHR_HEADERS.timestamp} must be Unix seconds or an ISO 8601 date-time`);
  }

  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const ageSeconds = Math.round((now.getTime() - signedAt.getTime()) / 1000);
  if (Math.abs(ageSeconds) > tolerance) {
    const offset = ageSeconds > 0 ? `${ageSeconds} seconds old` : `${-ageSeconds} seconds in the future`;
    return reject(
      `${BAMBOOHR_HEADERS.timestamp} is ${offset}, outside the ${tolerance}-second tolerance: ` +
        "check the receiver's clock. BambooHR does not resend a rejected delivery, so the person's next " +
        'change in BambooHR, or a reconcile run with a roster export, brings Talent up to date',
    );
  }

  const signature = delivery.headers[BAMBOOHR_HEADERS.signature]?.trim();
  if (!signature) return reject(`missing ${BAMBOOHR_HEADERS.signature} header`);
  if (!HEX_SHA256.test(signature)) {
    return reject(`${BAMBOOHR_HEADERS.signature} must be a hex HMAC-SHA256 digest (64 hex digits)`);
  }

  const expected = secrets.map((secret) => hmacSha256(secret, delivery.body, timestamp));
  if (!matchesAnySignature([Buffer.from(signature, 'hex')], expected)) {
    return reject(
      'signature does not match: check that the secret holds the private key from the BambooHR webhook ' +
        'page, not an API key',
    );
  }
  return { ok: true };
}

function normalizeBambooHrPayload(payload: unknown, context: NormalizeContext): NormalizeResult {
  if (isObject(payload) && 'employees' in payload) return normalizeLegacyPayload(payload, context);

  const envelope = parsePayloadPart(eventEnvelopeSchema, payload, []);
  const type = envelope.type.toLowerCase();
  const kind = NOTICE_KIND_BY_EVENT.get(type);
  if (!kind) {
    const reason = `event ${JSON.stringify(envelope.type)} is not an employee change; only employee events change the roster`;
    return { events: [], ignored: [{ reason }] };
  }

  const data = parsePayloadPart(eventDataSchema, envelope.data, ['data']);
  const tenantId = tenantOf(data.companyId, 'data.companyId', context);
  const notice: PersonNotice = {
    employeeId: data.employeeId,
    kind,
    occurredAt: providerTimeOrFallback(envelope.timestamp, context.receivedAt),
    identity: [tenantId, type, data.employeeId, envelope.timestamp, sorted(data.changedFields)],
  };
  return personNoticesResult('bamboohr', [notice], context);
}

/**
 * Rejects with 403 a legacy payload without a company id for a source with `tenantIds`. The legacy
 * field-based format (`{"employees": [...]}`) has no company id, so the tenant check cannot pass, and the
 * usual advice to add the id to `tenantIds` would not help.
 */
function checkLegacyTenant(companyId: string | undefined, context: NormalizeContext): void {
  if (companyId !== undefined || !context.tenantIds || context.tenantIds.length === 0) return;
  throw new DeliveryRejectedError(
    403,
    `source "${context.source}" has tenantIds, but this BambooHR webhook uses the legacy field-based ` +
      'format ({"employees": [...]}), which carries no company id: remove tenantIds from the source (its ' +
      'own URL and companyDomain already tie it to one company), or recreate the webhook as an ' +
      'event-based webhook (employee.created, employee.updated, employee.deleted), whose data.companyId ' +
      'is checked',
  );
}

function normalizeLegacyPayload(payload: unknown, context: NormalizeContext): NormalizeResult {
  const envelope = parsePayloadPart(legacyEnvelopeSchema, payload, []);
  checkLegacyTenant(envelope.companyId, context);
  const tenantId = tenantOf(envelope.companyId, 'companyId', context);
  const notices: PersonNotice[] = [];
  const ignored: NormalizeResult['ignored'] = [];

  envelope.employees.forEach((rawEmployee, index) => {
    const employee = parsePayloadPart(legacyEmployeeSchema, rawEmployee, ['employees', index]);
    const action = employee.action.toLowerCase();
    const kind = NOTICE_KIND_BY_LEGACY_ACTION.get(action);
    if (!kind) {
      ignored.push({ reason: `employees[${index}]: action ${JSON.stringify(employee.action)} is not known` });
      return;
    }
    notices.push({
      employeeId: employee.id,
      kind,
      occurredAt: providerTimeOrFallback(employee.timestamp, context.receivedAt),
      identity: [tenantId, action, employee.id, employee.timestamp, sorted(employee.changedFields)],
    });
  });

  const result = personNoticesResult('bamboohr', notices, context);
  return { events: result.events, ignored: [...ignored, ...result.ignored] };
}

function sorted(values: readonly string[] | null | undefined): string[] {
  return [...(values ?? [])].sort();
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function reject(reason: string): VerifyResult {
  return { ok: false, reason };
}

export const bamboohrAdapter: ProviderAdapter = {
  kind: 'bamboohr',
  verify: verifyBambooHrDelivery,
  normalize: normalizeBambooHrPayload,
};
