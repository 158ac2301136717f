import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../lib/config/load';
import type { RosterConfig } from '../../../lib/config/schema';
import type { RosterPerson } from '../../../lib/roster/event';
import {
  managedGroupMatcher,
  mergeGroups,
  resolveGroups,
  resolveRole,
  sameGroups,
} from '../../../lib/roster/rules';

function rosterConfig(roster: unknown): RosterConfig {
  return parseConfig({
    talent: { baseUrl: 'http://127.0.0.1:1/api/v2', tokenSecretName: 'talent-token' },
    roster,
  }).roster;
}

function person(fields: Partial<RosterPerson> = {}): RosterPerson {
  return { status: 'active', ...fields };
}

describe('resolveRole', () => {
  const roster = rosterConfig({
    defaultRole: 'Teacher',
    roleRules: [
      { when: { jobTitle: { pattern: 'coach' } }, role: 'Coach' },
      { when: { jobTitle: { pattern: 'instructional' } }, role: 'Admin' },
      { when: { department: 'District Office' }, role: 'Admin' },
    ],
  });

  it('takes the first matching rule', () => {
    expect(resolveRole(person({ jobTitle: 'Instructional Coach' }), roster)).toBe('Coach');
  });

  it('falls back to the default role', () => {
    expect(resolveRole(person({ jobTitle: 'Math Teacher' }), roster)).toBe('Teacher');
  });

  it('matches a pattern anywhere in the value, ignoring case', () => {
    expect(resolveRole(person({ jobTitle: 'Lead COACH' }), roster)).toBe('Coach');
  });

  it('matches a string exactly, ignoring case and surrounding spaces', () => {
    expect(resolveRole(person({ department: '  district office ' }), roster)).toBe('Admin');
  });

  it('does not match a string condition on part of the value', () => {
    expect(resolveRole(person({ department: 'District Office East' }), roster)).toBe('Teacher');
  });

  it('does not match a condition on an absent field', () => {
    expect(resolveRole(person({ school: 'Lincoln' }), roster)).toBe('Teacher');
  });

  it('requires every field of a condition to match', () => {
    const twoFields = rosterConfig({
      roleRules: [{ when: { jobTitle: 'Principal', school: 'Lincoln' }, role: 'Admin' }],
    });
    expect(resolveRole(person({ jobTitle: 'Principal', school: 'Adams' }), twoFields)).toBe('Teacher');
  });

  it('uses the schema default role when none is configured', () => {
    expect(resolveRole(person(), rosterConfig({}))).toBe('Teacher');
  });
});

describe('resolveGroups', () => {
  it('fills placeholders from the person', () => {
    const roster = rosterConfig({ groupRules: [{ groups: ['School: {school}', '{department} staff'] }] });
    const groups = resolveGroups(person({ school: 'Lincoln', department: 'Math' }), roster);
    expect(groups).toEqual(['School: Lincoln', 'Math staff']);
  });

  it('yields no group for a template whose field is empty', () => {
    const roster = rosterConfig({ groupRules: [{ groups: ['School: {school}', 'All staff'] }] });
    expect(resolveGroups(person({ school: '  ' }), roster)).toEqual(['All staff']);
  });

  it('collects the groups of every matching rule', () => {
    const roster = rosterConfig({
      groupRules: [
        { when: { jobTitle: { pattern: 'coach' } }, groups: ['Coaches'] },
        { when: { employeeType: 'Full-time' }, groups: ['Full-time'] },
        { when: { jobTitle: 'Custodian' }, groups: ['Facilities'] },
      ],
    });
    const groups = resolveGroups(person({ jobTitle: 'Coach', employeeType: 'full-time' }), roster);
    expect(groups).toEqual(['Coaches', 'Full-time']);
  });

  it('keeps the first spelling of names that differ in case', () => {
    const roster = rosterConfig({
      groupRules: [{ groups: ['School: {school}'] }, { groups: ['school: lincoln'] }],
    });
    expect(resolveGroups(person({ school: 'Lincoln' }), roster)).toEqual(['School: Lincoln']);
  });

  it('returns no group without group rules', () => {
    expect(resolveGroups(person({ school: 'Lincoln' }), rosterConfig({}))).toEqual([]);
  });
});

describe('managedGroupMatcher', () => {
  it('derives patterns from the group templates', () => {
    const isManaged = managedGroupMatcher(rosterConfig({ groupRules: [{ groups: ['School: {school}'] }] }));
    expect(isManaged('school: Adams Elementary')).toBe(true);
  });

  it('does not match a group outside the templates', () => {
    const isManaged = managedGroupMatcher(rosterConfig({ groupRules: [{ groups: ['School: {school}'] }] }));
    expect(isManaged('Book club')).toBe(false);
  });

  describe('with managedGroups set', () => {
    const isManaged = managedGroupMatcher(
      rosterConfig({ groupRules: [{ groups: ['School: {school}'] }], managedGroups: ['Cohort *'] }),
    );

    it('matches the configured patterns', () => {
      expect(isManaged('Cohort 2025')).toBe(true);
    });

    it('ignores the group templates', () => {
      expect(isManaged('School: Lincoln')).toBe(false);
    });
  });

  it('reads regular expression characters in a pattern literally', () => {
    const isManaged = managedGroupMatcher(rosterConfig({ managedGroups: ['Grade (K-5)*'] }));
    expect(isManaged('Grade (K-5) Lincoln')).toBe(true);
  });

  it('does not read parentheses in a pattern as a group', () => {
    const isManaged = managedGroupMatcher(rosterConfig({ managedGroups: ['Grade (K-5)*'] }));
    expect(isManaged('Grade K-5 Lincoln')).toBe(false);
  });

  it('manages nothing without templates or patterns', () => {
    expect(managedGroupMatcher(rosterConfig({}))('School: Lincoln')).toBe(false);
  });
});

describe('mergeGroups', () => {
  const isManaged = managedGroupMatcher(rosterConfig({ groupRules: [{ groups: ['School: {school}'] }] }));

  it('replaces managed groups and keeps hand-assigned ones', () => {
    const merged = mergeGroups(['School: Lincoln', 'Book club'], ['School: Adams'], isManaged);
    expect(merged).toEqual(['School: Adams', 'Book club']);
  });

  it('keeps a desired group that the user has in another case once', () => {
    const merged = mergeGroups(['school: adams'], ['School: Adams'], isManaged);
    expect(merged).toEqual(['School: Adams']);
  });

  it('removes every managed group when none is desired', () => {
    expect(mergeGroups(['School: Lincoln', 'Default Group'], [], isManaged)).toEqual(['Default Group']);
  });
});

describe('sameGroups', () => {
  it('ignores order and case', () => {
    expect(sameGroups(['A', 'b'], ['B', 'a'])).toBe(true);
  });

  it('sees a missing group', () => {
    expect(sameGroups(['A', 'B'], ['A'])).toBe(false);
  });
});
