import * as z from 'zod';
import type { RosterPerson } from '../../roster/event';
import { formatFieldPath } from '../validation';
import { DirectoryRequestError } from './errors';

/** Helpers for reading people records from provider APIs into roster persons. */

/**
 * Validates a provider API record, or throws a permanent DirectoryRequestError that names the invalid
 * fields (never their values), because a retry returns the same record.
 */
export function parseDirectoryRecord<T extends z.ZodType>(
  schema: T,
  value: unknown,
  subject: string,
): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields = [...new Set(result.error.issues.map((issue) => formatFieldPath(issue.path)))].join(', ');
  throw new DirectoryRequestError(
    `${subject} returned a record with invalid fields (${fields}): correct them in the HRIS`,
    false,
  );
}

/**
 * Optional calendar date. Null, empty and BambooHR's `0000-00-00` count as absent; a date-time is cut
 * to its date as written.
 */
export const directoryDate = z
  .string()
  .trim()
  .nullish()
  .transform((value) => {
    if (!value || /^0{4}-0{2}-0{2}/.test(value)) return undefined;
    return value.replace(/^(\d{4}-\d{2}-\d{2})[T ].*$/s, '$1');
  })
  .pipe(z.iso.date().optional());

/** Optional text, trimmed; null, empty and blank values count as absent. Longer text is cut to `maxLength`. */
export function directoryText(maxLength: number) {
  return z
    .string()
    .nullish()
    .transform((value) => value?.trim().slice(0, maxLength) || undefined);
}

/** Optional work e-mail, lower-cased; null and empty values count as absent. */
export const directoryEmail = z
  .string()
  .trim()
  .nullish()
  .transform((value) => (value ? value.toLowerCase() : undefined))
  .pipe(z.email().optional());

/** Returns a schema for an object whose fields are all optional, reading null or absent as `{}`. */
export function optionalObject<T extends z.ZodRawShape>(shape: T) {
  return z.preprocess((value) => value ?? {}, z.object(shape));
}

/** Returns the UTC calendar date of `now` (YYYY-MM-DD). */
export function utcDate(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** Employment facts from a provider's record, beyond the start date. */
export interface EmploymentFlags {
  leaver: boolean;
  leave?: boolean;
  /** The provider marks the person as not started yet (onboarding, pre-hire). */
  pending?: boolean;
}

/**
 * Returns the roster status, in this order of precedence: a leaver is `inactive`, a leave is `leave`,
 * a provider's pending mark or a start date after `today` is `pending`, anyone else `active`.
 */
export function employmentStatus(
  flags: EmploymentFlags,
  startDate: string | undefined,
  today: string,
): RosterPerson['status'] {
  if (flags.leaver) return 'inactive';
  if (flags.leave) return 'leave';
  if (flags.pending) return 'pending';
  return statusFromStart(startDate, today);
}

/** Returns `pending` for a start date after `today`, otherwise `active`. */
export function statusFromStart(startDate: string | undefined, today: string): RosterPerson['status'] {
  return startDate && startDate > today ? 'pending' : 'active';
}

/** Returns the display name built from a preferred first name, or undefined without one. */
export function preferredDisplayName(
  preferredName: string | undefined,
  lastName: string | undefined,
): string | undefined {
  if (!preferredName) return undefined;
  return [preferredName, lastName].filter(Boolean).join(' ');
}

/** Drops absent fields, so that the person matches the roster event schema's optional keys. */
export function compactPerson(person: RosterPerson): RosterPerson {
  return Object.fromEntries(
    Object.entries(person).filter(([, value]) => value !== undefined),
  ) as RosterPerson;
}
