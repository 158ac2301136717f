import type { Config } from '../config/schema';

export type PollSettings = Config['reports']['poll'];

/** Returns the first wait of a run: `initialWaitSeconds`, but never past `timeoutSeconds`. */
export function initialWaitSeconds(poll: PollSettings): number {
  return Math.min(poll.initialWaitSeconds, poll.timeoutSeconds);
}

/**
 * Returns the wait in seconds after a wait of `current` seconds: grown by `backoffFactor`, rounded up to a
 * whole second because a Step Functions Wait state takes whole seconds, and capped at `maxWaitSeconds`.
 */
export function nextWaitSeconds(current: number, poll: PollSettings): number {
  return Math.min(poll.maxWaitSeconds, Math.ceil(current * poll.backoffFactor));
}

/**
 * Returns the wait before the next poll of a run that has waited `waitedSeconds` so far: the grown wait,
 * shortened so that the total wait lands exactly on `timeoutSeconds` rather than past it.
 */
export function nextWaitWithinTimeout(current: number, waitedSeconds: number, poll: PollSettings): number {
  return Math.min(nextWaitSeconds(current, poll), poll.timeoutSeconds - waitedSeconds);
}

/** States entered before the first wait: RequestReport and IsReportRequested. */
const BEFORE_POLLS = 2;
/** States entered per poll: WaitForReport, PollReport and IsReportReady. */
const STATES_PER_POLL = 3;
/** States entered after the poll that finds the report complete: SaveReport and ReportSaved. */
const AFTER_SAVE = 2;
/** States entered after the poll that times out: DescribeFailure, NotifyFailure and ReportFailed. */
const AFTER_TIMEOUT = 3;

export interface PollingPlan {
  /** Status checks until the report is seen complete, or until the run times out. */
  polls: number;
  /** Seconds spent in Wait states. */
  waitedSeconds: number;
  /** Seconds between the report becoming ready and the poll that detects it; absent when the run times out. */
  detectionDelaySeconds?: number;
  timedOut: boolean;
  /**
   * States the execution enters: RequestReport and IsReportRequested, then WaitForReport, PollReport and
   * IsReportReady once per poll. A completed run then enters SaveReport and ReportSaved, and a timed-out
   * run DescribeFailure, NotifyFailure and ReportFailed. Step Functions Standard bills each transition.
   */
  stateTransitions: number;
}

/**
 * Computes how a run polls a report that Talent finishes `readyAfterSeconds` after the request, with the
 * same wait sequence as the PollReport step. Lambda run time is left out, so it is the plan for instant
 * steps. Used to compare poll settings by cost (state transitions) and delay.
 */
export function pollingPlan(readyAfterSeconds: number, poll: PollSettings): PollingPlan {
  let waitSeconds = initialWaitSeconds(poll);
  let waitedSeconds = 0;
  let polls = 0;

  while (true) {
    waitedSeconds += waitSeconds;
    polls += 1;

    if (waitedSeconds >= readyAfterSeconds) {
      return {
        polls,
        waitedSeconds,
        detectionDelaySeconds: waitedSeconds - readyAfterSeconds,
        timedOut: false,
        stateTransitions: BEFORE_POLLS + STATES_PER_POLL * polls + AFTER_SAVE,
      };
    }
    if (waitedSeconds >= poll.timeoutSeconds) {
      return {
        polls,
        waitedSeconds,
        timedOut: true,
        stateTransitions: BEFORE_POLLS + STATES_PER_POLL * polls + AFTER_TIMEOUT,
      };
    }
    waitSeconds = nextWaitWithinTimeout(waitSeconds, waitedSeconds, poll);
  }
}
