import type { DateRangeConfig } from '../config/schema';

/** An inclusive range of calendar days, each as `YYYY-MM-DD`. */
export interface Period {
  start: string;
  end: string;
}

export const MS_PER_DAY = 86_400_000;

const dateFormatters = new Map<string, Intl.DateTimeFormat>();

/**
 * Returns the calendar date (`YYYY-MM-DD`) that a wall clock in `timeZone` shows at `instant`.
 * Intl applies the zone's offset for that very instant, so daylight-saving changes need no special case.
 */
export function localDate(instant: Date, timeZone: string): string {
  let formatter = dateFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    dateFormatters.set(timeZone, formatter);
  }

  const parts: Record<string, string> = {};
  for (const part of formatter.formatToParts(instant)) parts[part.type] = part.value;
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/**
 * Resolves a date-range preset against the scheduled instant, read in the schedule's time zone.
 * Every preset covers whole days that ended before the scheduled day began, so a report never contains a
 * partial day:
 * - `previousDay`: yesterday.
 * - `previousWeek`: Monday to Sunday of the ISO week before the scheduled day's week.
 * - `previousMonth`: the whole calendar month before the scheduled day's month.
 * - `monthToDate`: the first of yesterday's month to yesterday; on the 1st that is the whole previous month.
 * - `lastNDays`: the `days` days that end yesterday.
 */
export function resolveDateRange(range: DateRangeConfig, scheduledTime: Date, timeZone: string): Period {
  const today = toEpochDay(localDate(scheduledTime, timeZone));
  const yesterday = today - 1;

  switch (range.preset) {
    case 'previousDay':
      return period(yesterday, yesterday);

    case 'previousWeek': {
      const monday = today - isoWeekdayIndex(today);
      return period(monday - 7, monday - 1);
    }

    case 'previousMonth': {
      const firstOfMonth = firstDayOfMonth(today);
      return period(firstDayOfMonth(firstOfMonth - 1), firstOfMonth - 1);
    }

    case 'monthToDate':
      return period(firstDayOfMonth(yesterday), yesterday);

    case 'lastNDays':
      return period(yesterday - (range.days - 1), yesterday);
  }
}

/** Days since 1970-01-01 of a `YYYY-MM-DD` date; UTC arithmetic on calendar dates has no DST gaps. */
export function toEpochDay(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / MS_PER_DAY;
}

function fromEpochDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Monday is 0 and Sunday is 6, as in ISO 8601 weeks. */
export function isoWeekdayIndex(day: number): number {
  return (new Date(day * MS_PER_DAY).getUTCDay() + 6) % 7;
}

export function firstDayOfMonth(day: number): number {
  const date = new Date(day * MS_PER_DAY);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1) / MS_PER_DAY;
}

function period(start: number, end: number): Period {
  return { start: fromEpochDay(start), end: fromEpochDay(end) };
}
