import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAMBOOHR_HEADERS, signBambooHrBody } from '../../lib/hris/bamboohr';
import { HIBOB_SIGNATURE_HEADER, signHiBobBody } from '../../lib/hris/hibob';
import { type LocalStack, startLocalStack } from '../../local/stack';

// BambooHR, HiBob and Personio end to end through the local stack. Each delivery is in the provider's own
// format, signed or carrying a token as the provider does it, and goes over HTTP to the webhook handler.
// From there it passes the SQS FIFO queue and the apply handler, which looks the person up in the
// provider fake, and ends in the Talent simulator.

const SECRETS = {
  'talent-sync/talent-token': 'local-system-token',
  'talent-sync/bamboohr-private-key': 'bamboohr-local-private-key',
  'talent-sync/bamboohr-api-key': 'bamboohr-local-api-key',
  'talent-sync/hibob-webhook-secret': 'hibob-local-webhook-secret',
  'talent-sync/hibob-service-user': 'SERVICE-0001:hibob-local-token',
  'talent-sync/personio-webhook-token': 'Bearer personio-local-webhook-token',
  'talent-sync/personio-access-token': 'personio-local-access-token',
};

const CONFIG = {
  talent: { baseUrl: 'https://api.torshtalent.com/api/v2', tokenSecretName: 'talent-sync/talent-token' },
  roster: {
    sources: [
      {
        name: 'bamboo',
        provider: 'bamboohr',
        signingSecretName: 'talent-sync/bamboohr-private-key',
        apiSecretName: 'talent-sync/bamboohr-api-key',
        companyDomain: 'maple-district',
        tenantIds: ['4242'],
      },
      {
        name: 'bob',
        provider: 'hibob',
        signingSecretName: 'talent-sync/hibob-webhook-secret',
        apiSecretName: 'talent-sync/hibob-service-user',
        tenantIds: ['601234'],
      },
      {
        name: 'personio',
        provider: 'personio',
        signingSecretName: 'talent-sync/personio-webhook-token',
        apiSecretName: 'talent-sync/personio-access-token',
        tenantIds: ['77001'],
      },
    ],
    defaultRole: 'Teacher',
    roleRules: [{ when: { jobTitle: { pattern: 'coach' } }, role: 'Coach' }],
    groupRules: [{ when: {}, groups: ['School: {school}'] }],
    terminationAction: 'deactivate',
    suppressInvite: true,
  },
};

let stack: LocalStack;

/** Event times one second apart, so that each event of a person is newer than the one before. */
let clock = Date.now() - 3_600_000;
function nextEventTime(): Date {
  clock += 1000;
  return new Date(clock);
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'talent-sync-providers-b-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify(CONFIG));
  writeFileSync(join(dir, 'secrets.json'), JSON.stringify(SECRETS));
  stack = await startLocalStack({
    configPath: join(dir, 'config.json'),
    secretsPath: join(dir, 'secrets.json'),
    stateDir: dir,
    reportPendingMs: 300,
    waitMs: 50,
  });
});

afterAll(async () => {
  await stack?.close();
});

function fakes() {
  if (!stack.providerFakes) throw new Error('the local stack started no provider fakes');
  return stack.providerFakes;
}

function user(email: string) {
  return stack.simulator.users().find((entry) => entry.email === email);
}

async function post(source: string, headers: Record<string, string>, body: string | Buffer) {
  const response = await fetch(`${stack.endpoints.webhookBaseUrl}/${source}`, {
    method: 'POST',
    headers,
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('BambooHR through the local stack', () => {
  const employeeId = '1187';
  const employee = {
    firstName: 'Zoë',
    lastName: 'Ångström',
    workEmail: 'zoe.angstrom@district.example.org',
    jobTitle: 'Teacher',
    department: 'Science',
    location: 'Maple Elementary',
    status: 'Active',
    employmentHistoryStatus: 'Full-Time',
    hireDate: '2025-08-11',
    terminationDate: '0000-00-00',
  };

  /** Sends an event-based webhook, pretty-printed as some senders do, signed over body and timestamp. */
  async function send(type: string, changedFields?: string[]) {
    const data = { companyId: '4242', employeeId, ...(changedFields ? { changedFields } : {}) };
    const body = JSON.stringify({ type, timestamp: nextEventTime().toISOString(), data }, null, 2);
    const timestamp = String(Math.floor(Date.now() / 1000));
    return post(
      'bamboo',
      {
        'content-type': 'application/json',
        [BAMBOOHR_HEADERS.timestamp]: timestamp,
        [BAMBOOHR_HEADERS.signature]: signBambooHrBody(
          SECRETS['talent-sync/bamboohr-private-key'],
          body,
          timestamp,
        ),
      },
      body,
    );
  }

  it('creates a hire from employee.created and the following employee.updated', async () => {
    fakes().put('bamboohr', employeeId, employee);

    expect((await send('employee.created')).status).toBe(202);
    expect((await send('employee.updated', ['firstName'])).status).toBe(202);
    await stack.drainRoster();

    const created = user('zoe.angstrom@district.example.org');
    expect(created?.groups).toEqual(['School: Maple Elementary']);
    expect(created?.role).toBe('Teacher');
    expect(created?.status).not.toBe('Disabled');
  });

  it('follows an e-mail and school change', async () => {
    fakes().put('bamboohr', employeeId, {
      ...employee,
      workEmail: 'zoe.angstrom-lund@district.example.org',
      location: 'Cedar Middle',
      jobTitle: 'Instructional Coach',
    });

    expect((await send('employee.updated', ['workEmail', 'location', 'jobTitle'])).status).toBe(202);
    await stack.drainRoster();

    const moved = user('zoe.angstrom-lund@district.example.org');
    expect(moved?.groups).toEqual(['School: Cedar Middle']);
    expect(moved?.role).toBe('Coach');
    expect(user('zoe.angstrom@district.example.org')).toBeUndefined();
  });

  it('deactivates a termination sent as a status update', async () => {
    fakes().put('bamboohr', employeeId, {
      ...employee,
      workEmail: 'zoe.angstrom-lund@district.example.org',
      location: 'Cedar Middle',
      status: 'Inactive',
      employmentHistoryStatus: 'Terminated',
      terminationDate: '2026-01-30',
    });

    expect((await send('employee.updated', ['status', 'employmentHistoryStatus'])).status).toBe(202);
    await stack.drainRoster();

    expect(user('zoe.angstrom-lund@district.example.org')?.status).toBe('Disabled');
  });

  it('reactivates a rehire sent as a status update', async () => {
    fakes().put('bamboohr', employeeId, {
      ...employee,
      workEmail: 'zoe.angstrom-lund@district.example.org',
      location: 'Birch High',
      hireDate: '2026-03-02',
    });

    expect((await send('employee.updated', ['status', 'hireDate'])).status).toBe(202);
    await stack.drainRoster();

    const rehired = user('zoe.angstrom-lund@district.example.org');
    expect(rehired?.status).not.toBe('Disabled');
    expect(rehired?.groups).toEqual(['School: Birch High']);
  });

  it('rejects a delivery for another company with 403', async () => {
    const body = JSON.stringify({
      type: 'employee.updated',
      timestamp: nextEventTime().toISOString(),
      data: { companyId: '9999', employeeId },
    });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const response = await post(
      'bamboo',
      {
        'content-type': 'application/json',
        [BAMBOOHR_HEADERS.timestamp]: timestamp,
        [BAMBOOHR_HEADERS.signature]: signBambooHrBody(
          SECRETS['talent-sync/bamboohr-private-key'],
          body,
          timestamp,
        ),
      },
      body,
    );
    expect(response.status).toBe(403);
  });
});

describe('HiBob through the local stack', () => {
  const employeeId = '3332883854254932743';
  const employee = {
    id: employeeId,
    firstName: 'Mateo',
    surname: 'Núñez',
    displayName: 'Mateo Núñez',
    email: 'mateo.nunez@district.example.org',
    work: { title: 'Teacher', department: 'Mathematics', site: 'Maple Elementary', startDate: '2025-08-11' },
    internal: { status: 'Active', lifecycleStatus: 'employed' },
  };

  async function send(type: string, fieldUpdates?: unknown[]) {
    const body = JSON.stringify({
      companyId: 601234,
      type,
      triggeredBy: 'system',
      triggeredAt: nextEventTime().toISOString().replace('Z', '000'),
      version: 'v2',
      data: { employeeId, ...(fieldUpdates ? { fieldUpdates } : {}) },
    });
    return post(
      'bob',
      {
        'content-type': 'application/json',
        [HIBOB_SIGNATURE_HEADER]: signHiBobBody(SECRETS['talent-sync/hibob-webhook-secret'], body),
      },
      body,
    );
  }

  it('acknowledges the plain-text ping without queuing', async () => {
    const usersBefore = stack.simulator.users().length;
    const response = await post('bob', { 'content-type': 'text/plain' }, 'Ping test');
    expect(response.status).toBe(200);
    expect(response.body.handshake).toBe(true);
    await stack.drainRoster();
    expect(stack.simulator.users()).toHaveLength(usersBefore);
  });

  it('answers the JSON creation ping with 200', async () => {
    expect((await post('bob', { 'content-type': 'application/json' }, '{"text":"Ping test"}')).status).toBe(
      200,
    );
  });

  it('creates a hire from employee.created', async () => {
    fakes().put('hibob', employeeId, employee);

    expect((await send('employee.created')).status).toBe(202);
    await stack.drainRoster();

    const created = user('mateo.nunez@district.example.org');
    expect(created?.groups).toEqual(['School: Maple Elementary']);
    expect(created?.status).not.toBe('Disabled');
  });

  it('follows an e-mail and site change', async () => {
    fakes().put('hibob', employeeId, {
      ...employee,
      email: 'mateo.nunez-ruiz@district.example.org',
      work: { ...employee.work, site: 'Site 17' },
      humanReadable: { work: { site: 'Cedar Middle' } },
    });

    expect((await send('employee.updated', ['root.email', 'work.site'])).status).toBe(202);
    await stack.drainRoster();

    expect(user('mateo.nunez-ruiz@district.example.org')?.groups).toEqual(['School: Cedar Middle']);
    expect(user('mateo.nunez@district.example.org')).toBeUndefined();
  });

  it('deactivates a termination from employee.left', async () => {
    fakes().put('hibob', employeeId, {
      ...employee,
      email: 'mateo.nunez-ruiz@district.example.org',
      work: { ...employee.work, site: 'Cedar Middle' },
      internal: { status: 'Inactive', lifecycleStatus: 'terminated', terminationDate: '2026-02-27' },
    });

    expect((await send('employee.left')).status).toBe(202);
    expect((await send('employee.inactivated')).status).toBe(202);
    await stack.drainRoster();

    expect(user('mateo.nunez-ruiz@district.example.org')?.status).toBe('Disabled');
  });

  it('reactivates a rehire of the same record from employee.joined', async () => {
    fakes().put('hibob', employeeId, {
      ...employee,
      email: 'mateo.nunez-ruiz@district.example.org',
      work: { ...employee.work, site: 'Cedar Middle', startDate: '2026-04-01' },
      internal: { status: 'Active', lifecycleStatus: 'employed' },
    });

    expect((await send('employee.joined')).status).toBe(202);
    await stack.drainRoster();

    expect(user('mateo.nunez-ruiz@district.example.org')?.status).not.toBe('Disabled');
  });

  it('rejects a wrong signature with 401', async () => {
    const body = JSON.stringify({ companyId: 601234, type: 'employee.updated', data: { employeeId } });
    const response = await post(
      'bob',
      { 'content-type': 'application/json', [HIBOB_SIGNATURE_HEADER]: signHiBobBody('not-the-secret', body) },
      body,
    );
    expect(response.status).toBe(401);
  });
});

describe('Personio through the local stack', () => {
  const personId = '4711';
  const person = {
    id: personId,
    first_name: 'Amara',
    last_name: 'Okafor',
    email: 'amara.okafor@district.example.org',
  };
  const employment = {
    id: 'eb3f5858-0000-4000-8000-000000000001',
    status: 'ACTIVE',
    type: 'INTERNAL',
    position: { title: 'Teacher' },
    office: { id: '31', name: 'Maple Elementary' },
    org_units: [{ id: '7', type: 'department', name: 'Languages' }],
    employment_start_date: '2025-08-11',
  };

  async function send(eventName: string, payload: Record<string, unknown>) {
    const body = JSON.stringify({
      company_id: '77001',
      event_name: eventName,
      occurred_at: nextEventTime().toISOString(),
      payload,
    });
    return post(
      'personio',
      { 'content-type': 'application/json', authorization: SECRETS['talent-sync/personio-webhook-token'] },
      body,
    );
  }

  it('creates a hire from person.created', async () => {
    fakes().put('personio', personId, { person, employments: [employment] });

    expect((await send('person.created', { id: personId })).status).toBe(202);
    await stack.drainRoster();

    const created = user('amara.okafor@district.example.org');
    expect(created?.groups).toEqual(['School: Maple Elementary']);
    expect(created?.status).not.toBe('Disabled');
  });

  it('follows e-mail and office changes', async () => {
    fakes().put('personio', personId, {
      person: { ...person, email: 'amara.okafor-bell@district.example.org' },
      employments: [{ ...employment, office: { id: '32', name: 'Cedar Middle' } }],
    });

    expect((await send('person.updated', { id: personId })).status).toBe(202);
    expect((await send('employment.updated', { id: employment.id, person: { id: personId } })).status).toBe(
      202,
    );
    await stack.drainRoster();

    expect(user('amara.okafor-bell@district.example.org')?.groups).toEqual(['School: Cedar Middle']);
    expect(user('amara.okafor@district.example.org')).toBeUndefined();
  });

  it('deactivates a termination from employment.terminated', async () => {
    fakes().put('personio', personId, {
      person: { ...person, email: 'amara.okafor-bell@district.example.org' },
      employments: [{ ...employment, status: 'INACTIVE', termination_date: '2026-01-31' }],
    });

    expect(
      (await send('employment.terminated', { id: employment.id, person: { id: personId } })).status,
    ).toBe(202);
    await stack.drainRoster();

    expect(user('amara.okafor-bell@district.example.org')?.status).toBe('Disabled');
  });

  it('reactivates a rehire from employment.started', async () => {
    const rehire = {
      ...employment,
      id: 'eb3f5858-0000-4000-8000-000000000002',
      employment_start_date: '2026-03-01',
    };
    fakes().put('personio', personId, {
      person: { ...person, email: 'amara.okafor-bell@district.example.org' },
      employments: [{ ...employment, status: 'INACTIVE', termination_date: '2026-01-31' }, rehire],
    });

    expect((await send('employment.started', { id: rehire.id, person: { id: personId } })).status).toBe(202);
    await stack.drainRoster();

    const rehired = user('amara.okafor-bell@district.example.org');
    expect(rehired?.status).not.toBe('Disabled');
    expect(rehired?.groups).toEqual(['School: Maple Elementary']);
  });

  it('rejects a wrong token with 401', async () => {
    const response = await post(
      'personio',
      { 'content-type': 'application/json', authorization: 'Bearer guessed' },
      JSON.stringify({ company_id: '77001', event_name: 'person.updated', payload: { id: personId } }),
    );
    expect(response.status).toBe(401);
  });

  it('leaves nothing in the dead-letter queue', async () => {
    expect(await stack.deadLetterCount()).toBe(0);
  });
});
