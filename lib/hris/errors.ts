/** Base class of the errors raised while receiving HRIS webhooks. */
export class HrisError extends Error {
  override readonly name: string = 'HrisError';
}

/**
 * A relevant webhook payload that does not have the expected shape. The message names the field, for
 * example `data.work_email: must be an e-mail address`, and never contains the field's value.
 */
export class PayloadError extends HrisError {
  override readonly name = 'PayloadError';

  /** The field path and what is wrong with it; the same text as the message. */
  get reason(): string {
    return this.message;
  }
}

/** A signing secret value that is neither a plain string nor a `{"current", "previous"}` object. */
export class SigningSecretError extends HrisError {
  override readonly name = 'SigningSecretError';
}

/** Extra fields for the delivery's log line; ids only, never payload values. */
export interface DeliveryLogFields {
  eventIds?: string[];
  employeeIds?: string[];
}

/**
 * A rejected delivery, with the HTTP status of the response. The message is returned to the sender, so it
 * states what is wrong and what to do without echoing secrets, signatures or payload values.
 */
export class DeliveryRejectedError extends HrisError {
  override readonly name = 'DeliveryRejectedError';

  constructor(
    readonly statusCode: number,
    message: string,
    readonly logFields: DeliveryLogFields = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
