import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ONEROSTER_STAFF_ROLES } from '../../../../lib/config/reconcile';
import { RosterFileError } from '../../../../lib/roster/reconcile/errors';
import { parseRosterCsv, resolveColumns } from '../../../../lib/roster/reconcile/sources/csv';
import { parseRosterBytes, readRosterPath } from '../../../../lib/roster/reconcile/sources/files';
import { parseOneRoster } from '../../../../lib/roster/reconcile/sources/oneroster';
import { reconcileConfig } from './support';

const STAFF = DEFAULT_ONEROSTER_STAFF_ROLES;

function files(entries: Record<string, string>): Map<string, Uint8Array> {
  return new Map(Object.entries(entries).map(([name, text]) => [name, strToU8(text)]));
}

describe('resolveColumns', () => {
  it('finds common header names ignoring case and separators', () => {
    const mapping = resolveColumns(['Employee ID', 'Work_Email', 'First Name', 'last-name', 'School'], {});
    expect(mapping).toEqual({
      employeeId: 'Employee ID',
      email: 'Work_Email',
      firstName: 'First Name',
      lastName: 'last-name',
      school: 'School',
    });
  });

  it('prefers the configured header', () => {
    const mapping = resolveColumns(['email', 'Primary Address', 'Building Name'], {
      email: 'primary address',
      school: 'Building Name',
    });
    expect(mapping.email).toBe('Primary Address');
    expect(mapping.school).toBe('Building Name');
  });

  it('rejects a configured header missing from the file', () => {
    expect(() => resolveColumns(['email'], { school: 'Campus' })).toThrow(/columns\.school is "Campus"/);
  });

  it('rejects a file without an e-mail column', () => {
    expect(() => resolveColumns(['id', 'name'], {})).toThrow(RosterFileError);
  });
});

describe('parseRosterCsv', () => {
  const csv = [
    'employee_id,email,first_name,last_name,job_title,school,status,Union',
    'E1,Ada@District.example.org,Ada,Lovelace,Teacher,Lincoln,active,NEA',
    'E2,grace@district.example.org,Grace,Hopper,Instructional Coach,Adams,,',
    'E3,not-an-address,Bad,Row,Teacher,Lincoln,active,',
    'E4,kim@district.example.org,Kim,Lee,Teacher,Lincoln,retired,',
    'E5,short@district.example.org,Short',
    'E6,lee@district.example.org,Lee,Park,Teacher,Lincoln,Terminated,',
  ].join('\n');
  const parsed = parseRosterCsv(csv, 'roster.csv', {});

  it('maps columns to person fields with a lower-cased e-mail', () => {
    expect(parsed.records[0]).toEqual({
      row: 1,
      employeeId: 'E1',
      person: {
        email: 'ada@district.example.org',
        firstName: 'Ada',
        lastName: 'Lovelace',
        jobTitle: 'Teacher',
        school: 'Lincoln',
        status: 'active',
        attributes: { Union: 'NEA' },
      },
    });
  });

  it('reads a blank status as active', () => {
    expect(parsed.records[1]?.person.status).toBe('active');
  });

  it('reads terminated as inactive', () => {
    expect(parsed.records.find((entry) => entry.employeeId === 'E6')?.person.status).toBe('inactive');
  });

  it('rejects an invalid e-mail with its row', () => {
    expect(parsed.rejected).toContainEqual(
      expect.objectContaining({
        row: 3,
        employeeId: 'E3',
        reason: expect.stringMatching(/not a valid address/),
      }),
    );
  });

  it('rejects an unknown status with its row', () => {
    expect(parsed.rejected).toContainEqual(
      expect.objectContaining({
        row: 4,
        email: 'kim@district.example.org',
        reason: expect.stringMatching(/retired/),
      }),
    );
  });

  it('rejects a row with missing cells', () => {
    expect(parsed.rejected).toContainEqual(
      expect.objectContaining({ row: 5, reason: expect.stringMatching(/3 cells/) }),
    );
  });

  it('parses 10,000 rows', () => {
    const rows = ['email,first_name,school'];
    for (let index = 0; index < 10_000; index += 1)
      rows.push(`p${index}@district.example.org,P${index},Lincoln`);
    const big = parseRosterCsv(rows.join('\n'), 'big.csv', {});
    expect(big.records).toHaveLength(10_000);
    expect(big.rejected).toHaveLength(0);
  });

  it('rejects a file that is not CSV', () => {
    expect(() => parseRosterCsv('email\n"unterminated', 'bad.csv', {})).toThrow(/not a readable CSV/);
  });
});

const ORGS = [
  'sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId',
  'd1,,,Springfield District,district,,',
  's1,,,Lincoln Elementary,school,,d1',
  's2,,,Adams Middle,school,,d1',
].join('\n');

describe('parseOneRoster 1.1', () => {
  const users = [
    'sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password',
    'u1,active,,true,"d1,s2",teacher,ada,,Ada,Lovelace,,E1,ada@district.example.org,,,,,',
    'u2,active,,true,s1,student,kid,,Kid,Student,,,kid@students.example.org,,,,,',
    'u3,tobedeleted,,true,s1,aide,old,,Old,Aide,,,old@district.example.org,,,,,',
    'u4,active,,false,s1,administrator,off,,Off,Admin,,E4,off@district.example.org,,,,,',
  ].join('\n');
  const parsed = parseOneRoster(files({ 'users.csv': users, 'orgs.csv': ORGS }), 'bundle', STAFF);

  it('detects version 1.1 from the role column', () => {
    expect(parsed.version).toBe('1.1');
  });

  it('maps a teacher with the school name from orgs.csv', () => {
    expect(parsed.records[0]).toEqual({
      row: 1,
      employeeId: 'E1',
      person: {
        email: 'ada@district.example.org',
        firstName: 'Ada',
        lastName: 'Lovelace',
        employeeType: 'teacher',
        school: 'Adams Middle',
        status: 'active',
        attributes: { sourcedId: 'u1', username: 'ada' },
      },
    });
  });

  it('leaves a student out of scope', () => {
    expect(parsed.rejected).toContainEqual(expect.objectContaining({ row: 2, kind: 'out-of-scope' }));
  });

  it('reads tobedeleted as inactive with the sourcedId as id', () => {
    const old = parsed.records.find((entry) => entry.person.email === 'old@district.example.org');
    expect(old?.person.status).toBe('inactive');
    expect(old?.employeeId).toBe('u3');
  });

  it('reads enabledUser false as inactive', () => {
    expect(parsed.records.find((entry) => entry.employeeId === 'E4')?.person.status).toBe('inactive');
  });
});

describe('parseOneRoster 1.2', () => {
  const users = [
    'sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password',
    'u1,,,true,ada,,Ada,Lovelace,,E1,ada@district.example.org,,,,,',
    'u2,,,true,kid,,Kid,Student,,,kid@students.example.org,,,,,',
  ].join('\n');
  const roles = [
    'sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId',
    'r1,,,u1,secondary,teacher,,,s2,',
    'r2,,,u1,primary,principal,,,s1,',
    'r3,,,u2,primary,student,,,s1,',
  ].join('\n');
  const manifest = 'propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\n';
  const parsed = parseOneRoster(
    files({ 'users.csv': users, 'orgs.csv': ORGS, 'roles.csv': roles, 'manifest.csv': manifest }),
    'bundle',
    STAFF,
  );

  it('reads the version from manifest.csv', () => {
    expect(parsed.version).toBe('1.2');
  });

  it('takes the primary staff role and its school from roles.csv', () => {
    expect(parsed.records[0]?.person.employeeType).toBe('principal');
    expect(parsed.records[0]?.person.school).toBe('Lincoln Elementary');
  });

  it('leaves a student out of scope', () => {
    expect(parsed.rejected).toEqual([expect.objectContaining({ row: 2, kind: 'out-of-scope' })]);
  });

  it('requires users.csv', () => {
    expect(() => parseOneRoster(files({ 'orgs.csv': ORGS }), 'bundle', STAFF)).toThrow(/no users\.csv/);
  });
});

describe('parseRosterBytes', () => {
  const config = reconcileConfig();
  const users =
    'sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email\n' +
    'u1,active,,true,s1,teacher,ada,,Ada,Lovelace,,E1,ada@district.example.org\n';

  it('reads a zip as a OneRoster bundle', async () => {
    const zip = zipSync({ 'export/users.csv': strToU8(users), 'export/orgs.csv': strToU8(ORGS) });
    const parsed = await parseRosterBytes('oneroster.zip', zip, config);
    expect(parsed.format).toBe('oneroster');
    expect(parsed.records[0]?.person.school).toBe('Lincoln Elementary');
  });

  it('rejects a damaged zip', async () => {
    await expect(parseRosterBytes('broken.zip', strToU8('not a zip'), config)).rejects.toThrow(
      /not a readable zip/,
    );
  });

  it('rejects a zip in the csv format', async () => {
    await expect(parseRosterBytes('bundle.zip', zipSync({}), config, 'csv')).rejects.toThrow(
      /csv format takes one CSV/,
    );
  });
});

describe('readRosterPath', () => {
  const config = reconcileConfig();

  it('names a missing path', async () => {
    await expect(readRosterPath('/nonexistent/roster.csv', config)).rejects.toThrow(
      /Cannot read the roster \/nonexistent\/roster\.csv: ENOENT/,
    );
  });

  it('reads a folder as OneRoster', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oneroster-'));
    writeFileSync(
      join(dir, 'users.csv'),
      'sourcedId,enabledUser,orgSourcedIds,role,givenName,familyName,email\nu1,true,s1,teacher,Ada,Lovelace,ada@district.example.org\n',
    );
    writeFileSync(join(dir, 'orgs.csv'), ORGS);
    const parsed = await readRosterPath(dir, config);
    expect(parsed.records).toHaveLength(1);
  });
});
