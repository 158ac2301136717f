import { describe, expect, it } from 'vitest';
import { plannedTimes } from '../../cli/commands/report';
import { CliError } from '../../cli/errors';
import { WEEKLY } from '../lib/reports/fixtures';

const localDir = '.local';

describe('plannedTimes', () => {
  it('runs once for now without a date', () => {
    const now = new Date('2026-03-09T11:00:00Z');
    expect(plannedTimes(WEEKLY, { localDir }, now)).toEqual([now]);
  });

  it('runs the period that contains --date', () => {
    const [time] = plannedTimes(WEEKLY, { localDir, date: '2026-03-04' });
    expect(time?.toISOString()).toBe('2026-03-09T11:00:00.000Z');
  });

  it('runs one execution per period of a backfill', () => {
    expect(plannedTimes(WEEKLY, { localDir, from: '2026-02-02', to: '2026-02-22' })).toHaveLength(3);
  });

  it('rejects --date together with --from', () => {
    expect(() => plannedTimes(WEEKLY, { localDir, date: '2026-03-04', from: '2026-03-01' })).toThrow(
      CliError,
    );
  });

  it('rejects --from without --to', () => {
    expect(() => plannedTimes(WEEKLY, { localDir, from: '2026-03-01' })).toThrow(/both --from and --to/);
  });

  it('reports a malformed date as a usage error', () => {
    expect(() => plannedTimes(WEEKLY, { localDir, date: '4 March' })).toThrow(CliError);
  });

  it('rejects a date that is not on the calendar', () => {
    expect(() => plannedTimes(WEEKLY, { localDir, date: '2026-02-30' })).toThrow(
      '--date "2026-02-30" is not a calendar date',
    );
  });

  it('rejects a future date', () => {
    const now = new Date('2026-03-10T12:00:00Z');
    expect(() => plannedTimes(WEEKLY, { localDir, date: '2099-01-01' }, now)).toThrow(
      '--date 2099-01-01 is in the future',
    );
  });

  it('names --to when the end of a backfill is malformed', () => {
    expect(() => plannedTimes(WEEKLY, { localDir, from: '2026-02-02', to: '22/02/2026' })).toThrow(
      '--to "22/02/2026"',
    );
  });

  it('rejects a backfill of a schedule without a date range', () => {
    const { dateRange: _unused, ...exportSchedule } = WEEKLY;
    expect(() => plannedTimes(exportSchedule, { localDir, date: '2026-03-04' })).toThrow(/has no dateRange/);
  });
});
