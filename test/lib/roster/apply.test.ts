import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../../lib/config/schema';
import { type ApplyDependencies, applyRosterEvent, type RosterLogger } from '../../../lib/roster/apply';
import { type AuditStore, createAuditStore } from '../../../lib/roster/audit';
import { PermanentApplyError } from '../../../lib/roster/errors';
import type { RosterEvent } from '../../../lib/roster/event';
import { KnownGroups } from '../../../lib/roster/groups';
import { createParkedEventStore, type ParkedEventStore } from '../../../lib/roster/parked';
import { createStateStore, personKey, type RosterStateStore } from '../../../lib/roster/state';
import { createRosterTalentClient } from '../../../lib/roster/talent';
import { ENV } from '../../../lib/runtime/environment';
import { createTalentClient, type TalentClient } from '../../../lib/talent/client';
import { isRetryable, TalentApiError } from '../../../lib/talent/errors';
import { startTalentSimulator, type TalentSimulator } from '../../../local/talent-simulator/server';
import {
  type ConfigFiles,
  type LocalStateTable,
  rosterEvent,
  SIMULATOR_TOKEN,
  startStateTable,
  TALENT_INVALID_EMAIL,
  testConfig,
  writeConfigFiles,
} from './support';

let simulator: TalentSimulator;
let table: LocalStateTable;
let files: ConfigFiles;
let state: RosterStateStore;
let parked: ParkedEventStore;
let audit: AuditStore;
/** A second client that seeds and inspects Talent, apart from the one under test. */
let inspector: TalentClient;

const silentLogger: RosterLogger = { info: () => {}, warn: () => {}, error: () => {} };

beforeAll(async () => {
  simulator = await startTalentSimulator();
  table = await startStateTable();
  files = writeConfigFiles(simulator.url);
  process.env[ENV.secretsFile] = files.secretsFile;
  state = createStateStore({ tableName: table.tableName, client: table.client });
  parked = createParkedEventStore({ tableName: table.tableName, client: table.client });
  audit = createAuditStore({ tableName: table.auditTableName, client: table.client });
  inspector = createTalentClient({ baseUrl: simulator.url, token: SIMULATOR_TOKEN, requestsPerSecond: 100 });
});

afterAll(async () => {
  delete process.env[ENV.secretsFile];
  files.remove();
  await table.close();
  await simulator.close();
});

let personCounter = 0;
let employeeId: string;
let email: string;

// Each test works on its own person, so tests share the simulator and the table without interfering.
beforeEach(() => {
  personCounter += 1;
  employeeId = `E${1000 + personCounter}`;
  email = `person${personCounter}@district.example.org`;
});

function dependencies(roster: Record<string, unknown> = {}): ApplyDependencies {
  const config: Config = testConfig(simulator.url, roster);
  return {
    talent: createRosterTalentClient(config),
    state,
    parked,
    audit,
    config,
    logger: silentLogger,
    knownGroups: new KnownGroups(),
  };
}

type EventOverrides = Parameters<typeof rosterEvent>[0];

/**
 * Builds an event for this test's person, where `day` sets `occurredAt` to that day of January 2026
 * at 09:00 UTC.
 */
function eventFor(overrides: EventOverrides & { day?: number } = {}): RosterEvent {
  const { day = 10, person, ...rest } = overrides;
  return rosterEvent({
    employeeId,
    occurredAt: `2026-01-${String(day).padStart(2, '0')}T09:00:00Z`,
    ...rest,
    person: { email, ...person },
  });
}

async function talentUser(address = email) {
  return inspector.getUser(address);
}

function groupNames(): string[] {
  return simulator.groups().map((group) => group.name);
}

function requestCount(): number {
  return simulator.requestLog().length;
}

describe('applyRosterEvent', () => {
  describe('hire', () => {
    it('creates the user with role and groups', async () => {
      const result = await applyRosterEvent(
        eventFor({ person: { jobTitle: 'Instructional Coach', school: 'Hire Lincoln' } }),
        dependencies(),
      );

      expect(result.outcome).toBe('created');
      const user = await talentUser();
      expect(user?.role).toBe('Coach');
      expect(user?.groups).toEqual(['School: Hire Lincoln']);
      expect(user?.name).toBe('Ada Lovelace');
    });

    it('creates a missing group once for two hires', async () => {
      const deps = dependencies();
      await applyRosterEvent(eventFor({ person: { school: 'Once Elementary' } }), deps);
      await applyRosterEvent(
        rosterEvent({
          employeeId: `${employeeId}-b`,
          person: { email: `b.${email}`, school: 'Once Elementary' },
        }),
        deps,
      );

      const matching = groupNames().filter((name) => name === 'School: Once Elementary');
      expect(matching).toHaveLength(1);
    });

    it('counts two calls for a new-group hire: create the group, create the user', async () => {
      const result = await applyRosterEvent(
        eventFor({ person: { school: 'Two Calls High' } }),
        dependencies(),
      );
      expect(result.calls).toBe(2);
    });

    it('records the applied event in the state table', async () => {
      const event = eventFor({ person: { school: 'Recorded Middle' } });
      await applyRosterEvent(event, dependencies());

      const recorded = await state.getPerson(event.source, employeeId);
      expect(recorded).toMatchObject({
        email,
        lastEventId: event.eventId,
        lastOccurredAt: '2026-01-10T09:00:00.000Z',
        status: 'active',
        managedGroups: ['School: Recorded Middle'],
      });
    });

    it('adopts a user who already exists in Talent', async () => {
      await inspector.createUser({ email, role: 'Teacher', name: 'Ada L.', groups: [] });

      const result = await applyRosterEvent(
        eventFor({ person: { school: 'Adopt Academy' } }),
        dependencies(),
      );

      expect(result.outcome).toBe('updated');
      const user = await talentUser();
      expect(user?.groups).toContain('School: Adopt Academy');
      expect(user?.name).toBe('Ada Lovelace');
    });

    it('creates a pending hire without a start date right away', async () => {
      const result = await applyRosterEvent(eventFor({ person: { status: 'pending' } }), dependencies());
      expect(result.outcome).toBe('created');
    });
  });

  describe('update', () => {
    it('moves managed groups and keeps a hand-assigned group', async () => {
      const deps = dependencies();
      await applyRosterEvent(eventFor({ day: 10, person: { school: 'Move From' } }), deps);
      await inspector.createGroup('Book club').catch(() => undefined);
      await inspector.updateUser(email, { groups: ['School: Move From', 'Book club'] });

      const result = await applyRosterEvent(
        eventFor({
          day: 11,
          person: { school: 'Move To', jobTitle: 'Literacy Coach', displayName: 'Ada King' },
        }),
        deps,
      );

      expect(result.outcome).toBe('updated');
      const user = await talentUser();
      expect([...(user?.groups ?? [])].sort()).toEqual(['Book club', 'School: Move To']);
      expect(user?.role).toBe('Coach');
      expect(user?.name).toBe('Ada King');
    });

    it('makes no Talent call when the state table shows nothing changed', async () => {
      const deps = dependencies();
      await applyRosterEvent(eventFor({ day: 10 }), deps);
      const before = requestCount();

      const result = await applyRosterEvent(eventFor({ day: 11 }), deps);

      expect(result.outcome).toBe('unchanged');
      expect(requestCount() - before).toBe(0);
    });

    it('writes a changed name without a lookup', async () => {
      const deps = dependencies();
      await applyRosterEvent(eventFor({ day: 10 }), deps);
      const before = requestCount();

      await applyRosterEvent(eventFor({ day: 11, person: { displayName: 'Ada King' } }), deps);

      expect(requestCount() - before).toBe(1);
    });

    it('writes a changed name that the state table recorded', async () => {
      const deps = dependencies();
      await applyRosterEvent(eventFor({ day: 10 }), deps);
      await applyRosterEvent(eventFor({ day: 11, person: { displayName: 'Ada King' } }), deps);

      expect((await talentUser())?.name).toBe('Ada King');
    });

    it('looks the user up again when Talent no longer has it', async () => {
      const deps = dependencies();
      await applyRosterEvent(eventFor({ day: 10 }), deps);
      await inspector.deleteUser(email);

      const result = await applyRosterEvent(eventFor({ day: 11, person: { displayName: 'Ada King' } }), deps);

      expect(result.outcome).toBe('created');
    });

    it('carries the person over to a new e-mail', async () => {
      const deps = dependencies();
      await applyRosterEvent(eventFor({ day: 10 }), deps);
      const newEmail = `renamed.${email}`;

      const result = await applyRosterEvent(eventFor({ day: 11, person: { email: newEmail } }), deps);

      expect(result.outcome).toBe('updated');
      expect(await talentUser(newEmail)).toBeDefined();
      expect(await talentUser(email)).toBeUndefined();
      expect((await state.getPerson('hr-generic', employeeId))?.email).toBe(newEmail);
    });

    it('rejects an e-mail change onto another user', async () => {
      const deps = dependencies();
      await applyRosterEvent(eventFor({ day: 10 }), deps);
      const takenEmail = `taken.${email}`;
      await inspector.createUser({ email: takenEmail, role: 'Teacher' });

      const attempt = applyRosterEvent(eventFor({ day: 11, person: { email: takenEmail } }), deps);

      await expect(attempt).rejects.toBeInstanceOf(PermanentApplyError);
      expect(await talentUser(email)).toBeDefined();
    });
  });

  describe('termination', () => {
    it('deactivates the user', async () => {
      const deps = dependencies();
      await applyRosterEvent(eventFor({ day: 10 }), deps);

      const result = await applyRosterEvent(eventFor({ day: 11, action: 'terminate' }), deps);

      expect(result.outcome).toBe('deactivated');
      expect((await talentUser())?.status).toBe('Disabled');
    });

    it('reports an already Disabled user as unchanged', async () => {
      const deps = dependencies();
      await applyRosterEvent(eventFor({ day: 10 }), deps);
      await applyRosterEvent(eventFor({ day: 11, action: 'terminate' }), deps);

      const result = await applyRosterEvent(eventFor({ day: 12, person: { status: 'inactive' } }), deps);

      expect(result.outcome).toBe('unchanged');
    });

    it('reactivates the same user on rehire', async () => {
      const deps = dependencies();
      await applyRosterEvent(eventFor({ day: 10 }), deps);
      await applyRosterEvent(eventFor({ day: 11, action: 'terminate' }), deps);

      const result = await applyRosterEvent(eventFor({ day: 12 }), deps);

      expect(result.outcome).toBe('updated');
      expect((await talentUser())?.status).not.toBe('Disabled');
      expect(simulator.users().filter((user) => user.email === email)).toHaveLength(1);
    });

    it('returns a rehire who never signed in to Invited', async () => {
      const deps = dependencies();
      await applyRosterEvent(eventFor({ day: 10 }), deps);
      await applyRosterEvent(eventFor({ day: 11, action: 'terminate' }), deps);

      await applyRosterEvent(eventFor({ day: 12 }), deps);

      expect((await talentUser())?.status).toBe('Invited');
    });

    it('skips an older update after a termination', async () => {
      const deps = dependencies();
      await applyRosterEvent(eventFor({ day: 10 }), deps);
      await applyRosterEvent(eventFor({ day: 12, action: 'terminate' }), deps);

      const result = await applyRosterEvent(eventFor({ day: 11, person: { school: 'Late News' } }), deps);

      expect(result.outcome).toBe('skipped-stale');
      expect(result.calls).toBe(0);
      expect((await talentUser())?.status).toBe('Disabled');
    });

    it('deletes the user under the delete policy', async () => {
      const deps = dependencies({ terminationAction: 'delete' });
      await applyRosterEvent(eventFor({ day: 10 }), deps);

      const result = await applyRosterEvent(eventFor({ day: 11, action: 'delete' }), deps);

      expect(result.outcome).toBe('deleted');
      expect(await talentUser()).toBeUndefined();
    });

    it('leaves the user alone under the ignore policy', async () => {
      const deps = dependencies({ terminationAction: 'ignore' });
      await applyRosterEvent(eventFor({ day: 10 }), deps);

      const result = await applyRosterEvent(eventFor({ day: 11, action: 'terminate' }), deps);

      expect(result.outcome).toBe('ignored');
      expect((await talentUser())?.status).not.toBe('Disabled');
    });

    it('reports a person unknown to Talent as unchanged', async () => {
      const result = await applyRosterEvent(eventFor({ action: 'terminate' }), dependencies());
      expect(result.outcome).toBe('unchanged');
    });
  });

  describe('delivery', () => {
    it('skips a duplicate without calling Talent', async () => {
      const deps = dependencies();
      const event = eventFor();
      await applyRosterEvent(event, deps);
      const before = requestCount();

      const result = await applyRosterEvent(event, deps);

      expect(result.outcome).toBe('skipped-duplicate');
      expect(requestCount()).toBe(before);
    });

    it('parks an upsert without an e-mail', async () => {
      const event = eventFor({ person: { email: undefined } });
      const result = await applyRosterEvent(event, dependencies());

      expect(result.outcome).toBe('parked');
      expect(await state.getPerson(event.source, employeeId)).toBeUndefined();
    });

    it('skips an older event after a parked one', async () => {
      const deps = dependencies();
      await applyRosterEvent(eventFor({ day: 12, person: { email: undefined } }), deps);

      const result = await applyRosterEvent(eventFor({ day: 11 }), deps);

      expect(result.outcome).toBe('skipped-stale');
    });

    it('applies a later event with an e-mail and clears the parked one', async () => {
      const deps = dependencies();
      await applyRosterEvent(eventFor({ day: 11, person: { email: undefined } }), deps);

      const result = await applyRosterEvent(eventFor({ day: 12 }), deps);

      expect(result.outcome).toBe('created');
      expect(await parked.get('hr-generic', employeeId)).toBeUndefined();
    });

    it('audits both the parked and the superseding event', async () => {
      const deps = dependencies();
      const first = eventFor({ day: 11, person: { email: undefined } });
      await applyRosterEvent(first, deps);
      await applyRosterEvent(eventFor({ day: 12 }), deps);

      const entries = await audit.listForPerson(personKey('hr-generic', employeeId));
      expect(entries.map((entry) => entry.action).sort()).toEqual(['created', 'parked']);
      expect(entries.find((entry) => entry.action === 'created')?.reason).toContain(first.eventId);
    });
  });

  describe('future start date', () => {
    // 18:00 in Chicago on 10 January 2026.
    const now = () => new Date('2026-01-11T00:00:00Z');

    function futureDeps(): ApplyDependencies {
      return { ...dependencies({ timeZone: 'America/Chicago' }), now };
    }

    it('parks a hire until its start date begins in the roster time zone', async () => {
      const result = await applyRosterEvent(eventFor({ person: { startDate: '2026-01-12' } }), futureDeps());

      expect(result.outcome).toBe('parked');
      expect(result.releaseAt).toBe('2026-01-12T06:00:00.000Z');
    });

    it('calls Talent for nothing while the hire is parked', async () => {
      await applyRosterEvent(eventFor({ person: { startDate: '2026-01-12' } }), futureDeps());
      expect(await talentUser()).toBeUndefined();
    });

    it('creates a hire whose start date began today in the roster time zone', async () => {
      const result = await applyRosterEvent(eventFor({ person: { startDate: '2026-01-10' } }), futureDeps());
      expect(result.outcome).toBe('created');
    });

    it('replaces the parked event with a newer one', async () => {
      const deps = futureDeps();
      await applyRosterEvent(eventFor({ day: 10, person: { startDate: '2026-01-12' } }), deps);
      const newer = eventFor({ day: 11, person: { startDate: '2026-01-19' } });
      await applyRosterEvent(newer, deps);

      expect((await parked.get('hr-generic', employeeId))?.event.eventId).toBe(newer.eventId);
    });

    it('unparks when a newer event moves the start date to the past', async () => {
      const deps = futureDeps();
      await applyRosterEvent(eventFor({ day: 10, person: { startDate: '2026-01-12' } }), deps);

      const result = await applyRosterEvent(eventFor({ day: 11, person: { startDate: '2026-01-05' } }), deps);

      expect(result.outcome).toBe('created');
      expect(await parked.get('hr-generic', employeeId)).toBeUndefined();
    });

    it('drops a parked hire when the person is terminated before starting', async () => {
      const deps = futureDeps();
      await applyRosterEvent(eventFor({ day: 10, person: { startDate: '2026-01-12' } }), deps);

      await applyRosterEvent(
        eventFor({ day: 11, action: 'terminate', person: { status: 'inactive' } }),
        deps,
      );

      expect(await parked.get('hr-generic', employeeId)).toBeUndefined();
    });

    it('updates a synced active person whose start date moved ahead', async () => {
      const deps = futureDeps();
      await applyRosterEvent(eventFor({ day: 10 }), deps);

      const result = await applyRosterEvent(
        eventFor({ day: 11, person: { startDate: '2026-02-01', jobTitle: 'Reading Coach' } }),
        deps,
      );

      expect(result.outcome).toBe('updated');
    });
  });

  describe('leave of absence', () => {
    it('keeps the user Active', async () => {
      const deps = dependencies();
      await applyRosterEvent(eventFor({ day: 10 }), deps);
      await inspector.updateUser(email, { status: 'Active' });

      await applyRosterEvent(eventFor({ day: 11, person: { status: 'leave' } }), deps);

      expect((await talentUser())?.status).toBe('Active');
    });
  });

  describe('scope', () => {
    const scope = { exclude: [{ employeeType: 'Substitute' }] };

    it('skips a person outside the scope who was never synced', async () => {
      const result = await applyRosterEvent(
        eventFor({ person: { employeeType: 'Substitute' } }),
        dependencies({ scope }),
      );

      expect(result.outcome).toBe('skipped-out-of-scope');
      expect(await talentUser()).toBeUndefined();
    });

    it('skips a second event of a person outside the scope', async () => {
      const deps = dependencies({ scope });
      await applyRosterEvent(eventFor({ day: 10, person: { employeeType: 'Substitute' } }), deps);

      const result = await applyRosterEvent(
        eventFor({ day: 11, person: { employeeType: 'Substitute', school: 'Other' } }),
        deps,
      );

      expect(result.outcome).toBe('skipped-out-of-scope');
    });

    it('leaves a hand-made user of a person outside the scope when they leave', async () => {
      await inspector.createUser({ email, role: 'Teacher', name: 'By Hand' });

      await applyRosterEvent(
        eventFor({ action: 'terminate', person: { status: 'inactive', employeeType: 'Substitute' } }),
        dependencies({ scope }),
      );

      expect((await talentUser())?.status).not.toBe('Disabled');
    });

    it('creates a person who comes into the scope after being skipped', async () => {
      const deps = dependencies({ scope });
      await applyRosterEvent(eventFor({ day: 10, person: { employeeType: 'Substitute' } }), deps);

      const result = await applyRosterEvent(
        eventFor({ day: 11, person: { employeeType: 'Full-time' } }),
        deps,
      );

      expect(result.outcome).toBe('created');
    });

    it('deactivates a synced person who leaves the scope', async () => {
      const deps = dependencies({ scope });
      await applyRosterEvent(eventFor({ day: 10 }), deps);

      const result = await applyRosterEvent(
        eventFor({ day: 11, person: { employeeType: 'Substitute' } }),
        deps,
      );

      expect(result.outcome).toBe('deactivated');
      expect((await talentUser())?.status).toBe('Disabled');
    });

    it('reactivates a person who comes back into the scope', async () => {
      const deps = dependencies({ scope });
      await applyRosterEvent(eventFor({ day: 10 }), deps);
      await applyRosterEvent(eventFor({ day: 11, person: { employeeType: 'Substitute' } }), deps);

      await applyRosterEvent(eventFor({ day: 12, person: { employeeType: 'Full-time' } }), deps);

      expect((await talentUser())?.status).not.toBe('Disabled');
    });
  });

  describe('audit', () => {
    it('records a creation with the user after it', async () => {
      await applyRosterEvent(eventFor({ person: { school: 'Audit Elementary' } }), dependencies());

      const [entry] = await audit.listForPerson(personKey('hr-generic', employeeId));
      expect(entry).toMatchObject({
        action: 'created',
        outcome: 'applied',
        after: { email, role: 'Teacher', groups: ['School: Audit Elementary'] },
      });
    });

    it('records a reactivation on rehire', async () => {
      const deps = dependencies();
      await applyRosterEvent(eventFor({ day: 10 }), deps);
      await applyRosterEvent(
        eventFor({ day: 11, action: 'terminate', person: { status: 'inactive' } }),
        deps,
      );
      await applyRosterEvent(eventFor({ day: 12 }), deps);

      const [latest] = await audit.listForPerson(personKey('hr-generic', employeeId));
      expect(latest?.action).toBe('reactivated');
    });

    it('records an e-mail conflict as failed with the reason', async () => {
      const deps = dependencies();
      await applyRosterEvent(eventFor({ day: 10 }), deps);
      const takenEmail = `taken.${email}`;
      await inspector.createUser({ email: takenEmail, role: 'Teacher', name: 'Someone Else' });

      await applyRosterEvent(eventFor({ day: 11, person: { email: takenEmail } }), deps).catch(
        () => undefined,
      );

      const [latest] = await audit.listForPerson(personKey('hr-generic', employeeId));
      expect(latest).toMatchObject({ action: 'failed', outcome: 'failed', after: { email: takenEmail } });
      expect(latest?.reason).toMatch(/already belongs to another Talent user/);
    });

    it('records a skipped duplicate', async () => {
      const deps = dependencies();
      const event = eventFor();
      await applyRosterEvent(event, deps);
      await applyRosterEvent(event, deps);

      const [latest] = await audit.listForPerson(personKey('hr-generic', employeeId));
      expect(latest).toMatchObject({ action: 'skipped', reason: 'this event was applied already' });
    });
  });

  describe('races', () => {
    it('updates a user who appeared before the create', async () => {
      const deps = dependencies();
      const talent = deps.talent;
      deps.talent = {
        ...talent,
        createUser: async (body) => {
          await inspector.createUser({ email: body.email, role: 'Teacher', name: 'Someone Else' });
          return talent.createUser(body);
        },
      };

      const result = await applyRosterEvent(eventFor(), deps);

      expect(result.outcome).toBe('updated');
      expect((await talentUser())?.name).toBe('Ada Lovelace');
    });

    it('accepts a group created just before its create', async () => {
      const deps = dependencies();
      const talent = deps.talent;
      deps.talent = {
        ...talent,
        createGroup: async (name) => {
          await inspector.createGroup(name);
          return talent.createGroup(name);
        },
      };

      const result = await applyRosterEvent(eventFor({ person: { school: 'Raced Group' } }), deps);

      expect(result.outcome).toBe('created');
      expect((await talentUser())?.groups).toEqual(['School: Raced Group']);
    });

    it('reports a lost state race as stale', async () => {
      const deps = dependencies();
      deps.state = {
        getPerson: (source, id) => state.getPerson(source, id),
        recordApplied: async (applied) => {
          // Another worker records a newer event for the person while this one is in flight.
          await state.recordApplied({
            ...applied,
            lastEventId: 'newer',
            lastOccurredAt: '2026-02-01T00:00:00.000Z',
          });
          return state.recordApplied(applied);
        },
      };

      const result = await applyRosterEvent(eventFor(), deps);

      expect(result.outcome).toBe('skipped-stale');
      expect((await state.getPerson('hr-generic', employeeId))?.lastEventId).toBe('newer');
    });

    it('recreates a known group deleted in Talent', async () => {
      const deps = dependencies();
      await applyRosterEvent(eventFor({ person: { school: 'Deleted Later' } }), deps);
      await inspector.deleteGroup('School: Deleted Later');

      const result = await applyRosterEvent(
        rosterEvent({
          employeeId: `${employeeId}-b`,
          person: { email: `b.${email}`, school: 'Deleted Later' },
        }),
        deps,
      );

      expect(result.outcome).toBe('created');
      expect(groupNames()).toContain('School: Deleted Later');
    });
  });

  describe('Talent failures', () => {
    it('succeeds after one 503 through the client retry', async () => {
      simulator.failNext(1, '503', 'createUser');

      const result = await applyRosterEvent(eventFor(), dependencies());

      expect(result.outcome).toBe('created');
      expect(await talentUser()).toBeDefined();
    });

    it('propagates a 503 that outlasts the client retries', async () => {
      // One attempt plus the two retries that the test config allows.
      simulator.failNext(3, '503', 'createUser');

      const error = await applyRosterEvent(eventFor(), dependencies()).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(TalentApiError);
      expect(isRetryable(error)).toBe(true);
    });

    it('turns a 400 into a permanent error', async () => {
      const attempt = applyRosterEvent(eventFor({ person: { email: TALENT_INVALID_EMAIL } }), dependencies());
      await expect(attempt).rejects.toBeInstanceOf(PermanentApplyError);
    });

    it('logs a failure with a masked e-mail', async () => {
      const logged: Record<string, unknown>[] = [];
      const deps = dependencies();
      deps.logger = {
        ...silentLogger,
        error: (_message: string, fields: Record<string, unknown>) => logged.push(fields),
      } as RosterLogger;

      await applyRosterEvent(eventFor({ person: { email: TALENT_INVALID_EMAIL } }), deps).catch(
        () => undefined,
      );

      expect(logged[0]).toMatchObject({ employeeId, email: 'k***@lincoln-.example.org', permanent: true });
    });

    it('records nothing when Talent rejects the event', async () => {
      const event = eventFor({ person: { email: TALENT_INVALID_EMAIL } });

      await applyRosterEvent(event, dependencies()).catch(() => undefined);

      expect(await state.getPerson(event.source, employeeId)).toBeUndefined();
    });
  });
});
