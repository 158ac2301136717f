import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../lib/config/load';
import { configProblems } from './support';

function problemsOf(roster: unknown): readonly string[] {
  return configProblems({
    talent: { baseUrl: 'http://127.0.0.1:1/api/v2', tokenSecretName: 'talent-token' },
    roster,
  });
}

describe('roster rules config', () => {
  it('names an unknown condition key and the keys to use', () => {
    const [problem] = problemsOf({ roleRules: [{ when: { title: 'Coach' }, role: 'Coach' }] });
    expect(problem).toMatch(
      /^roster\.roleRules\[0\]\.when\.title: "title" is not a field .*jobTitle.*attributes\.<name>/,
    );
  });

  it('rejects an attribute key with a space in the name', () => {
    const [problem] = problemsOf({ scope: { exclude: [{ 'attributes.pay grade': 'A' }] } });
    expect(problem).toMatch(
      /^roster\.scope\.exclude\[0\]\.attributes\.pay grade: .*letters, digits, _ and -/,
    );
  });

  it('rejects an empty in list with an example', () => {
    const [problem] = problemsOf({ scope: { include: [{ school: { in: [] } }] } });
    expect(problem).toMatch(/school.*at least one value/);
  });

  it('rejects an unknown placeholder and lists the allowed ones', () => {
    const [problem] = problemsOf({ groupRules: [{ groups: ['Team {team}'] }] });
    expect(problem).toMatch(/^roster\.groupRules\[0\]\.groups\[0\]: .*\{attributes\.<name>\}/);
  });

  it('accepts an attribute placeholder', () => {
    expect(problemsOf({ groupRules: [{ groups: ['Union: {attributes.union}'] }] })).toEqual([]);
  });

  it('rejects an unknown time zone with an example', () => {
    const [problem] = problemsOf({ timeZone: 'Central' });
    expect(problem).toMatch(/^roster\.timeZone: must be an IANA time zone name, for example/);
  });

  it('defaults the time zone to UTC', () => {
    const config = parseConfig({
      talent: { baseUrl: 'http://127.0.0.1:1/api/v2', tokenSecretName: 'talent-token' },
    });
    expect(config.roster.timeZone).toBe('UTC');
  });

  it('rejects an audit retention of zero days', () => {
    const [problem] = problemsOf({ auditRetentionDays: 0 });
    expect(problem).toMatch(/^roster\.auditRetentionDays: /);
  });
});
