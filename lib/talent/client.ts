import createClient from 'openapi-fetch';
import { TalentError } from './errors';
import type { paths } from './openapi';
import { type RetryInfo, requireData, Transport } from './transport';
import type {
  CreatedUser,
  CreateTagBody,
  CreateUserBody,
  CreateUsersBody,
  CreateUsersResult,
  ListGroupsQuery,
  ListRolesQuery,
  ListSystemsQuery,
  ListTagsQuery,
  PageQuery,
  ReportBuilderData,
  ReportBuilderDataRequest,
  ReportFilterOptions,
  ReportRequest,
  ReportRequested,
  ReportStatus,
  TalentGroup,
  TalentGroupList,
  TalentNotificationList,
  TalentProfileAttribute,
  TalentRoleList,
  TalentSystemList,
  TalentTag,
  TalentTagList,
  TalentUser,
  TalentUserList,
  TalentUserSummary,
  UpdateTagBody,
  UpdateUserBody,
  UpdateUsersGroupsBody,
} from './types';

export type { RetryInfo } from './transport';
export type * from './types';

export interface TalentClientOptions {
  /** The API URL including `/api/v2`, for example `https://api.torshtalent.com/api/v2`. */
  baseUrl: string;
  /** The bearer token, or a function that returns it; the function is called before every attempt. */
  token: string | (() => Promise<string>);
  /** Milliseconds one attempt may take, response body included. Default 10000. */
  timeoutMs?: number;
  /** Retries after the first attempt for 429, 500, 502, 503, 504, timeouts and network errors. Default 4. */
  maxRetries?: number;
  /** Client-side limit for this client instance, with bursts of up to one second's worth. Default 5. */
  requestsPerSecond?: number;
  fetch?: typeof fetch;
  /** Waits between retries and for the rate limit; replaced in tests. */
  sleep?: (ms: number) => Promise<void>;
  /** Returns a number in [0, 1) for the backoff jitter; replaced in tests. */
  random?: () => number;
  /** Milliseconds since the epoch, for the rate limit and Retry-After dates; replaced in tests. */
  now?: () => number;
  /** Called before each retry wait; use it to log retries. */
  onRetry?: (info: RetryInfo) => void;
}

/** A typed Talent API V2 client. Every method throws a `TalentError` (see errors.ts) when the call fails. */
export interface TalentClient {
  listUsers(page: PageQuery): Promise<TalentUserList>;
  /** Yields every user, walking the pages in order. */
  listAllUsers(pageSize?: number): AsyncGenerator<TalentUserSummary>;
  /** Returns undefined when no user has this e-mail. */
  getUser(email: string): Promise<TalentUser | undefined>;
  createUser(body: CreateUserBody): Promise<CreatedUser>;
  createUsers(body: CreateUsersBody): Promise<CreateUsersResult>;
  updateUser(email: string, body: UpdateUserBody): Promise<void>;
  deleteUser(email: string): Promise<void>;
  /** Replaces the groups of every listed user with the listed groups. */
  updateUsersGroups(body: UpdateUsersGroupsBody): Promise<void>;
  listUserGroups(email: string, page: PageQuery): Promise<TalentGroupList>;
  listUserNotifications(email: string, page: PageQuery): Promise<TalentNotificationList>;

  listGroups(query: ListGroupsQuery): Promise<TalentGroupList>;
  /** Finds a group by exact name, ignoring case; undefined when none matches. */
  findGroup(name: string): Promise<TalentGroup | undefined>;
  createGroup(name: string): Promise<TalentGroup>;
  updateGroup(name: string, newName: string): Promise<TalentGroup>;
  deleteGroup(name: string, options?: { systemId?: string }): Promise<void>;

  listTags(query: ListTagsQuery): Promise<TalentTagList>;
  createTag(body: CreateTagBody): Promise<TalentTag>;
  updateTag(tagId: string, body: UpdateTagBody): Promise<TalentTag>;
  deleteTag(tagId: string): Promise<void>;

  listSystems(query: ListSystemsQuery): Promise<TalentSystemList>;
  listRoles(query: ListRolesQuery): Promise<TalentRoleList>;
  listProfileAttributes(system: string): Promise<TalentProfileAttribute[]>;

  getReportFilterOptions(systemId?: string): Promise<ReportFilterOptions>;
  requestReport(body: ReportRequest): Promise<ReportRequested>;
  /** Returns the report's state. A failed report is a state, not an error. */
  getReport(reportId: string): Promise<ReportStatus>;
  getReportBuilderData(body: ReportBuilderDataRequest): Promise<ReportBuilderData>;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_RETRIES = 4;
const DEFAULT_REQUESTS_PER_SECOND = 5;
const GROUP_SEARCH_PAGE_SIZE = 100;

/** Creates a Talent client. Paths and bodies are checked against openapi.yaml at compile time. */
export function createTalentClient(options: TalentClientOptions): TalentClient {
  const api = createClient<paths>({
    baseUrl: options.baseUrl,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const transport = new Transport({
    token: options.token,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxRetries: options.maxRetries ?? DEFAULT_MAX_RETRIES,
    requestsPerSecond: options.requestsPerSecond ?? DEFAULT_REQUESTS_PER_SECOND,
    sleep: options.sleep ?? defaultSleep,
    random: options.random ?? Math.random,
    now: options.now ?? Date.now,
    ...(options.onRetry ? { onRetry: options.onRetry } : {}),
  });

  const client: TalentClient = {
    async listUsers(page) {
      const { data, response } = await transport.send('listUsers', (init) =>
        api.GET('/users', { params: { query: page }, ...init }),
      );
      return requireData('listUsers', data, response.status);
    },

    async *listAllUsers(pageSize = 100) {
      for (let pageNumber = 1; ; pageNumber += 1) {
        const page = await client.listUsers({ pageNumber, limit: pageSize });
        yield* page.users;
        if (page.users.length === 0 || pageNumber >= page.pageCount) return;
      }
    },

    async getUser(email) {
      const { data, response } = await transport.send(
        'getUser',
        (init) => api.GET('/users/{email}', { params: { path: { email } }, ...init }),
        { accept: (result) => result.response.status === 404 },
      );
      if (response.status === 404) return undefined;
      return requireData('getUser', data, response.status);
    },

    async createUser(body) {
      const { data, response } = await transport.send('createUser', (init) =>
        api.POST('/users', { body, ...init }),
      );
      return requireData('createUser', data, response.status);
    },

    async createUsers(body) {
      const { data, response } = await transport.send('createUsers', (init) =>
        api.POST('/users/bulk', { body, ...init }),
      );
      return requireData('createUsers', data, response.status);
    },

    async updateUser(email, body) {
      await transport.send('updateUser', (init) =>
        api.PUT('/users/{email}', { params: { path: { email } }, body, ...init }),
      );
    },

    async deleteUser(email) {
      await transport.send('deleteUser', (init) =>
        api.DELETE('/users/{email}', { params: { path: { email } }, ...init }),
      );
    },

    async updateUsersGroups(body) {
      await transport.send('updateUsersGroups', (init) => api.PUT('/users/groups', { body, ...init }));
    },

    async listUserGroups(email, page) {
      const { data, response } = await transport.send('listUserGroups', (init) =>
        api.GET('/users/{email}/groups', { params: { path: { email }, query: page }, ...init }),
      );
      return requireData('listUserGroups', data, response.status);
    },

    async listUserNotifications(email, page) {
      const { data, response } = await transport.send('listUserNotifications', (init) =>
        api.GET('/users/{email}/notifications', { params: { path: { email }, query: page }, ...init }),
      );
      return requireData('listUserNotifications', data, response.status);
    },

    async listGroups(query) {
      const { data, response } = await transport.send('listGroups', (init) =>
        api.GET('/groups', { params: { query }, ...init }),
      );
      return requireData('listGroups', data, response.status);
    },

    async findGroup(name) {
      const wanted = name.toLowerCase();
      for (let pageNumber = 1; ; pageNumber += 1) {
        const page = await client.listGroups({ pageNumber, limit: GROUP_SEARCH_PAGE_SIZE, name });
        const match = page.groups.find((group) => group.name.toLowerCase() === wanted);
        if (match) return match;
        if (page.groups.length === 0 || pageNumber >= page.pageCount) return undefined;
      }
    },

    async createGroup(name) {
      const { data, response } = await transport.send('createGroup', (init) =>
        api.POST('/groups', { body: { name }, ...init }),
      );
      return requireData('createGroup', data, response.status);
    },

    async updateGroup(name, newName) {
      const { data, response } = await transport.send('updateGroup', (init) =>
        api.PUT('/groups/{name}', { params: { path: { name } }, body: { name: newName }, ...init }),
      );
      return requireData('updateGroup', data, response.status);
    },

    async deleteGroup(name, deleteOptions = {}) {
      const body = deleteOptions.systemId === undefined ? undefined : { systemId: deleteOptions.systemId };
      await transport.send('deleteGroup', (init) =>
        api.DELETE('/groups/{name}', { params: { path: { name } }, ...(body ? { body } : {}), ...init }),
      );
    },

    async listTags(query) {
      const { data, response } = await transport.send('listTags', (init) =>
        api.GET('/tags', { params: { query }, ...init }),
      );
      return requireData('listTags', data, response.status);
    },

    async createTag(body) {
      const { data, response } = await transport.send('createTag', (init) =>
        api.POST('/tags', { body, ...init }),
      );
      return requireData('createTag', data, response.status);
    },

    async updateTag(tagId, body) {
      const { data, response } = await transport.send('updateTag', (init) =>
        api.PUT('/tags/{tagId}', { params: { path: { tagId } }, body, ...init }),
      );
      return requireData('updateTag', data, response.status);
    },

    async deleteTag(tagId) {
      await transport.send('deleteTag', (init) =>
        api.DELETE('/tags/{tagId}', { params: { path: { tagId } }, ...init }),
      );
    },

    async listSystems(query) {
      const { data, response } = await transport.send('listSystems', (init) =>
        api.GET('/systems', { params: { query }, ...init }),
      );
      return requireData('listSystems', data, response.status);
    },

    async listRoles(query) {
      const { data, response } = await transport.send('listRoles', (init) =>
        api.GET('/roles', { params: { query }, ...init }),
      );
      return requireData('listRoles', data, response.status);
    },

    async listProfileAttributes(system) {
      const { data, response } = await transport.send('listProfileAttributes', (init) =>
        api.GET('/profileAttributes', { params: { query: { system } }, ...init }),
      );
      return requireData('listProfileAttributes', data, response.status);
    },

    async getReportFilterOptions(systemId) {
      const query = systemId === undefined ? {} : { systemId };
      const { data, response } = await transport.send('getReportFilterOptions', (init) =>
        api.GET('/reports/filterOptions', { params: { query }, ...init }),
      );
      return requireData('getReportFilterOptions', data, response.status).filterOptions;
    },

    async requestReport(body) {
      const { data, response } = await transport.send('requestReport', (init) =>
        api.POST('/reports', { body, ...init }),
      );
      return requireData('requestReport', data, response.status);
    },

    async getReport(reportId) {
      const result = await transport.send(
        'getReport',
        (init) => api.GET('/reports/{reportId}', { params: { path: { reportId } }, ...init }),
        { accept: (candidate) => isFailedReport(candidate.response.status, candidate.error) },
      );
      return toReportStatus(reportId, result);
    },

    async getReportBuilderData(body) {
      const { data, response } = await transport.send('getReportBuilderData', (init) =>
        api.POST('/reports/reportBuilder/data', { body, ...init }),
      );
      return requireData('getReportBuilderData', data, response.status);
    },
  };
  return client;
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Talent returns 500 with `status: "failed"` when a report failed. That 500 is the report's final
 * state. A 500 without it is a server fault, which the transport retries.
 */
function isFailedReport(status: number, body: unknown): boolean {
  return (
    status === 500 &&
    typeof body === 'object' &&
    body !== null &&
    (body as { status?: unknown }).status === 'failed'
  );
}

/** Maps the HTTP status to the state, which the reference ties to 202, 200 and 500. */
function toReportStatus(
  reportId: string,
  result: { data?: unknown; error?: unknown; response: Response },
): ReportStatus {
  const { status } = result.response;
  if (status === 202) return { ...asObject(result.data), reportId, status: 'pending' };
  if (status === 200) return { ...asObject(result.data), reportId, status: 'complete' };
  if (isFailedReport(status, result.error)) {
    const body = result.error as { message?: unknown };
    const message = typeof body.message === 'string' ? body.message : 'the report failed without a reason';
    return { reportId, status: 'failed', message };
  }
  throw new TalentError(
    `Talent getReport returned the unexpected status ${status} (not retried)`,
    'getReport',
    false,
  );
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}
