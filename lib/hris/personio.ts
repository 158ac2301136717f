import { createHash, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { PayloadError } from './errors';
import { employeeIdField } from './fields';
import { type PersonNotice, personNoticesResult, tenantOf } from './notices';
import { providerTimeOrFallback } from './provider-time';
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
 * Personio webhooks, API v2 (https://developer.personio.de/v2.0/reference/webhooks). Personio signs
 * nothing: the webhook sends a static token, by default in `Authorization` (auth type TOKEN, which
 * sends the configured value as is, so a `Bearer ` prefix is part of the token) or in a custom header.
 * The envelope is `company_id`, `event_name`, `occurred_at` and a dataless `payload` of ids; the apply
 * step reads the person and their employment from the Personio API.
 *
 * Personio expects a 2xx within 3 seconds and retries otherwise. The webhook function never calls
 * Personio: it checks the token, queues the ids and returns 202.
 */

/** The header Personio's TOKEN auth type sends the token in. */
export const PERSONIO_DEFAULT_TOKEN_HEADER = 'authorization';

/**
 * Event names that change the roster. `employment.started` and `employment.terminated` fire on the
 * effective date; every event but `person.deleted` is a lookup, because the payload has no values.
 */
const NOTICE_KIND_BY_EVENT = new Map<string, PersonNotice['kind']>([
  ['person.created', 'lookup'],
  ['person.updated', 'lookup'],
  ['person.deleted', 'delete'],
  ['employment.created', 'lookup'],
  ['employment.updated', 'lookup'],
  ['employment.started', 'lookup'],
  ['employment.terminated', 'lookup'],
  ['employment.deleted', 'lookup'],
]);

const envelopeSchema = z.object({
  company_id: z.union([z.string().trim().min(1).max(100), z.int().nonnegative().transform(String)]),
  event_name: z.string().trim().min(1).max(100),
  occurred_at: z.string().max(100).nullish(),
  payload: z.record(z.string(), z.unknown()),
});

const optionalId = employeeIdField.nullish().transform((value) => value ?? undefined);

/**
 * NOTE: Personio's reference names the envelope but not each payload's keys. Person events are read
 * from `id`, `person_id` or `person.id`. Employment events are read from `person.id` or `person_id`,
 * because their `id` is the employment's. Check these against a real delivery before relying on them.
 */
const payloadSchema = z.object({
  id: optionalId,
  person_id: optionalId,
  person: z.object({ id: optionalId }).nullish(),
});

function verifyPersonioDelivery(
  delivery: RawDelivery,
  secrets: readonly string[],
  _now: Date,
  options: VerifyOptions = {},
): VerifyResult {
  const headerName = (options.tokenHeader ?? PERSONIO_DEFAULT_TOKEN_HEADER).toLowerCase();
  const presented = delivery.headers[headerName];
  if (!presented) return reject(`missing ${headerName} header: configure the webhook's token in Personio`);

  // Comparing SHA-256 digests keeps the comparison constant-time even when the lengths differ.
  const presentedDigest = sha256(presented);
  let matched = false;
  for (const secret of secrets) {
    if (timingSafeEqual(presentedDigest, sha256(secret))) matched = true;
  }
  if (!matched) {
    return reject(
      `${headerName} does not match: store the exact token configured on the Personio webhook, ` +
        'including any "Bearer " prefix, as the signing secret',
    );
  }
  return { ok: true };
}

function normalizePersonioPayload(payload: unknown, context: NormalizeContext): NormalizeResult {
  const envelope = parsePayloadPart(envelopeSchema, payload, []);
  const eventName = envelope.event_name.toLowerCase();
  const kind = NOTICE_KIND_BY_EVENT.get(eventName);
  if (!kind) {
    const reason = `event ${JSON.stringify(envelope.event_name)} is not a person or employment change`;
    return { events: [], ignored: [{ reason }] };
  }

  const tenantId = tenantOf(envelope.company_id, 'company_id', context);
  const ids = parsePayloadPart(payloadSchema, envelope.payload, ['payload']);
  const personId = eventName.startsWith('person.')
    ? (ids.id ?? ids.person_id ?? ids.person?.id)
    : (ids.person?.id ?? ids.person_id);
  if (!personId) {
    const field = eventName.startsWith('person.') ? 'payload.id' : 'payload.person.id';
    throw new PayloadError(`${field}: is required (the person id of a ${eventName} event)`);
  }

  const notice: PersonNotice = {
    employeeId: personId,
    kind,
    occurredAt: providerTimeOrFallback(envelope.occurred_at, context.receivedAt),
    identity: [tenantId, eventName, personId, ids.id ?? null, envelope.occurred_at],
  };
  return personNoticesResult('personio', [notice], context);
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function reject(reason: string): VerifyResult {
  return { ok: false, reason };
}

export const personioAdapter: ProviderAdapter = {
  kind: 'personio',
  verify: verifyPersonioDelivery,
  normalize: normalizePersonioPayload,
};
