import { DirectoryRequestError } from './errors';
import type { DirectoryConnection } from './types';

/** Milliseconds a provider API request may take when the connection sets no timeout. */
const DEFAULT_TIMEOUT_MS = 10_000;

export interface DirectoryRequest {
  /** The provider's name for messages, for example "Gusto". */
  provider: string;
  personId: string;
  method: 'GET' | 'POST';
  /** The path after the base URL, starting with "/". */
  path: string;
  headers: Record<string, string>;
  body?: unknown;
}

/**
 * Sends one request to a provider API and returns the parsed JSON body, or undefined for 404. Other
 * failures throw a DirectoryRequestError that tells whether a retry can help and what to check.
 */
export async function requestJson(
  connection: DirectoryConnection,
  request: DirectoryRequest,
): Promise<unknown> {
  const url = `${connection.baseUrl.replace(/\/+$/, '')}${request.path}`;
  const subject = `${request.provider} API ${request.method} for person ${request.personId}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: request.method,
      headers: {
        accept: 'application/json',
        ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...request.headers,
      },
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal: AbortSignal.timeout(connection.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
  } catch (error) {
    throw new DirectoryRequestError(
      `${subject} failed before a response (${(error as Error).name}): it is retried`,
      true,
      undefined,
      { cause: error },
    );
  }

  if (response.status === 404) {
    await response.body?.cancel();
    return undefined;
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw statusError(subject, response.status);
  }
  try {
    return await response.json();
  } catch (error) {
    throw new DirectoryRequestError(`${subject} returned a body that is not JSON: it is retried`, true, 200, {
      cause: error,
    });
  }
}

/** Returns the error for a non-2xx status other than 404. */
export function statusError(subject: string, status: number): DirectoryRequestError {
  if (status === 401 || status === 403) {
    return new DirectoryRequestError(
      `${subject} was rejected with ${status}: check that the source's apiSecretName secret contains a ` +
        'valid API credential with read access to people',
      false,
      status,
    );
  }
  if (status === 429 || status === 408 || status >= 500) {
    return new DirectoryRequestError(`${subject} failed with ${status}: it is retried`, true, status);
  }
  return new DirectoryRequestError(
    `${subject} was rejected with ${status}: check the source's apiBaseUrl and the person id`,
    false,
    status,
  );
}
