import { describe, expect, it } from 'vitest';
import { ReportInputError } from '../../../lib/reports/errors';
import { parseExecutionInput, parseReportRun, type ReportRun } from '../../../lib/reports/run';
import { PENDING_RUN } from './fixtures';

const run: ReportRun = PENDING_RUN;

function errorOf(action: () => unknown): ReportInputError {
  try {
    action();
  } catch (error) {
    return error as ReportInputError;
  }
  throw new Error('expected an error');
}

describe('parseExecutionInput', () => {
  it('accepts a schedule and a scheduled time', () => {
    const input = { schedule: 'coaching-weekly', scheduledTime: '2026-03-09T11:00:00Z' };
    expect(parseExecutionInput(input)).toEqual(input);
  });

  it('accepts a scheduled time with an offset', () => {
    expect(
      parseExecutionInput({ schedule: 'a', scheduledTime: '2026-03-09T06:00:00-05:00' }).scheduledTime,
    ).toBe('2026-03-09T06:00:00-05:00');
  });

  it('names a missing scheduled time', () => {
    const error = errorOf(() => parseExecutionInput({ schedule: 'coaching-weekly' }));
    expect(error).toBeInstanceOf(ReportInputError);
    expect(error.problems[0]).toMatch(/^scheduledTime: /);
  });

  it('explains the expected input in the message', () => {
    expect(() => parseExecutionInput({})).toThrow(/"scheduledTime": "<ISO 8601>"/);
  });

  it('rejects a scheduled time without a zone', () => {
    const error = errorOf(() => parseExecutionInput({ schedule: 'a', scheduledTime: '2026-03-09T11:00:00' }));
    expect(error.problems[0]).toMatch(/^scheduledTime: /);
  });
});

describe('parseReportRun', () => {
  it('accepts a run state', () => {
    expect(parseReportRun(run)).toEqual(run);
  });

  it('names a missing request id', () => {
    const { requestId: _removed, ...withoutId } = run;
    expect(errorOf(() => parseReportRun(withoutId)).problems[0]).toMatch(/^requestId: /);
  });

  it('names an unknown status', () => {
    expect(errorOf(() => parseReportRun({ ...run, status: 'done' })).problems[0]).toMatch(/^status: /);
  });

  it('says what a missing field needs', () => {
    const { requestId: _removed, ...withoutId } = run;
    expect(errorOf(() => parseReportRun(withoutId)).problems[0]).toBe(
      'requestId: is required: add it (expected string)',
    );
  });

  it('names a fractional wait', () => {
    expect(errorOf(() => parseReportRun({ ...run, waitSeconds: 1.5 })).problems[0]).toMatch(/^waitSeconds: /);
  });

  it('names an invalid period date with its path', () => {
    const error = errorOf(() =>
      parseReportRun({ ...run, period: { start: '2026-13-01', end: '2026-03-08' } }),
    );
    expect(error.problems[0]).toMatch(/^period\.start: /);
  });

  it('drops keys outside the run state', () => {
    expect(parseReportRun({ ...run, reportData: [{ a: 1 }] })).not.toHaveProperty('reportData');
  });
});
