import { parse } from 'csv-parse/sync';
import { ROSTER_COLUMN_FIELDS, type RosterColumnField } from '../../../config/constants';
import { RosterFileError } from '../errors';
import {
  blankToUndefined,
  parseStatusWord,
  type RawPerson,
  type RejectedRow,
  type RosterRecord,
  type RosterSnapshot,
  STATUS_WORD_LIST,
  toRecord,
} from '../record';

/**
 * Header names recognised for each field when the config maps none. Matching ignores case, spaces,
 * underscores and hyphens, so `First Name`, `first_name` and `firstName` are one name.
 */
export const DEFAULT_COLUMN_NAMES: Record<RosterColumnField, readonly string[]> = {
  employeeId: ['employeeId', 'employee number', 'employee', 'staffId', 'personId', 'id'],
  email: ['email', 'workEmail', 'emailAddress', 'e-mail', 'work e-mail'],
  firstName: ['firstName', 'givenName', 'first'],
  lastName: ['lastName', 'familyName', 'surname', 'last'],
  displayName: ['displayName', 'fullName', 'name'],
  jobTitle: ['jobTitle', 'title', 'position', 'job'],
  department: ['department', 'dept'],
  school: ['school', 'schoolName', 'building', 'site', 'campus'],
  location: ['location', 'office', 'worksite'],
  employeeType: ['employeeType', 'employmentType', 'workerType', 'type'],
  status: ['status', 'employmentStatus', 'employeeStatus'],
};

/** The header of each field, as `resolveColumns` found it. */
export type ColumnMapping = Partial<Record<RosterColumnField, string>>;

/**
 * Finds the header of each field: the configured name first, then the common names. A configured
 * name that is not in the file is an error, because a silent fallback could read the wrong column.
 */
export function resolveColumns(headers: readonly string[], configured: ColumnMapping): ColumnMapping {
  const byKey = new Map(headers.map((header) => [headerKey(header), header]));
  const mapping: ColumnMapping = {};
  const used = new Set<string>();

  for (const field of ROSTER_COLUMN_FIELDS) {
    const wanted = configured[field];
    if (wanted !== undefined) {
      const header = headers.find(
        (candidate) => candidate.trim().toLowerCase() === wanted.trim().toLowerCase(),
      );
      if (!header) {
        throw new RosterFileError(
          `roster.reconcile.columns.${field} is "${wanted}", but the file has no such column. ` +
            `Its columns are: ${headers.join(', ')}.`,
        );
      }
      mapping[field] = header;
      used.add(header);
    }
  }
  for (const field of ROSTER_COLUMN_FIELDS) {
    if (mapping[field] !== undefined) continue;
    for (const name of DEFAULT_COLUMN_NAMES[field]) {
      const header = byKey.get(headerKey(name));
      if (header !== undefined && !used.has(header)) {
        mapping[field] = header;
        used.add(header);
        break;
      }
    }
  }
  if (mapping.email === undefined) {
    throw new RosterFileError(
      `The roster CSV has no e-mail column. Name one "email", or set roster.reconcile.columns.email ` +
        `to its header. Its columns are: ${headers.join(', ')}.`,
    );
  }
  return mapping;
}

/**
 * Parses a roster CSV with a header row into records. Columns outside the mapping become custom
 * attributes named by `attributeName`.
 * Each bad row is listed with its row number and the reason, and never stops the rest.
 */
export function parseRosterCsv(
  text: string | Buffer,
  name: string,
  configured: ColumnMapping,
): RosterSnapshot {
  let rows: string[][];
  try {
    rows = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: false });
  } catch (error) {
    throw new RosterFileError(`${name} is not a readable CSV file: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const [headers, ...data] = rows;
  if (!headers || headers.length === 0) throw new RosterFileError(`${name} is empty: expected a header row`);

  const mapping = resolveColumns(headers, configured);
  const mapped = new Set(Object.values(mapping));
  const records: RosterRecord[] = [];
  const rejected: RejectedRow[] = [];

  data.forEach((cells, index) => {
    const row = index + 1;
    const value = (field: RosterColumnField): string | undefined => {
      const header = mapping[field];
      return header === undefined ? undefined : cells[headers.indexOf(header)];
    };
    if (cells.length !== headers.length) {
      rejected.push({
        row,
        kind: 'invalid',
        reason: `has ${cells.length} cells, but the header has ${headers.length}`,
        ...optionalIds(value('email'), value('employeeId')),
      });
      return;
    }

    const status = parseStatusWord(value('status'));
    if (status === undefined) {
      rejected.push({
        row,
        kind: 'invalid',
        reason: `status "${value('status')}" is unknown: use one of ${STATUS_WORD_LIST}, or leave it blank for active`,
        ...optionalIds(value('email'), value('employeeId')),
      });
      return;
    }

    const raw: RawPerson = { status };
    for (const field of ROSTER_COLUMN_FIELDS) {
      if (field !== 'status') raw[field] = value(field);
    }
    const attributes: Record<string, string> = {};
    headers.forEach((header, column) => {
      const cell = blankToUndefined(cells[column]);
      if (!mapped.has(header) && cell !== undefined) attributes[attributeName(header)] = cell;
    });

    const result = toRecord(row, raw, attributes);
    if ('record' in result) records.push(result.record);
    else rejected.push(result.rejected);
  });

  return { format: 'csv', name, records, rejected };
}

function optionalIds(email: string | undefined, employeeId: string | undefined): Partial<RejectedRow> {
  const address = blankToUndefined(email)?.toLowerCase();
  const id = blankToUndefined(employeeId);
  return { ...(address ? { email: address } : {}), ...(id ? { employeeId: id } : {}) };
}

/**
 * Turns a header into a custom attribute name, which allows letters, digits, _ and - only:
 * `Bargaining Unit` becomes `Bargaining_Unit`.
 */
export function attributeName(header: string): string {
  return (
    header
      .trim()
      .replace(/[^A-Za-z0-9_-]+/g, '_')
      .slice(0, 64) || '_'
  );
}

function headerKey(header: string): string {
  return header.replace(/[\s_-]/g, '').toLowerCase();
}
