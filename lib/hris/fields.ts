import * as z from 'zod';
import { type RosterEvent, rosterEventSchema } from '../roster/event';
import { PayloadError } from './errors';
import { parsePayloadPart } from './validation';

/**
 * Zod building blocks shared by the provider payload schemas, and the final check of a normalized event.
 * The length limits repeat those of RosterEvent, so that a too-long field is reported under the
 * provider's own field name.
 */

/** Optional free text, trimmed; null, empty and blank values count as absent. */
export function optionalText(maxLength: number) {
  return z
    .string()
    .trim()
    .max(maxLength)
    .nullish()
    .transform((value) => value || undefined);
}

/** Optional work e-mail, trimmed and lower-cased; null and empty values count as absent. */
export const optionalWorkEmail = z
  .string()
  .trim()
  .nullish()
  .transform((value) => (value ? value.toLowerCase() : undefined))
  .pipe(z.email().optional());

/** An HRIS employee id: a string or a non-negative integer, at most 80 printable ASCII characters. */
export const employeeIdField = z
  .union([z.string(), z.int().nonnegative().transform(String)], {
    error: (issue) =>
      issue.input === undefined
        ? 'is required (expected a string)'
        : 'must be a string or a non-negative integer',
  })
  .pipe(
    z
      .string()
      .trim()
      .min(1)
      .max(80)
      .regex(/^[\x21-\x7e]+$/, { error: 'must be printable ASCII without spaces' }),
  );

/** Optional calendar date (YYYY-MM-DD); a date-time is cut to its date as written, without time zone conversion. */
export const optionalDateField = z
  .string()
  .trim()
  .nullish()
  .transform((value) => (value ? value.replace(/^(\d{4}-\d{2}-\d{2})T.*$/s, '$1') : undefined))
  .pipe(z.iso.date().optional());

/**
 * An ISO 8601 date-time with a time zone, rewritten as UTC with millisecond precision (`toISOString`) so
 * that values from every provider sort as text.
 */
export const timestampField = z.iso
  .datetime({ offset: true })
  .transform((value) => new Date(value).toISOString());

/** Like timestampField, but null and absent values count as absent. */
export const optionalTimestampField = timestampField.nullish().transform((value) => value ?? undefined);

/**
 * Drops absent person fields and checks the event against the RosterEvent schema, which the apply
 * function trusts. `label` names the payload part in the error, for example `events[2]`.
 */
export function finishRosterEvent(event: RosterEvent, label: string): RosterEvent {
  const person = Object.fromEntries(
    Object.entries(event.person).filter(([, value]) => value !== undefined),
  ) as RosterEvent['person'];
  try {
    return parsePayloadPart(rosterEventSchema, { ...event, person }, []);
  } catch (error) {
    if (!(error instanceof PayloadError)) throw error;
    throw new PayloadError(`${label}: the normalized roster event is invalid: ${error.reason}`, {
      cause: error,
    });
  }
}
