import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FINCH_HEADERS, signFinchBody } from '../../lib/hris/finch';
import { GUSTO_SIGNATURE_HEADER, signGustoBody } from '../../lib/hris/gusto';
import { signStandardWebhook } from '../../lib/hris/standard-webhooks';
import { createAuditStore } from '../../lib/roster/audit';
import { listDeadLetters } from '../../lib/roster/dead-letters';
import { type LocalStack, startLocalStack } from '../../local/stack';

// Standard Webhooks, Finch, Gusto and Rippling end to end through the local stack. Each provider's own
// webhook format, signed as the provider signs it, goes over HTTP to the webhook handler and through
// SQS FIFO to the apply handler, which looks thin events up in the provider fakes and changes the
// Talent simulator.

const SECRETS = {
  'talent-sync/talent-token': 'local-system-token',
  'talent-sync/standard-webhooks-secret': 'whsec_bG9jYWwtc3RhbmRhcmQtd2ViaG9va3Mtc2VjcmV0',
  'talent-sync/finch-webhook-secret': 'bG9jYWwtZmluY2gtd2ViaG9vay1zZWNyZXQtMDEyMw==',
  'talent-sync/finch-access-token': 'finch-local-access-token',
  'talent-sync/gusto-verification-token': 'gusto-local-verification-token',
  'talent-sync/gusto-access-token': 'gusto-local-access-token',
  'talent-sync/rippling-webhook-token': 'rippling-local-webhook-token',
  'talent-sync/rippling-api-token': 'rippling-local-api-token',
};

const FINCH_CONNECTION = '7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f';
const GUSTO_COMPANY = '5df911a0-0000-4000-8000-000000000001';
const RIPPLING_COMPANY = '5f0c1a2b3c4d5e6f7a8b9c0d';

const CONFIG = {
  talent: { baseUrl: 'https://api.torshtalent.com/api/v2', tokenSecretName: 'talent-sync/talent-token' },
  roster: {
    sources: [
      {
        name: 'hr-standard',
        provider: 'standard-webhooks',
        signingSecretName: 'talent-sync/standard-webhooks-secret',
      },
      {
        name: 'finch',
        provider: 'finch',
        signingSecretName: 'talent-sync/finch-webhook-secret',
        apiSecretName: 'talent-sync/finch-access-token',
        tenantIds: [FINCH_CONNECTION],
      },
      {
        name: 'gusto',
        provider: 'gusto',
        signingSecretName: 'talent-sync/gusto-verification-token',
        apiSecretName: 'talent-sync/gusto-access-token',
        tenantIds: [GUSTO_COMPANY],
      },
      {
        name: 'rippling',
        provider: 'rippling',
        signingSecretName: 'talent-sync/rippling-webhook-token',
        apiSecretName: 'talent-sync/rippling-api-token',
        tenantIds: [RIPPLING_COMPANY],
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
let stateDir: string;
/** Messages that tests send to the dead-letter queue on purpose. */
let expectedDeadLetters = 0;
let eventNumber = 0;

/** Event times one second apart, so that each event of a person is newer than the one before. */
let clock = Date.now() - 3_600_000;
function nextEventTime(): Date {
  clock += 1000;
  return new Date(clock);
}

function nextId(prefix: string): string {
  eventNumber += 1;
  return `${prefix}_${String(eventNumber).padStart(6, '0')}`;
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'talent-sync-providers-a-'));
  stateDir = dir;
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

async function post(source: string, headers: Record<string, string>, body: string) {
  const response = await fetch(`${stack.endpoints.webhookBaseUrl}/${source}`, {
    method: 'POST',
    headers,
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('Standard Webhooks through the local stack', () => {
  const employee = {
    id: 'SW-100',
    workEmail: 'ava.lindqvist@district.example.org',
    firstName: 'Ava',
    lastName: 'Lindqvist',
    jobTitle: 'Teacher',
    school: 'Maple Elementary',
  };

  /** Sends one generic event, pretty-printed, signed with the Standard Webhooks headers. */
  function send(type: string, fields: Record<string, unknown> = {}) {
    const event = { type, occurredAt: nextEventTime().toISOString(), employee: { ...employee, ...fields } };
    const body = JSON.stringify({ events: [event] }, null, 2);
    const headers = signStandardWebhook(
      SECRETS['talent-sync/standard-webhooks-secret'],
      nextId('msg'),
      Date.now() / 1000,
      body,
    );
    return post('hr-standard', { 'content-type': 'application/json', ...headers }, body);
  }

  it('creates a hire', async () => {
    expect((await send('employee.hired')).status).toBe(202);
    await stack.drainRoster();
    expect(user('ava.lindqvist@district.example.org')?.groups).toEqual(['School: Maple Elementary']);
  });

  it('moves a school change to the new group', async () => {
    expect(
      (await send('employee.updated', { school: 'Cedar Middle', jobTitle: 'Literacy Coach' })).status,
    ).toBe(202);
    await stack.drainRoster();
    const moved = user('ava.lindqvist@district.example.org');
    expect([moved?.groups, moved?.role]).toEqual([['School: Cedar Middle'], 'Coach']);
  });

  it('deactivates a termination', async () => {
    expect((await send('employee.terminated', { school: 'Cedar Middle' })).status).toBe(202);
    await stack.drainRoster();
    expect(user('ava.lindqvist@district.example.org')?.status).toBe('Disabled');
  });

  it('reactivates a rehire', async () => {
    expect((await send('employee.rehired', { school: 'Birch High' })).status).toBe(202);
    await stack.drainRoster();
    const rehired = user('ava.lindqvist@district.example.org');
    expect([rehired?.status === 'Disabled', rehired?.groups]).toEqual([false, ['School: Birch High']]);
  });

  it('rejects a tampered body with 401', async () => {
    const body = JSON.stringify({ events: [] });
    const headers = signStandardWebhook(
      SECRETS['talent-sync/standard-webhooks-secret'],
      nextId('msg'),
      Date.now() / 1000,
      body,
    );
    const response = await post(
      'hr-standard',
      { 'content-type': 'application/json', ...headers },
      `${body} `,
    );
    expect(response.status).toBe(401);
  });
});

describe('Finch through the local stack', () => {
  const individualId = '6b2d1c9e-5f4a-4b3c-9d8e-7f6a5b4c3d2e';

  function record(employment: Record<string, unknown> = {}, email = 'zoe.angstrom@district.example.org') {
    return {
      individual: {
        id: individualId,
        first_name: 'Zoë',
        last_name: 'Ångström',
        emails: [{ data: email, type: 'work' }],
      },
      employment: {
        id: individualId,
        title: 'Teacher',
        department: { name: 'Science' },
        location: { name: 'Maple Elementary' },
        is_active: true,
        employment_status: 'active',
        start_date: '2025-08-11',
        ...employment,
      },
    };
  }

  /** Sends a Finch data event, signed with Finch's headers at the current time. */
  function send(eventType: string, connectionId = FINCH_CONNECTION) {
    const body = JSON.stringify({
      company_id: '514aa2b7-898f-4ce7-bc05-c2fe993713e8',
      connection_id: connectionId,
      entity_id: null,
      event_type: eventType,
      data: { individual_id: individualId },
    });
    const eventId = nextId('msg_finch');
    const timestamp = Math.floor(Date.now() / 1000);
    return post(
      'finch',
      {
        'content-type': 'application/json',
        [FINCH_HEADERS.id]: eventId,
        [FINCH_HEADERS.timestamp]: String(timestamp),
        [FINCH_HEADERS.signature]: signFinchBody(
          SECRETS['talent-sync/finch-webhook-secret'],
          eventId,
          timestamp,
          body,
        ),
      },
      body,
    );
  }

  it('creates a hire from directory.created', async () => {
    fakes().put('finch', individualId, record());
    expect((await send('directory.created')).status).toBe(202);
    await stack.drainRoster();
    const created = user('zoe.angstrom@district.example.org');
    expect([created?.name, created?.groups]).toEqual(['Zoë Ångström', ['School: Maple Elementary']]);
  });

  it('follows an e-mail change from individual.updated', async () => {
    fakes().put('finch', individualId, record({}, 'zoe.lund@district.example.org'));
    expect((await send('individual.updated')).status).toBe(202);
    await stack.drainRoster();
    expect([
      user('zoe.lund@district.example.org') !== undefined,
      user('zoe.angstrom@district.example.org'),
    ]).toEqual([true, undefined]);
  });

  it('deactivates a termination from employment.updated', async () => {
    fakes().put(
      'finch',
      individualId,
      record(
        { is_active: false, employment_status: 'terminated', end_date: '2026-01-09' },
        'zoe.lund@district.example.org',
      ),
    );
    expect((await send('employment.updated')).status).toBe(202);
    await stack.drainRoster();
    expect(user('zoe.lund@district.example.org')?.status).toBe('Disabled');
  });

  it('reactivates a rehire from employment.updated', async () => {
    fakes().put(
      'finch',
      individualId,
      record(
        { latest_rehire_date: '2026-01-05', location: { name: 'Cedar Middle' } },
        'zoe.lund@district.example.org',
      ),
    );
    expect((await send('employment.updated')).status).toBe(202);
    await stack.drainRoster();
    const rehired = user('zoe.lund@district.example.org');
    expect([rehired?.status === 'Disabled', rehired?.groups]).toEqual([false, ['School: Cedar Middle']]);
  });

  it('rejects another connection with 403', async () => {
    expect((await send('employment.updated', 'another-connection')).status).toBe(403);
  });

  it('acknowledges a payroll event with 200 and queues nothing', async () => {
    const response = await send('pay_statement.created');
    expect([response.status, response.body.accepted]).toEqual([200, 0]);
  });
});

describe('Gusto through the local stack', () => {
  const employeeUuid = 'bcfc9744-0000-4000-8000-000000000002';

  function employee(extra: Record<string, unknown> = {}) {
    return {
      uuid: employeeUuid,
      first_name: 'Rafael',
      last_name: 'Moreno',
      work_email: 'rafael.moreno@district.example.org',
      department: 'Mathematics',
      terminated: false,
      onboarded: true,
      jobs: [{ title: 'Teacher', primary: true, hire_date: '2024-08-12', location: { city: 'Springfield' } }],
      terminations: [],
      ...extra,
    };
  }

  /** Sends a Gusto employee event, signed with the verification token. */
  function send(eventType: string, companyUuid = GUSTO_COMPANY) {
    const body = JSON.stringify({
      uuid: nextId('gusto-event'),
      event_type: eventType,
      resource_type: 'Company',
      resource_uuid: companyUuid,
      entity_type: 'Employee',
      entity_uuid: employeeUuid,
      timestamp: Math.floor(nextEventTime().getTime() / 1000),
    });
    const signature = signGustoBody(SECRETS['talent-sync/gusto-verification-token'], body);
    return post('gusto', { 'content-type': 'application/json', [GUSTO_SIGNATURE_HEADER]: signature }, body);
  }

  describe('verification request', () => {
    const token = '6590f590-3dba-495e-9bea-c361e1e2efc0';
    let response: { status: number; body: Record<string, unknown> };
    let usersBefore = 0;
    let output = '';

    beforeAll(async () => {
      usersBefore = stack.simulator.users().length;
      const body = JSON.stringify({ verification_token: token, webhook_subscription_uuid: 'sub-7' });
      const writes = [process.stdout, process.stderr].map((stream) =>
        vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
          output += String(chunk);
          return true;
        }),
      );
      try {
        response = await post('gusto', { 'content-type': 'application/json' }, body);
        await stack.drainRoster();
      } finally {
        for (const write of writes) write.mockRestore();
      }
    });

    it('is acknowledged with 200', () => {
      expect([response.status, response.body.handshake]).toEqual([200, true]);
    });

    it('queues no event', () => {
      expect(response.body.eventIds).toBeUndefined();
    });

    it('changes no Talent user', () => {
      expect(stack.simulator.users()).toHaveLength(usersBefore);
    });

    it('stores the token under .local/secrets', () => {
      const file = join(
        stack.endpoints.localSecretsDir ?? '',
        'talent-sync',
        'gusto-verification-token-pending-verification.json',
      );
      expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
        verification_token: token,
        webhook_subscription_uuid: 'sub-7',
        source: 'gusto',
      });
    });

    it('names the state directory in the endpoints', () => {
      expect(stack.endpoints.localSecretsDir).toBe(join(stateDir, 'secrets'));
    });

    it('writes the token to no log', () => {
      expect(output).not.toContain(token);
    });
  });

  it('creates a hire from employee.created', async () => {
    fakes().put('gusto', employeeUuid, employee());
    expect((await send('employee.created')).status).toBe(202);
    await stack.drainRoster();
    expect(user('rafael.moreno@district.example.org')?.role).toBe('Teacher');
  });

  it('follows an e-mail and title change from employee.updated', async () => {
    fakes().put(
      'gusto',
      employeeUuid,
      employee({
        work_email: 'r.moreno@district.example.org',
        jobs: [{ title: 'Math Coach', primary: true, hire_date: '2024-08-12' }],
      }),
    );
    expect((await send('employee.updated')).status).toBe(202);
    await stack.drainRoster();
    expect([user('r.moreno@district.example.org')?.role, user('rafael.moreno@district.example.org')]).toEqual(
      ['Coach', undefined],
    );
  });

  it('keeps a future-dated termination active until it takes effect', async () => {
    fakes().put(
      'gusto',
      employeeUuid,
      employee({
        work_email: 'r.moreno@district.example.org',
        terminations: [{ active: true, effective_date: '2099-06-30' }],
      }),
    );
    expect((await send('employee.terminated')).status).toBe(202);
    await stack.drainRoster();
    expect(user('r.moreno@district.example.org')?.status).not.toBe('Disabled');
  });

  it('deactivates a termination from employee.terminated_effective', async () => {
    fakes().put(
      'gusto',
      employeeUuid,
      employee({
        work_email: 'r.moreno@district.example.org',
        terminated: true,
        terminations: [{ active: true, effective_date: '2026-01-09' }],
      }),
    );
    expect((await send('employee.terminated_effective')).status).toBe(202);
    await stack.drainRoster();
    expect(user('r.moreno@district.example.org')?.status).toBe('Disabled');
  });

  it('reactivates a rehire from employee.rehire_effective', async () => {
    fakes().put('gusto', employeeUuid, employee({ work_email: 'r.moreno@district.example.org' }));
    expect((await send('employee.rehire_effective')).status).toBe(202);
    await stack.drainRoster();
    expect(user('r.moreno@district.example.org')?.status).not.toBe('Disabled');
  });

  it('dead-letters a lookup answered with 404 and keeps the user', async () => {
    const deadLettersBefore = await stack.deadLetterCount();
    fakes().remove('gusto', employeeUuid);
    expect((await send('employee.updated')).status).toBe(202);
    await stack.drainRoster();
    expectedDeadLetters += 1;
    expect(await stack.deadLetterCount()).toBe(deadLettersBefore + 1);
    expect(user('r.moreno@district.example.org')?.status).not.toBe('Disabled');
  });

  it('lists the 404 lookup reason with the dead letter', async () => {
    const letters = await listDeadLetters({
      sqs: stack.sqs,
      deadLetterQueueUrl: stack.deadLetterQueueUrl,
      audit: createAuditStore({ tableName: stack.auditTableName }),
    });
    const letter = letters.find((candidate) => candidate.employeeId === employeeUuid);
    expect(letter?.reason).toMatch(/^permanent: .*returned 404 \(not found\) for employee/);
  });

  it('rejects another company with 403', async () => {
    expect((await send('employee.updated', 'another-company')).status).toBe(403);
  });
});

describe('Rippling through the local stack', () => {
  const workerId = '60a1b2c3d4e5f6a7b8c9d0e1';

  function worker(extra: Record<string, unknown> = {}) {
    return {
      id: workerId,
      work_email: 'noah.whitfield@district.example.org',
      status: 'ACTIVE',
      title: 'Teacher',
      start_date: '2019-08-01',
      user: { name: { given_name: 'Noah', family_name: 'Whitfield' } },
      department: { name: 'English' },
      location: { name: 'Maple Elementary' },
      ...extra,
    };
  }

  /** Sends a Rippling partner webhook: form-encoded, with the static bearer token. */
  function send(eventName: string, token = SECRETS['talent-sync/rippling-webhook-token']) {
    const body = new URLSearchParams({
      event_name: eventName,
      id: workerId,
      company_id: RIPPLING_COMPANY,
      company_primary_email: 'hr@district.example.org',
    }).toString();
    return post(
      'rippling',
      { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${token}` },
      body,
    );
  }

  it('creates a hire from employee.hired', async () => {
    fakes().put('rippling', workerId, worker());
    expect((await send('employee.hired')).status).toBe(202);
    await stack.drainRoster();
    expect(user('noah.whitfield@district.example.org')?.groups).toEqual(['School: Maple Elementary']);
  });

  it('moves a school change to the new group', async () => {
    fakes().put('rippling', workerId, worker({ location: { name: 'Cedar Middle' } }));
    expect((await send('employee.updated')).status).toBe(202);
    await stack.drainRoster();
    expect(user('noah.whitfield@district.example.org')?.groups).toEqual(['School: Cedar Middle']);
  });

  it('deactivates a termination from employee.terminated', async () => {
    fakes().put('rippling', workerId, worker({ status: 'TERMINATED', end_date: '2026-01-09' }));
    expect((await send('employee.terminated')).status).toBe(202);
    await stack.drainRoster();
    expect(user('noah.whitfield@district.example.org')?.status).toBe('Disabled');
  });

  it('reactivates a rehire from employee.created', async () => {
    fakes().put('rippling', workerId, worker({ location: { name: 'Birch High' } }));
    expect((await send('employee.created')).status).toBe(202);
    await stack.drainRoster();
    const rehired = user('noah.whitfield@district.example.org');
    expect([rehired?.status === 'Disabled', rehired?.groups]).toEqual([false, ['School: Birch High']]);
  });

  it('rejects a wrong bearer token with 401', async () => {
    expect((await send('employee.updated', 'guessed-token')).status).toBe(401);
  });
});

describe('thin-event lookups through the local stack', () => {
  it('dead-letters only the lookups meant to fail', async () => {
    await stack.drainRoster();
    expect(await stack.deadLetterCount()).toBe(expectedDeadLetters);
  });
});
