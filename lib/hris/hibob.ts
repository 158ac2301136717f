import { createHmac } from 'node:crypto';
import * as z from 'zod';
import { employeeIdField } from './fields';
import { type PersonNotice, personNoticesResult, tenantOf } from './notices';
import { providerTimeOrFallback } from './provider-time';
import { matchesAnySignature } from './signing';
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
 * HiBob (Bob) webhooks, version 2 (https://apidocs.hibob.com/reference/getting-started-webhooks). An
 * event carries `companyId`, `type`, `triggeredAt` (UTC without a zone) and ids in `data`; the apply step
 * reads the employee from the Bob People API. Lifecycle events (`employee.joined`, `employee.left`,
 * `employee.inactivated`) fire at midnight of the effective date in the site's time zone.
 */

/** base64(HMAC-SHA512(webhook secret, raw body)); no timestamp is signed. */
export const HIBOB_SIGNATURE_HEADER = 'bob-signature';

/** 64 digest bytes are 86 base64 characters and `==`. */
const BASE64_SHA512 = /^[A-Za-z0-9+/]{86}(==)?$/;

/** The text of the check Bob posts when a webhook is created, first as plain text, then as `{"text": ...}`. */
const PING_TEXT = 'Ping test';

const HANDSHAKE_REPLY: HandshakeReply = { statusCode: 200, body: { status: 'ok', handshake: true } };

/**
 * Event types that change the roster. All but `employee.deleted` are lookups: `employee.left` and
 * `employee.inactivated` fire for a leave as well as a termination, and a rehire reuses the same record,
 * so only the fetched status shows what happened.
 */
const NOTICE_KIND_BY_TYPE = new Map<string, PersonNotice['kind']>([
  ['employee.created', 'lookup'],
  ['employee.joined', 'lookup'],
  ['employee.updated', 'lookup'],
  ['employee.activated', 'lookup'],
  ['employee.left', 'lookup'],
  ['employee.inactivated', 'lookup'],
  ['employee.temporaryleave', 'lookup'],
  ['employee.deleted', 'delete'],
]);

const envelopeSchema = z.object({
  companyId: z.union([z.int().nonnegative().transform(String), z.string().trim().min(1).max(100)]).nullish(),
  type: z.string().trim().min(1).max(100),
  triggeredAt: z.string().max(100).nullish(),
  data: z.unknown(),
});

const dataSchema = z.object({
  employeeId: employeeIdField,
  fieldUpdates: z.unknown().optional(),
});

/** Returns the Bob-Signature value for a body. Tests, the provider fake and example deliveries use it. */
export function signHiBobBody(secret: string, body: Buffer | string): string {
  return hmacSha512(secret, body).toString('base64');
}

/**
 * Bob's creation ping is accepted without a signature, because Bob's documentation does not say whether
 * it is signed. It carries no data, and the handshake step acknowledges it without queuing anything.
 */
function verifyHiBobDelivery(delivery: RawDelivery, secrets: readonly string[]): VerifyResult {
  if (isPing(delivery.body)) return { ok: true };

  const header = delivery.headers[HIBOB_SIGNATURE_HEADER]?.trim();
  if (!header) return reject(`missing ${HIBOB_SIGNATURE_HEADER} header`);
  if (!BASE64_SHA512.test(header)) {
    return reject(`${HIBOB_SIGNATURE_HEADER} must be a base64 HMAC-SHA512 digest (88 characters)`);
  }

  const expected = secrets.map((secret) => hmacSha512(secret, delivery.body));
  if (!matchesAnySignature([Buffer.from(header, 'base64')], expected)) {
    return reject(
      "signature does not match: check that the secret holds the webhook secret from Bob's webhook " +
        'settings, signed with HMAC-SHA512',
    );
  }
  return { ok: true };
}

function hiBobHandshake(delivery: RawDelivery): HandshakeReply | undefined {
  return isPing(delivery.body) ? HANDSHAKE_REPLY : undefined;
}

/** True for the plain-text ping and for `{"text": "Ping test"}`, with surrounding white space ignored. */
function isPing(body: Buffer): boolean {
  const text = body.toString('utf8').trim();
  if (text === PING_TEXT) return true;
  if (!text.startsWith('{')) return false;
  try {
    const parsed: unknown = JSON.parse(text);
    return (
      typeof parsed === 'object' &&
      parsed !== null &&
      Object.keys(parsed).length === 1 &&
      (parsed as { text?: unknown }).text === PING_TEXT
    );
  } catch {
    return false;
  }
}

function normalizeHiBobPayload(payload: unknown, context: NormalizeContext): NormalizeResult {
  const envelope = parsePayloadPart(envelopeSchema, payload, []);
  const type = envelope.type.toLowerCase();
  const kind = NOTICE_KIND_BY_TYPE.get(type);
  if (!kind) {
    const reason = `event ${JSON.stringify(envelope.type)} is not an employee change; only employee events change the roster`;
    return { events: [], ignored: [{ reason }] };
  }

  const data = parsePayloadPart(dataSchema, envelope.data, ['data']);
  const tenantId = tenantOf(envelope.companyId ?? undefined, 'companyId', context);
  const notice: PersonNotice = {
    employeeId: data.employeeId,
    kind,
    occurredAt: providerTimeOrFallback(envelope.triggeredAt, context.receivedAt),
    identity: [tenantId, type, data.employeeId, envelope.triggeredAt, data.fieldUpdates ?? null],
  };
  return personNoticesResult('hibob', [notice], context);
}

function hmacSha512(key: string, body: Buffer | string): Buffer {
  return createHmac('sha512', key).update(body).digest();
}

function reject(reason: string): VerifyResult {
  return { ok: false, reason };
}

export const hibobAdapter: ProviderAdapter = {
  kind: 'hibob',
  contentTypes: ['application/json', 'text/plain'],
  verify: verifyHiBobDelivery,
  handshake: hiBobHandshake,
  normalize: normalizeHiBobPayload,
};
