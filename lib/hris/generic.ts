import * as z from 'zod';
import type { RosterEvent } from '../roster/event';
import { PayloadError } from './errors';
import {
  employeeIdField,
  finishRosterEvent,
  optionalText,
  optionalWorkEmail,
  timestampField,
} from './fields';
import { GENERIC_HEADERS } from './generic-headers';
import { hmacSha256, matchesAnySignature, sha256Hex } from './signing';
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
 * The generic provider: this project's own webhook format, for any HRIS or middleware that can send
 * signed JSON. The format and the signing scheme are documented in docs/webhooks.md.
 */

export { GENERIC_HEADERS };

/** Seconds a signed timestamp may differ from the receiver's clock when the source sets no tolerance. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export const MAX_EVENTS_PER_DELIVERY = 100;

/** Signatures accepted in one header; a sender rotating its secret needs two. */
const MAX_SIGNATURES_PER_HEADER = 10;

const SIGNATURE_PATTERN = /^v1=([0-9a-fA-F]{64})$/;

const DELIVERY_ID_PATTERN = /^[\x21-\x7e]{1,100}$/;

type RosterAction = RosterEvent['action'];

/**
 * Event types map to actions through their verb, read case-insensitively after the `employee.` prefix.
 * A Map rather than an object literal, so that a verb such as "constructor" finds nothing.
 */
const ACTION_BY_VERB = new Map<string, RosterAction>([
  ['hired', 'upsert'],
  ['created', 'upsert'],
  ['added', 'upsert'],
  ['updated', 'upsert'],
  ['changed', 'upsert'],
  ['rehired', 'upsert'],
  ['terminated', 'terminate'],
  ['deleted', 'delete'],
  ['removed', 'delete'],
]);

const envelopeSchema = z.object({
  events: z.array(z.unknown()).max(MAX_EVENTS_PER_DELIVERY),
});

const eventTypeSchema = z.object({
  type: z.string().trim().min(1).max(100),
});

const optionalDate = z.iso
  .date()
  .nullish()
  .transform((value) => value ?? undefined);

/** Unknown employee keys fail, so that a misspelt field such as `email` is reported instead of dropped. */
const employeeSchema = z.strictObject({
  id: employeeIdField,
  workEmail: optionalWorkEmail,
  firstName: optionalText(200),
  lastName: optionalText(200),
  displayName: optionalText(400),
  jobTitle: optionalText(200),
  department: optionalText(200),
  school: optionalText(200),
  location: optionalText(200),
  employeeType: optionalText(100),
  status: z
    .enum(['active', 'pending', 'leave', 'inactive'])
    .nullish()
    .transform((value) => value ?? undefined),
  startDate: optionalDate,
  terminationDate: optionalDate,
});

const employeeEventSchema = z.object({
  type: z.string(),
  occurredAt: timestampField,
  employee: employeeSchema,
});

/**
 * Returns the signature headers for a generic delivery signed at `timestampSeconds` (Unix seconds).
 * Senders, the example replay and tests use it; the body must be sent byte for byte as signed.
 */
export function signGenericDelivery(
  secret: string,
  body: Buffer | string,
  timestampSeconds: number,
): { 'x-talent-sync-timestamp': string; 'x-talent-sync-signature': string } {
  const timestamp = String(Math.floor(timestampSeconds));
  const digest = hmacSha256(secret, `${timestamp}.`, body).toString('hex');
  return {
    [GENERIC_HEADERS.timestamp]: timestamp,
    [GENERIC_HEADERS.signature]: `v1=${digest}`,
  };
}

function verifyGenericDelivery(
  delivery: RawDelivery,
  secrets: readonly string[],
  now: Date,
  options: VerifyOptions = {},
): VerifyResult {
  const timestamp = delivery.headers[GENERIC_HEADERS.timestamp];
  if (!timestamp) {
    return reject(`missing ${GENERIC_HEADERS.timestamp} header: send the signing time in Unix seconds`);
  }
  if (!/^\d{1,12}$/.test(timestamp)) {
    return reject(`${GENERIC_HEADERS.timestamp} must be the signing time in Unix seconds (digits only)`);
  }

  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const ageSeconds = Math.floor(now.getTime() / 1000) - Number(timestamp);
  if (Math.abs(ageSeconds) > tolerance) {
    const offset = ageSeconds > 0 ? `${ageSeconds} seconds old` : `${-ageSeconds} seconds in the future`;
    return reject(
      `${GENERIC_HEADERS.timestamp} is ${offset}, outside the ${tolerance}-second tolerance: ` +
        "sign each delivery when sending it and check the sender's clock",
    );
  }

  const header = delivery.headers[GENERIC_HEADERS.signature];
  if (!header) return reject(`missing ${GENERIC_HEADERS.signature} header`);
  const tokens = header.split(/[\s,]+/).filter((token) => token.length > 0);
  if (tokens.length > MAX_SIGNATURES_PER_HEADER) {
    return reject(`${GENERIC_HEADERS.signature} carries more than ${MAX_SIGNATURES_PER_HEADER} signatures`);
  }
  const presented = tokens.flatMap((token) => {
    const hex = SIGNATURE_PATTERN.exec(token)?.[1];
    return hex ? [Buffer.from(hex, 'hex')] : [];
  });
  if (presented.length === 0) {
    return reject(`${GENERIC_HEADERS.signature} has no "v1=" value with 64 hex digits`);
  }

  const expected = secrets.map((secret) => hmacSha256(secret, `${timestamp}.`, delivery.body));
  if (!matchesAnySignature(presented, expected)) {
    return reject(
      'signature does not match: sign "<timestamp>.<raw body>" with HMAC-SHA256 and the signing secret of this source',
    );
  }
  return { ok: true };
}

function normalizeGenericPayload(payload: unknown, context: NormalizeContext): NormalizeResult {
  const { events } = parsePayloadPart(envelopeSchema, payload, []);
  const baseEventId = deliveryIdOf(context.delivery) ?? sha256Hex(context.delivery.body);
  const result: NormalizeResult = { events: [], ignored: [] };

  events.forEach((rawEvent, index) => {
    const path = ['events', index];
    const label = `events[${index}]`;
    const { type } = parsePayloadPart(eventTypeSchema, rawEvent, path);
    const action = actionForType(type);
    if (!action) {
      result.ignored.push({ reason: `${label}: type ${JSON.stringify(type)} is not an employee event` });
      return;
    }

    const event = parsePayloadPart(employeeEventSchema, rawEvent, path);
    const eventId = events.length === 1 ? baseEventId : `${baseEventId}:${index}`;
    const { id, workEmail, status, ...person } = event.employee;
    const candidate: RosterEvent = {
      eventId,
      source: context.source,
      employeeId: id,
      action,
      occurredAt: event.occurredAt,
      receivedAt: context.receivedAt.toISOString(),
      person: {
        ...person,
        email: workEmail,
        status: statusFor(action, status, person.startDate, context.receivedAt),
      },
    };
    result.events.push(finishRosterEvent(candidate, label));
  });
  return result;
}

/** Returns the action for a type such as `employee.hired`, or undefined when the type is not an employee event. */
function actionForType(type: string): RosterAction | undefined {
  const verb = /^employee\.([a-z_]+)$/i.exec(type)?.[1];
  return verb ? ACTION_BY_VERB.get(verb.toLowerCase()) : undefined;
}

/**
 * Terminations and deletions are inactive. Otherwise the sender's status wins; without one, a start date
 * after the day of receipt (UTC) means pending, anything else active.
 */
function statusFor(
  action: RosterAction,
  status: RosterEvent['person']['status'] | undefined,
  startDate: string | undefined,
  receivedAt: Date,
): RosterEvent['person']['status'] {
  if (action !== 'upsert') return 'inactive';
  if (status) return status;
  const today = receivedAt.toISOString().slice(0, 10);
  return startDate && startDate > today ? 'pending' : 'active';
}

function deliveryIdOf(delivery: RawDelivery): string | undefined {
  const id = delivery.headers[GENERIC_HEADERS.deliveryId];
  if (id === undefined || id === '') return undefined;
  if (!DELIVERY_ID_PATTERN.test(id)) {
    throw new PayloadError(
      `${GENERIC_HEADERS.deliveryId}: must be 1-100 printable ASCII characters without spaces`,
    );
  }
  return id;
}

function reject(reason: string): VerifyResult {
  return { ok: false, reason };
}

export const genericAdapter: ProviderAdapter = {
  kind: 'generic',
  verify: verifyGenericDelivery,
  normalize: normalizeGenericPayload,
};
