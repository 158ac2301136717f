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
});
