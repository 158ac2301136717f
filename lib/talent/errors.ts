import { maskEmail } from '../runtime/logger';

/**
 * A failed Talent call. `operation` is the operationId from the OpenAPI document, and `retryable`
 * is true when the same call may succeed later (a queue retry, for example).
 * Messages never contain a request body or the bearer token.
 */
export class TalentError extends Error {
  override readonly name: string = 'TalentError';

  constructor(
    message: string,
    readonly operation: string,
    readonly retryable: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** An HTTP error status from Talent. */
export class TalentApiError extends TalentError {
  override readonly name = 'TalentApiError';

  constructor(
    message: string,
    operation: string,
    retryable: boolean,
    readonly status: number,
    /** The `message` field of the error body, with e-mail addresses masked. */
    readonly serverMessage: string | undefined,
    /** Attempts made, including the first. */
    readonly attempts: number,
  ) {
    super(message, operation, retryable);
  }
}

/** A call whose every attempt ran past the per-attempt timeout. */
export class TalentTimeoutError extends TalentError {
  override readonly name = 'TalentTimeoutError';

  constructor(
    operation: string,
    readonly timeoutMs: number,
    readonly attempts: number,
  ) {
    super(`Talent ${operation} timed out after ${timeoutMs} ms ${attemptsNote(attempts)}`, operation, true);
  }
}

/** A connection that failed or closed before Talent sent a response. */
export class TalentNetworkError extends TalentError {
  override readonly name = 'TalentNetworkError';

  constructor(
    operation: string,
    readonly attempts: number,
    cause: unknown,
  ) {
    super(
      `Talent ${operation} failed: network error (${describeNetworkCause(cause)}) ${attemptsNote(attempts)}`,
      operation,
      true,
      { cause },
    );
  }
}

/** Returns whether a failed call may succeed if tried again later, and false for errors from elsewhere. */
export function isRetryable(error: unknown): boolean {
  return error instanceof TalentError && error.retryable;
}

/** Builds the error for an HTTP error status, in the form `Talent createUser failed with 409: … (not retried)`. */
export function apiError(options: {
  operation: string;
  status: number;
  body: unknown;
  retryable: boolean;
  attempts: number;
  detail?: string;
}): TalentApiError {
  const serverMessage = extractServerMessage(options.body);
  const reason = serverMessage ?? defaultReason(options.status);
  const note = options.detail ?? (options.retryable ? attemptsNote(options.attempts) : '(not retried)');
  return new TalentApiError(
    `Talent ${options.operation} failed with ${options.status}: ${reason} ${note}`,
    options.operation,
    options.retryable,
    options.status,
    serverMessage,
    options.attempts,
  );
}

const MAX_SERVER_MESSAGE_LENGTH = 300;
const EMAIL_PATTERN = /[^\s@"'<>(),;:]+@[^\s@"'<>(),;:]+/g;

/** Reads `message` from an error body; plain-text bodies count unless they look like HTML. */
function extractServerMessage(body: unknown): string | undefined {
  let text: string | undefined;
  if (typeof body === 'string' && !body.trimStart().startsWith('<')) {
    text = body;
  } else if (typeof body === 'object' && body !== null && 'message' in body) {
    const message = (body as { message: unknown }).message;
    if (typeof message === 'string') text = message;
  }
  if (!text?.trim()) return undefined;

  const masked = text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(EMAIL_PATTERN, (email) => maskEmail(email) ?? '***');
  return masked.length > MAX_SERVER_MESSAGE_LENGTH
    ? `${masked.slice(0, MAX_SERVER_MESSAGE_LENGTH)}…`
    : masked;
}

const REASONS: Record<number, string> = {
  400: 'bad request',
  401: 'unauthorized: check the bearer token',
  403: 'forbidden: the token lacks the scope for this call',
  404: 'not found',
  409: 'conflict',
  429: 'too many requests',
  500: 'internal server error',
  502: 'bad gateway',
  503: 'service unavailable',
  504: 'gateway timeout',
};

function defaultReason(status: number): string {
  return REASONS[status] ?? 'unexpected status';
}

export function attemptsNote(attempts: number): string {
  return `(gave up after ${attempts} ${attempts === 1 ? 'attempt' : 'attempts'})`;
}

/** Names the low-level cause: undici reports `fetch failed` with the socket error as its cause. */
function describeNetworkCause(cause: unknown): string {
  const parts: string[] = [];
  let current: unknown = cause;
  for (let depth = 0; depth < 3 && current instanceof Error; depth += 1) {
    const code = (current as { code?: unknown }).code;
    parts.push(typeof code === 'string' ? `${current.message} [${code}]` : current.message);
    current = current.cause;
  }
  return parts.length > 0 ? parts.join(': ') : String(cause);
}
