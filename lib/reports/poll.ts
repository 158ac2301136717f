import { nextWaitWithinTimeout, type PollSettings } from './backoff';
import type { ReportRun } from './run';
import type { ReportClient, ReportStatus } from './talent';

/** Longest Talent failure message kept in the run state and the alert. */
const MAX_REASON_LENGTH = 500;

/** The part of a Talent report status that decides the next step. */
export type PolledStatus = Pick<ReportStatus, 'status'> & { message?: string };

export interface PollReportInput {
  run: ReportRun;
  poll: PollSettings;
  client: Pick<ReportClient, 'getReport'>;
}

/**
 * Checks the report's status in Talent once and returns the next run state. Talent errors that persist
 * through the client's retries are thrown, for the state machine's Retry to handle.
 */
export async function pollReport(input: PollReportInput): Promise<ReportRun> {
  const status = await input.client.getReport(input.run.requestId);
  return advanceRun(input.run, status, input.poll);
}

/**
 * Returns the run state after one poll that found `status`. The wait just finished is added to
 * `waitedSeconds`. A report still pending gets the next, longer wait, or `timedOut` once the total wait
 * has reached `timeoutSeconds`. Report data is never copied into the state.
 */
export function advanceRun(run: ReportRun, status: PolledStatus, poll: PollSettings): ReportRun {
  const waitedSeconds = run.waitedSeconds + run.waitSeconds;
  const polled = { ...run, polls: run.polls + 1, waitedSeconds };

  if (status.status === 'complete') return { ...polled, status: 'complete', waitSeconds: 0 };

  if (status.status === 'failed') {
    const message = (status.message || 'no message').slice(0, MAX_REASON_LENGTH);
    return {
      ...polled,
      status: 'failed',
      waitSeconds: 0,
      failureReason: `Talent reports that report ${run.requestId} failed: ${message}`,
    };
  }

  if (waitedSeconds >= poll.timeoutSeconds) {
    return {
      ...polled,
      status: 'timedOut',
      waitSeconds: 0,
      failureReason:
        `Report ${run.requestId} was still pending after ${waitedSeconds} s of waiting ` +
        `(reports.poll.timeoutSeconds is ${poll.timeoutSeconds}). Raise the timeout if the report is large.`,
    };
  }

  return {
    ...polled,
    status: 'pending',
    waitSeconds: nextWaitWithinTimeout(run.waitSeconds, waitedSeconds, poll),
  };
}
