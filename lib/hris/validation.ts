import type { z } from 'zod';
import { PayloadError } from './errors';

/** The number of field problems a PayloadError lists before it summarizes the rest. */
const MAX_LISTED_PROBLEMS = 5;

/**
 * Validates a payload part with a zod schema, or throws a PayloadError that lists each problem with its
 * full field path (`events[0].employee.workEmail: must be an e-mail address`). `path` is where `value`
 * sits in the payload.
 */
export function parsePayloadPart<T extends z.ZodType>(
  schema: T,
  value: unknown,
  path: readonly PropertyKey[],
): z.output<T> {
  const result = schema.safeParse(value, { error: describeIssue });
  if (result.success) return result.data;

  const problems = result.error.issues.map(
    (issue) => `${formatFieldPath([...path, ...issue.path])}: ${issue.message}`,
  );
  const listed = problems.slice(0, MAX_LISTED_PROBLEMS);
  if (problems.length > listed.length) listed.push(`and ${problems.length - listed.length} more problems`);
  throw new PayloadError(listed.join('; '));
}

/** Formats a path as a reader writes it: `events[0].employee.id`; the empty path is `body`. */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'body';
  return path
    .map((part, index) => {
      if (typeof part === 'number') return `[${part}]`;
      return index === 0 ? String(part) : `.${String(part)}`;
    })
    .join('');
}

/**
 * Replaces zod's generic messages with ones that state what the field must be. Messages set on a schema
 * take precedence over this map. No message contains the rejected value.
 */
function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) {
        return issue.expected === 'nonoptional' ? 'is required' : `is required (expected ${issue.expected})`;
      }
      return `must be ${withArticle(issue.expected)}, not ${describeType(issue.input)}`;
    case 'invalid_format':
      return describeFormat(issue.format);
    case 'invalid_value':
      return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'too_big':
      if (issue.origin === 'array') return `must contain at most ${issue.maximum} items`;
      if (issue.origin === 'string') return `must be at most ${issue.maximum} characters long`;
      return `must be at most ${issue.maximum}`;
    case 'too_small':
      if (issue.origin === 'string' && issue.minimum === 1) return 'must not be empty';
      if (issue.origin === 'array') return `must contain at least ${issue.minimum} items`;
      if (issue.origin === 'string') return `must be at least ${issue.minimum} characters long`;
      return `must be at least ${issue.minimum}`;
    case 'unrecognized_keys':
      return `unknown key ${issue.keys.map((key) => `"${key}"`).join(', ')}: remove it or check its spelling`;
    default:
      return undefined;
  }
}

function describeFormat(format: string): string {
  switch (format) {
    case 'email':
      return 'must be an e-mail address';
    case 'date':
      return 'must be a date in the form YYYY-MM-DD';
    case 'datetime':
      return 'must be an ISO 8601 date-time with a time zone, for example "2026-08-17T14:30:00Z"';
    default:
      return `must be a valid ${format}`;
  }
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return withArticle(typeof value);
}

function withArticle(noun: string): string {
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}
