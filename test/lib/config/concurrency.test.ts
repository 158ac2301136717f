import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../lib/config/load';
import { configProblems } from './support';

const minimal = {
  talent: { baseUrl: 'https://api.torshtalent.com/api/v2', tokenSecretName: 'talent-sync/talent-token' },
};

function problemsOf(value: unknown): string {
  return configProblems(value).join('\n');
}

describe('roster.apply.maxConcurrency', () => {
  it('defaults to 5', () => {
    expect(parseConfig(minimal).roster.apply.maxConcurrency).toBe(5);
  });

  it('rejects 1, below what SQS accepts', () => {
    const problems = problemsOf({ ...minimal, roster: { apply: { maxConcurrency: 1 } } });
    expect(problems).toContain('roster.apply.maxConcurrency: must be at least 2');
  });

  it('rejects 1001, above what SQS accepts', () => {
    const problems = problemsOf({ ...minimal, roster: { apply: { maxConcurrency: 1001 } } });
    expect(problems).toContain('roster.apply.maxConcurrency: must be at most 1000');
  });
});

describe('roster.reconcile.concurrency', () => {
  it('defaults to 8', () => {
    expect(parseConfig(minimal).roster.reconcile.concurrency).toBe(8);
  });

  it('rejects 0', () => {
    const problems = problemsOf({ ...minimal, roster: { reconcile: { concurrency: 0 } } });
    expect(problems).toContain('roster.reconcile.concurrency: must be at least 1');
  });

  it('rejects a fraction', () => {
    const problems = problemsOf({ ...minimal, roster: { reconcile: { concurrency: 2.5 } } });
    expect(problems).toContain('roster.reconcile.concurrency');
  });
});
