import * as z from 'zod';
import { employeeIdField } from './fields';
import { type PersonNotice, personNoticesResult, tenantOf } from './notices';
import {
  type SignedIdHeaderNames,
  signIdTimestampBody,
  verifyIdTimestampSignature,
} from './standard-webhooks';
import type { NormalizeContext, NormalizeResult, ProviderAdapter } from './types';
import { parsePayloadPart } from './validation';

/**
 * Finch webhooks (https://developer.tryfinch.com/developer-resources/Webhooks). Finch signs like
 * Standard Webhooks under its own header names: `Finch-Signature` contains space-separated
 * `v1,<base64 HMAC-SHA256>` values over `"<Finch-Event-Id>.<Finch-Timestamp>.<raw body>"`, keyed with the
 * base64-decoded secret. The body names the event and the individual only (`data.individual_id`), so
 * the apply step reads the person from the Finch API. `Finch-Event-Id` is the deduplication key.
 */

export const FINCH_HEADERS: SignedIdHeaderNames = {
  id: 'finch-event-id',
  timestamp: 'finch-timestamp',
  signature: 'finch-signature',
};

/**
 * Data events about a person, read case-insensitively. Finch sends one per data model, so a hire may
 * arrive as directory, individual and employment events. Each is a lookup of the same current record.
 * Terminations and rehires arrive as `employment.updated`, and the fetched record shows which it was.
 */
const NOTICE_KIND_BY_EVENT = new Map<string, PersonNotice['kind']>([
  ['directory.created', 'lookup'],
  ['directory.updated', 'lookup'],
  ['directory.deleted', 'delete'],
  ['individual.created', 'lookup'],
  ['individual.updated', 'lookup'],
  ['individual.deleted', 'delete'],
  ['employment.created', 'lookup'],
  ['employment.updated', 'lookup'],
  ['employment.deleted', 'delete'],
]);

const optionalId = z
  .string()
  .trim()
  .max(200)
  .nullish()
  .transform((value) => value || undefined);

const envelopeSchema = z.object({
  event_type: z.string().trim().min(1).max(100),
  connection_id: optionalId,
  /** Deprecated by Finch in favour of `connection_id`; read when a payload has no connection id. */
  company_id: optionalId,
  data: z.unknown(),
});

const dataSchema = z.object({ individual_id: employeeIdField });

/** Returns the Finch-Signature value for a body, as Finch computes it; tests use it. */
export function signFinchBody(
  secret: string,
  eventId: string,
  timestampSeconds: number,
  body: Buffer | string,
) {
  return signIdTimestampBody(secret, eventId, timestampSeconds, body);
}

function normalizeFinchPayload(payload: unknown, context: NormalizeContext): NormalizeResult {
  const envelope = parsePayloadPart(envelopeSchema, payload, []);
  const eventType = envelope.event_type.toLowerCase();
  const kind = NOTICE_KIND_BY_EVENT.get(eventType);
  if (!kind) {
    const reason = `event ${JSON.stringify(envelope.event_type)} is not a directory, individual or employment change`;
    return { events: [], ignored: [{ reason }] };
  }

  const tenantField = envelope.connection_id ? 'connection_id' : 'company_id';
  tenantOf(envelope.connection_id ?? envelope.company_id, tenantField, context);
  const { individual_id: individualId } = parsePayloadPart(dataSchema, envelope.data, ['data']);
  // verify() has checked both headers, so they are present and the timestamp is Unix seconds.
  const { headers } = context.delivery;
  const notice: PersonNotice = {
    eventId: headers[FINCH_HEADERS.id],
    employeeId: individualId,
    kind,
    occurredAt: new Date(Number(headers[FINCH_HEADERS.timestamp]) * 1000).toISOString(),
    identity: [eventType, individualId],
  };
  return personNoticesResult('finch', [notice], context);
}

export const finchAdapter: ProviderAdapter = {
  kind: 'finch',
  verify: (delivery, secrets, now, options = {}) =>
    verifyIdTimestampSignature(delivery, secrets, now, options, FINCH_HEADERS),
  normalize: normalizeFinchPayload,
};
