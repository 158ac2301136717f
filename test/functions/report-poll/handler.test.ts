import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportInputError } from '../../../lib/reports/errors';
import type { ReportRun } from '../../../lib/reports/run';
import { TalentApiError } from '../../../lib/talent/errors';
import { lambdaContext } from '../../../local/lambda-context';
import { rejectionOf, SCHEDULED_TIME } from '../../lib/reports/fixtures';
import { type ReportEnvironment, startReportEnvironment } from '../../lib/reports/report-environment';

type Handler = (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<ReportRun>;

const PENDING_MS = 30_000;

let environment: ReportEnvironment;
let requestHandler: Handler;
let pollHandler: Handler;

beforeAll(async () => {
  environment = await startReportEnvironment({ reportPendingMs: PENDING_MS });
  requestHandler = (await import('../../../functions/report-request/handler')).handler as unknown as Handler;
  pollHandler = (await import('../../../functions/report-poll/handler')).handler as unknown as Handler;
});

afterAll(async () => {
  await environment?.close();
});

function requestReport(schedule = 'coaching-weekly'): Promise<ReportRun> {
  return requestHandler({ schedule, scheduledTime: SCHEDULED_TIME }, lambdaContext('report-request'));
}

function pollReport(run: unknown): Promise<ReportRun> {
  return pollHandler(run, lambdaContext('report-poll'));
}

describe('report-poll handler', () => {
  it('keeps a pending report pending with a longer wait', async () => {
    const run = await requestReport();
    const next = await pollReport(run);

    expect(next).toEqual({ ...run, polls: 1, waitedSeconds: 15, waitSeconds: 30, status: 'pending' });
  });

  it('reports complete once Talent has finished', async () => {
    const run = await requestReport();
    const pending = await pollReport(run);
    environment.clock.advance(PENDING_MS);

    const complete = await pollReport(pending);

    expect(complete.status).toBe('complete');
    expect(complete.polls).toBe(2);
    expect(complete.waitedSeconds).toBe(45);
  });

  it('carries no report data in its output', async () => {
    const run = await requestReport();
    environment.clock.advance(PENDING_MS);

    const complete = await pollReport(run);

    expect(Object.keys(complete).sort()).toEqual(Object.keys(run).sort());
  });

  it('times out after the configured total wait', async () => {
    environment.writeConfig({
      poll: { initialWaitSeconds: 15, backoffFactor: 2, maxWaitSeconds: 300, timeoutSeconds: 60 },
    });
    try {
      let run = await requestReport();
      const waits: number[] = [];
      while (run.status === 'pending' && run.polls < 10) {
        waits.push(run.waitSeconds);
        run = await pollReport(run);
      }

      expect(run.status).toBe('timedOut');
      expect(waits).toEqual([15, 30, 15]);
      expect(run.waitedSeconds).toBe(60);
      expect(run.failureReason).toContain('still pending after 60 s');
    } finally {
      environment.writeConfig();
    }
  });

  it('rejects a run state without a request id', async () => {
    const { requestId: _removed, ...run } = await requestReport();
    const error = await rejectionOf(pollReport(run));
    expect(error).toBeInstanceOf(ReportInputError);
    expect(error.message).toContain('requestId');
  });

  it('throws when Talent keeps failing', async () => {
    const run = await requestReport();
    environment.simulator.failNext(1, '503', 'getReport');

    const error = await rejectionOf(pollReport(run));

    expect(error).toBeInstanceOf(TalentApiError);
    expect((error as TalentApiError).retryable).toBe(true);
  });
});

describe('report-poll handler with a failing report', () => {
  beforeAll(async () => {
    await environment.restartSimulator({ reportPendingMs: PENDING_MS, reportOutcome: () => 'failed' });
  });

  it('reports failed with the reason from Talent', async () => {
    const run = await requestReport();
    environment.clock.advance(PENDING_MS);

    const failed = await pollReport(run);

    expect(failed.status).toBe('failed');
    expect(failed.failureReason).toBe(
      `Talent reports that report ${run.requestId} failed: report processing failed in the simulator`,
    );
  });
});
