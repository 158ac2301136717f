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

/** Rejects with 415 anything but `application/json`, which may carry a UTF-8 charset parameter. */
export function checkJsonContentType(delivery: RawDelivery): void {
  const [mediaType = '', ...parameters] = (delivery.headers['content-type'] ?? '').split(';');
  const charset = parameters
    .map((parameter) => parameter.trim().toLowerCase())
    .find((parameter) => parameter.startsWith('charset='))
    ?.slice('charset='.length)
    .replaceAll('"', '');
  const isJson = mediaType.trim().toLowerCase() === 'application/json';
  if (isJson && (charset === undefined || charset === 'utf-8' || charset === 'utf8')) return;
  throw new DeliveryRejectedError(
    415,
    'content type must be application/json (optionally with charset=utf-8)',
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
  const result = adapter.verify(delivery, secrets, now, { toleranceSeconds: source.toleranceSeconds });
  if (!result.ok) throw new DeliveryRejectedError(401, result.reason);
}

/** Parses the body as JSON and normalizes it; malformed JSON or payloads are rejected with 400. */
export function parseAndNormalize(adapter: ProviderAdapter, context: NormalizeContext): NormalizeResult {
  let payload: unknown;
  try {
    payload = JSON.parse(context.delivery.body.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new DeliveryRejectedError(400, `body is not valid JSON: ${describeJsonError(error)}`);
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
