import type { ProviderKind, SourceConfig } from '../../config/schema';
import type { RosterLogger } from '../../roster/apply';
import { PermanentApplyError } from '../../roster/errors';
import { type RosterEvent, rosterEventSchema } from '../../roster/event';
import { getSecretValue } from '../../runtime/secrets';
import { DirectoryRequestError } from './errors';
import type { DirectoryFactory, DirectoryRecord, ProviderDirectory } from './types';

export * from './errors';
export type * from './types';

/**
 * The provider APIs that thin webhooks are resolved against, one line per provider. Each module builds
 * its response schemas when it is evaluated, so it is loaded with the first lookup against its provider:
 * a deployment has one or a few thin sources, and most events need no lookup at all.
 */
const DIRECTORIES: Partial<Record<ProviderKind, () => Promise<DirectoryFactory>>> = {
  bamboohr: async () => (await import('./bamboohr')).bamboohrDirectory,
  hibob: async () => (await import('./hibob')).hibobDirectory,
  personio: async () => (await import('./personio')).personioDirectory,
  finch: async () => (await import('./finch')).finchDirectory,
  gusto: async () => (await import('./gusto')).gustoDirectory,
  rippling: async () => (await import('./rippling')).ripplingDirectory,
};

/**
 * Returns the directory of a source whose provider sends thin webhooks. The API credential is read from
 * the `apiSecretName` secret on each fetch (the secrets module caches it), and the base URL is the
 * source's `apiBaseUrl` or the provider's public API.
 */
export function directoryFor(source: SourceConfig): ProviderDirectory {
  const loadFactory = DIRECTORIES[source.provider];
  const secretName = source.apiSecretName;
  if (!loadFactory || !secretName) {
    const missing = loadFactory
      ? 'has no apiSecretName'
      : `uses provider "${source.provider}", which has no API lookup`;
    throw new DirectoryRequestError(
      `source "${source.name}" ${missing}: set apiSecretName to the provider API credential's secret`,
      false,
    );
  }
  return {
    async fetchPerson(personId) {
      const factory = await loadFactory();
      const credential = await readCredential(source.name, secretName);
      const baseUrl = source.apiBaseUrl ?? factory.defaultBaseUrl;
      return factory.create({ baseUrl, credential, source }).fetchPerson(personId);
    },
  };
}

/**
 * Replaces a thin event (one with `lookup`) by the person's current record from the provider's API; other
 * events, deletions among them, are returned unchanged. The fetched record decides the action: an
 * inactive person is terminated, anyone else upserted. So a late or repeated webhook applies the current
 * state, never an old one.
 *
 * A retryable API failure propagates, so the message returns to the queue. A rejection (wrong credential,
 * a person the API does not find, other 4xx) or an invalid record becomes a PermanentApplyError, which
 * sends the message to the dead-letter queue. A 404 is never read as a leaver: a wrong apiBaseUrl or
 * account returns 404 for everyone, and that would deactivate every person the source sends.
 */
export async function resolveThinEvent(
  event: RosterEvent,
  sources: readonly SourceConfig[],
  logger: RosterLogger,
  directories: (source: SourceConfig) => ProviderDirectory = directoryFor,
): Promise<RosterEvent> {
  const { lookup, ...thin } = event;
  if (!lookup) return event;
  const ids = { eventId: event.eventId, source: event.source, employeeId: event.employeeId };

  let record: DirectoryRecord;
  try {
    const source = sources.find((candidate) => candidate.name === event.source);
    if (!source) {
      throw new DirectoryRequestError(
        `source "${event.source}" is not in the config: restore it, or delete the message`,
        false,
      );
    }
    record = await directories(source).fetchPerson(lookup.personId);
  } catch (error) {
    const permanent = error instanceof DirectoryRequestError && !error.retryable;
    logger.error('Person lookup failed', { ...ids, reason: (error as Error).message, permanent });
    if (!permanent) throw error;
    throw new PermanentApplyError((error as Error).message, ids, { cause: error });
  }

  // The message group and the state key were fixed by the webhook's id, so that id stays the key.
  const resolved: RosterEvent = {
    ...thin,
    action: record.person.status === 'inactive' ? 'terminate' : 'upsert',
    person: record.person,
  };
  const checked = rosterEventSchema.safeParse(resolved);
  if (!checked.success) {
    const fields = [...new Set(checked.error.issues.map((issue) => issue.path.join('.')))].join(', ');
    throw new PermanentApplyError(
      `the provider's record for person ${lookup.personId} has invalid fields (${fields}): correct them in the HRIS`,
      ids,
      { cause: checked.error },
    );
  }
  logger.info('Person looked up', {
    ...ids,
    action: checked.data.action,
    status: checked.data.person.status,
  });
  return checked.data;
}

async function readCredential(sourceName: string, secretName: string): Promise<string> {
  try {
    return await getSecretValue(secretName);
  } catch (error) {
    throw new DirectoryRequestError(
      `the API credential of source "${sourceName}" cannot be read: check the secret named by apiSecretName`,
      true,
      undefined,
      { cause: error },
    );
  }
}
