import { describe, expect, it } from 'vitest';
import type { ScheduleConfig } from '../../../lib/config/schema';
import { localDate } from '../../../lib/reports/date-range';
import {
  backfillTimes,
  cronTimeOfDay,
  type ExecutionStarter,
  executionName,
  startReportRun,
  zonedInstant,
} from '../../../lib/reports/start';
import { EXPORT, rejectionOf, WEEKLY } from './fixtures';

const monday = new Date('2026-03-09T11:00:00Z');
const DAILY: ScheduleConfig = {
  ...WEEKLY,
  name: 'daily',
  cron: 'cron(30 5 * * ? *)',
  dateRange: { preset: 'previousDay' },
};

/** A starter that remembers names, as Step Functions does, and refuses a name used before. */
function recordingStarter(): ExecutionStarter & { names: string[] } {
  const names: string[] = [];
  const start = (async ({ name }) => {
    if (names.includes(name)) throw Object.assign(new Error('exists'), { name: 'ExecutionAlreadyExists' });
    names.push(name);
    return { executionArn: `arn:aws:states:us-east-1:123456789012:execution:m:${name}` };
  }) as ExecutionStarter & { names: string[] };
  start.names = names;
  return start;
}

describe('executionName', () => {
  it('joins schedule, period start and scheduled time', () => {
    expect(executionName(WEEKLY, monday)).toBe('coaching-weekly-2026-03-02-20260309T110000Z');
  });

  it('leaves out the period of a schedule without a date range', () => {
    expect(executionName(EXPORT, monday)).toBe('observations-export-20260309T110000Z');
  });

  it('stays within 80 characters for the longest schedule name', () => {
    const long = { ...WEEKLY, name: 'a'.repeat(40) };
    expect(executionName(long, monday, new Date('2099-12-31T23:59:59Z')).length).toBeLessThanOrEqual(80);
  });

  it('uses only characters Step Functions accepts', () => {
    expect(executionName(WEEKLY, monday, new Date())).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('gives a rerun a different name', () => {
    expect(executionName(WEEKLY, monday, new Date())).not.toBe(executionName(WEEKLY, monday));
  });
});

describe('startReportRun', () => {
  it('starts an execution with the schedule and time as input', async () => {
    const inputs: unknown[] = [];
    await startReportRun({
      schedule: WEEKLY,
      scheduledTime: monday,
      start: async ({ input }) => {
        inputs.push(input);
        return {};
      },
    });
    expect(inputs).toEqual([{ schedule: 'coaching-weekly', scheduledTime: '2026-03-09T11:00:00.000Z' }]);
  });

  it('starts nothing new for a duplicate trigger', async () => {
    const start = recordingStarter();
    await startReportRun({ schedule: WEEKLY, scheduledTime: monday, start });
    const second = await startReportRun({ schedule: WEEKLY, scheduledTime: monday, start });
    expect(second.started).toBe(false);
    expect(start.names).toHaveLength(1);
  });

  it('passes on other errors', async () => {
    const error = await rejectionOf(
      startReportRun({
        schedule: WEEKLY,
        scheduledTime: monday,
        start: async () => {
          throw Object.assign(new Error('denied'), { name: 'AccessDeniedException' });
        },
      }),
    );
    expect(error.name).toBe('AccessDeniedException');
  });
});

describe('backfillTimes', () => {
  it('runs a daily schedule once per day', () => {
    const times = backfillTimes(DAILY, '2026-03-01', '2026-03-03');
    expect(times.map((time) => time.toISOString())).toEqual([
      '2026-03-02T11:30:00.000Z',
      '2026-03-03T11:30:00.000Z',
      '2026-03-04T11:30:00.000Z',
    ]);
  });

  it('keeps the local time of day across the spring daylight-saving change', () => {
    // Chicago moves from UTC-6 to UTC-5 at 02:00 on 2026-03-08.
    const times = backfillTimes(DAILY, '2026-03-06', '2026-03-07');
    expect(times.map((time) => time.toISOString())).toEqual([
      '2026-03-07T11:30:00.000Z',
      '2026-03-08T10:30:00.000Z',
    ]);
  });

  it('runs a weekly schedule once per week that the range touches', () => {
    const times = backfillTimes(WEEKLY, '2026-03-04', '2026-03-10');
    expect(times.map((time) => localDate(time, WEEKLY.timeZone))).toEqual(['2026-03-09', '2026-03-16']);
  });

  it('runs a monthly schedule on the first of each following month', () => {
    const monthly = { ...WEEKLY, dateRange: { preset: 'previousMonth' as const } };
    const times = backfillTimes(monthly, '2026-01-15', '2026-02-02');
    expect(times.map((time) => localDate(time, WEEKLY.timeZone))).toEqual(['2026-02-01', '2026-03-01']);
  });

  it('steps a last-N-days schedule by N days', () => {
    const lastSeven = { ...WEEKLY, dateRange: { preset: 'lastNDays' as const, days: 7 } };
    const times = backfillTimes(lastSeven, '2026-03-01', '2026-03-14');
    expect(times.map((time) => localDate(time, WEEKLY.timeZone))).toEqual(['2026-03-08', '2026-03-15']);
  });

  it('gives the scheduled run name of each period', () => {
    const [time] = backfillTimes(WEEKLY, '2026-03-02', '2026-03-02');
    expect(executionName(WEEKLY, time as Date)).toBe(executionName(WEEKLY, monday));
  });

  it('rejects a range that ends before it starts', () => {
    expect(() => backfillTimes(DAILY, '2026-03-03', '2026-03-01')).toThrow(/before --from/);
  });

  it('rejects a date that is not YYYY-MM-DD', () => {
    expect(() => backfillTimes(DAILY, '03/01/2026', '2026-03-01')).toThrow(/use YYYY-MM-DD/);
  });
});

describe('cronTimeOfDay', () => {
  it('reads a fixed hour and minute', () => {
    expect(cronTimeOfDay('cron(15 6 * * ? *)')).toEqual({ hour: 6, minute: 15 });
  });

  it('takes noon for a cron with a range of hours', () => {
    expect(cronTimeOfDay('cron(0 6-18 * * ? *)')).toEqual({ hour: 12, minute: 0 });
  });
});

describe('zonedInstant', () => {
  it('moves a time in the spring-forward gap an hour earlier', () => {
    const day = Date.parse('2026-03-08T00:00:00Z') / 86_400_000;
    expect(zonedInstant(day, 2, 30, 'America/Chicago').toISOString()).toBe('2026-03-08T07:30:00.000Z');
  });
});
