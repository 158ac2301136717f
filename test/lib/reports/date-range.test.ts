import { describe, expect, it } from 'vitest';
import type { DateRangeConfig } from '../../../lib/config/schema';
import { localDate, resolveDateRange } from '../../../lib/reports/date-range';

const CHICAGO = 'America/Chicago';
const BERLIN = 'Europe/Berlin';

function resolve(range: DateRangeConfig, instant: string, timeZone = CHICAGO) {
  return resolveDateRange(range, new Date(instant), timeZone);
}

describe('localDate', () => {
  it('reads the date on the wall clock of the zone', () => {
    // 20:00 in Chicago is already the next day in UTC.
    expect(localDate(new Date('2026-06-11T01:00:00Z'), CHICAGO)).toBe('2026-06-10');
  });

  it('uses daylight time after the spring change in Chicago', () => {
    // 00:30 CDT (UTC-5); a reader still on CST (UTC-6) would see 23:30 the day before.
    expect(localDate(new Date('2026-03-09T05:30:00Z'), CHICAGO)).toBe('2026-03-09');
  });

  it('uses standard time before the spring change in Chicago', () => {
    expect(localDate(new Date('2026-03-08T06:30:00Z'), CHICAGO)).toBe('2026-03-08');
  });

  it('uses standard time after the autumn change in Chicago', () => {
    // 23:30 CST (UTC-6); a reader still on CDT (UTC-5) would see 00:30 the day after.
    expect(localDate(new Date('2026-11-02T05:30:00Z'), CHICAGO)).toBe('2026-11-01');
  });

  it('reads both 01:30 hours of the autumn change as the same day', () => {
    expect(localDate(new Date('2026-11-01T06:30:00Z'), CHICAGO)).toBe('2026-11-01');
    expect(localDate(new Date('2026-11-01T07:30:00Z'), CHICAGO)).toBe('2026-11-01');
  });

  it('reads 00:30 in Berlin summer time as the local day', () => {
    // 00:30 CEST (UTC+2) is 22:30 UTC the day before.
    expect(localDate(new Date('2026-03-29T22:30:00Z'), BERLIN)).toBe('2026-03-30');
  });

  it('reads 00:30 in Berlin winter time as the local day', () => {
    expect(localDate(new Date('2026-10-25T23:30:00Z'), BERLIN)).toBe('2026-10-26');
  });
});

describe('resolveDateRange previousDay', () => {
  it('covers yesterday', () => {
    expect(resolve({ preset: 'previousDay' }, '2026-05-20T11:00:00Z')).toEqual({
      start: '2026-05-19',
      end: '2026-05-19',
    });
  });

  it('uses the local day of a run at 00:30 after the spring change', () => {
    expect(resolve({ preset: 'previousDay' }, '2026-03-09T05:30:00Z')).toEqual({
      start: '2026-03-08',
      end: '2026-03-08',
    });
  });

  it('uses the local day of a run at 23:30 after the autumn change', () => {
    expect(resolve({ preset: 'previousDay' }, '2026-11-02T05:30:00Z')).toEqual({
      start: '2026-10-31',
      end: '2026-10-31',
    });
  });

  it('uses the local day of a Berlin run at 00:30', () => {
    expect(resolve({ preset: 'previousDay' }, '2026-03-29T22:30:00Z', BERLIN)).toEqual({
      start: '2026-03-29',
      end: '2026-03-29',
    });
  });

  it('crosses the year boundary', () => {
    expect(resolve({ preset: 'previousDay' }, '2027-01-01T12:00:00Z')).toEqual({
      start: '2026-12-31',
      end: '2026-12-31',
    });
  });
});

describe('resolveDateRange previousWeek', () => {
  it('covers Monday to Sunday of the week before a Monday run', () => {
    expect(resolve({ preset: 'previousWeek' }, '2026-03-09T11:00:00Z')).toEqual({
      start: '2026-03-02',
      end: '2026-03-08',
    });
  });

  it('covers the week before the current week on a Sunday run', () => {
    expect(resolve({ preset: 'previousWeek' }, '2026-03-08T18:00:00Z')).toEqual({
      start: '2026-02-23',
      end: '2026-03-01',
    });
  });

  it('uses the local Monday of a Berlin run at 00:30', () => {
    // The instant is Sunday 2026-03-29 in UTC but Monday 2026-03-30 in Berlin.
    expect(resolve({ preset: 'previousWeek' }, '2026-03-29T22:30:00Z', BERLIN)).toEqual({
      start: '2026-03-23',
      end: '2026-03-29',
    });
  });

  it('uses the local Monday after the autumn change', () => {
    expect(resolve({ preset: 'previousWeek' }, '2026-11-02T06:30:00Z')).toEqual({
      start: '2026-10-26',
      end: '2026-11-01',
    });
  });

  it('spans the year boundary', () => {
    expect(resolve({ preset: 'previousWeek' }, '2027-01-04T12:00:00Z')).toEqual({
      start: '2026-12-28',
      end: '2027-01-03',
    });
  });

  it('reaches into the previous year from a run on 1 January', () => {
    expect(resolve({ preset: 'previousWeek' }, '2027-01-01T12:00:00Z')).toEqual({
      start: '2026-12-21',
      end: '2026-12-27',
    });
  });
});

describe('resolveDateRange previousMonth', () => {
  it('covers the whole previous month', () => {
    expect(resolve({ preset: 'previousMonth' }, '2026-05-20T11:00:00Z')).toEqual({
      start: '2026-04-01',
      end: '2026-04-30',
    });
  });

  it('covers December from a run in January', () => {
    expect(resolve({ preset: 'previousMonth' }, '2026-01-01T12:00:00Z')).toEqual({
      start: '2025-12-01',
      end: '2025-12-31',
    });
  });

  it('ends February on the 28th in a common year', () => {
    expect(resolve({ preset: 'previousMonth' }, '2026-03-01T12:00:00Z')).toEqual({
      start: '2026-02-01',
      end: '2026-02-28',
    });
  });

  it('ends February on the 29th in a leap year', () => {
    expect(resolve({ preset: 'previousMonth' }, '2028-03-01T12:00:00Z')).toEqual({
      start: '2028-02-01',
      end: '2028-02-29',
    });
  });

  it('uses the local month of a Berlin run at 00:30 on the 1st', () => {
    // 2026-03-31T22:30Z is 00:30 on 1 April in Berlin.
    expect(resolve({ preset: 'previousMonth' }, '2026-03-31T22:30:00Z', BERLIN)).toEqual({
      start: '2026-03-01',
      end: '2026-03-31',
    });
  });

  it('uses the local month of a Chicago run late on the last day', () => {
    // 2026-04-01T03:00Z is 22:00 on 31 March in Chicago.
    expect(resolve({ preset: 'previousMonth' }, '2026-04-01T03:00:00Z')).toEqual({
      start: '2026-02-01',
      end: '2026-02-28',
    });
  });
});

describe('resolveDateRange monthToDate', () => {
  it('covers the 1st to yesterday', () => {
    expect(resolve({ preset: 'monthToDate' }, '2026-05-15T11:00:00Z')).toEqual({
      start: '2026-05-01',
      end: '2026-05-14',
    });
  });

  it('covers the whole previous month on the 1st', () => {
    expect(resolve({ preset: 'monthToDate' }, '2026-06-01T11:00:00Z')).toEqual({
      start: '2026-05-01',
      end: '2026-05-31',
    });
  });

  it('covers only the 1st on the 2nd', () => {
    expect(resolve({ preset: 'monthToDate' }, '2026-06-02T11:00:00Z')).toEqual({
      start: '2026-06-01',
      end: '2026-06-01',
    });
  });
});

describe('resolveDateRange lastNDays', () => {
  it('covers N days ending yesterday', () => {
    expect(resolve({ preset: 'lastNDays', days: 7 }, '2026-03-02T12:00:00Z')).toEqual({
      start: '2026-02-23',
      end: '2026-03-01',
    });
  });

  it('equals previousDay for one day', () => {
    expect(resolve({ preset: 'lastNDays', days: 1 }, '2026-03-02T12:00:00Z')).toEqual({
      start: '2026-03-01',
      end: '2026-03-01',
    });
  });

  it('counts 29 February in a leap year', () => {
    expect(resolve({ preset: 'lastNDays', days: 366 }, '2029-01-01T12:00:00Z')).toEqual({
      start: '2028-01-01',
      end: '2028-12-31',
    });
  });

  it('counts whole days across the spring change', () => {
    // 2026-03-08 has 23 hours in Chicago but is still one day.
    expect(resolve({ preset: 'lastNDays', days: 3 }, '2026-03-10T05:30:00Z')).toEqual({
      start: '2026-03-07',
      end: '2026-03-09',
    });
  });
});
