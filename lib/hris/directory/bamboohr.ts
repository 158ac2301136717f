import * as z from 'zod';
import type { RosterPerson } from '../../roster/event';
import { DirectoryRequestError } from './errors';
import { fetchPersonRecord } from './http';
import {
  compactPerson,
  directoryDate,
  directoryEmail,
  directoryText,
  preferredDisplayName,
  statusFromStart,
} from './records';
import type { DirectoryConnection, DirectoryFactory, ProviderDirectory } from './types';

/**
 * Reads employees from the BambooHR API (https://documentation.bamboohr.com/reference/get-employee):
 * `GET {gateway}/{companyDomain}/v1/employees/{id}?fields=...` with HTTP basic auth, the API key as
 * the user name and any password. The credential secret contains the API key.
 */

export const BAMBOOHR_API_URL = 'https://api.bamboohr.com/api/gateway.php';

/** The fields requested; BambooHR returns only the fields named in `fields`. */
export const BAMBOOHR_FIELDS = [
  'firstName',
  'lastName',
  'preferredName',
  'displayName',
  'workEmail',
  'jobTitle',
  'department',
  'division',
  'location',
  'status',
  'employmentHistoryStatus',
  'hireDate',
  'terminationDate',
] as const;

const employeeSchema = z.object({
  firstName: directoryText(200),
  lastName: directoryText(200),
  preferredName: directoryText(200),
  displayName: directoryText(400),
  workEmail: directoryEmail,
  jobTitle: directoryText(200),
  department: directoryText(200),
  division: directoryText(200),
  location: directoryText(200),
  status: directoryText(50),
  employmentHistoryStatus: directoryText(100),
  hireDate: directoryDate,
  terminationDate: directoryDate,
});

export type BambooHrEmployee = z.output<typeof employeeSchema>;

/**
 * Maps a BambooHR employee to a roster person. `status: Inactive` is a leaver (BambooHR has no
 * termination event, only this status); a hire date after `today` is pending. A district's locations
 * are its schools, so `location` fills both school and location; `division` replaces a blank
 * department. `employmentHistoryStatus` (Full-Time, Part-Time, ...) is the employee type, except
 * `Terminated`, which is a status.
 */
export function bambooHrPerson(employee: BambooHrEmployee, today: string): RosterPerson {
  const terminated =
    employee.status?.toLowerCase() === 'inactive' ||
    employee.employmentHistoryStatus?.toLowerCase() === 'terminated';
  return compactPerson({
    email: employee.workEmail,
    firstName: employee.firstName,
    lastName: employee.lastName,
    displayName: employee.displayName ?? preferredDisplayName(employee.preferredName, employee.lastName),
    jobTitle: employee.jobTitle,
    department: employee.department ?? employee.division,
    school: employee.location,
    location: employee.location,
    employeeType: terminated ? undefined : employee.employmentHistoryStatus,
    status: terminated ? 'inactive' : statusFromStart(employee.hireDate, today),
    startDate: employee.hireDate,
    terminationDate: terminated ? employee.terminationDate : undefined,
  });
}

/** Returns the company's API root: the source's `apiBaseUrl` (or the public gateway) and its `companyDomain`. */
function companyApiUrl(connection: DirectoryConnection): string {
  const companyDomain = connection.source?.companyDomain;
  if (!companyDomain) {
    throw new DirectoryRequestError(
      `BambooHR source "${connection.source?.name ?? ''}" has no companyDomain: set it to the ` +
        'subdomain of the BambooHR account (acme for acme.bamboohr.com)',
      false,
    );
  }
  return `${connection.baseUrl.replace(/\/+$/, '')}/${encodeURIComponent(companyDomain)}`;
}

function createBambooHrDirectory(connection: DirectoryConnection): ProviderDirectory {
  const authorization = `Basic ${Buffer.from(`${connection.credential}:x`).toString('base64')}`;
  return {
    fetchPerson: async (personId) =>
      fetchPersonRecord(
        { ...connection, baseUrl: companyApiUrl(connection) },
        {
          provider: 'BambooHR',
          personId,
          path: `/v1/employees/${encodeURIComponent(personId)}?fields=${BAMBOOHR_FIELDS.join(',')}`,
          headers: { authorization },
          schema: employeeSchema,
          toPerson: bambooHrPerson,
        },
      ),
  };
}

export const bamboohrDirectory: DirectoryFactory = {
  defaultBaseUrl: BAMBOOHR_API_URL,
  create: createBambooHrDirectory,
};
