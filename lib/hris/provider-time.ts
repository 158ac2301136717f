/**
 * Lenient readers for the time formats that HRIS providers put in headers and envelopes. These are not
 * always ISO 8601 with a zone. BambooHR writes `+0000` without a colon, HiBob writes microseconds and no
 * zone, and some senders use Unix seconds.
 */

const UNIX_SECONDS = /^\d{1,12}$/;

/** Date and time, optional fraction of any length, optional zone (`Z`, `+02:00` or `+0200`). */
const ISO_DATE_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Parses Unix seconds or an ISO 8601 date-time. A date-time without a zone is read as UTC, a fraction
 * is cut to milliseconds, and an offset may omit its colon. Returns undefined for anything else.
 */
export function parseProviderTime(value: string): Date | undefined {
  const text = value.trim();
  if (UNIX_SECONDS.test(text)) return new Date(Number(text) * 1000);

  const match = ISO_DATE_TIME.exec(text);
  if (!match) return undefined;
  const [, date, time, fraction, zone] = match;
  const milliseconds = (fraction ?? '').padEnd(3, '0').slice(0, 3);
  const offset = !zone || zone.toUpperCase() === 'Z' ? 'Z' : zone.replace(/^([+-]\d{2}):?(\d{2})$/, '$1:$2');
  const seconds = time?.length === 5 ? ':00' : '';
  const parsed = new Date(`${date}T${time}${seconds}.${milliseconds}${offset}`);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed;
}

/** Returns the provider time as a UTC ISO string (`toISOString`), or `fallback` when it is absent or unreadable. */
export function providerTimeOrFallback(value: string | null | undefined, fallback: Date): string {
  const parsed = value ? parseProviderTime(value) : undefined;
  return (parsed ?? fallback).toISOString();
}
