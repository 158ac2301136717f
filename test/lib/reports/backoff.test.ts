import { describe, expect, it } from 'vitest';
import {
  initialWaitSeconds,
  nextWaitSeconds,
  nextWaitWithinTimeout,
  type PollSettings,
  pollingPlan,
} from '../../../lib/reports/backoff';

const poll: PollSettings = {
  initialWaitSeconds: 15,
  backoffFactor: 2,
  maxWaitSeconds: 300,
  timeoutSeconds: 7200,
};

describe('nextWaitSeconds', () => {
  it('multiplies the wait by the backoff factor', () => {
    expect(nextWaitSeconds(15, poll)).toBe(30);
  });

  it('caps the wait at maxWaitSeconds', () => {
    expect(nextWaitSeconds(240, poll)).toBe(300);
  });

  it('keeps the capped wait at the cap', () => {
    expect(nextWaitSeconds(300, poll)).toBe(300);
  });

  it('rounds a fractional wait up to whole seconds', () => {
    expect(nextWaitSeconds(15, { ...poll, backoffFactor: 1.5 })).toBe(23);
  });

  it('keeps the wait with factor 1', () => {
    expect(nextWaitSeconds(15, { ...poll, backoffFactor: 1 })).toBe(15);
  });

  it('grows through the sequence 15, 30, 60, 120, 240, 300', () => {
    const waits = [15];
    for (let step = 0; step < 5; step++) waits.push(nextWaitSeconds(waits.at(-1) as number, poll));
    expect(waits).toEqual([15, 30, 60, 120, 240, 300]);
  });
});

describe('nextWaitWithinTimeout', () => {
  it('shortens the last wait to end on the timeout', () => {
    expect(nextWaitWithinTimeout(300, 7000, poll)).toBe(200);
  });

  it('leaves a wait that fits before the timeout', () => {
    expect(nextWaitWithinTimeout(30, 45, poll)).toBe(60);
  });
});

describe('initialWaitSeconds', () => {
  it('uses the configured first wait', () => {
    expect(initialWaitSeconds(poll)).toBe(15);
  });

  it('never exceeds the timeout', () => {
    expect(
      initialWaitSeconds({ ...poll, initialWaitSeconds: 600, maxWaitSeconds: 600, timeoutSeconds: 120 }),
    ).toBe(120);
  });
});

describe('pollingPlan', () => {
  it('sees a report ready before the first poll at the first poll', () => {
    expect(pollingPlan(10, poll)).toEqual({
      polls: 1,
      waitedSeconds: 15,
      detectionDelaySeconds: 5,
      timedOut: false,
      stateTransitions: 7,
    });
  });

  it('sees a report ready exactly at a poll with no delay', () => {
    const plan = pollingPlan(45, poll);
    expect(plan.polls).toBe(2);
    expect(plan.detectionDelaySeconds).toBe(0);
  });

  it('counts polls and delay for a ten-minute report', () => {
    // Polls after 15, 45, 105, 225, 465 and 765 seconds of waiting.
    expect(pollingPlan(600, poll)).toEqual({
      polls: 6,
      waitedSeconds: 765,
      detectionDelaySeconds: 165,
      timedOut: false,
      stateTransitions: 22,
    });
  });

  it('times out a report that never finishes', () => {
    const plan = pollingPlan(Number.POSITIVE_INFINITY, poll);
    expect(plan.timedOut).toBe(true);
    expect(plan.waitedSeconds).toBe(7200);
    expect(plan.detectionDelaySeconds).toBeUndefined();
  });

  it('counts polls and transitions until the timeout', () => {
    // 15+30+60+120+240 = 465 s in five polls, then 300 s waits up to 7065 s, then a last wait of 135 s.
    const plan = pollingPlan(Number.POSITIVE_INFINITY, poll);
    expect(plan.polls).toBe(5 + 22 + 1);
    expect(plan.stateTransitions).toBe(2 + 3 * 28 + 3);
  });

  it('polls more often with a fixed wait', () => {
    const fixed = pollingPlan(600, { ...poll, backoffFactor: 1 });
    expect(fixed.polls).toBe(40);
  });
});
