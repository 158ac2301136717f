import type { z } from 'zod';

/** Longest quoted value a message shows; longer ones end in "…" so that one message stays one line. */
const MAX_SHOWN_CHARACTERS = 40;

/** Adds the fix to zod's generic messages; custom messages from the schema pass through unchanged. */
export function explainIssue(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown key ${issue.keys.map((key) => `"${key}"`).join(', ')}: remove it or check its spelling`;
    case 'invalid_type':
      return explainInvalidType(issue.expected, issue.input);
    case 'invalid_format':
      return issue.format === 'url'
        ? 'must be an http or https URL, for example "https://api.torshtalent.com/api/v2"'
        : `must be a valid ${issue.format}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'too_small':
      return `must be at least ${String(issue.minimum)}${issue.origin === 'string' ? ' characters long' : issue.origin === 'array' ? ' entries' : ''}`;
    case 'too_big':
      return `must be at most ${String(issue.maximum)}${issue.origin === 'string' ? ' characters long' : issue.origin === 'array' ? ' entries' : ''}`;
    default:
      return undefined;
  }
}

/**
 * Explains a value of the wrong JSON type. zod 4 reports a fraction given to `z.int()` as an invalid type
 * with `expected: 'int'`, and any non-number given to `z.int()` with `expected: 'number'`.
 */
function explainInvalidType(expected: string, input: unknown): string {
  const expectedPhrase = withArticle(expectedNoun(expected));

  if (input === undefined) return `is required: add it (expected ${expected})`;
  // NOTE: the issue does not say whether the field has a default, so a required field that is null
  // gets the same advice, and removing its key then reports it as required.
  if (input === null) return `is null: remove the key to use the default, or set ${expectedPhrase}`;
  if (expected === 'int' && typeof input === 'number') return `must be a whole number, got ${input}`;
  if (expected === 'number' && isNumericString(input)) {
    return `expected ${expectedPhrase}, got the string ${quote(input)}: remove the quotes`;
  }
  return `expected ${expectedPhrase}, got ${describeValue(input)}`;
}

function expectedNoun(expected: string): string {
  switch (expected) {
    case 'record':
      return 'object';
    case 'tuple':
      return 'array';
    default:
      return expected;
  }
}

function withArticle(noun: string): string {
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

function isNumericString(input: unknown): input is string {
  return typeof input === 'string' && input.trim() !== '' && Number.isFinite(Number(input));
}

function describeValue(input: unknown): string {
  if (Array.isArray(input)) return 'an array';
  switch (typeof input) {
    case 'string':
      return `the string ${quote(input)}`;
    case 'number':
    case 'boolean':
      return `the ${typeof input} ${String(input)}`;
    case 'object':
      return 'an object';
    default:
      return typeof input;
  }
}

/** Quotes a string as JSON, truncated to `MAX_SHOWN_CHARACTERS` characters of the value. */
function quote(value: string): string {
  if (value.length <= MAX_SHOWN_CHARACTERS) return JSON.stringify(value);
  return `${JSON.stringify(value.slice(0, MAX_SHOWN_CHARACTERS)).slice(0, -1)}…"`;
}
