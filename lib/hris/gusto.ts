import * as z from 'zod';
import { employeeIdField } from './fields';
import { type PersonNotice, personNoticesResult, tenantOf } from './notices';
import { hmacSha256, matchesAnySignature } from './signing';
import type {
  HandshakeReply,
  NormalizeContext,
  NormalizeResult,
  ProviderAdapter,
  RawDelivery,
  VerifyResult,
} from './types';
import { parsePayloadPart } from './validation';
import type { VerificationToken } from './verification';

/**
 * Gusto webhooks (https://docs.gusto.com/app-integrations/docs/webhooks). `X-Gusto-Signature` is the hex
 * HMAC-SHA256 of the raw body, keyed with the subscription's verification token, with no timestamp. An
 * event names the company (`resource_uuid`) and the employee (`entity_uuid`) only, so the apply step
 * reads the employee from the Gusto API. The event's `uuid` is the deduplication key, because Gusto
 * may deliver an event more than once and in any order.
 */

export const GUSTO_SIGNATURE_HEADER = 'x-gusto-signature';

/**
 * Employee events, read case-insensitively. Every change, termination and rehire is a lookup: a
 * termination or rehire recorded for a later date leaves the employee active until Gusto's
 * `*_effective` event, whose lookup then shows the new state. Both spellings of the effective
 * termination event appear in Gusto's documentation.
 */
const NOTICE_KIND_BY_EVENT = new Map<string, PersonNotice['kind']>([
  ['employee.created', 'lookup'],
  ['employee.updated', 'lookup'],
  ['employee.onboarded', 'lookup'],
  ['employee.terminated', 'lookup'],
  ['employee.terminated_effective', 'lookup'],
  ['employee.termination_effective', 'lookup'],
  ['employee.termination_cancelled', 'lookup'],
  ['employee.rehired', 'lookup'],
  ['employee.rehire_effective', 'lookup'],
  ['employee.rehire_cancelled', 'lookup'],
  ['employee.deleted', 'delete'],
]);

const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

const HANDSHAKE_NOTICE =
  'Gusto sent the verification token of a new webhook subscription. It is not logged, because it ' +
  "becomes the signing key. Read it from the source's pending-verification secret, call " +
  "PUT /v1/webhook_subscriptions/{uuid}/verify with it and store it as the source's signing secret, " +
  'or Gusto sends no events';

/** The maximum verification token length accepted, in characters; Gusto's tokens are UUIDs (36 characters). */
const MAX_TOKEN_LENGTH = 200;

/**
 * The subscription verification request: `verification_token` and, in newer requests,
 * `webhook_subscription_uuid`, and no other field. Strict, so that no event payload passes as one.
 */
const verificationRequestSchema = z.strictObject({
  verification_token: z
    .string()
    .min(1)
    .max(MAX_TOKEN_LENGTH)
    .regex(/^[\x21-\x7e]+$/),
  webhook_subscription_uuid: z.string().trim().min(1).max(100).nullish(),
});

const envelopeSchema = z.object({
  uuid: z.string().trim().min(1).max(100).nullish(),
  event_type: z.string().trim().min(1).max(100),
  resource_uuid: z.string().trim().max(100).nullish(),
  entity_type: z.string().nullish(),
  entity_uuid: employeeIdField.nullish(),
  timestamp: z.number().int().nonnegative().nullish(),
});

/** Returns the X-Gusto-Signature value for a body; tests use it. */
export function signGustoBody(verificationToken: string, body: Buffer | string): string {
  return hmacSha256(verificationToken, body).toString('hex');
}

/**
 * Returns the token of Gusto's subscription verification request, `{"verification_token": "..."}`, or
 * undefined for any other body. Gusto sends it before the operator can know the token, so it cannot carry
 * a signature this source can check. It is accepted unsigned because it changes no roster data: it is
 * never queued, and its token goes only to the pending-verification secret, which no signature check reads.
 */
function verificationRequestOf(delivery: RawDelivery): VerificationToken | undefined {
  let payload: unknown;
  try {
    payload = JSON.parse(delivery.body.toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = verificationRequestSchema.safeParse(payload);
  if (!parsed.success) return undefined;
  const subscriptionUuid = parsed.data.webhook_subscription_uuid ?? undefined;
  return { token: parsed.data.verification_token, ...(subscriptionUuid ? { subscriptionUuid } : {}) };
}

function verifyGustoDelivery(delivery: RawDelivery, secrets: readonly string[]): VerifyResult {
  if (verificationRequestOf(delivery)) return { ok: true };
  const header = delivery.headers[GUSTO_SIGNATURE_HEADER]?.trim();
  if (!header) return reject(`missing ${GUSTO_SIGNATURE_HEADER} header`);
  if (!SHA256_HEX.test(header))
    return reject(`${GUSTO_SIGNATURE_HEADER} must be 64 hex digits (HMAC-SHA256)`);
  const expected = secrets.map((secret) => hmacSha256(secret, delivery.body));
  if (!matchesAnySignature([Buffer.from(header, 'hex')], expected)) {
    return reject(
      "signature does not match: check that the signing secret holds the subscription's verification token",
    );
  }
  return { ok: true };
}

function gustoHandshake(delivery: RawDelivery): HandshakeReply | undefined {
  const verification = verificationRequestOf(delivery);
  if (!verification) return undefined;
  return {
    statusCode: 200,
    body: { status: 'ok', handshake: true },
    notice: HANDSHAKE_NOTICE,
    verification,
  };
}

function normalizeGustoPayload(payload: unknown, context: NormalizeContext): NormalizeResult {
  const envelope = parsePayloadPart(envelopeSchema, payload, []);
  const eventType = envelope.event_type.toLowerCase();
  const kind = NOTICE_KIND_BY_EVENT.get(eventType);
  if (!kind || (envelope.entity_type ?? 'Employee').toLowerCase() !== 'employee') {
    const reason = `event ${JSON.stringify(envelope.event_type)} is not an employee change`;
    return { events: [], ignored: [{ reason }] };
  }

  const tenantId = tenantOf(envelope.resource_uuid ?? undefined, 'resource_uuid', context);
  const employeeId = parsePayloadPart(employeeIdField, envelope.entity_uuid, ['entity_uuid']);
  const occurredAt =
    envelope.timestamp === null || envelope.timestamp === undefined
      ? context.receivedAt.toISOString()
      : new Date(envelope.timestamp * 1000).toISOString();
  const notice: PersonNotice = {
    eventId: envelope.uuid ?? undefined,
    employeeId,
    kind,
    occurredAt,
    // Payloads from before Gusto added `uuid` are keyed by these fields instead.
    identity: [tenantId, eventType, employeeId, envelope.timestamp ?? null],
  };
  return personNoticesResult('gusto', [notice], context);
}

function reject(reason: string): VerifyResult {
  return { ok: false, reason };
}

export const gustoAdapter: ProviderAdapter = {
  kind: 'gusto',
  verify: verifyGustoDelivery,
  handshake: gustoHandshake,
  normalize: normalizeGustoPayload,
};
