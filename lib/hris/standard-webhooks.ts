import { createHmac } from 'node:crypto';
import { DeliveryRejectedError } from './errors';
import { DEFAULT_TOLERANCE_SECONDS, GENERIC_HEADERS, genericAdapter } from './generic';
import { matchesAnySignature } from './signing';
import type { NormalizeContext, ProviderAdapter, RawDelivery, VerifyOptions, VerifyResult } from './types';

/**
 * Standard Webhooks (https://www.standardwebhooks.com): `webhook-id`, `webhook-timestamp` and
 * `webhook-signature` headers, where each signature is `v1,<base64 HMAC-SHA256>` over
 * `"<id>.<timestamp>.<raw body>"`, keyed with the base64 part of a `whsec_` secret. Svix and the
 * senders built on it use the scheme; Finch uses it under its own header names. The body is this
 * project's generic format (`{"events": [...]}`), and the webhook id is the deduplication key.
 */

export const STANDARD_WEBHOOK_HEADERS = {
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
} as const;

/** The three header names of one scheme that signs `"<id>.<timestamp>.<body>"`. */
export interface SignedIdHeaderNames {
  id: string;
  timestamp: string;
  signature: string;
}

/** Signatures accepted in one header; a sender rotating its secret sends two. */
const MAX_SIGNATURES_PER_HEADER = 10;

const ID_PATTERN = /^[\x21-\x7e]{1,100}$/;
const SECRET_PREFIX = 'whsec_';

/**
 * Returns the HMAC key of a secret: the bytes of its base64 part, after an optional `whsec_` prefix.
 * A secret that is not canonical base64 is an operator error. It gets status 500, so that the sender
 * retries after the operator fixes it.
 */
export function decodeBase64Secret(secret: string): Buffer {
  const encoded = secret.trim().startsWith(SECRET_PREFIX)
    ? secret.trim().slice(SECRET_PREFIX.length)
    : secret.trim();
  const key = Buffer.from(encoded, 'base64');
  if (key.length === 0 || key.toString('base64').replace(/=+$/, '') !== encoded.replace(/=+$/, '')) {
    throw new DeliveryRejectedError(
      500,
      'the signing secret of this source is not base64: the operator must store the whole secret ' +
        `from the provider's dashboard, with or without its "${SECRET_PREFIX}" prefix`,
    );
  }
  return key;
}

/** Returns one `v1,<base64>` signature of a delivery; tests and senders use it. */
export function signIdTimestampBody(
  secret: string,
  id: string,
  timestampSeconds: number,
  body: Buffer | string,
): string {
  return `v1,${digest(decodeBase64Secret(secret), id, String(Math.floor(timestampSeconds)), body).toString('base64')}`;
}

/** Returns the Standard Webhooks headers for a body signed at `timestampSeconds` (Unix seconds). */
export function signStandardWebhook(
  secret: string,
  id: string,
  timestampSeconds: number,
  body: Buffer | string,
): Record<string, string> {
  return {
    [STANDARD_WEBHOOK_HEADERS.id]: id,
    [STANDARD_WEBHOOK_HEADERS.timestamp]: String(Math.floor(timestampSeconds)),
    [STANDARD_WEBHOOK_HEADERS.signature]: signIdTimestampBody(secret, id, timestampSeconds, body),
  };
}

/**
 * Checks a delivery signed the Standard Webhooks way under the given header names. The id must be
 * present and the timestamp within the tolerance of `now`, in either direction. Any `v1` entry of the
 * space-separated signature list may match any key, compared in constant time.
 */
export function verifyIdTimestampSignature(
  delivery: RawDelivery,
  secrets: readonly string[],
  now: Date,
  options: VerifyOptions,
  names: SignedIdHeaderNames,
): VerifyResult {
  const id = delivery.headers[names.id];
  if (!id) return reject(`missing ${names.id} header`);
  if (!ID_PATTERN.test(id)) return reject(`${names.id} must be 1-100 printable ASCII characters`);

  const timestamp = delivery.headers[names.timestamp];
  if (!timestamp) return reject(`missing ${names.timestamp} header`);
  if (!/^\d{1,12}$/.test(timestamp)) return reject(`${names.timestamp} must be Unix seconds (digits only)`);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const ageSeconds = Math.floor(now.getTime() / 1000) - Number(timestamp);
  if (Math.abs(ageSeconds) > tolerance) {
    const offset = ageSeconds > 0 ? `${ageSeconds} seconds old` : `${-ageSeconds} seconds in the future`;
    return reject(`${names.timestamp} is ${offset}, outside the ${tolerance}-second tolerance`);
  }

  const header = delivery.headers[names.signature];
  if (!header) return reject(`missing ${names.signature} header`);
  const entries = header.split(' ').filter((entry) => entry.length > 0);
  if (entries.length > MAX_SIGNATURES_PER_HEADER) {
    return reject(`${names.signature} carries more than ${MAX_SIGNATURES_PER_HEADER} signatures`);
  }
  const presented = entries.flatMap((entry) => {
    const [version, value] = entry.split(',', 2);
    return version === 'v1' && value ? [Buffer.from(value, 'base64')] : [];
  });
  if (presented.length === 0) return reject(`${names.signature} has no "v1,<base64>" signature`);

  const expected = secrets.map((secret) => digest(decodeBase64Secret(secret), id, timestamp, delivery.body));
  if (!matchesAnySignature(presented, expected)) {
    return reject(
      'signature does not match: check that the signing secret holds the endpoint secret from the ' +
        "sender's dashboard",
    );
  }
  return { ok: true };
}

function digest(key: Buffer, id: string, timestamp: string, body: Buffer | string): Buffer {
  return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();
}

function reject(reason: string): VerifyResult {
  return { ok: false, reason };
}

/** Copies the webhook id into the generic delivery-id header, which the generic mapping uses as the event id. */
function withDeliveryId(context: NormalizeContext): NormalizeContext {
  const id = context.delivery.headers[STANDARD_WEBHOOK_HEADERS.id] ?? '';
  return {
    ...context,
    delivery: {
      ...context.delivery,
      headers: { ...context.delivery.headers, [GENERIC_HEADERS.deliveryId]: id },
    },
  };
}

export const standardWebhooksAdapter: ProviderAdapter = {
  kind: 'standard-webhooks',
  verify: (delivery, secrets, now, options = {}) =>
    verifyIdTimestampSignature(delivery, secrets, now, options, STANDARD_WEBHOOK_HEADERS),
  normalize: (payload, context) => genericAdapter.normalize(payload, withDeliveryId(context)),
};
