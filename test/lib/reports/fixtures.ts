import type { Config, ScheduleConfig } from '../../../lib/config/schema';
import type { ReportRun } from '../../../lib/reports/run';

/** Schedules, run states and helpers shared by the report tests. */

export const WEEKLY: ScheduleConfig = {
  name: 'coaching-weekly',
  cron: 'cron(0 6 ? * MON *)',
  timeZone: 'America/Chicago',
  report: 'coachingFrequency',
  email: 'data.team@district.example.org',
  filterOptions: { systemIds: ['system-local'] },
  dateRange: { preset: 'previousWeek' },
  enabled: true,
  mode: 'export',
};

export const EXPORT: ScheduleConfig = {
  name: 'observations-export',
  cron: 'cron(30 5 * * ? *)',
  timeZone: 'America/Chicago',
  report: 'reportBuilder',
  reportId: 'savedReport-observations',
  enabled: true,
  mode: 'export',
};

/** Monday 2026-03-09 06:00 in Chicago. */
export const SCHEDULED_TIME = '2026-03-09T11:00:00Z';

export const POLL: Config['reports']['poll'] = {
  initialWaitSeconds: 15,
  backoffFactor: 2,
  maxWaitSeconds: 300,
  timeoutSeconds: 600,
};

/** The weekly schedule's run state as RequestReport returns it. */
export const PENDING_RUN: ReportRun = {
  schedule: WEEKLY.name,
  scheduledTime: SCHEDULED_TIME,
  report: 'coachingFrequency',
  requestId: 'export_1',
  startedAt: '2026-03-09T11:00:01.000Z',
  period: { start: '2026-03-02', end: '2026-03-08' },
  waitSeconds: 15,
  waitedSeconds: 0,
  polls: 0,
  status: 'pending',
};

/** Returns a complete run of the schedule, as PollReport hands it to SaveReport. */
export function completeRun(requestId: string, schedule: ScheduleConfig = WEEKLY): ReportRun {
  return {
    schedule: schedule.name,
    scheduledTime: SCHEDULED_TIME,
    report: schedule.report,
    requestId,
    startedAt: '2026-03-09T11:00:01.000Z',
    waitSeconds: 0,
    waitedSeconds: 15,
    polls: 1,
    status: 'complete',
  };
}

/** Returns the error a promise rejects with; fails the test when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the promise to reject');
}
