import * as z from 'zod';
import type { RosterPerson } from '../../roster/event';
import { fetchPersonRecord } from './http';
import {
  compactPerson,
  directoryDate,
  directoryEmail,
  directoryText,
  employmentStatus,
  optionalObject,
  preferredDisplayName,
} from './records';
import type { DirectoryConnection, DirectoryFactory, ProviderDirectory } from './types';

/**
 * Reads employees from the Gusto API: `GET /v1/employees/{uuid}`
 * (https://docs.gusto.com/app-integrations/reference/get-v1-employees). The credential is an OAuth
 * access token of the company, sent as a bearer token.
 *
 * NOTE: Gusto access tokens expire after two hours, and this directory does not refresh them. The
 * secret must hold a token that a separate process keeps current.
 */

export const GUSTO_API_URL = 'https://api.gusto.com';

/** The API version every request names; the field mapping follows it. */
export const GUSTO_API_VERSION = '2024-04-01';

const jobSchema = z.object({
  title: directoryText(200),
  primary: z.boolean().nullish(),
  hire_date: directoryDate,
  location: optionalObject({ city: directoryText(200) }),
});

const employeeSchema = z.object({
  first_name: directoryText(200),
  last_name: directoryText(200),
  preferred_first_name: directoryText(200),
  work_email: directoryEmail,
  department: directoryText(200),
  terminated: z.boolean().nullish(),
  onboarded: z.boolean().nullish(),
  current_employment_status: directoryText(100),
  jobs: z
    .array(jobSchema)
    .nullish()
    .transform((value) => value ?? []),
  terminations: z
    .array(z.object({ active: z.boolean().nullish(), effective_date: directoryDate }))
    .nullish()
    .transform((value) => value ?? []),
});

export type GustoEmployee = z.output<typeof employeeSchema>;

/**
 * Maps a Gusto employee to a roster person. `terminated: true` is a leaver, with the latest active
 * termination's date. The primary job (or the first) gives the title, the start date and the city.
 * An employee who has not finished onboarding, or whose start date is after `today`, is pending.
 */
export function gustoPerson(employee: GustoEmployee, today: string): RosterPerson {
  const job = employee.jobs.find((candidate) => candidate.primary) ?? employee.jobs[0];
  const leaver = employee.terminated === true;
  const terminationDate = employee.terminations
    .filter((termination) => termination.active !== false)
    .map((termination) => termination.effective_date)
    .filter((date): date is string => date !== undefined)
    .sort()
    .at(-1);
  return compactPerson({
    email: employee.work_email,
    firstName: employee.first_name,
    lastName: employee.last_name,
    displayName: preferredDisplayName(employee.preferred_first_name, employee.last_name),
    jobTitle: job?.title,
    department: employee.department,
    location: job?.location.city,
    employeeType: employee.current_employment_status,
    status: employmentStatus({ leaver, pending: employee.onboarded === false }, job?.hire_date, today),
    startDate: job?.hire_date,
    terminationDate: leaver ? terminationDate : undefined,
  });
}

function createGustoDirectory(connection: DirectoryConnection): ProviderDirectory {
  return {
    fetchPerson: async (personId) =>
      fetchPersonRecord(connection, {
        provider: 'Gusto',
        personId,
        path: `/v1/employees/${encodeURIComponent(personId)}`,
        headers: {
          authorization: `Bearer ${connection.credential}`,
          'x-gusto-api-version': GUSTO_API_VERSION,
        },
        schema: employeeSchema,
        toPerson: gustoPerson,
      }),
  };
}

export const gustoDirectory: DirectoryFactory = {
  defaultBaseUrl: GUSTO_API_URL,
  create: createGustoDirectory,
};
