import { type RosterPerson, rosterEventSchema } from '../event';

/** One valid person of a roster snapshot, in the same shape a webhook event carries. */
export interface RosterRecord {
  /** The 1-based data row of the file (the header is row 0), or of `users.csv` for OneRoster. */
  row: number;
  /** The HRIS id, when the file has one. */
  employeeId?: string;
  /** The person as a webhook carries it; extra columns are in `person.attributes`. */
  person: RosterPerson;
}

/** A row that was left out, with the reason. Its e-mail and id still protect a Talent user from deactivation. */
export interface RejectedRow {
  row: number;
  reason: string;
  /** The row's e-mail text, lower-cased, even when it is not a valid address. */
  email?: string;
  employeeId?: string;
  /** `out-of-scope` rows are valid but not synced, for example OneRoster students. */
  kind: 'invalid' | 'out-of-scope';
}

/** A parsed roster snapshot. */
export interface RosterSnapshot {
  format: 'csv' | 'oneroster';
  /** The file or folder name, without directories. */
  name: string;
  /** OneRoster version, from `manifest.csv` or from the file layout. */
  version?: '1.1' | '1.2';
  records: RosterRecord[];
  rejected: RejectedRow[];
}

/** The raw field values of one row before validation. */
export interface RawPerson {
  employeeId?: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  displayName?: string;
  jobTitle?: string;
  department?: string;
  school?: string;
  location?: string;
  employeeType?: string;
  status: RosterPerson['status'];
}

const personSchema = rosterEventSchema.shape.person;
const employeeIdSchema = rosterEventSchema.shape.employeeId;

/**
 * Validates one row with the same schema that webhook events pass, and returns the record or the
 * reason it is invalid. E-mails are lower-cased and blank values dropped. `attributes` become the
 * person's custom attributes, which conditions and group templates read as `attributes.<name>`.
 */
export function toRecord(
  row: number,
  raw: RawPerson,
  attributes: Record<string, string>,
): { record: RosterRecord } | { rejected: RejectedRow } {
  const email = blankToUndefined(raw.email)?.toLowerCase();
  const employeeId = blankToUndefined(raw.employeeId);
  const reject = (reason: string) => ({
    rejected: {
      row,
      reason,
      kind: 'invalid' as const,
      ...(email ? { email } : {}),
      ...(employeeId ? { employeeId } : {}),
    },
  });

  if (employeeId !== undefined && !employeeIdSchema.safeParse(employeeId).success) {
    return reject(`employee id "${employeeId}" must be 1-80 printable ASCII characters without spaces`);
  }

  const candidate: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(raw)) {
    if (field === 'employeeId') continue;
    const trimmed = blankToUndefined(value);
    if (trimmed !== undefined) candidate[field] = field === 'email' ? trimmed.toLowerCase() : trimmed;
  }
  if (Object.keys(attributes).length > 0) candidate.attributes = attributes;
  const parsed = personSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || 'row';
    const reason =
      field === 'email' ? `e-mail "${email}" is not a valid address` : `${field}: ${issue?.message}`;
    return reject(reason);
  }

  return { record: { row, person: parsed.data, ...(employeeId ? { employeeId } : {}) } };
}

/** Returns the trimmed value, or undefined when it is absent or blank. */
export function blankToUndefined(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

const STATUS_WORDS: Record<string, RosterPerson['status']> = {
  active: 'active',
  a: 'active',
  employed: 'active',
  pending: 'pending',
  hired: 'pending',
  leave: 'leave',
  'on leave': 'leave',
  'leave of absence': 'leave',
  inactive: 'inactive',
  terminated: 'inactive',
  t: 'inactive',
  'not active': 'inactive',
};

/**
 * Maps a roster status word to a person status: a blank value is active, and an unknown word is
 * undefined, which makes the row invalid.
 */
export function parseStatusWord(value: string | undefined): RosterPerson['status'] | undefined {
  const word = value?.trim().toLowerCase();
  if (!word) return 'active';
  return STATUS_WORDS[word];
}

/** The status words `parseStatusWord` accepts, for error messages. */
export const STATUS_WORD_LIST = Object.keys(STATUS_WORDS).join(', ');
