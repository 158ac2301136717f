/** A roster file that cannot be read as a whole: missing, of an unknown format, or without a needed column. */
export class RosterFileError extends Error {
  override readonly name = 'RosterFileError';
}

/**
 * A reconcile run that would deactivate more Talent users than `roster.maxDeactivationShare` allows.
 * The message gives the count, the limit and how to force the run.
 */
export class DeactivationBrakeError extends Error {
  override readonly name = 'DeactivationBrakeError';

  constructor(
    message: string,
    readonly deactivations: number,
    readonly limit: number,
  ) {
    super(message);
  }
}
