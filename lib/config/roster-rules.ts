import * as z from 'zod';
import { ianaTimeZone } from './time-zone';

/**
 * The parts of the roster config that decide who is synced and what they become: conditions over
 * HRIS fields and custom attributes, scope rules, and the settings for parking and the audit trail.
 */

import { ATTRIBUTE_PREFIX, PERSON_FIELDS } from './constants';

export { ATTRIBUTE_PREFIX, PERSON_FIELDS, type PersonField } from './constants';

/** Allowed custom attribute names, the same as the roster event schema accepts. */
export const ATTRIBUTE_NAME = /^[A-Za-z0-9_-]{1,64}$/;

const MAX_IN_VALUES = 100;

export const fieldCondition = z.union([
  z.string().min(1),
  z.strictObject({
    pattern: z
      .string()
      .min(1)
      .refine(isValidRegExp, 'must be a valid JavaScript regular expression, for example "^Coach"'),
  }),
  z.strictObject({
    in: z
      .array(z.string().min(1))
      .min(1, 'must list at least one value, for example ["Lincoln", "Adams"]')
      .max(MAX_IN_VALUES, `must list at most ${MAX_IN_VALUES} values: use a pattern for longer lists`),
  }),
]);
export type FieldCondition = z.infer<typeof fieldCondition>;

/**
 * All listed keys must match. A key is a person field or `attributes.<name>`; a string matches
 * case-insensitively, a pattern as a regular expression, and `in` any of its values.
 */
export const condition = z.record(z.string(), fieldCondition).superRefine((value, context) => {
  for (const key of Object.keys(value)) {
    if (isConditionKey(key)) continue;
    context.addIssue({
      code: 'custom',
      path: [key],
      message:
        `"${key}" is not a field a condition can match: use one of ${PERSON_FIELDS.join(', ')}, ` +
        `or "${ATTRIBUTE_PREFIX}<name>" for a custom attribute (letters, digits, _ and -)`,
    });
  }
});
export type Condition = z.infer<typeof condition>;

/** The people the sync manages: anyone who matches an include (or everyone, without includes) and no exclude. */
export const scope = z.strictObject({
  include: z.array(condition).default([]),
  exclude: z.array(condition).default([]),
});
export type ScopeConfig = z.infer<typeof scope>;

/** Tells whether a key names a person field or a well-formed custom attribute. */
export function isConditionKey(key: string): boolean {
  if ((PERSON_FIELDS as readonly string[]).includes(key)) return true;
  return key.startsWith(ATTRIBUTE_PREFIX) && ATTRIBUTE_NAME.test(key.slice(ATTRIBUTE_PREFIX.length));
}

const PLACEHOLDER = /\{([^{}]*)\}/g;

/** A group name template whose placeholders are condition keys, as in `School: {school}`. */
export const groupTemplate = z
  .string()
  .min(1)
  .refine(
    (template) => [...template.matchAll(PLACEHOLDER)].every((match) => isConditionKey(match[1] ?? '')),
    `may only use the placeholders ${PERSON_FIELDS.map((field) => `{${field}}`).join(', ')} and {${ATTRIBUTE_PREFIX}<name>}`,
  );

export function isValidRegExp(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

/** The IANA time zone in which a start date begins, for holding future hires. */
export const rosterTimeZone = ianaTimeZone.default('UTC');

/** Days the audit table keeps an entry. */
export const auditRetentionDays = z.int().min(1).max(3650).default(400);
