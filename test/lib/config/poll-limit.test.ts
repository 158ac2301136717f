import { describe, expect, it } from 'vitest';
import { MAX_POLLS_PER_RUN, pollsUntilTimeout } from '../../../lib/config/poll-limit';
import { pollingPlan } from '../../../lib/reports/backoff';
import { configProblems } from './support';

const talent = { baseUrl: 'https://api.torshtalent.com/api/v2', tokenSecretName: 'talent-sync/talent-token' };
const defaults = { initialWaitSeconds: 30, backoffFactor: 2, maxWaitSeconds: 300, timeoutSeconds: 7200 };
const everySecondForADay = {
  initialWaitSeconds: 1,
  backoffFactor: 1,
  maxWaitSeconds: 1,
  timeoutSeconds: 86_400,
};

function problemsOf(poll: object): readonly string[] {
  return configProblems({ talent, reports: { poll } });
}

describe('pollsUntilTimeout', () => {
  const cases = [
    defaults,
    everySecondForADay,
    { initialWaitSeconds: 7, backoffFactor: 1.3, maxWaitSeconds: 100, timeoutSeconds: 3601 },
    { initialWaitSeconds: 90, backoffFactor: 1, maxWaitSeconds: 90, timeoutSeconds: 60 },
    { initialWaitSeconds: 1, backoffFactor: 10, maxWaitSeconds: 3600, timeoutSeconds: 86_400 },
  ];

  it.each(cases)('matches pollingPlan for a report that never completes: %o', (poll) => {
    expect(pollsUntilTimeout(poll)).toBe(pollingPlan(Number.POSITIVE_INFINITY, poll).polls);
  });

  it('counts 27 polls for the defaults', () => {
    expect(pollsUntilTimeout(defaults)).toBe(27);
  });

  it('counts one poll per second of a fixed one-second wait', () => {
    expect(pollsUntilTimeout(everySecondForADay)).toBe(86_400);
  });
});

describe('reports.poll limit', () => {
  it('accepts the defaults', () => {
    expect(problemsOf(defaults)).toEqual([]);
  });

  it('accepts settings that need exactly the maximum', () => {
    const poll = {
      initialWaitSeconds: 1,
      backoffFactor: 1,
      maxWaitSeconds: 1,
      timeoutSeconds: MAX_POLLS_PER_RUN,
    };
    expect(problemsOf(poll)).toEqual([]);
  });

  it('rejects settings that need one poll more', () => {
    const poll = {
      initialWaitSeconds: 1,
      backoffFactor: 1,
      maxWaitSeconds: 1,
      timeoutSeconds: MAX_POLLS_PER_RUN + 1,
    };
    expect(problemsOf(poll)[0]).toContain('reports.poll: needs 1,001 polls');
  });

  it('names the field, the counts and the fix', () => {
    expect(problemsOf(everySecondForADay)).toEqual([
      'reports.poll: needs 86,400 polls before timeoutSeconds, but a run may make at most 1,000, ' +
        'because each poll adds about 9 events to the Step Functions execution history and AWS fails ' +
        'an execution at 25,000. Raise maxWaitSeconds or backoffFactor, or lower timeoutSeconds',
    ]);
  });

  it('skips the count when a wait is out of range', () => {
    const poll = { ...everySecondForADay, maxWaitSeconds: 0, initialWaitSeconds: 0 };
    expect(problemsOf(poll)).toEqual([
      'reports.poll.initialWaitSeconds: must be at least 1',
      'reports.poll.maxWaitSeconds: must be at least 1',
    ]);
  });

  it('skips the count when the timeout is out of range', () => {
    const poll = { ...everySecondForADay, timeoutSeconds: 1_000_000_000 };
    expect(problemsOf(poll)).toEqual(['reports.poll.timeoutSeconds: must be at most 86400']);
  });
});
