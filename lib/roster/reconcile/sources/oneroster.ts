import { parse } from 'csv-parse/sync';
import { RosterFileError } from '../errors';
import {
  blankToUndefined,
  type RawPerson,
  type RejectedRow,
  type RosterRecord,
  type RosterSnapshot,
  toRecord,
} from '../record';

/** The CSV files of a OneRoster bundle, by lower-case file name without folders (`users.csv`). */
export type RosterFiles = ReadonlyMap<string, Uint8Array>;

type Row = Record<string, string>;

interface UserRole {
  role: string;
  orgSourcedId?: string;
  primary: boolean;
}

/**
 * Parses a OneRoster 1.1 or 1.2 CSV bundle into records. Only users whose role is in `staffRoles`
 * are synced; others are listed as out of scope. 1.1 carries `role` and `orgSourcedIds` in
 * `users.csv`, and 1.2 moves them to `roles.csv`. The person's school is the name of the first
 * school-type org in `orgs.csv` they belong to, and the OneRoster role becomes `employeeType`, so
 * role and group rules match it there.
 */
export function parseOneRoster(
  files: RosterFiles,
  name: string,
  staffRoles: readonly string[],
): RosterSnapshot {
  const users = readCsv(files, 'users.csv', name, true) ?? [];
  const orgs = readCsv(files, 'orgs.csv', name, false) ?? [];
  const roles = readCsv(files, 'roles.csv', name, false);
  const version = detectVersion(files, name, users, roles);

  const orgNames = new Map(orgs.map((org) => [org.sourcedId ?? '', org]));
  const rolesByUser = version === '1.2' ? groupRoles(roles ?? []) : undefined;
  const staff = new Set(staffRoles.map((role) => role.toLowerCase()));

  const records: RosterRecord[] = [];
  const rejected: RejectedRow[] = [];
  users.forEach((user, index) => {
    const row = index + 1;
    const sourcedId = blankToUndefined(user.sourcedId);
    const employeeId = blankToUndefined(user.identifier) ?? sourcedId;
    const email = blankToUndefined(user.email)?.toLowerCase();
    const ids = { ...(email ? { email } : {}), ...(employeeId ? { employeeId } : {}) };

    const userRoles = rolesByUser ? (rolesByUser.get(sourcedId ?? '') ?? []) : rolesOf11(user);
    const staffRole = pickStaffRole(userRoles, staff);
    if (!staffRole) {
      const listed = userRoles.map((entry) => entry.role).join(', ') || 'none';
      rejected.push({
        row,
        kind: 'out-of-scope',
        reason: `role ${listed} is not a synced staff role`,
        ...ids,
      });
      return;
    }

    const raw: RawPerson = {
      employeeId,
      email,
      firstName: user.givenName,
      lastName: user.familyName,
      employeeType: staffRole.role,
      school: schoolName(staffRole, userRoles, orgNames),
      status: personStatus(user),
    };
    const attributes: Record<string, string> = {};
    if (sourcedId) attributes.sourcedId = sourcedId;
    const username = blankToUndefined(user.username);
    if (username) attributes.username = username;

    const result = toRecord(row, raw, attributes);
    if ('record' in result) records.push(result.record);
    else rejected.push(result.rejected);
  });

  return { format: 'oneroster', name, version, records, rejected };
}

function readCsv(files: RosterFiles, file: string, bundle: string, required: boolean): Row[] | undefined {
  const bytes = files.get(file);
  if (!bytes) {
    if (!required) return undefined;
    throw new RosterFileError(
      `${bundle} has no ${file}: a OneRoster bundle needs users.csv (and orgs.csv for school names).`,
    );
  }
  try {
    return parse(Buffer.from(bytes), {
      bom: true,
      columns: true,
      skip_empty_lines: true,
      relax_column_count: true,
    });
  } catch (error) {
    throw new RosterFileError(
      `${file} in ${bundle} is not a readable CSV file: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

/** Reads the version from `manifest.csv`, else infers it: only 1.1 has a `role` column in users.csv. */
function detectVersion(
  files: RosterFiles,
  bundle: string,
  users: Row[],
  roles: Row[] | undefined,
): '1.1' | '1.2' {
  const manifest = readCsv(files, 'manifest.csv', bundle, false) ?? [];
  const declared = manifest.find((entry) => entry.propertyName === 'oneroster.version')?.value?.trim();
  if (declared === '1.1' || declared === '1.2') return declared;

  const first = users[0];
  if (first && 'role' in first) return '1.1';
  if (roles) return '1.2';
  if (users.length === 0) return '1.1';
  throw new RosterFileError(
    `${bundle} has neither a role column in users.csv (OneRoster 1.1) nor a roles.csv (OneRoster 1.2), ` +
      'so no role is known. Add the missing file.',
  );
}

function rolesOf11(user: Row): UserRole[] {
  const role = blankToUndefined(user.role);
  if (!role) return [];
  const orgIds = (user.orgSourcedIds ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  if (orgIds.length === 0) return [{ role, primary: true }];
  return orgIds.map((orgSourcedId, index) => ({ role, orgSourcedId, primary: index === 0 }));
}

function groupRoles(roles: Row[]): Map<string, UserRole[]> {
  const byUser = new Map<string, UserRole[]>();
  for (const entry of roles) {
    const userId = blankToUndefined(entry.userSourcedId);
    const role = blankToUndefined(entry.role);
    if (!userId || !role || entry.status?.trim().toLowerCase() === 'tobedeleted') continue;
    const orgSourcedId = blankToUndefined(entry.orgSourcedId);
    const list = byUser.get(userId) ?? [];
    list.push({
      role,
      primary: entry.roleType?.trim().toLowerCase() === 'primary',
      ...(orgSourcedId ? { orgSourcedId } : {}),
    });
    byUser.set(userId, list);
  }
  return byUser;
}

/** Picks the primary staff role, else the first staff role. */
function pickStaffRole(roles: UserRole[], staff: ReadonlySet<string>): UserRole | undefined {
  const staffRoles = roles.filter((entry) => staff.has(entry.role.toLowerCase()));
  return staffRoles.find((entry) => entry.primary) ?? staffRoles[0];
}

/** Returns the chosen role's school, else the first school among the person's orgs. */
function schoolName(chosen: UserRole, roles: UserRole[], orgs: ReadonlyMap<string, Row>): string | undefined {
  const candidates = [chosen, ...roles.filter((entry) => entry !== chosen)];
  for (const entry of candidates) {
    const org = orgs.get(entry.orgSourcedId ?? '');
    if (org && org.type?.trim().toLowerCase() === 'school') return blankToUndefined(org.name);
  }
  return undefined;
}

/** `enabledUser` false, or a 1.1 `status` of tobedeleted, makes the person a leaver. */
function personStatus(user: Row): RawPerson['status'] {
  if (user.status?.trim().toLowerCase() === 'tobedeleted') return 'inactive';
  if (user.enabledUser?.trim().toLowerCase() === 'false') return 'inactive';
  return 'active';
}
