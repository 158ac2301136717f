import { timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { employeeIdField } from './fields';
import { type PersonNotice, personNoticesResult, tenantOf } from './notices';
import { sha256Hex } from './signing';
import type { NormalizeContext, NormalizeResult, ProviderAdapter, RawDelivery, VerifyResult } from './types';
import { parsePayloadPart } from './validation';

/**
 * Rippling partner-app webhooks (https://developer.rippling.com/documentation/developer-portal/v2-guides/webhooks).
 * Rippling signs nothing: the only check is the static token the app's webhook settings send as
 * `Authorization: Bearer <token>`, compared in constant time with the signing secret. The body is
 * form-encoded (`event_name`, `id`, `company_id`, `company_primary_email`), so the apply step reads the
 * worker from the Rippling API.
 *
 * NOTE: Rippling's public guide was read through a third-party summary; the form fields and the
 * bearer token should be checked against a real delivery.
 */

export const RIPPLING_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'application/json'] as const;

/**
 * Employee events, read case-insensitively. `employee.created` means the employee was given access to
 * this app and `employee.deleted` that the access was removed, whether by a termination or by an access
 * rule, so a deletion is applied as it comes, without a lookup. The other events are lookups, and the
 * fetched worker's status decides whether the event is a hire, a change, a termination or a rehire.
 */
const NOTICE_KIND_BY_EVENT = new Map<string, PersonNotice['kind']>([
  ['employee.hired', 'lookup'],
  ['employee.created', 'lookup'],
  ['employee.updated', 'lookup'],
  ['employee.terminated', 'lookup'],
  ['employee.deleted', 'delete'],
]);

const envelopeSchema = z.object({
  event_name: z.string().trim().min(1).max(100),
  id: z.unknown(),
  company_id: z.string().trim().max(100).nullish(),
});

const BEARER = /^Bearer (\S+)$/;

function verifyRipplingDelivery(delivery: RawDelivery, secrets: readonly string[]): VerifyResult {
  const header = delivery.headers.authorization?.trim();
  if (!header)
    return reject('missing authorization header: set the bearer token in the Rippling app webhook settings');
  const token = BEARER.exec(header)?.[1];
  if (!token) return reject('authorization must be "Bearer <token>"');
  const presented = Buffer.from(token, 'utf8');
  let matched = false;
  for (const secret of secrets) {
    const expected = Buffer.from(secret, 'utf8');
    if (presented.length === expected.length && timingSafeEqual(presented, expected)) matched = true;
  }
  if (!matched) return reject("bearer token does not match this source's signing secret");
  return { ok: true };
}

/**
 * Rippling sends no event id or time, and a later change to the same person can arrive with the same
 * body. The key therefore includes the receipt time: a redelivery is applied again, which is harmless
 * because each lookup applies the worker's current record.
 */
function normalizeRipplingPayload(payload: unknown, context: NormalizeContext): NormalizeResult {
  const envelope = parsePayloadPart(envelopeSchema, payload, []);
  const eventName = envelope.event_name.toLowerCase();
  const kind = NOTICE_KIND_BY_EVENT.get(eventName);
  if (!kind) {
    const reason = `event ${JSON.stringify(envelope.event_name)} is not an employee change`;
    return { events: [], ignored: [{ reason }] };
  }

  const tenantId = tenantOf(envelope.company_id ?? undefined, 'company_id', context);
  const employeeId = parsePayloadPart(employeeIdField, envelope.id, ['id']);
  const receivedAt = context.receivedAt.toISOString();
  const notice: PersonNotice = {
    eventId: `rippling:${sha256Hex(`${receivedAt}.${context.delivery.body.toString('base64')}`)}`,
    employeeId,
    kind,
    occurredAt: receivedAt,
    identity: [tenantId, eventName, employeeId],
  };
  return personNoticesResult('rippling', [notice], context);
}

function reject(reason: string): VerifyResult {
  return { ok: false, reason };
}

export const ripplingAdapter: ProviderAdapter = {
  kind: 'rippling',
  contentTypes: RIPPLING_CONTENT_TYPES,
  verify: verifyRipplingDelivery,
  normalize: normalizeRipplingPayload,
};
