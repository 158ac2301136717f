import type { SourceConfig } from '../config/schema';
import { getSecretValue } from '../runtime/secrets';
import { DeliveryRejectedError, PayloadError } from './errors';
import { parseSigningSecret } from './signing';
import type { NormalizeContext, NormalizeResult, ProviderAdapter, RawDelivery } from './types';

/**
 * The checks a webhook delivery passes before its events are queued, in the order the webhook function
 * runs them. Each throws a DeliveryRejectedError with the HTTP status and a reason for the sender.
 */

/** The largest body accepted, in bytes: 256 KiB, the SQS message size limit the queue was sized for. */
export const MAX_BODY_BYTES = 256 * 1024;

/** Returns the configured source named in the webhook URL, or rejects the delivery with 404. */
export function findSource(sources: readonly SourceConfig[], name: string | undefined): SourceConfig {
  const source = sources.find((candidate) => candidate.name === name);
  if (source) return source;
  const shown = JSON.stringify((name ?? '').slice(0, 60));
  throw new DeliveryRejectedError(404, `unknown source ${shown}: configure it under roster.sources`);
}

/** Rejects an empty body with 400 and one larger than MAX_BODY_BYTES with 413. */
export function checkBodySize(delivery: RawDelivery): void {
  if (delivery.body.length === 0) {
    throw new DeliveryRejectedError(400, 'request body is empty: send the webhook JSON as the POST body');
  }
  if (delivery.body.length > MAX_BODY_BYTES) {
    throw new DeliveryRejectedError(
      413,
      `request body is ${delivery.body.length} bytes, more than the ${MAX_BODY_BYTES} accepted: ` +
        'split the events over several deliveries',
    );
  }
}

const JSON_MEDIA_TYPE = 'application/json';
const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded';

/** Rejects with 415 anything but `application/json`, which may carry a UTF-8 charset parameter. */
export function checkJsonContentType(delivery: RawDelivery): void {
  checkContentType(delivery, [JSON_MEDIA_TYPE]);
}

/**
 * Rejects with 415 a media type the adapter does not accept (by default only `application/json`), or a
 * charset other than UTF-8.
 */
export function checkContentType(
  delivery: RawDelivery,
  accepted: readonly string[] = [JSON_MEDIA_TYPE],
): void {
  const { mediaType, charset } = parseContentType(delivery);
  if (accepted.includes(mediaType) && (charset === undefined || charset === 'utf-8' || charset === 'utf8')) {
    return;
  }
  throw new DeliveryRejectedError(
    415,
    `content type must be ${accepted.join(' or ')} (optionally with charset=utf-8)`,
  );
}

function parseContentType(delivery: RawDelivery): { mediaType: string; charset?: string } {
  const [mediaType = '', ...parameters] = (delivery.headers['content-type'] ?? '').split(';');
  const charset = parameters
    .map((parameter) => parameter.trim().toLowerCase())
    .find((parameter) => parameter.startsWith('charset='))
    ?.slice('charset='.length)
    .replaceAll('"', '');
  return { mediaType: mediaType.trim().toLowerCase(), charset };
}

/**
 * Rejects with 403 a delivery whose tenant id is not one of the source's `tenantIds`. `field` names the
 * payload field the id came from, for the reason. Sources without `tenantIds` accept every tenant.
 */
export function checkTenant(context: NormalizeContext, tenantId: string | undefined, field: string): void {
  const accepted = context.tenantIds;
  if (!accepted || accepted.length === 0) return;
  if (tenantId !== undefined && accepted.includes(tenantId)) return;
  // A tenant id names a company or connection, not a secret, so the reason shows it. It is cut to 60
  // characters, as the source name in findSource is, so that a long value cannot fill the response.
  const problem =
    tenantId === undefined
      ? `has no ${field}`
      : `has ${field} ${JSON.stringify(tenantId.slice(0, 60))}, which is not one of the tenantIds`;
  throw new DeliveryRejectedError(
    403,
    `the delivery ${problem} of source "${context.source}": send it to the source configured for ` +
      'that tenant, or add the id to tenantIds',
  );
}

/**
 * Reads the source's signing secret and returns the keys to try. A missing or malformed secret is an
 * operator error. It gets status 500, so that the provider retries, and the cause is kept for the log.
 */
export async function loadSigningSecrets(source: SourceConfig): Promise<string[]> {
  try {
    return parseSigningSecret(await getSecretValue(source.signingSecretName));
  } catch (error) {
    throw new DeliveryRejectedError(
      500,
      `the signing secret of source "${source.name}" cannot be read: the operator must check its configuration`,
      {},
      { cause: error },
    );
  }
}

/** Checks the signature over the raw bytes, or rejects the delivery with 401 and the adapter's reason. */
export function verifyDelivery(
  adapter: ProviderAdapter,
  delivery: RawDelivery,
  secrets: readonly string[],
  now: Date,
  source: SourceConfig,
): void {
  const result = adapter.verify(delivery, secrets, now, {
    toleranceSeconds: source.toleranceSeconds,
    tokenHeader: source.tokenHeader,
  });
  if (!result.ok) throw new DeliveryRejectedError(401, result.reason);
}

/** Parses the body as JSON and normalizes it; malformed JSON or payloads are rejected with 400. */
export function parseAndNormalize(adapter: ProviderAdapter, context: NormalizeContext): NormalizeResult {
  const text = context.delivery.body.toString('utf8').replace(/^\uFEFF/, '');
  let payload: unknown;
  if (parseContentType(context.delivery).mediaType === FORM_MEDIA_TYPE) {
    payload = Object.fromEntries(new URLSearchParams(text));
  } else {
    try {
      payload = JSON.parse(text);
    } catch (error) {
      throw new DeliveryRejectedError(400, `body is not valid JSON: ${describeJsonError(error)}`);
    }
  }

  try {
    return adapter.normalize(payload, context);
  } catch (error) {
    if (error instanceof PayloadError)
      throw new DeliveryRejectedError(400, error.reason, {}, { cause: error });
    throw error;
  }
}

/** Drops the quoted excerpt of the body that V8 puts in JSON syntax errors, so no payload text is echoed. */
function describeJsonError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/,\s*".*" is not valid JSON$/s, '');
}
