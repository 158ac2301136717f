/** Maximum characters kept from a Step Functions error cause, so the alert stays readable in e-mail. */
const MAX_CAUSE_LENGTH = 1500;
/** SNS subjects may be up to 100 characters. */
const MAX_SUBJECT_LENGTH = 100;

export interface FailureAlert {
  subject: string;
  message: string;
}

/**
 * Builds the alert for a failed or timed-out report run from the state that reached the failure path:
 * a run state with `failureReason` (Talent reported the report as failed, or the poll timeout passed), or any state with
 * `error` set by a Catch (`{ Error, Cause }`, where Cause is the Lambda error as JSON text). It never
 * throws: fields it cannot find are written as "unknown", so the alert always goes out.
 */
export function describeFailure(state: unknown): FailureAlert {
  const fields = (typeof state === 'object' && state !== null ? state : {}) as Record<string, unknown>;
  const schedule = text(fields.schedule);
  const report = text(fields.report);
  const requestId = text(fields.requestId);
  const status = text(fields.status);
  const reason = failureReason(fields);
  const outcome = status === 'timedOut' ? 'timed out' : 'failed';

  const lines = [
    `Talent Sync report run ${outcome}.`,
    '',
    `Schedule:       ${schedule}`,
    `Report:         ${report}`,
    `Request id:     ${requestId}`,
    `Scheduled time: ${text(fields.scheduledTime)}`,
    ...(typeof fields.polls === 'number' ? [`Polls:          ${fields.polls}`] : []),
    ...(typeof fields.waitedSeconds === 'number' ? [`Waited:         ${fields.waitedSeconds} s`] : []),
    '',
    `Reason: ${reason}`,
    '',
    'Open the execution in the Step Functions console for the full history. To run the period again:',
    `talent-sync report run ${schedule === 'unknown' ? 'NAME' : schedule} --date YYYY-MM-DD`,
  ];
  return {
    subject: `Talent Sync report ${schedule} ${outcome}`.slice(0, MAX_SUBJECT_LENGTH),
    message: lines.join('\n'),
  };
}

function failureReason(fields: Record<string, unknown>): string {
  if (typeof fields.failureReason === 'string' && fields.failureReason) return fields.failureReason;

  const error = fields.error as { Error?: unknown; Cause?: unknown } | undefined;
  if (!error) return 'unknown (the state carries no reason)';
  const name = text(error.Error);
  let cause = typeof error.Cause === 'string' ? error.Cause : '';
  try {
    // A Lambda function error arrives as {"errorType", "errorMessage", "trace"}; the message is enough.
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') cause = parsed.errorMessage;
  } catch {
    // Not JSON: a States.* error carries plain text.
  }
  return `${name}: ${cause.slice(0, MAX_CAUSE_LENGTH) || 'no details'}`;
}

function text(value: unknown): string {
  return typeof value === 'string' && value.length > 0 ? value : 'unknown';
}
