import * as z from 'zod';
import type { RosterPerson } from '../../roster/event';
import { personNotFoundError, requestJson, statusError } from './http';
import {
  compactPerson,
  directoryDate,
  directoryEmail,
  directoryText,
  employmentStatus,
  optionalObject,
  parseDirectoryRecord,
  preferredDisplayName,
  utcDate,
} from './records';
import type { DirectoryConnection, DirectoryFactory, DirectoryRecord, ProviderDirectory } from './types';

/**
 * Reads people from the Finch API: `POST /employer/individual` and `POST /employer/employment`, each
 * with `{"requests": [{"individual_id": ...}]}` and returning one `responses` entry per id with its own
 * `code` (https://developer.tryfinch.com/api-reference/organization/employment). The credential is the
 * connection's Finch access token.
 */

export const FINCH_API_URL = 'https://api.tryfinch.com';

/** The API version every request names; the field mapping follows it. */
export const FINCH_API_VERSION = '2020-09-17';

/** Employment statuses after which the person no longer works for the employer. */
const LEAVER_STATUSES = new Set(['terminated', 'retired', 'deceased']);

/** Statuses before the first working day. */
const PENDING_STATUSES = new Set(['prehire', 'onboarding']);

const batchSchema = z.object({
  responses: z.array(z.object({ individual_id: z.string().nullish(), code: z.number(), body: z.unknown() })),
});

const individualSchema = z.object({
  first_name: directoryText(200),
  last_name: directoryText(200),
  preferred_name: directoryText(200),
  /** Read as the address of the first entry of type `work`. */
  emails: z
    .array(z.object({ data: z.string().nullish(), type: z.string().nullish() }))
    .nullish()
    .transform((emails) => emails?.find((email) => email.type?.toLowerCase() === 'work')?.data)
    .pipe(directoryEmail),
});

const employmentSchema = z.object({
  title: directoryText(200),
  department: optionalObject({ name: directoryText(200) }),
  location: optionalObject({ name: directoryText(200), city: directoryText(200) }),
  employment: optionalObject({ type: directoryText(100), subtype: directoryText(100) }),
  is_active: z.boolean().nullish(),
  employment_status: directoryText(50),
  start_date: directoryDate,
  end_date: directoryDate,
  latest_rehire_date: directoryDate,
});

export type FinchIndividual = z.output<typeof individualSchema>;
export type FinchEmployment = z.output<typeof employmentSchema>;

/**
 * Maps a Finch individual and employment to a roster person. `is_active: false` or a terminated,
 * retired or deceased status is a leaver; `leave` a leave; prehire, onboarding or a start date after
 * `today` pending. A rehire's first day is `latest_rehire_date`.
 */
export function finchPerson(
  individual: FinchIndividual,
  employment: FinchEmployment,
  today: string,
): RosterPerson {
  const status = employment.employment_status?.toLowerCase();
  const startDate = employment.latest_rehire_date ?? employment.start_date;
  const leaver = employment.is_active === false || (status !== undefined && LEAVER_STATUSES.has(status));
  const school = employment.location.name;
  return compactPerson({
    email: individual.emails,
    firstName: individual.first_name,
    lastName: individual.last_name,
    displayName: preferredDisplayName(individual.preferred_name, individual.last_name),
    jobTitle: employment.title,
    department: employment.department.name,
    school,
    location: school ?? employment.location.city,
    employeeType: employment.employment.subtype ?? employment.employment.type,
    status: employmentStatus(
      {
        leaver,
        leave: status === 'leave',
        pending: status !== undefined && PENDING_STATUSES.has(status),
      },
      startDate,
      today,
    ),
    startDate,
    terminationDate: leaver ? employment.end_date : undefined,
  });
}

function createFinchDirectory(connection: DirectoryConnection): ProviderDirectory {
  /**
   * Returns the body of the person's entry in one batch read. A 404, for the request or for the
   * person's entry, throws `personNotFoundError`.
   */
  const readPart = async (part: 'individual' | 'employment', personId: string): Promise<unknown> => {
    const path = `/employer/${part}`;
    const subject = `Finch API POST ${path} for person ${personId}`;
    const notFound = () =>
      personNotFoundError(connection, { provider: 'Finch', personId, method: 'POST', path });
    const response = await requestJson(connection, {
      provider: 'Finch',
      personId,
      method: 'POST',
      path,
      headers: { authorization: `Bearer ${connection.credential}`, 'finch-api-version': FINCH_API_VERSION },
      body: { requests: [{ individual_id: personId }] },
    });
    if (response === undefined) throw notFound();
    const { responses } = parseDirectoryRecord(batchSchema, response, subject);
    const entry = responses.find((candidate) => candidate.individual_id === personId) ?? responses[0];
    if (!entry || entry.code === 404) throw notFound();
    if (entry.code < 200 || entry.code > 299) throw statusError(subject, entry.code);
    return entry.body;
  };

  return {
    async fetchPerson(personId: string): Promise<DirectoryRecord> {
      const [individual, employment] = await Promise.all([
        readPart('individual', personId),
        readPart('employment', personId),
      ]);
      const subject = `Finch API record of person ${personId}`;
      const person = finchPerson(
        parseDirectoryRecord(individualSchema, individual, subject),
        parseDirectoryRecord(employmentSchema, employment, subject),
        utcDate(connection.now?.() ?? new Date()),
      );
      return { person, employeeId: personId };
    },
  };
}

export const finchDirectory: DirectoryFactory = {
  defaultBaseUrl: FINCH_API_URL,
  create: createFinchDirectory,
};
