import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../lib/config/load';
import type { RosterConfig } from '../../../lib/config/schema';
import type { RosterPerson } from '../../../lib/roster/event';
import { isInScope, matchesCondition, resolveGroups } from '../../../lib/roster/rules';

function rosterConfig(roster: unknown): RosterConfig {
  return parseConfig({
    talent: { baseUrl: 'http://127.0.0.1:1/api/v2', tokenSecretName: 'talent-token' },
    roster,
  }).roster;
}

function person(fields: Partial<RosterPerson> = {}): RosterPerson {
  return { status: 'active', ...fields };
}

describe('matchesCondition', () => {
  it('matches a custom attribute exactly, ignoring case', () => {
    const teacher = person({ attributes: { union: 'NEA' } });
    expect(matchesCondition(teacher, { 'attributes.union': 'nea' })).toBe(true);
  });

  it('does not match an attribute the person lacks', () => {
    expect(matchesCondition(person(), { 'attributes.union': 'NEA' })).toBe(false);
  });

  it('matches any value of an in list', () => {
    const condition = { school: { in: ['Lincoln', 'Adams'] } };
    expect(matchesCondition(person({ school: 'adams' }), condition)).toBe(true);
  });

  it('rejects a value outside an in list', () => {
    const condition = { school: { in: ['Lincoln', 'Adams'] } };
    expect(matchesCondition(person({ school: 'Jefferson' }), condition)).toBe(false);
  });

  it('matches a pattern on an attribute', () => {
    const condition = { 'attributes.certification': { pattern: '^ELA' } };
    expect(matchesCondition(person({ attributes: { certification: 'ELA 7-12' } }), condition)).toBe(true);
  });
});

describe('isInScope', () => {
  const roster = rosterConfig({
    scope: {
      include: [{ employeeType: { in: ['Full-time', 'Part-time'] } }, { 'attributes.tutor': 'yes' }],
      exclude: [{ department: 'Transportation' }],
    },
  });

  it('includes a person who matches one include', () => {
    expect(isInScope(person({ employeeType: 'Part-time' }), roster)).toBe(true);
  });

  it('includes a person through an attribute include', () => {
    expect(isInScope(person({ employeeType: 'Contractor', attributes: { tutor: 'yes' } }), roster)).toBe(
      true,
    );
  });

  it('leaves out a person who matches no include', () => {
    expect(isInScope(person({ employeeType: 'Contractor' }), roster)).toBe(false);
  });

  it('leaves out a person who matches an exclude', () => {
    expect(isInScope(person({ employeeType: 'Full-time', department: 'Transportation' }), roster)).toBe(
      false,
    );
  });

  it('includes everyone without scope rules', () => {
    expect(isInScope(person(), rosterConfig({}))).toBe(true);
  });
});

describe('resolveGroups with attributes', () => {
  it('fills an attribute placeholder', () => {
    const roster = rosterConfig({ groupRules: [{ groups: ['Union: {attributes.union}'] }] });
    expect(resolveGroups(person({ attributes: { union: 'NEA' } }), roster)).toEqual(['Union: NEA']);
  });

  it('yields no group when the attribute is blank', () => {
    const roster = rosterConfig({ groupRules: [{ groups: ['Union: {attributes.union}'] }] });
    expect(resolveGroups(person({ attributes: { union: ' ' } }), roster)).toEqual([]);
  });
});
