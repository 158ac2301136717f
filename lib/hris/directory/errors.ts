import { HrisError } from '../errors';

/**
 * A failed request to a provider's API. `retryable` is true for failures that may pass on a later try:
 * network errors, timeouts, 429 and 5xx. It is false for rejections that need an operator, such as a
 * wrong or expired credential. The message names the provider, the person id and the HTTP status, never the
 * credential or a response body.
 */
export class DirectoryRequestError extends HrisError {
  override readonly name = 'DirectoryRequestError';

  constructor(
    message: string,
    readonly retryable: boolean,
    readonly statusCode?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
