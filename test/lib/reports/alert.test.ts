import { describe, expect, it } from 'vitest';
import { describeFailure } from '../../../lib/reports/alert';
import { PENDING_RUN } from './fixtures';

describe('describeFailure', () => {
  it('names schedule, report and request id', () => {
    const { message } = describeFailure({ ...PENDING_RUN, status: 'failed', failureReason: 'boom' });
    expect(message).toContain('Schedule:       coaching-weekly');
    expect(message).toContain('Report:         coachingFrequency');
    expect(message).toContain('Request id:     export_1');
  });

  it('gives the failure reason of a run', () => {
    const { message } = describeFailure({
      ...PENDING_RUN,
      status: 'failed',
      failureReason: 'Talent said no',
    });
    expect(message).toContain('Reason: Talent said no');
  });

  it('says timed out for a run that timed out', () => {
    const alert = describeFailure({ ...PENDING_RUN, status: 'timedOut', failureReason: 'still pending' });
    expect(alert.subject).toBe('Talent Sync report coaching-weekly timed out');
  });

  it('reads the message of a caught Lambda error', () => {
    const cause = JSON.stringify({ errorType: 'ReportSaveError', errorMessage: 'Saving failed', trace: [] });
    const { message } = describeFailure({ schedule: 's', error: { Error: 'ReportSaveError', Cause: cause } });
    expect(message).toContain('Reason: ReportSaveError: Saving failed');
  });

  it('writes unknown for fields the state lacks', () => {
    const { message } = describeFailure({ error: { Error: 'States.Timeout', Cause: 'took too long' } });
    expect(message).toContain('Request id:     unknown');
  });

  it('copes with a state that is not an object', () => {
    expect(describeFailure(null).message).toContain('Reason: unknown');
  });

  it('keeps the subject within 100 characters', () => {
    expect(describeFailure({ schedule: 'x'.repeat(200) }).subject.length).toBeLessThanOrEqual(100);
  });
});
