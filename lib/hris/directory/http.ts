import type { z } from 'zod';
import type { RosterPerson } from '../../roster/event';
import { DirectoryRequestError } from './errors';
import { parseDirectoryRecord, utcDate } from './records';
import type { DirectoryConnection, DirectoryRecord } from './types';

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
 * Sends one request to a provider API and returns the parsed JSON body, or undefined for 404, which the
 * caller turns into `personNotFoundError` or reads as an empty list. Other failures throw a
 * DirectoryRequestError that marks whether a retry can help and names what to check.
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

/**
 * Returns the permanent error for a person lookup that returned 404. Only events that change a person
 * look them up, and the provider sends its deletion events without a lookup. So a 404 here means the
 * lookup went to the wrong place (a wrong apiBaseUrl, account or company) far more often than a removed
 * person, and applying it as a leaver would deactivate real users. The message names the URL without
 * user info or query, which may carry credentials, and never the credential itself.
 */
export function personNotFoundError(
  connection: DirectoryConnection,
  request: Pick<DirectoryRequest, 'provider' | 'personId' | 'method' | 'path'>,
): DirectoryRequestError {
  const source = connection.source ? `source "${connection.source.name}": ` : '';
  return new DirectoryRequestError(
    `${source}${request.provider} API ${request.method} ${requestLocation(connection, request.path)} ` +
      `returned 404 (not found) for employee ` +
      `${request.personId}: check apiBaseUrl / account or company fields in the source config ` +
      '(a person the provider deleted arrives as a deletion event, which needs no lookup)',
    false,
    404,
  );
}

/**
 * Returns the request's origin and path, without user info, query or fragment: what an operator compares
 * with the provider's API address.
 */
function requestLocation(connection: DirectoryConnection, path: string): string {
  try {
    const url = new URL(`${connection.baseUrl.replace(/\/+$/, '')}${path}`);
    return `${url.origin}${url.pathname}`;
  } catch {
    return path.replace(/[?#].*$/s, '');
  }
}

/** One person read with a single GET: where to send it and how to read the record. */
export interface PersonRequest<T extends z.ZodType> {
  provider: string;
  personId: string;
  path: string;
  headers: Record<string, string>;
  schema: T;
  /** Maps the validated record to a roster person; `today` is the UTC date of the read. */
  toPerson(record: z.output<T>, today: string): RosterPerson;
}

/**
 * Reads one person with a GET, validates the record and maps it. A 404 throws `personNotFoundError`;
 * other failures throw as `requestJson` does.
 */
export async function fetchPersonRecord<T extends z.ZodType>(
  connection: DirectoryConnection,
  request: PersonRequest<T>,
): Promise<DirectoryRecord> {
  const { provider, personId, path, headers } = request;
  const body = await requestJson(connection, { provider, personId, method: 'GET', path, headers });
  if (body === undefined) throw personNotFoundError(connection, { provider, personId, method: 'GET', path });

  const record = parseDirectoryRecord(request.schema, body, `${provider} API GET for person ${personId}`);
  const today = utcDate(connection.now?.() ?? new Date());
  return { person: request.toPerson(record, today), employeeId: personId };
}
