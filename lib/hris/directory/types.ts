import type { SourceConfig } from '../../config/schema';
import type { RosterPerson } from '../../roster/event';

/** A person as the provider's API returns it now. */
export interface DirectoryRecord {
  person: RosterPerson;
  employeeId: string;
}

/** Reads people from a provider's API, for webhooks that carry only a person id. */
export interface ProviderDirectory {
  /**
   * Returns the person's current record. Throws DirectoryRequestError: transient failures (network,
   * timeout, 429, 5xx) are retryable, and rejections (401, 403, 404, other 4xx) are permanent.
   */
  fetchPerson(personId: string): Promise<DirectoryRecord>;
}

/** The connection settings of a directory: the provider API's URL, credential and timeout. */
export interface DirectoryConnection {
  /** The API's base URL without a trailing slash. */
  baseUrl: string;
  /** The API credential, as stored in the source's `apiSecretName` secret. */
  credential: string;
  /** Milliseconds one request may take before it is aborted. */
  timeoutMs?: number;
  /** The configured source, for provider-specific settings such as BambooHR's `companyDomain`. */
  source?: SourceConfig;
  /** The day the record is read on (UTC), for start dates in the future; defaults to now. */
  now?: () => Date;
}

/** One provider's directory: its public API URL and a constructor. */
export interface DirectoryFactory {
  defaultBaseUrl: string;
  create(connection: DirectoryConnection): ProviderDirectory;
}
