import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signGenericDelivery } from '../../lib/hris';
import { type AuditEntry, createAuditStore } from '../../lib/roster/audit';
import { createParkedEventStore } from '../../lib/roster/parked';
import { personKey } from '../../lib/roster/state';
import { createTalentClient, type TalentClient } from '../../lib/talent/client';
import { type LocalStack, startLocalStack } from '../../local/stack';

// The real-life roster cases end to end: signed generic webhooks over HTTP to the local stack, the
// FIFO queue, the apply handler, the Talent simulator, the state and audit tables in DynamoDB, and
// the release handler. The config excludes substitutes and volunteers and reads start dates in Chicago.

const SOURCE = 'hr-generic';
const SIGNING_SECRET = 'local-generic-signing-secret';
const DOMAIN = 'cases.example.org';

let stack: LocalStack;
let talent: TalentClient;

beforeAll(async () => {
  stack = await startLocalStack({
    configPath: 'test/integration/fixtures/roster-cases.config.json',
    secretsPath: 'examples/secrets.local.json',
    stateDir: mkdtempSync(join(tmpdir(), 'talent-sync-cases-')),
  });
  talent = createTalentClient({
    baseUrl: stack.simulator.url,
    token: stack.endpoints.talentToken,
    requestsPerSecond: 100,
  });
});

afterAll(async () => {
  await stack?.close();
});

interface Employee {
  id: string;
  workEmail?: string | null;
  firstName?: string;
  lastName?: string;
  jobTitle?: string;
  department?: string;
  school?: string;
  employeeType?: string;
  status?: 'active' | 'pending' | 'leave' | 'inactive';
  startDate?: string;
}

interface GenericEvent {
  type: string;
  occurredAt: string;
  employee: Employee;
}

let deliveryCounter = 0;

/** Signs and posts one generic delivery, and returns the HTTP status. */
async function deliver(events: GenericEvent[], deliveryId = `cases-${++deliveryCounter}`): Promise<number> {
  const body = JSON.stringify({ events });
  const response = await fetch(`${stack.endpoints.webhookBaseUrl}/${SOURCE}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-talent-sync-delivery-id': deliveryId,
      ...signGenericDelivery(SIGNING_SECRET, body, Date.now() / 1000),
    },
    body,
  });
  return response.status;
}

/** Delivers the events, one delivery each, and waits until the queue is empty. */
async function apply(...events: GenericEvent[]): Promise<void> {
  for (const event of events) expect(await deliver([event])).toBe(202);
  await stack.drainRoster();
}

/** Creates the person of one test: an employee id, an address, and events at minutes of 2026. */
function newPerson(name: string, fields: Partial<Employee> = {}) {
  const employee: Employee = {
    id: `C-${name}`,
    workEmail: `${name}@${DOMAIN}`,
    firstName: name,
    lastName: 'Case',
    jobTitle: 'Teacher',
    school: 'Maple Elementary',
    employeeType: 'Full-time',
    status: 'active',
    ...fields,
  };
  return {
    id: employee.id,
    email: `${name}@${DOMAIN}`,
    event(type: string, minute: number, changes: Partial<Employee> = {}): GenericEvent {
      const occurredAt = new Date(Date.UTC(2026, 0, 1, 9, minute)).toISOString();
      return { type, occurredAt, employee: { ...employee, ...changes } };
    },
  };
}

function user(email: string) {
  return stack.simulator.users().find((entry) => entry.email === email);
}

function usersNamed(firstName: string) {
  return stack.simulator.users().filter((entry) => entry.name?.startsWith(`${firstName} `));
}

async function auditOf(employeeId: string): Promise<AuditEntry[]> {
  return createAuditStore({ tableName: stack.auditTableName }).listForPerson(personKey(SOURCE, employeeId));
}

function parkedStore() {
  return createParkedEventStore({ tableName: stack.tableName });
}

/** Returns the date `days` after today, as YYYY-MM-DD. */
function dateInDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

describe('hire', () => {
  it('creates the user with the role and group from the rules', async () => {
    const ines = newPerson('ines', { jobTitle: 'Instructional Coach' });
    await apply(ines.event('employee.hired', 1));

    expect(user(ines.email)).toMatchObject({ role: 'Coach', groups: ['School: Maple Elementary'] });
  });

  it('audits the creation with the full address', async () => {
    const jon = newPerson('jon');
    await apply(jon.event('employee.hired', 1));

    const [entry] = await auditOf(jon.id);
    expect(entry).toMatchObject({ action: 'created', outcome: 'applied', after: { email: jon.email } });
  });

  it('adopts a user who exists in Talent before the sync', async () => {
    const kai = newPerson('kai');
    await talent.createUser({ email: kai.email, role: 'Teacher', name: 'Kai (by hand)' });
    await apply(kai.event('employee.hired', 1));

    expect(user(kai.email)?.name).toBe('kai Case');
    expect(usersNamed('kai')).toHaveLength(1);
  });
});

describe('hire with a start date ahead', () => {
  const startDate = dateInDays(30);
  const lea = newPerson('lea', { startDate, status: 'pending' });

  beforeAll(async () => {
    await apply(lea.event('employee.hired', 1));
  });

  it('creates no Talent user before the start date', () => {
    expect(user(lea.email)).toBeUndefined();
  });

  it('parks until local midnight of the start', async () => {
    const parked = await parkedStore().get(SOURCE, lea.id);
    const midnightChicago = new Date(`${startDate}T06:00:00Z`).getTime();
    expect([midnightChicago, midnightChicago - 3_600_000]).toContain(Date.parse(parked?.releaseAt ?? ''));
  });

  it('replaces the parked event with a newer one for the same person', async () => {
    await apply(lea.event('employee.updated', 2, { school: 'Cedar Middle' }));

    const parked = await parkedStore().get(SOURCE, lea.id);
    expect(parked?.event.person.school).toBe('Cedar Middle');
  });

  it('releases nothing before the start date', async () => {
    await stack.releaseParked();
    await stack.drainRoster();

    expect(user(lea.email)).toBeUndefined();
  });

  it('creates the newest version on release', async () => {
    await stack.releaseParked(new Date(Date.parse(`${startDate}T12:00:00Z`)));
    await stack.drainRoster();

    expect(user(lea.email)?.groups).toEqual(['School: Cedar Middle']);
  });

  it('removes the parked item after the release', async () => {
    expect(await parkedStore().get(SOURCE, lea.id)).toBeUndefined();
  });

  it('audits parking, release and creation', async () => {
    const actions = (await auditOf(lea.id)).map((entry) => entry.action);
    expect(actions.slice(0, 3)).toEqual(['created', 'released', 'parked']);
  });

  it('creates at once when the start moves back', async () => {
    const max = newPerson('max', { startDate: dateInDays(20), status: 'pending' });
    await apply(max.event('employee.hired', 1));
    await apply(max.event('employee.updated', 2, { startDate: dateInDays(-1), status: 'active' }));

    expect(user(max.email)).toBeDefined();
    expect(await parkedStore().get(SOURCE, max.id)).toBeUndefined();
  });
});

describe('update and transfer', () => {
  const nia = newPerson('nia');

  beforeAll(async () => {
    await apply(nia.event('employee.hired', 1));
    await talent.createGroup('Book Club');
    await talent.updateUser(nia.email, { groups: ['School: Maple Elementary', 'Book Club'] });
    await apply(
      nia.event('employee.updated', 2, {
        firstName: 'Nia',
        lastName: 'Okafor',
        jobTitle: 'Literacy Coach',
        department: 'Literacy',
        school: 'Cedar Middle',
      }),
    );
  });

  it('updates the name', () => {
    expect(user(nia.email)?.name).toBe('Nia Okafor');
  });

  it('changes the role with the job title', () => {
    expect(user(nia.email)?.role).toBe('Coach');
  });

  it('moves the managed school group and keeps the hand-assigned one', () => {
    expect([...(user(nia.email)?.groups ?? [])].sort()).toEqual(['Book Club', 'School: Cedar Middle']);
  });
});

describe('e-mail change', () => {
  it('carries the same Talent user over to the new address', async () => {
    const oli = newPerson('oli');
    await apply(oli.event('employee.hired', 1));
    await apply(oli.event('employee.updated', 2, { workEmail: `oliver@${DOMAIN}` }));

    expect(user(`oliver@${DOMAIN}`)).toBeDefined();
    expect(user(oli.email)).toBeUndefined();
  });

  it('audits the change with both addresses', async () => {
    const pia = newPerson('pia');
    await apply(pia.event('employee.hired', 1));
    await apply(pia.event('employee.updated', 2, { workEmail: `pia.new@${DOMAIN}` }));

    const [entry] = await auditOf(pia.id);
    expect(entry).toMatchObject({
      action: 'email-changed',
      before: { email: pia.email },
      after: { email: `pia.new@${DOMAIN}` },
    });
  });

  describe('onto an address another Talent user has', () => {
    const quin = newPerson('quin');
    const rex = newPerson('rex');
    const takenEmail = `taken.by.someone@${DOMAIN}`;
    let deadLettersBefore = 0;

    beforeAll(async () => {
      await apply(quin.event('employee.hired', 1));
      await talent.createUser({ email: takenEmail, role: 'Teacher', name: 'Someone Else' });
      deadLettersBefore = await stack.deadLetterCount();
      // One delivery: the conflicting change and an unrelated hire in the same batch.
      expect(
        await deliver([
          quin.event('employee.updated', 2, { workEmail: takenEmail }),
          rex.event('employee.hired', 2),
        ]),
      ).toBe(202);
      await stack.drainRoster();
    });

    it('moves the message to the dead-letter queue', async () => {
      expect(await stack.deadLetterCount()).toBe(deadLettersBefore + 1);
    });

    it('records the reason in the audit trail', async () => {
      const [entry] = await auditOf(quin.id);
      expect(entry).toMatchObject({ action: 'failed', outcome: 'failed' });
      expect(entry?.reason).toMatch(/already belongs to another Talent user/);
    });

    it('merges nobody', () => {
      expect(user(quin.email)?.name).toBe('quin Case');
      expect(user(takenEmail)?.name).toBe('Someone Else');
    });

    it('applies the rest of the batch', () => {
      expect(user(rex.email)).toBeDefined();
    });
  });
});

describe('leavers and rehires', () => {
  it('deactivates a terminated person', async () => {
    const sam = newPerson('sam');
    await apply(sam.event('employee.hired', 1), sam.event('employee.terminated', 2, { status: 'inactive' }));

    expect(user(sam.email)?.status).toBe('Disabled');
  });

  it('keeps a person on leave of absence Active', async () => {
    const tia = newPerson('tia');
    await apply(tia.event('employee.hired', 1));
    await talent.updateUser(tia.email, { status: 'Active' });
    await apply(tia.event('employee.updated', 2, { status: 'leave' }));

    expect(user(tia.email)?.status).toBe('Active');
  });

  it('reactivates the same user on rehire', async () => {
    const uma = newPerson('uma');
    await apply(
      uma.event('employee.hired', 1),
      uma.event('employee.terminated', 2, { status: 'inactive' }),
      uma.event('employee.rehired', 3),
    );

    expect(usersNamed('uma')).toHaveLength(1);
    expect(user(uma.email)?.status).not.toBe('Disabled');
  });

  it('does not let an older update reactivate a leaver', async () => {
    const vic = newPerson('vic');
    await apply(
      vic.event('employee.hired', 1),
      vic.event('employee.terminated', 5, { status: 'inactive' }),
      vic.event('employee.updated', 3, { school: 'Cedar Middle' }),
    );

    expect(user(vic.email)).toMatchObject({ status: 'Disabled', groups: ['School: Maple Elementary'] });
  });
});

describe('no work e-mail yet', () => {
  const wes = newPerson('wes', { workEmail: null });

  beforeAll(async () => {
    await apply(wes.event('employee.hired', 1));
  });

  it('parks the hire without a release time', async () => {
    const parked = await parkedStore().get(SOURCE, wes.id);
    expect(parked).toMatchObject({ reason: 'no-email', releaseAt: undefined });
  });

  it('creates the user from a later event that carries an e-mail', async () => {
    await apply(wes.event('employee.updated', 2, { workEmail: wes.email }));

    expect(user(wes.email)).toBeDefined();
  });

  it('clears the parked item', async () => {
    expect(await parkedStore().get(SOURCE, wes.id)).toBeUndefined();
  });

  it('audits both events', async () => {
    const actions = (await auditOf(wes.id)).map((entry) => entry.action);
    expect(actions).toEqual(['created', 'parked']);
  });
});

describe('duplicates and order', () => {
  it('creates one user for a delivery sent twice', async () => {
    const xia = newPerson('xia');
    const hire = xia.event('employee.hired', 1);
    expect(await deliver([hire], 'cases-duplicate')).toBe(202);
    expect(await deliver([hire], 'cases-duplicate')).toBe(202);
    await stack.drainRoster();

    expect(usersNamed('xia')).toHaveLength(1);
  });

  it('applies two events of one person in one batch in order', async () => {
    const yan = newPerson('yan');
    expect(
      await deliver([
        yan.event('employee.hired', 1),
        yan.event('employee.updated', 2, { school: 'Birch High' }),
      ]),
    ).toBe(202);
    await stack.drainRoster();

    expect(user(yan.email)?.groups).toEqual(['School: Birch High']);
  });
});

describe('Talent faults', () => {
  it('retries a 503 with backoff and creates the user', async () => {
    const zed = newPerson('zed');
    const before = stack.simulator.counts().createUser ?? 0;
    stack.simulator.failNext(2, '503', 'createUser');
    await apply(zed.event('employee.hired', 1));

    expect(user(zed.email)).toBeDefined();
    expect((stack.simulator.counts().createUser ?? 0) - before).toBe(3);
  });

  it('waits out a 429 and creates the user', async () => {
    const amy = newPerson('amy');
    stack.simulator.failNext(1, '429', 'getUser');
    await apply(amy.event('employee.hired', 1));

    expect(user(amy.email)).toBeDefined();
  });
});

describe('groups', () => {
  it('creates a missing group once for hires delivered at the same time', async () => {
    const people = ['bea', 'cal', 'dee'].map((name) => newPerson(name, { school: 'Aspen Academy' }));
    const statuses = await Promise.all(people.map((person) => deliver([person.event('employee.hired', 1)])));
    expect(statuses).toEqual([202, 202, 202]);
    await stack.drainRoster();

    const aspen = stack.simulator.groups().filter((group) => group.name === 'School: Aspen Academy');
    expect(aspen).toHaveLength(1);
  });
});

describe('scope', () => {
  it('leaves a person outside the scope out of Talent', async () => {
    const eve = newPerson('eve', { employeeType: 'Substitute' });
    await apply(eve.event('employee.hired', 1));

    expect(user(eve.email)).toBeUndefined();
  });

  it('deactivates a synced person who leaves the scope', async () => {
    const fay = newPerson('fay');
    await apply(
      fay.event('employee.hired', 1),
      fay.event('employee.updated', 2, { employeeType: 'Volunteer' }),
    );

    expect(user(fay.email)?.status).toBe('Disabled');
  });

  it('reactivates a person who comes back into the scope', async () => {
    const gus = newPerson('gus');
    await apply(
      gus.event('employee.hired', 1),
      gus.event('employee.updated', 2, { employeeType: 'Volunteer' }),
      gus.event('employee.updated', 3, { employeeType: 'Full-time' }),
    );

    expect(user(gus.email)?.status).not.toBe('Disabled');
  });
});
