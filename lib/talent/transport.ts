import { apiError, TalentError, TalentNetworkError, TalentTimeoutError } from './errors';
import { TokenBucket } from './rate-limit';
import { backoffDelayMs, MAX_RETRY_AFTER_MS, parseRetryAfterMs, RETRYABLE_STATUSES } from './retry';

/** The argument of `onRetry`, called before each wait. `attempt` is the attempt that just failed, from 1. */
export interface RetryInfo {
  operation: string;
  attempt: number;
  delayMs: number;
  status?: number;
  reason: string;
}

export interface TransportOptions {
  token: string | (() => Promise<string>);
  timeoutMs: number;
  maxRetries: number;
  requestsPerSecond: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  now: () => number;
  onRetry?: (info: RetryInfo) => void;
}

/** The per-attempt request settings an openapi-fetch call receives. */
export interface AttemptInit {
  signal: AbortSignal;
  headers: { Authorization: string };
}

/** The shape openapi-fetch resolves to. */
export interface FetchResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

export interface SendOptions<R extends FetchResult> {
  /** Treats a non-2xx result as the result instead of an error, for example 404 on a lookup. */
  accept?: (result: R) => boolean;
}

type AttemptOutcome<R> =
  | { kind: 'result'; result: R }
  | { kind: 'timeout' }
  | { kind: 'network'; cause: unknown };

/**
 * Runs openapi-fetch calls with the bearer token, a per-attempt timeout, the client-side rate limit
 * and retries. Each attempt calls `attempt` again, so openapi-fetch serializes the body afresh and a
 * retried request carries the same body.
 */
export class Transport {
  private readonly bucket: TokenBucket;

  constructor(private readonly options: TransportOptions) {
    this.bucket = new TokenBucket(options.requestsPerSecond, { now: options.now, sleep: options.sleep });
  }

  async send<R extends FetchResult>(
    operation: string,
    attempt: (init: AttemptInit) => Promise<R>,
    sendOptions: SendOptions<R> = {},
  ): Promise<R> {
    const maxAttempts = this.options.maxRetries + 1;

    for (let attemptNumber = 1; ; attemptNumber += 1) {
      await this.bucket.acquire();
      const outcome = await this.runAttempt(operation, attempt);

      const failure = this.classify(operation, outcome, attemptNumber, sendOptions);
      if (failure.done) return failure.result as R;
      if (!failure.retryable || attemptNumber >= maxAttempts) throw failure.error(attemptNumber);

      const delayMs = failure.retryAfterMs ?? backoffDelayMs(attemptNumber, this.options.random);
      this.options.onRetry?.({
        operation,
        attempt: attemptNumber,
        delayMs,
        ...(failure.status === undefined ? {} : { status: failure.status }),
        reason: failure.reason,
      });
      await this.options.sleep(delayMs);
    }
  }

  private async runAttempt<R extends FetchResult>(
    operation: string,
    attempt: (init: AttemptInit) => Promise<R>,
  ): Promise<AttemptOutcome<R>> {
    const token = await this.resolveToken(operation);
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.options.timeoutMs);

    try {
      // openapi-fetch reads the body before it resolves, so the timeout covers the whole response.
      const result = await attempt({
        signal: controller.signal,
        headers: { Authorization: `Bearer ${token}` },
      });
      return { kind: 'result', result };
    } catch (error) {
      if (timedOut) return { kind: 'timeout' };
      if (error instanceof SyntaxError) {
        throw new TalentError(
          `Talent ${operation} returned a body that is not valid JSON (not retried)`,
          operation,
          false,
          { cause: error },
        );
      }
      return { kind: 'network', cause: error };
    } finally {
      clearTimeout(timer);
    }
  }

  private async resolveToken(operation: string): Promise<string> {
    const { token } = this.options;
    if (typeof token === 'string') return token;
    try {
      return await token();
    } catch (error) {
      throw new TalentError(
        `Talent ${operation} not sent: the token provider failed; check the token secret`,
        operation,
        false,
        { cause: error },
      );
    }
  }

  private classify<R extends FetchResult>(
    operation: string,
    outcome: AttemptOutcome<R>,
    attemptNumber: number,
    sendOptions: SendOptions<R>,
  ): Classified {
    if (outcome.kind === 'timeout') {
      return {
        done: false,
        retryable: true,
        reason: `timed out after ${this.options.timeoutMs} ms`,
        error: (attempts) => new TalentTimeoutError(operation, this.options.timeoutMs, attempts),
      };
    }
    if (outcome.kind === 'network') {
      return {
        done: false,
        retryable: true,
        reason: 'network error',
        error: (attempts) => new TalentNetworkError(operation, attempts, outcome.cause),
      };
    }

    const { result } = outcome;
    const { status } = result.response;
    if (result.response.ok || sendOptions.accept?.(result)) return { done: true, result };

    if (!RETRYABLE_STATUSES.has(status)) {
      return {
        done: false,
        retryable: false,
        status,
        reason: `status ${status}`,
        error: (attempts) => apiError({ operation, status, body: result.error, retryable: false, attempts }),
      };
    }

    const retryAfterMs = parseRetryAfterMs(result.response.headers.get('Retry-After'), this.options.now());
    if (retryAfterMs !== undefined && retryAfterMs > MAX_RETRY_AFTER_MS) {
      const seconds = Math.ceil(retryAfterMs / 1000);
      throw apiError({
        operation,
        status,
        body: result.error,
        retryable: true,
        attempts: attemptNumber,
        detail: `(the server asked to wait ${seconds} s, more than the ${MAX_RETRY_AFTER_MS / 1000} s limit; retry later)`,
      });
    }
    return {
      done: false,
      retryable: true,
      status,
      reason: `status ${status}`,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      error: (attempts) => apiError({ operation, status, body: result.error, retryable: true, attempts }),
    };
  }
}

type Classified =
  | { done: true; result: FetchResult }
  | {
      done: false;
      retryable: boolean;
      status?: number;
      reason: string;
      retryAfterMs?: number;
      error: (attempts: number) => TalentError;
    };

/** Returns the body of a successful result, or fails when Talent sent none. */
export function requireData<T>(operation: string, data: T | undefined, status: number): T {
  if (data === undefined) {
    throw new TalentError(
      `Talent ${operation} returned ${status} without a body (not retried)`,
      operation,
      false,
    );
  }
  return data;
}
