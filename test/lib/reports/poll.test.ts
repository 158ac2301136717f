import { describe, expect, it } from 'vitest';
import type { PollSettings } from '../../../lib/reports/backoff';
import { advanceRun } from '../../../lib/reports/poll';
import type { ReportRun } from '../../../lib/reports/run';
import type { ReportStatus } from '../../../lib/reports/talent';
import { PENDING_RUN } from './fixtures';

const poll: PollSettings = {
  initialWaitSeconds: 15,
  backoffFactor: 2,
  maxWaitSeconds: 300,
  timeoutSeconds: 600,
};

const run: ReportRun = PENDING_RUN;

describe('advanceRun', () => {
  it('grows the wait of a pending report', () => {
    expect(advanceRun(run, { status: 'pending' }, poll)).toEqual({
      ...run,
      waitSeconds: 30,
      waitedSeconds: 15,
      polls: 1,
      status: 'pending',
    });
  });

  it('marks a complete report without copying its data', () => {
    const complete: ReportStatus = { reportId: 'export_1', status: 'complete', reportData: [{ a: 1 }] };
    const next = advanceRun(run, complete, poll);
    expect(next.status).toBe('complete');
    expect(next).not.toHaveProperty('reportData');
  });

  it('carries the failure message of a failed report', () => {
    const next = advanceRun(run, { status: 'failed', message: 'query timed out' }, poll);
    expect(next.status).toBe('failed');
    expect(next.failureReason).toBe('Talent reports that report export_1 failed: query timed out');
  });

  it('shortens a long failure message', () => {
    const next = advanceRun(run, { status: 'failed', message: 'x'.repeat(5000) }, poll);
    expect((next.failureReason as string).length).toBeLessThan(600);
  });

  it('times out once the total wait reaches the timeout', () => {
    const late = { ...run, waitSeconds: 135, waitedSeconds: 465, polls: 5 };
    const next = advanceRun(late, { status: 'pending' }, poll);
    expect(next.status).toBe('timedOut');
    expect(next.failureReason).toMatch(/still pending after 600 s/);
  });

  it('shortens the last wait so the total lands on the timeout', () => {
    const next = advanceRun(
      { ...run, waitSeconds: 240, waitedSeconds: 225, polls: 4 },
      { status: 'pending' },
      poll,
    );
    expect(next.waitSeconds).toBe(135);
  });

  it('reports a complete report at the timeout as complete', () => {
    const late = { ...run, waitSeconds: 135, waitedSeconds: 465, polls: 5 };
    expect(advanceRun(late, { status: 'complete' }, poll).status).toBe('complete');
  });
});
