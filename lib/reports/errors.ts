/**
 * Errors of the report delivery steps. Step Functions reports an error's `name` as the Lambda error type,
 * so each failure kind has its own name that Retry and Catch rules can match.
 */

/** A state machine input or state that does not match the expected shape; `problems` names each field. */
export class ReportInputError extends Error {
  override readonly name = 'ReportInputError';

  constructor(
    message: string,
    readonly problems: readonly string[],
  ) {
    super(message);
  }
}

/** The execution names a schedule that the deployment config does not contain. */
export class UnknownScheduleError extends Error {
  override readonly name = 'UnknownScheduleError';

  constructor(
    readonly schedule: string,
    knownSchedules: readonly string[],
  ) {
    const known = knownSchedules.length > 0 ? knownSchedules.join(', ') : 'none';
    super(
      `Schedule "${schedule}" is not in reports.schedules of the deployment config (configured: ${known}). ` +
        'Start the execution with a configured schedule name, or add the schedule and deploy.',
    );
  }
}

/** Talent has no data for a report that the run expects to be complete. */
export class ReportNotReadyError extends Error {
  override readonly name = 'ReportNotReadyError';

  constructor(
    readonly requestId: string,
    message: string,
  ) {
    super(message);
  }
}

/** The CSV download of a complete Report Builder export failed. */
export class ReportDownloadError extends Error {
  override readonly name = 'ReportDownloadError';

  constructor(
    readonly requestId: string,
    message: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Writing a report or its manifest to S3 failed; nothing was left under the report key. */
export class ReportSaveError extends Error {
  override readonly name = 'ReportSaveError';

  constructor(
    readonly requestId: string,
    readonly key: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
