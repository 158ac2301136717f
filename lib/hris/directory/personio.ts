import * as z from 'zod';
import type { RosterPerson } from '../../roster/event';
import { DirectoryRequestError } from './errors';
import { personNotFoundError, requestJson, statusError } from './http';
import {
  compactPerson,
  directoryDate,
  directoryEmail,
  directoryText,
  optionalObject,
  parseDirectoryRecord,
  preferredDisplayName,
  statusFromStart,
  utcDate,
} from './records';
import type { DirectoryConnection, DirectoryFactory, DirectoryRecord, ProviderDirectory } from './types';

/**
 * Reads people from the Personio API v2: `GET /v2/persons/{id}` and `GET /v2/persons/{id}/employments`
 * (https://developer.personio.de/v2.0/reference/get_v2-persons). The credential secret contains either
 * the JSON object `{"clientId": "...", "clientSecret": "..."}`, exchanged at `POST /v2/auth/token` for
 * an access token that is cached until shortly before it expires, or an access token itself, which must
 * then be replaced before it expires.
 *
 * NOTE: Personio v2 may return an employment's office and org units as ids only; their names (the
 * school and department the rules match on) are read only when the response includes `name`.
 */

export const PERSONIO_API_URL = 'https://api.personio.de';

/** Seconds before an access token's expiry at which a new one is requested. */
const TOKEN_RENEWAL_MARGIN_SECONDS = 60;

const personSchema = z.object({
  first_name: directoryText(200),
  last_name: directoryText(200),
  preferred_name: directoryText(200),
  email: directoryEmail,
});

const namedSchema = optionalObject({ name: directoryText(200), type: directoryText(50) });

const employmentSchema = z.object({
  status: directoryText(50),
  type: directoryText(100),
  position: optionalObject({ title: directoryText(200) }),
  office: namedSchema,
  org_units: z
    .array(namedSchema)
    .nullish()
    .transform((value) => value ?? []),
  employment_start_date: directoryDate,
  termination_date: directoryDate,
  termination: optionalObject({ termination_date: directoryDate }),
});

const employmentsSchema = z.object({
  _data: z
    .array(employmentSchema)
    .nullish()
    .transform((value) => value ?? []),
});

const tokenSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive().optional(),
});

export type PersonioPerson = z.output<typeof personSchema>;
export type PersonioEmployment = z.output<typeof employmentSchema>;

/** Employment statuses in which the person still belongs to the company. */
const CURRENT_STATUSES = new Set(['active', 'onboarding', 'leave']);

/**
 * Maps a Personio person and their employments to a roster person. The job comes from the current
 * employment: the active, onboarding or on-leave one with the latest start date. `ACTIVE` is active, or
 * pending before its start date, `ONBOARDING` is pending, `LEAVE` a leave, and `INACTIVE` a leaver. A
 * person without an employment is not (or no longer) employed, so inactive.
 */
export function personioPerson(
  person: PersonioPerson,
  employments: readonly PersonioEmployment[],
  today: string,
): RosterPerson {
  const employment = currentEmployment(employments);
  const department = employment?.org_units.find((unit) => unit.type?.toLowerCase() === 'department');
  return compactPerson({
    email: person.email,
    firstName: person.first_name,
    lastName: person.last_name,
    displayName: preferredDisplayName(person.preferred_name, person.last_name),
    jobTitle: employment?.position.title,
    department: department?.name,
    school: employment?.office.name,
    location: employment?.office.name,
    employeeType: employment?.type,
    status: personioStatus(employment, today),
    startDate: employment?.employment_start_date,
    terminationDate: employment?.termination_date ?? employment?.termination.termination_date,
  });
}

function currentEmployment(employments: readonly PersonioEmployment[]): PersonioEmployment | undefined {
  const byStartDescending = [...employments].sort((left, right) =>
    (right.employment_start_date ?? '').localeCompare(left.employment_start_date ?? ''),
  );
  return (
    byStartDescending.find((employment) => CURRENT_STATUSES.has(employment.status?.toLowerCase() ?? '')) ??
    byStartDescending[0]
  );
}

function personioStatus(employment: PersonioEmployment | undefined, today: string): RosterPerson['status'] {
  switch (employment?.status?.toLowerCase()) {
    case 'active':
      return statusFromStart(employment.employment_start_date, today);
    case 'onboarding':
      return 'pending';
    case 'leave':
      return 'leave';
    default:
      return 'inactive';
  }
}

interface CachedToken {
  value: string;
  /** Epoch milliseconds after which a new token is requested. */
  renewAt: number;
}

/** Access tokens per base URL and client id, kept for the life of a warm function. */
const tokenCache = new Map<string, CachedToken>();

/** Returns the bearer token: the stored one, or one from the client-credentials exchange. */
async function accessToken(connection: DirectoryConnection, personId: string, now: Date): Promise<string> {
  const credentials = clientCredentials(connection.credential);
  if (!credentials) return connection.credential;

  const cacheKey = tokenCacheKey(connection, credentials.clientId);
  const cached = tokenCache.get(cacheKey);
  if (cached && cached.renewAt > now.getTime()) return cached.value;

  const subject = `Personio API token request for person ${personId}`;
  let response: Response;
  try {
    response = await fetch(`${connection.baseUrl.replace(/\/+$/, '')}/v2/auth/token`, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: credentials.clientId,
        client_secret: credentials.clientSecret,
      }),
      signal: AbortSignal.timeout(connection.timeoutMs ?? 10_000),
    });
  } catch (error) {
    throw new DirectoryRequestError(`${subject} failed before a response: it is retried`, true, undefined, {
      cause: error,
    });
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw statusError(subject, response.status);
  }
  const token = parseDirectoryRecord(tokenSchema, await response.json().catch(() => undefined), subject);
  const lifetimeSeconds = Math.max((token.expires_in ?? 3600) - TOKEN_RENEWAL_MARGIN_SECONDS, 0);
  tokenCache.set(cacheKey, { value: token.access_token, renewAt: now.getTime() + lifetimeSeconds * 1000 });
  return token.access_token;
}

function tokenCacheKey(connection: DirectoryConnection, clientId: string): string {
  return `${connection.baseUrl}#${clientId}`;
}

/** Reads `{"clientId", "clientSecret"}`; any other value is taken as an access token. */
function clientCredentials(credential: string): { clientId: string; clientSecret: string } | undefined {
  if (!credential.trimStart().startsWith('{')) return undefined;
  let parsed: { clientId?: unknown; clientSecret?: unknown } | undefined;
  try {
    parsed = JSON.parse(credential) as typeof parsed;
  } catch {
    // Reported below; the parse error could echo the secret.
  }
  if (typeof parsed?.clientId !== 'string' || typeof parsed.clientSecret !== 'string') {
    throw new DirectoryRequestError(
      'the Personio API credential must be {"clientId": "...", "clientSecret": "..."} or an access ' +
        'token: fix the secret named by apiSecretName',
      false,
    );
  }
  return { clientId: parsed.clientId, clientSecret: parsed.clientSecret };
}

function createPersonioDirectory(connection: DirectoryConnection): ProviderDirectory {
  return {
    async fetchPerson(personId): Promise<DirectoryRecord> {
      const now = connection.now?.() ?? new Date();
      const headers = { authorization: `Bearer ${await accessToken(connection, personId, now)}` };
      const path = `/v2/persons/${encodeURIComponent(personId)}`;

      const personBody = await requestWithToken(connection, { personId, path, headers });
      if (personBody === undefined) {
        throw personNotFoundError(connection, { provider: 'Personio', personId, method: 'GET', path });
      }
      const employmentsBody = await requestWithToken(connection, {
        personId,
        path: `${path}/employments`,
        headers,
      });

      const subject = `Personio API GET for person ${personId}`;
      const person = parseDirectoryRecord(personSchema, personBody, subject);
      const { _data: employments } = parseDirectoryRecord(employmentsSchema, employmentsBody ?? {}, subject);
      return { person: personioPerson(person, employments, utcDate(now)), employeeId: personId };
    },
  };
}

/**
 * Sends a GET with the access token. A 401 for an exchanged token drops it from the cache and is
 * retryable, because Personio may revoke a token before its stated expiry and the next try gets a new one.
 */
async function requestWithToken(
  connection: DirectoryConnection,
  request: { personId: string; path: string; headers: Record<string, string> },
): Promise<unknown> {
  try {
    return await requestJson(connection, { provider: 'Personio', method: 'GET', ...request });
  } catch (error) {
    const credentials = clientCredentials(connection.credential);
    if (!(error instanceof DirectoryRequestError) || error.statusCode !== 401 || !credentials) throw error;
    tokenCache.delete(tokenCacheKey(connection, credentials.clientId));
    throw new DirectoryRequestError(
      `Personio API GET for person ${request.personId} rejected the cached access token: it is retried with a new one`,
      true,
      401,
      { cause: error },
    );
  }
}

export const personioDirectory: DirectoryFactory = {
  defaultBaseUrl: PERSONIO_API_URL,
  create: createPersonioDirectory,
};
