import * as z from 'zod';
import type { RosterPerson } from '../../roster/event';
import { DirectoryRequestError } from './errors';
import { fetchPersonRecord } from './http';
import {
  compactPerson,
  directoryDate,
  directoryEmail,
  directoryText,
  optionalObject,
  statusFromStart,
} from './records';
import type { DirectoryConnection, DirectoryFactory, ProviderDirectory } from './types';

/**
 * Reads employees from the Bob People API (https://apidocs.hibob.com/reference/get_people-identifier):
 * `GET /v1/people/{id}?includeHumanReadable=true` with HTTP basic auth as a service user. The credential
 * secret contains `<service user id>:<token>`, or the JSON object `{"serviceUserId": "...", "token": "..."}`.
 * The service user needs read access to the basic, work and lifecycle field categories.
 *
 * NOTE: the field paths (`work.title`, `internal.lifecycleStatus`, ...) follow Bob's people-search
 * conventions; check them against a tenant before relying on the status mapping.
 */

export const HIBOB_API_URL = 'https://api.hibob.com';

const text = directoryText(200);

const workSchema = optionalObject({ title: text, department: text, site: text, startDate: directoryDate });

const employeeSchema = z.object({
  firstName: text,
  surname: text,
  displayName: directoryText(400),
  email: directoryEmail,
  work: workSchema,
  internal: optionalObject({
    status: directoryText(50),
    lifecycleStatus: directoryText(50),
    terminationDate: directoryDate,
  }),
  /** Display values of list fields, which `work` may hold as list item ids. */
  humanReadable: optionalObject({ work: workSchema }),
});

export type HiBobEmployee = z.output<typeof employeeSchema>;

/** Bob lifecycle statuses that are a leave rather than a termination; `employee.inactivated` also fires for them. */
const LEAVE_LIFECYCLE = new Set(['leave', 'on leave', 'temporary leave', 'garden leave']);

/**
 * Maps a Bob employee to a roster person. The lifecycle status decides: `terminated` (or `internal.status`
 * Inactive without a leave) is a leaver, a leave is `leave`, `hired` or a start date after `today` is
 * pending. A rehired employee keeps the same record with a new start date, so the record after the
 * rehire maps to pending or active again. A site is a school in a district, so it fills school and location.
 */
export function hiBobPerson(employee: HiBobEmployee, today: string): RosterPerson {
  const work = { ...employee.work, ...definedValues(employee.humanReadable.work) };
  const status = hiBobStatus(employee, today);
  return compactPerson({
    email: employee.email,
    firstName: employee.firstName,
    lastName: employee.surname,
    displayName: employee.displayName,
    jobTitle: work.title,
    department: work.department,
    school: work.site,
    location: work.site,
    status,
    startDate: employee.work.startDate,
    // A rehired record keeps the old termination date until Bob clears it.
    terminationDate: status === 'inactive' ? employee.internal.terminationDate : undefined,
  });
}

function hiBobStatus(employee: HiBobEmployee, today: string): RosterPerson['status'] {
  const lifecycle = employee.internal.lifecycleStatus?.toLowerCase();
  if (lifecycle === 'terminated') return 'inactive';
  if (lifecycle && LEAVE_LIFECYCLE.has(lifecycle)) return 'leave';
  if (employee.internal.status?.toLowerCase() === 'inactive') return 'inactive';
  if (lifecycle === 'hired') return 'pending';
  return statusFromStart(employee.work.startDate, today);
}

/** Reads the credential as `id:token` or as a JSON object with `serviceUserId` and `token`. */
export function hiBobAuthorization(credential: string): string {
  let user: string | undefined;
  let token: string | undefined;
  if (credential.trimStart().startsWith('{')) {
    try {
      const parsed = JSON.parse(credential) as { serviceUserId?: unknown; token?: unknown };
      if (typeof parsed.serviceUserId === 'string') user = parsed.serviceUserId;
      if (typeof parsed.token === 'string') token = parsed.token;
    } catch {
      // Reported below as a malformed credential; the parse error could echo the secret.
    }
  } else {
    const separator = credential.indexOf(':');
    if (separator > 0) {
      user = credential.slice(0, separator);
      token = credential.slice(separator + 1);
    }
  }
  if (!user || !token) {
    throw new DirectoryRequestError(
      'the HiBob API credential must be "<service user id>:<token>" or ' +
        '{"serviceUserId": "...", "token": "..."}: fix the secret named by apiSecretName',
      false,
    );
  }
  return `Basic ${Buffer.from(`${user}:${token}`).toString('base64')}`;
}

function createHiBobDirectory(connection: DirectoryConnection): ProviderDirectory {
  return {
    fetchPerson: async (personId) =>
      fetchPersonRecord(connection, {
        provider: 'HiBob',
        personId,
        path: `/v1/people/${encodeURIComponent(personId)}?includeHumanReadable=true`,
        headers: { authorization: hiBobAuthorization(connection.credential) },
        schema: employeeSchema,
        toPerson: hiBobPerson,
      }),
  };
}

function definedValues<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

export const hibobDirectory: DirectoryFactory = {
  defaultBaseUrl: HIBOB_API_URL,
  create: createHiBobDirectory,
};
