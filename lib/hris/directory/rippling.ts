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
 * Reads workers from the Rippling REST API: `GET /workers/{id}?expand=user,department`
 * (https://developer.rippling.com/documentation/rest-api/reference/get-workers). The credential is an
 * API token or the app's OAuth access token, sent as a bearer token.
 *
 * NOTE: the worker fields read here (`work_email`, `status`, `title`, `start_date`, `end_date`, the
 * expanded `user.name` and `department.name`) follow the published v2 field list but were not checked
 * against a live response.
 */

export const RIPPLING_API_URL = 'https://rest.ripplingapis.com';

/** Worker statuses before the first working day. */
const PENDING_STATUSES = new Set(['INIT', 'HIRED', 'ACCEPTED']);

const workerSchema = z.object({
  work_email: directoryEmail,
  status: directoryText(50),
  title: directoryText(200),
  start_date: directoryDate,
  end_date: directoryDate,
  user: optionalObject({
    name: optionalObject({
      given_name: directoryText(200),
      family_name: directoryText(200),
      preferred_given_name: directoryText(200),
    }),
  }),
  department: optionalObject({ name: directoryText(200) }),
  location: optionalObject({ name: directoryText(200) }),
  employment_type: optionalObject({ name: directoryText(100) }),
});

export type RipplingWorker = z.output<typeof workerSchema>;

/**
 * Maps a Rippling worker to a roster person. `TERMINATED` is a leaver; `INIT`, `HIRED` and `ACCEPTED`,
 * or a start date after `today`, are pending.
 */
export function ripplingPerson(worker: RipplingWorker, today: string): RosterPerson {
  const status = worker.status?.toUpperCase();
  const leaver = status === 'TERMINATED';
  const { name } = worker.user;
  return compactPerson({
    email: worker.work_email,
    firstName: name.given_name,
    lastName: name.family_name,
    displayName: preferredDisplayName(name.preferred_given_name, name.family_name),
    jobTitle: worker.title,
    department: worker.department.name,
    school: worker.location.name,
    location: worker.location.name,
    employeeType: worker.employment_type.name,
    status: employmentStatus(
      { leaver, pending: status !== undefined && PENDING_STATUSES.has(status) },
      worker.start_date,
      today,
    ),
    startDate: worker.start_date,
    terminationDate: leaver ? worker.end_date : undefined,
  });
}

function createRipplingDirectory(connection: DirectoryConnection): ProviderDirectory {
  return {
    fetchPerson: async (personId) =>
      fetchPersonRecord(connection, {
        provider: 'Rippling',
        personId,
        path: `/workers/${encodeURIComponent(personId)}?expand=user,department`,
        headers: { authorization: `Bearer ${connection.credential}` },
        schema: workerSchema,
        toPerson: ripplingPerson,
      }),
  };
}

export const ripplingDirectory: DirectoryFactory = {
  defaultBaseUrl: RIPPLING_API_URL,
  create: createRipplingDirectory,
};
