import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportInputError, UnknownScheduleError } from '../../../lib/reports/errors';
import type { ReportRun } from '../../../lib/reports/run';
import { createTalentClient } from '../../../lib/talent/client';
import { TalentApiError } from '../../../lib/talent/errors';
import { lambdaContext } from '../../../local/lambda-context';
import { rejectionOf, SCHEDULED_TIME } from '../../lib/reports/fixtures';
import { type ReportEnvironment, startReportEnvironment } from '../../lib/reports/report-environment';

type Handler = (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<ReportRun>;

let environment: ReportEnvironment;
let handler: Handler;

beforeAll(async () => {
  environment = await startReportEnvironment({ reportPendingMs: 60_000 });
  handler = (await import('../../../functions/report-request/handler')).handler as unknown as Handler;
});

afterAll(async () => {
  await environment?.close();
});

function requestReport(event: unknown): Promise<ReportRun> {
  return handler(event, lambdaContext('report-request'));
}

describe('report-request handler', () => {
  it('returns the first pending run state', async () => {
    const run = await requestReport({ schedule: 'coaching-weekly', scheduledTime: SCHEDULED_TIME });

    expect(run).toMatchObject({
      schedule: 'coaching-weekly',
      scheduledTime: SCHEDULED_TIME,
      report: 'coachingFrequency',
      period: { start: '2026-03-02', end: '2026-03-08' },
      waitSeconds: 15,
      waitedSeconds: 0,
      polls: 0,
      status: 'pending',
    });
    expect(run.requestId).toMatch(/^export_/);
    expect(Number.isNaN(Date.parse(run.startedAt))).toBe(false);
  });

  it('sends the resolved dates in the filter options', async () => {
    const run = await requestReport({ schedule: 'coaching-weekly', scheduledTime: SCHEDULED_TIME });
    const client = createTalentClient({ baseUrl: environment.simulator.url, token: 'local-system-token' });

    const status = await client.getReport(run.requestId);

    expect(status.status).toBe('pending');
    expect('filterOptions' in status ? status.filterOptions : undefined).toEqual({
      systemIds: ['system-local'],
      startDate: '2026-03-02',
      endDate: '2026-03-08',
    });
  });

  it('requests a Report Builder export without a period', async () => {
    const run = await requestReport({ schedule: 'observations-export', scheduledTime: SCHEDULED_TIME });
    expect(run.report).toBe('reportBuilder');
    expect(run).not.toHaveProperty('period');
  });

  it('sends one request to Talent', async () => {
    const before = environment.simulator.counts().requestReport ?? 0;
    await requestReport({ schedule: 'coaching-weekly', scheduledTime: SCHEDULED_TIME });
    expect(environment.simulator.counts().requestReport).toBe(before + 1);
  });

  it('rejects an unknown schedule by name', async () => {
    const error = await rejectionOf(requestReport({ schedule: 'nightly', scheduledTime: SCHEDULED_TIME }));
    expect(error).toBeInstanceOf(UnknownScheduleError);
    expect(error.message).toContain('"nightly"');
  });

  it('rejects input without a scheduled time', async () => {
    const error = await rejectionOf(requestReport({ schedule: 'coaching-weekly' }));
    expect(error).toBeInstanceOf(ReportInputError);
    expect(error.message).toContain('scheduledTime');
  });

  it('throws when Talent rejects the token', async () => {
    environment.writeConfig({}, { tokenSecretName: 'talent-sync/hr-generic-signing' });
    try {
      const error = await rejectionOf(
        requestReport({ schedule: 'coaching-weekly', scheduledTime: SCHEDULED_TIME }),
      );
      expect(error).toBeInstanceOf(TalentApiError);
      expect((error as TalentApiError).status).toBe(401);
    } finally {
      environment.writeConfig();
    }
  });
});
