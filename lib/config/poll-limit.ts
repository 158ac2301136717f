/**
 * The limit on status checks per report run. Each poll makes a Standard Step Functions execution enter
 * WaitForReport, PollReport and IsReportReady. That records about 9 history events, an estimate from the
 * event types: entered and exited for each state, plus scheduled, started and succeeded for the Lambda
 * task. AWS fails an execution whose history reaches 25,000 events.
 */

/**
 * The maximum number of polls one run may need before `timeoutSeconds`. That is about 9,000 history
 * events, which leaves room under 25,000 for the states around the loop and for Lambda retries.
 */
export const MAX_POLLS_PER_RUN = 1000;

/** The `reports.poll` settings that decide the wait sequence. */
export interface PollWaitSettings {
  initialWaitSeconds: number;
  backoffFactor: number;
  maxWaitSeconds: number;
  timeoutSeconds: number;
}

/**
 * Counts the polls of a run whose report never completes, with the wait sequence of `pollingPlan` in
 * lib/reports/backoff.ts. Each wait grows by `backoffFactor`, rounded up to whole seconds and capped at
 * `maxWaitSeconds`. The last wait is shortened to end on `timeoutSeconds`. The loop runs once per poll,
 * so callers pass waits of at least 1 second and a bounded timeout.
 */
export function pollsUntilTimeout(poll: PollWaitSettings): number {
  let waitSeconds = Math.min(poll.initialWaitSeconds, poll.timeoutSeconds);
  let waitedSeconds = 0;
  let polls = 0;

  while (true) {
    waitedSeconds += waitSeconds;
    polls += 1;
    if (waitedSeconds >= poll.timeoutSeconds) return polls;

    const grownSeconds = Math.min(poll.maxWaitSeconds, Math.ceil(waitSeconds * poll.backoffFactor));
    waitSeconds = Math.min(grownSeconds, poll.timeoutSeconds - waitedSeconds);
  }
}

/** Returns why the settings poll too often, with the fix, or undefined when they stay within the limit. */
export function pollLimitProblem(poll: PollWaitSettings): string | undefined {
  const polls = pollsUntilTimeout(poll);
  if (polls <= MAX_POLLS_PER_RUN) return undefined;

  return (
    `needs ${formatCount(polls)} polls before timeoutSeconds, but a run may make at most ` +
    `${formatCount(MAX_POLLS_PER_RUN)}, because each poll adds about 9 events to the Step Functions ` +
    'execution history and AWS fails an execution at 25,000. Raise maxWaitSeconds or backoffFactor, ' +
    'or lower timeoutSeconds'
  );
}

function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}
