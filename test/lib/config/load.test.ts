import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, parseConfig } from '../../../lib/config/load';
import { configProblems } from './support';

const minimal = {
  talent: { baseUrl: 'https://api.torshtalent.com/api/v2', tokenSecretName: 'talent-sync/talent-token' },
};

const problemsOf = configProblems;

describe('parseConfig', () => {
  it('fills documented defaults into a minimal config', () => {
    const config = parseConfig(minimal);
    expect(config.talent.requestsPerSecond).toBe(5);
    expect(config.roster.terminationAction).toBe('deactivate');
    expect(config.roster.maxDeactivationShare).toBe(0.1);
    expect(config.reports.prefix).toBe('reports');
    expect(config.reports.poll.backoffFactor).toBe(2);
  });

  it('accepts the example config', () => {
    const config = loadConfigFile('examples/talent-sync.config.json');
    expect(config.roster.sources.map((source) => source.provider)).toEqual(['generic', 'merge']);
    expect(config.reports.schedules).toHaveLength(2);
  });

  it('rejects an unknown key and names it', () => {
    const problems = problemsOf({ ...minimal, talnet: {} });
    expect(problems).toContain('(top level): unknown key "talnet": remove it or check its spelling');
  });

  it('names the path of a missing required field', () => {
    const problems = problemsOf({ talent: { baseUrl: 'https://talent.example.org' } });
    expect(problems).toContain('talent.tokenSecretName: is required: add it (expected string)');
  });

  it('rejects an unknown provider with the allowed values', () => {
    const problems = problemsOf({
      ...minimal,
      roster: { sources: [{ name: 'hr', provider: 'workday', signingSecretName: 'x' }] },
    });
    expect(problems.join('\n')).toContain('roster.sources[0].provider');
    expect(problems.join('\n')).toContain('"merge"');
  });

  it('rejects duplicate source names', () => {
    const source = { name: 'hr', provider: 'generic', signingSecretName: 'x' };
    const problems = problemsOf({ ...minimal, roster: { sources: [source, source] } });
    expect(problems).toContain('roster.sources[1].name: "hr" is used twice: give each entry a unique name');
  });

  it('rejects a group template with an unknown placeholder', () => {
    const problems = problemsOf({ ...minimal, roster: { groupRules: [{ groups: ['School: {campus}'] }] } });
    expect(problems.join('\n')).toContain('roster.groupRules[0].groups[0]: may only use the placeholders');
  });

  it('requires reportId and rejects email for reportBuilder schedules', () => {
    const schedule = {
      name: 'export',
      cron: 'cron(0 6 * * ? *)',
      timeZone: 'America/Chicago',
      report: 'reportBuilder',
      email: 'someone@district.example.org',
    };
    const problems = problemsOf({ ...minimal, reports: { schedules: [schedule] } });
    expect(problems.join('\n')).toContain('reports.schedules[0].reportId: is required for reportBuilder');
    expect(problems.join('\n')).toContain('reports.schedules[0].email: is not accepted for reportBuilder');
  });

  it('requires the run-as email for other report types', () => {
    const schedule = { name: 'usage', cron: 'cron(0 6 * * ? *)', timeZone: 'UTC', report: 'videoUsage' };
    const problems = problemsOf({ ...minimal, reports: { schedules: [schedule] } });
    expect(problems.join('\n')).toContain('reports.schedules[0].email: is required for videoUsage');
  });

  it('rejects an invalid time zone and cron expression', () => {
    const schedule = { name: 'usage', cron: '0 6 * * *', timeZone: 'Mars/Olympus', report: 'videoUsage' };
    const problems = problemsOf({ ...minimal, reports: { schedules: [{ ...schedule, email: 'a@b.org' }] } });
    expect(problems.join('\n')).toContain('reports.schedules[0].cron: is not an EventBridge cron expression');
    expect(problems.join('\n')).toContain('reports.schedules[0].timeZone: must be an IANA time zone name');
  });

  it('rejects a cron expression that EventBridge would reject', () => {
    const schedule = { name: 'usage', cron: 'cron(0 6 * * MON *)', timeZone: 'UTC', report: 'videoUsage' };
    const problems = problemsOf({ ...minimal, reports: { schedules: [{ ...schedule, email: 'a@b.org' }] } });
    expect(problems.join('\n')).toContain(
      'exactly one of day-of-month (3rd field) and day-of-week (5th field)',
    );
  });

  it('rejects a time zone in the wrong letter case', () => {
    const schedule = {
      name: 'usage',
      cron: 'cron(0 6 * * ? *)',
      timeZone: 'america/chicago',
      report: 'videoUsage',
    };
    const problems = problemsOf({ ...minimal, reports: { schedules: [{ ...schedule, email: 'a@b.org' }] } });
    expect(problems).toContain(
      'reports.schedules[0].timeZone: must be spelt exactly as the tz database spells it: "America/Chicago"',
    );
  });

  it('rejects a plain-http Talent URL except on loopback', () => {
    const remote = problemsOf({
      talent: { ...minimal.talent, baseUrl: 'http://api.torshtalent.com/api/v2' },
    });
    expect(remote.join('\n')).toContain('talent.baseUrl: must use https');
    expect(() =>
      parseConfig({ talent: { ...minimal.talent, baseUrl: 'http://127.0.0.1:8080/api/v2' } }),
    ).not.toThrow();
  });
});

describe('parseConfig messages', () => {
  it('lists the allowed values of an enum', () => {
    const problems = problemsOf({ ...minimal, roster: { roleRules: [{ when: {}, role: 'Boss' }] } });
    expect(problems).toContain('roster.roleRules[0].role: must be one of "Teacher", "Coach", "Admin"');
  });

  it('names the minimum of a number', () => {
    const problems = problemsOf({ ...minimal, reports: { poll: { backoffFactor: 0.5 } } });
    expect(problems).toContain('reports.poll.backoffFactor: must be at least 1');
  });
});

describe('wrong-type config messages', () => {
  it('names a fraction in an integer field', () => {
    const problems = problemsOf({ talent: { ...minimal.talent, maxRetries: 1.5 } });
    expect(problems).toEqual(['talent.maxRetries: must be a whole number, got 1.5']);
  });

  it('tells how to replace a null value', () => {
    const problems = problemsOf({ talent: { ...minimal.talent, requestsPerSecond: null } });
    expect(problems).toEqual([
      'talent.requestsPerSecond: is null: remove the key to use the default, or set a number',
    ]);
  });

  it('asks for a number when an integer is null', () => {
    const problems = problemsOf({ talent: { ...minimal.talent, maxRetries: null } });
    expect(problems).toEqual([
      'talent.maxRetries: is null: remove the key to use the default, or set a number',
    ]);
  });

  it('names the expected object for a null object', () => {
    const problems = problemsOf({ talent: null });
    expect(problems).toEqual(['talent: is null: remove the key to use the default, or set an object']);
  });

  it('tells to unquote a number written as a string', () => {
    const problems = problemsOf({ talent: { ...minimal.talent, requestsPerSecond: '5' } });
    expect(problems).toEqual([
      'talent.requestsPerSecond: expected a number, got the string "5": remove the quotes',
    ]);
  });

  it('tells to unquote a string in an integer field', () => {
    const problems = problemsOf({ talent: { ...minimal.talent, maxRetries: '3' } });
    expect(problems).toEqual(['talent.maxRetries: expected a number, got the string "3": remove the quotes']);
  });

  it('names the type of a non-numeric string in a number field', () => {
    const problems = problemsOf({ talent: { ...minimal.talent, requestsPerSecond: 'fast' } });
    expect(problems).toEqual(['talent.requestsPerSecond: expected a number, got the string "fast"']);
  });

  it('names an array where an object belongs', () => {
    const problems = problemsOf({ talent: [] });
    expect(problems).toEqual(['talent: expected an object, got an array']);
  });

  it('names a boolean where a string belongs', () => {
    const problems = problemsOf({ talent: { ...minimal.talent, systemId: true } });
    expect(problems).toEqual(['talent.systemId: expected a string, got the boolean true']);
  });

  it('truncates a long string value', () => {
    const problems = problemsOf({ talent: { ...minimal.talent, requestsPerSecond: 'x'.repeat(500) } });
    expect(problems).toEqual([
      `talent.requestsPerSecond: expected a number, got the string "${'x'.repeat(40)}…"`,
    ]);
  });
});

describe('loadConfigFile', () => {
  it('names the file when it is not JSON', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'config-')), 'broken.json');
    writeFileSync(file, '{ "talent": ');
    expect(() => loadConfigFile(file)).toThrow(`Config file ${file} is not valid JSON`);
  });

  it('names the file when it is missing', () => {
    expect(() => loadConfigFile('/nonexistent/talent-sync.json')).toThrow(
      'Cannot read config file /nonexistent/talent-sync.json',
    );
  });
});
