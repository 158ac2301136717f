import { describe, expect, it } from 'vitest';
import type { ScheduleConfig } from '../../../lib/config/schema';
import { ReportInputError, UnknownScheduleError } from '../../../lib/reports/errors';
import { findSchedule, requestReport, resolveRequest } from '../../../lib/reports/request';
import { EXPORT, rejectionOf, WEEKLY } from './fixtures';

const weekly: ScheduleConfig = { ...WEEKLY, filterOptions: { systemIds: ['s1'], startDate: '2000-01-01' } };
const export_ = EXPORT;

const monday = new Date('2026-03-09T11:00:00Z');

describe('findSchedule', () => {
  it('returns the schedule with the name', () => {
    expect(findSchedule({ schedules: [weekly, export_] }, 'observations-export')).toBe(export_);
  });

  it('throws an error that names the unknown schedule', () => {
    expect(() => findSchedule({ schedules: [weekly] }, 'nightly')).toThrow(UnknownScheduleError);
    expect(() => findSchedule({ schedules: [weekly] }, 'nightly')).toThrow(
      /"nightly".*configured: coaching-weekly/,
    );
  });
});

describe('resolveRequest', () => {
  it('sets the period dates on the configured filter options', () => {
    expect(resolveRequest(weekly, monday).filterOptions).toEqual({
      systemIds: ['s1'],
      startDate: '2026-03-02',
      endDate: '2026-03-08',
    });
  });

  it('returns the resolved period', () => {
    expect(resolveRequest(weekly, monday).period).toEqual({ start: '2026-03-02', end: '2026-03-08' });
  });

  it('sends report, filter options and run-as e-mail', () => {
    expect(Object.keys(resolveRequest(weekly, monday).body)).toEqual(['report', 'filterOptions', 'email']);
  });

  it('sends empty filter options for a type without date range or filters', () => {
    const plain: ScheduleConfig = { ...weekly, filterOptions: undefined, dateRange: undefined };
    expect(resolveRequest(plain, monday).body.filterOptions).toEqual({});
  });

  it('sends only the saved report id for Report Builder', () => {
    expect(resolveRequest(export_, monday).body).toEqual({
      report: 'reportBuilder',
      reportId: 'savedReport-observations',
    });
  });

  it('resolves no period for Report Builder', () => {
    expect(resolveRequest(export_, monday).period).toBeUndefined();
  });
});

describe('requestReport', () => {
  const reports = {
    prefix: 'reports',
    neutralizeFormulas: false,
    poll: { initialWaitSeconds: 15, backoffFactor: 2, maxWaitSeconds: 300, timeoutSeconds: 600 },
    encryption: 'S3_MANAGED' as const,
    latestPointer: false,
    bom: false,
  };
  const execution = { schedule: '', scheduledTime: '2026-03-09T11:00:00Z' };

  function countingClient() {
    const calls: unknown[] = [];
    return {
      calls,
      async requestReport(body: unknown) {
        calls.push(body);
        return { insightsReportRequestId: 'export_1' };
      },
    };
  }

  it('asks Talent for nothing in live mode', async () => {
    const live: ScheduleConfig = { ...export_, mode: 'live' };
    const client = countingClient();
    await requestReport({
      execution: { ...execution, schedule: live.name },
      reports: { ...reports, schedules: [live] },
      client,
    });
    expect(client.calls).toHaveLength(0);
  });

  it('returns a complete live run with its own request id', async () => {
    const live: ScheduleConfig = { ...export_, mode: 'live' };
    const run = await requestReport({
      execution: { ...execution, schedule: live.name },
      reports: { ...reports, schedules: [live] },
      client: countingClient(),
    });
    expect(run).toMatchObject({
      status: 'complete',
      mode: 'live',
      requestId: expect.stringMatching(/^live_/),
    });
  });

  it('rejects invalid filter options before asking Talent', async () => {
    const bad: ScheduleConfig = { ...weekly, filterOptions: { systemIds: 'not-a-list' } };
    const client = countingClient();
    const error = await rejectionOf(
      requestReport({
        execution: { ...execution, schedule: bad.name },
        reports: { ...reports, schedules: [bad] },
        client,
      }),
    );
    expect(error).toBeInstanceOf(ReportInputError);
    expect(client.calls).toHaveLength(0);
  });
});
