import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTalentClient, type RetryInfo, type TalentClientOptions } from '../../../lib/talent/client';
import {
  isRetryable,
  TalentApiError,
  TalentError,
  TalentNetworkError,
  TalentTimeoutError,
} from '../../../lib/talent/errors';
import {
  DEFAULT_TOKENS,
  startTalentSimulator,
  type TalentSimulator,
} from '../../../local/talent-simulator/server';

const START = Date.UTC(2025, 4, 5, 6, 0, 0);
const PENDING_MS = 1000;
let clock = START;
let simulator: TalentSimulator;

beforeAll(async () => {
  simulator = await startTalentSimulator({
    validateResponses: true,
    now: () => clock,
    reportPendingMs: PENDING_MS,
    reportRows: 3,
    reportOutcome: (request) => (request.report === 'forumUsage' ? 'failed' : 'complete'),
    seed: {
      groups: ['Lincoln Elementary'],
      users: [
        {
          email: 'coach@district.example.org',
          role: 'Coach',
          name: 'Casey Coach',
          groups: ['Lincoln Elementary'],
        },
      ],
    },
  });
});

afterEach(() => {
  expect(simulator.responseViolations()).toEqual([]);
  simulator.reset();
  clock = START;
});

afterAll(async () => {
  await simulator.close();
});

/** A client whose waits return at once and are recorded instead. */
function testClient(options: Partial<TalentClientOptions> = {}) {
  const sleeps: number[] = [];
  const retries: RetryInfo[] = [];
  const client = createTalentClient({
    baseUrl: simulator.url,
    token: DEFAULT_TOKENS.system,
    requestsPerSecond: 1000,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    onRetry: (info) => retries.push(info),
    ...options,
  });
  return { client, sleeps, retries };
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('users', () => {
  it('lists one page of users', async () => {
    const { client } = testClient();
    const page = await client.listUsers({ pageNumber: 1, limit: 10 });
    expect(page).toEqual({
      users: [
        {
          email: 'coach@district.example.org',
          role: 'Coach',
          name: 'Casey Coach',
          status: 'Active',
          lastSeen: null,
        },
      ],
      pageNumber: 1,
      usersListedCount: 1,
      pageCount: 1,
    });
  });

  it('walks every page with listAllUsers', async () => {
    const { client } = testClient();
    for (const name of ['a', 'b', 'c', 'd'])
      await client.createUser({ email: `${name}@district.example.org`, role: 'Teacher' });
    const emails: string[] = [];
    for await (const user of client.listAllUsers(2)) emails.push(user.email);
    expect(emails).toEqual([
      'a@district.example.org',
      'b@district.example.org',
      'c@district.example.org',
      'coach@district.example.org',
      'd@district.example.org',
    ]);
    expect(simulator.counts().listUsers).toBe(3);
  });

  it('gets a user by e-mail in any case', async () => {
    const { client } = testClient();
    const user = await client.getUser('Coach@District.example.org');
    expect(user).toMatchObject({
      email: 'coach@district.example.org',
      groups: ['Lincoln Elementary'],
      status: 'Active',
    });
  });

  it('returns undefined for an unknown user', async () => {
    const { client } = testClient();
    expect(await client.getUser('nobody@district.example.org')).toBeUndefined();
  });

  it('encodes an e-mail with a plus sign in the path', async () => {
    const { client } = testClient();
    await client.createUser({ email: 'jane+test@district.example.org', role: 'Teacher' });
    expect((await client.getUser('jane+test@district.example.org'))?.email).toBe(
      'jane+test@district.example.org',
    );
  });

  it('creates a user and returns its id', async () => {
    const { client } = testClient();
    const created = await client.createUser({
      email: 'new@district.example.org',
      role: 'Teacher',
      name: 'New Teacher',
      groups: ['Lincoln Elementary'],
      suppress_invite: true,
    });
    expect(simulator.users().find((user) => user.email === 'new@district.example.org')?.userId).toBe(
      created.userId,
    );
  });

  it('creates users in bulk', async () => {
    const { client } = testClient();
    const result = await client.createUsers({
      invites: [{ email: 'one@district.example.org', name: 'One' }, { email: 'coach@district.example.org' }],
      role: 'Teacher',
    });
    expect(result.successes.map((entry) => entry.email)).toEqual(['one@district.example.org']);
    expect(result.failures).toEqual([{ email: 'coach@district.example.org', reason: 'user already exists' }]);
  });

  it('updates a user, including a new e-mail', async () => {
    const { client } = testClient();
    await client.updateUser('coach@district.example.org', {
      email: 'coach.new@district.example.org',
      status: 'Disabled',
    });
    expect(simulator.users()).toMatchObject([
      { email: 'coach.new@district.example.org', status: 'Disabled' },
    ]);
  });

  it('deletes a user', async () => {
    const { client } = testClient();
    await client.deleteUser('coach@district.example.org');
    expect(simulator.users()).toEqual([]);
  });

  it('replaces the groups of several users', async () => {
    const { client } = testClient();
    await client.createGroup('Jefferson High');
    await client.updateUsersGroups({ emails: ['coach@district.example.org'], groups: ['Jefferson High'] });
    expect(simulator.users()[0]?.groups).toEqual(['Jefferson High']);
  });

  it('lists a user’s groups', async () => {
    const { client } = testClient();
    const page = await client.listUserGroups('coach@district.example.org', { pageNumber: 1, limit: 10 });
    expect(page.groups.map((group) => group.name)).toEqual(['Lincoln Elementary']);
  });

  it('lists a user’s notifications', async () => {
    const { client } = testClient();
    await client.createUser({ email: 'new@district.example.org', role: 'Teacher' });
    const page = await client.listUserNotifications('new@district.example.org', { pageNumber: 1, limit: 10 });
    expect(page.notifications.map((notification) => notification.type)).toEqual(['invitation']);
  });
});

describe('groups', () => {
  it('lists groups with a name filter', async () => {
    const { client } = testClient();
    const page = await client.listGroups({ pageNumber: 1, limit: 10, name: 'lincoln' });
    expect(page.groups.map((group) => group.name)).toEqual(['Lincoln Elementary']);
  });

  it('finds a group by exact name ignoring case', async () => {
    const { client } = testClient();
    await client.createGroup('Lincoln Elementary Annex');
    expect(await client.findGroup('LINCOLN ELEMENTARY')).toEqual({
      _id: expect.any(String),
      name: 'Lincoln Elementary',
    });
  });

  it('finds a group past the first page of matches', async () => {
    const { client } = testClient();
    for (let index = 0; index < 105; index += 1) await client.createGroup(`Annex ${index} of Roosevelt`);
    await client.createGroup('Roosevelt');
    const found = await client.findGroup('roosevelt');
    expect(found?.name).toBe('Roosevelt');
    expect(simulator.counts().listGroups).toBe(2);
  });

  it('returns undefined when no group matches exactly', async () => {
    const { client } = testClient();
    expect(await client.findGroup('Lincoln')).toBeUndefined();
  });

  it('creates, renames and deletes a group', async () => {
    const { client } = testClient();
    const created = await client.createGroup('Roosevelt Middle');
    const renamed = await client.updateGroup('roosevelt middle', 'Roosevelt Middle School');
    await client.deleteGroup('Roosevelt Middle School', { systemId: 'system-local' });
    expect(renamed).toEqual({ _id: created._id, name: 'Roosevelt Middle School' });
    expect(simulator.groups().map((group) => group.name)).toEqual(['Default Group', 'Lincoln Elementary']);
  });
});

describe('tags, systems, roles and profile attributes', () => {
  it('manages tags', async () => {
    const { client } = testClient();
    const created = await client.createTag({ tag: 'Questioning', type: 'observation' });
    const updated = await client.updateTag(created._id, { type: 'focus' });
    const listed = await client.listTags({ pageNumber: 1, limit: 10, type: 'focus' });
    await client.deleteTag(created._id);
    expect(updated).toEqual({ _id: created._id, tag: 'Questioning', type: 'focus' });
    expect(listed.tags.map((tag) => tag.tag)).toEqual(['Classroom Culture', 'Questioning']);
  });

  it('lists systems', async () => {
    const { client } = testClient();
    const result = await client.listSystems({ pageNumber: 1, limit: 10 });
    expect(result.systems).toEqual([{ systemId: 'system-local', name: 'Local District' }]);
  });

  it('lists roles', async () => {
    const { client } = testClient();
    const result = await client.listRoles({ pageNumber: 1, limit: 10 });
    expect(result.totalCount).toBe(4);
  });

  it('lists profile attributes', async () => {
    const { client } = testClient();
    const attributes = await client.listProfileAttributes('system-local');
    expect(attributes[0]?.label).toBe('School');
  });
});

describe('reports', () => {
  const goals = {
    report: 'goals' as const,
    email: 'data.team@district.example.org',
    filterOptions: { startDate: '2025-05-01', endDate: '2025-05-04' },
  };

  it('gets the filter options', async () => {
    const { client } = testClient();
    const options = await client.getReportFilterOptions('system-local');
    expect(options.dateFormat).toBe('YYYY-MM-DD');
  });

  it('reports a pending report', async () => {
    const { client } = testClient();
    const { insightsReportRequestId } = await client.requestReport(goals);
    const status = await client.getReport(insightsReportRequestId);
    expect(status.status).toBe('pending');
  });

  it('returns the rows of a complete report', async () => {
    const { client } = testClient();
    const { insightsReportRequestId } = await client.requestReport(goals);
    clock += PENDING_MS;
    const status = await client.getReport(insightsReportRequestId);
    expect(status).toMatchObject({
      status: 'complete',
      reportId: insightsReportRequestId,
      filterOptions: goals.filterOptions,
    });
    expect(status.status === 'complete' ? status.reportData : undefined).toHaveLength(3);
  });

  it('returns the download URL of a Report Builder export', async () => {
    const { client } = testClient();
    const { insightsReportRequestId } = await client.requestReport({
      report: 'reportBuilder',
      reportId: 'saved-1',
    });
    clock += PENDING_MS;
    const status = await client.getReport(insightsReportRequestId);
    expect(status.status === 'complete' ? status.csvDownloadUrl : undefined).toMatch(
      /\/downloads\/[0-9a-f]+\.csv$/,
    );
  });

  it('returns a failed report without retrying', async () => {
    const { client, retries } = testClient();
    const { insightsReportRequestId } = await client.requestReport({ ...goals, report: 'forumUsage' });
    clock += PENDING_MS;
    const status = await client.getReport(insightsReportRequestId);
    expect(status).toEqual({
      reportId: insightsReportRequestId,
      status: 'failed',
      message: 'report processing failed in the simulator',
    });
    expect(retries).toEqual([]);
    expect(simulator.counts().getReport).toBe(1);
  });

  it('retries a 500 that is not a failed report', async () => {
    const { client, retries } = testClient();
    const { insightsReportRequestId } = await client.requestReport(goals);
    simulator.failNext(1, '500', 'getReport');
    const status = await client.getReport(insightsReportRequestId);
    expect(status.status).toBe('pending');
    expect(retries.map((retry) => retry.status)).toEqual([500]);
  });

  it('pages Report Builder data', async () => {
    const { client } = testClient();
    const page = await client.getReportBuilderData({ reportId: 'savedReport123abc', pageSize: 10 });
    expect(page.pagination).toEqual({ pageNumber: 1, pageSize: 10, totalRows: 3, pageCount: 1 });
    expect(page.savedReportTitle).toBe('Monthly Activity Report');
  });
});

describe('createTalentClient', () => {
  it('reaches every operation of the document', async () => {
    const { client } = testClient();
    const email = 'coach@district.example.org';
    const page = { pageNumber: 1, limit: 5 };
    await client.listUsers(page);
    await client.createUser({ email: 'new@district.example.org', role: 'Teacher' });
    await client.createUsers({ invites: [{ email: 'bulk@district.example.org' }], role: 'Teacher' });
    await client.getUser(email);
    await client.updateUser(email, { name: 'Casey C.' });
    await client.updateUsersGroups({ emails: [email], groups: ['Lincoln Elementary'] });
    await client.listUserGroups(email, page);
    await client.listUserNotifications(email, page);
    await client.deleteUser('new@district.example.org');
    await client.listGroups(page);
    await client.createGroup('Temporary');
    await client.updateGroup('Temporary', 'Temporary 2');
    await client.deleteGroup('Temporary 2');
    const tag = await client.createTag({ tag: 'Wait Time', type: 'content' });
    await client.listTags(page);
    await client.updateTag(tag._id, { tag: 'Wait Time 2' });
    await client.deleteTag(tag._id);
    await client.listSystems(page);
    await client.listRoles(page);
    await client.listProfileAttributes('system-local');
    await client.getReportFilterOptions();
    const { insightsReportRequestId } = await client.requestReport({
      report: 'reportBuilder',
      reportId: 'saved-1',
    });
    await client.getReport(insightsReportRequestId);
    await client.getReportBuilderData({ filterOptions: {} });

    const operationIds = simulator.requestLog().map((entry) => entry.operationId);
    expect(new Set(operationIds).size).toBe(24);
    expect(simulator.requestLog().filter((entry) => entry.status >= 400)).toEqual([]);
  });
});

describe('errors', () => {
  it('raises a 409 without retrying', async () => {
    const { client, retries } = testClient();
    const error = await caught(client.createUser({ email: 'coach@district.example.org', role: 'Coach' }));
    expect(error).toBeInstanceOf(TalentApiError);
    expect((error as TalentApiError).message).toBe(
      'Talent createUser failed with 409: user already exists: c***@district.example.org (not retried)',
    );
    expect(isRetryable(error)).toBe(false);
    expect(retries).toEqual([]);
  });

  it('gives status, operation and server message', async () => {
    const { client } = testClient();
    const error = (await caught(
      client.createUser({ email: 'new@district.example.org', role: 'Teacher', groups: ['Nowhere'] }),
    )) as TalentApiError;
    expect(error.status).toBe(400);
    expect(error.operation).toBe('createUser');
    expect(error.serverMessage).toBe('group not found: Nowhere');
  });

  it('keeps the token and request body out of the message', async () => {
    const { client } = testClient();
    const error = (await caught(
      client.createUser({ email: 'coach@district.example.org', role: 'Coach', name: 'Secret Name' }),
    )) as Error;
    expect(error.message).not.toContain(DEFAULT_TOKENS.system);
    expect(error.message).not.toContain('Secret Name');
  });

  it('raises 401 for a wrong token without retrying', async () => {
    const { client, retries } = testClient({ token: 'wrong-token' });
    const error = (await caught(client.listGroups({ pageNumber: 1, limit: 1 }))) as TalentApiError;
    expect(error.status).toBe(401);
    expect(retries).toEqual([]);
  });
});

describe('retries', () => {
  it('waits for Retry-After on 429', async () => {
    const { client, sleeps, retries } = testClient();
    simulator.setFaults({ retryAfterSeconds: 2 });
    simulator.failNext(1, '429', 'listGroups');
    await client.listGroups({ pageNumber: 1, limit: 5 });
    expect(retries).toEqual([
      { operation: 'listGroups', attempt: 1, delayMs: 2000, status: 429, reason: 'status 429' },
    ]);
    expect(sleeps).toEqual([2000]);
  });

  it('fails as retryable when Retry-After exceeds 60 s', async () => {
    const { client, sleeps } = testClient();
    simulator.setFaults({ retryAfterSeconds: 120 });
    simulator.failNext(1, '429', 'listGroups');
    const error = (await caught(client.listGroups({ pageNumber: 1, limit: 5 }))) as TalentApiError;
    expect(error.message).toMatch(/failed with 429: .*asked to wait 120 s, more than the 60 s limit/);
    expect(error.retryable).toBe(true);
    expect(sleeps).toEqual([]);
  });

  it('retries 503 and sends the body again', async () => {
    const { client, retries } = testClient();
    simulator.failNext(2, '503', 'createUser');
    const created = await client.createUser({ email: 'new@district.example.org', role: 'Teacher' });
    expect(created.userId).toEqual(expect.any(String));
    expect(retries.map((retry) => retry.attempt)).toEqual([1, 2]);
    expect(simulator.counts().createUser).toBe(3);
  });

  it('backs off exponentially with full jitter', async () => {
    const { client, sleeps } = testClient({ random: () => 0.5 });
    simulator.failNext(3, '502', 'listGroups');
    await client.listGroups({ pageNumber: 1, limit: 5 });
    expect(sleeps).toEqual([100, 200, 400]);
  });

  it('gives up after maxRetries', async () => {
    const { client } = testClient({ maxRetries: 2 });
    simulator.failNext(5, '502', 'getUser');
    const error = (await caught(client.getUser('coach@district.example.org'))) as TalentApiError;
    expect(error).toBeInstanceOf(TalentApiError);
    expect(error.message).toBe(
      'Talent getUser failed with 502: injected fault: 502 bad gateway (gave up after 3 attempts)',
    );
    expect(error.status).toBe(502);
    expect(isRetryable(error)).toBe(true);
    expect(simulator.counts().getUser).toBe(3);
  });

  it('retries an attempt that timed out', async () => {
    const { client, retries } = testClient({ timeoutMs: 100 });
    simulator.setFaults({ slowMs: 30_000 });
    simulator.failNext(1, 'slow', 'listGroups');
    const page = await client.listGroups({ pageNumber: 1, limit: 5 });
    expect(page.groups.length).toBeGreaterThan(0);
    expect(retries).toEqual([
      { operation: 'listGroups', attempt: 1, delayMs: 100, reason: 'timed out after 100 ms' },
    ]);
  });

  it('raises a timeout error when every attempt times out', async () => {
    const { client } = testClient({ timeoutMs: 50, maxRetries: 1 });
    simulator.setFaults({ slowMs: 30_000 });
    simulator.failNext(2, 'slow', 'listGroups');
    const error = await caught(client.listGroups({ pageNumber: 1, limit: 5 }));
    expect(error).toBeInstanceOf(TalentTimeoutError);
    expect((error as Error).message).toBe(
      'Talent listGroups timed out after 50 ms (gave up after 2 attempts)',
    );
  });

  it('retries a dropped connection', async () => {
    const { client, retries } = testClient();
    simulator.failNext(1, 'drop', 'getUser');
    const user = await client.getUser('coach@district.example.org');
    expect(user?.email).toBe('coach@district.example.org');
    expect(retries.map((retry) => retry.reason)).toEqual(['network error']);
  });

  it('raises a network error when every connection drops', async () => {
    const { client } = testClient({ maxRetries: 1 });
    simulator.failNext(2, 'drop', 'getUser');
    const error = await caught(client.getUser('coach@district.example.org'));
    expect(error).toBeInstanceOf(TalentNetworkError);
    expect((error as Error).message).toMatch(
      /^Talent getUser failed: network error \(.+\) \(gave up after 2 attempts\)$/,
    );
    expect(isRetryable(error)).toBe(true);
  });
});

describe('rate limit', () => {
  it('spaces requests beyond the burst', async () => {
    const { client, sleeps } = testClient({ requestsPerSecond: 2, now: () => START });
    for (let index = 0; index < 5; index += 1) await client.listGroups({ pageNumber: 1, limit: 1 });
    expect(sleeps).toEqual([500, 1000, 1500]);
  });

  it('spaces retries like other requests', async () => {
    const { client, sleeps } = testClient({ requestsPerSecond: 1, now: () => START, random: () => 0 });
    simulator.failNext(1, '503', 'listGroups');
    await client.listGroups({ pageNumber: 1, limit: 1 });
    expect(sleeps).toEqual([0, 1000]);
  });
});

describe('token', () => {
  it('calls the token provider before every attempt', async () => {
    let calls = 0;
    const { client } = testClient({
      token: async () => {
        calls += 1;
        return DEFAULT_TOKENS.system;
      },
    });
    simulator.failNext(1, '503', 'listGroups');
    await client.listGroups({ pageNumber: 1, limit: 1 });
    expect(calls).toBe(2);
  });

  it('raises a non-retryable error when the provider fails', async () => {
    const { client } = testClient({
      token: async () => {
        throw new Error('secret unavailable');
      },
    });
    const error = await caught(client.listGroups({ pageNumber: 1, limit: 1 }));
    expect(error).toBeInstanceOf(TalentError);
    expect((error as Error).message).toBe(
      'Talent listGroups not sent: the token provider failed; check the token secret',
    );
    expect(isRetryable(error)).toBe(false);
  });
});
