/** HTTP statuses after which the same request may succeed. Other 4xx responses are final. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

export const BASE_DELAY_MS = 200;
export const MAX_DELAY_MS = 20_000;
/** The longest Retry-After the client waits for; a longer one fails the call as retryable. */
export const MAX_RETRY_AFTER_MS = 60_000;

/**
 * Returns the wait before retry number `attempt` (1 for the first retry): exponential backoff with
 * full jitter, a uniform draw from 0 up to min(cap, base × 2^(attempt − 1)).
 */
export function backoffDelayMs(attempt: number, random: () => number): number {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Parses a Retry-After header, either delay-seconds or an HTTP date (RFC 9110, section 10.2.3), into
 * milliseconds from `nowMs`. Returns undefined when the header is absent or unreadable; a date in
 * the past gives 0.
 */
export function parseRetryAfterMs(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();

  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;

  // An HTTP date names its month; anything else, such as "-5" or "1.5", is invalid.
  if (!/[A-Za-z]/.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}
