import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../../lib/roster/audit';
import { applyPlan, chunk, groupSetKey } from '../../../../lib/roster/reconcile/apply';
import { planReconcile, type ReconcilePlan } from '../../../../lib/roster/reconcile/plan';
import { listAllTalentUsers } from '../../../../lib/roster/reconcile/talent';
import { createTalentClient } from '../../../../lib/talent/client';
import {
  DEFAULT_TOKENS,
  startTalentSimulator,
  type TalentSimulator,
} from '../../../../local/talent-simulator/server';
import { reconcileConfig, record, snapshot } from './support';

let simulator: TalentSimulator;

beforeAll(async () => {
  simulator = await startTalentSimulator({
    seed: {
      users: [
        {
          email: 'moved@district.example.org',
          name: 'Moved Person',
          groups: ['School: Lincoln', 'Book Club'],
        },
        { email: 'stays@district.example.org', name: 'Ada Lovelace', groups: ['School: Lincoln'] },
        { email: 'gone@district.example.org', name: 'Gone Person' },
        { email: 'taken@district.example.org', name: 'Ada Lovelace', groups: ['School: Lincoln'] },
      ],
    },
  });
});

afterAll(async () => {
  await simulator.close();
});

beforeEach(() => {
  simulator.reset();
});

function talent() {
  return createTalentClient({ baseUrl: simulator.url, token: DEFAULT_TOKENS.system, requestsPerSecond: 100 });
}

async function planFor(
  records: ReturnType<typeof record>[],
  config = reconcileConfig({}, simulator.url),
): Promise<ReconcilePlan> {
  const client = talent();
  const users = await listAllTalentUsers(client);
  const withGroups = await Promise.all(
    users.map(async (user) => ({ ...user, groups: (await client.getUser(user.email))?.groups ?? [] })),
  );
  return planReconcile({
    runId: 'run-apply',
    createdAt: '2026-01-10T09:00:00.000Z',
    snapshot: snapshot(records),
    talentUsers: withGroups,
    existingGroups: simulator.groups().map((group) => group.name),
    knownEmails: new Set(),
    config,
  });
}

describe('applyPlan', () => {
  it('creates per role in bulk and sets groups per identical set', async () => {
    const records = [
      ...['a', 'b', 'c'].map((name) => record(`${name}@district.example.org`, { school: 'Adams' })),
      record('coach@district.example.org', { school: 'Adams', jobTitle: 'Coach' }),
      record('stays@district.example.org', { school: 'Lincoln' }),
      record('moved@district.example.org', { school: 'Adams', firstName: 'Moved', lastName: 'Person' }),
      record('taken@district.example.org', { school: 'Lincoln' }),
    ];
    const plan = await planFor(records);
    const before = simulator.counts();

    const result = await applyPlan(plan, { talent: talent(), config: reconcileConfig({}, simulator.url) });

    const counts = simulator.counts();
    const delta = (operation: string) => (counts[operation] ?? 0) - (before[operation] ?? 0);
    expect(result.failures).toEqual([]);
    expect(result.created).toBe(4);
    expect(delta('createUsers')).toBe(2);
    expect(delta('createGroup')).toBe(1);
    // One call for the four created users and one for the moved user, whose set keeps "Book Club".
    expect(delta('updateUsersGroups')).toBe(2);
    expect(simulator.users().find((user) => user.email === 'coach@district.example.org')).toMatchObject({
      role: 'Coach',
      groups: ['School: Adams'],
    });
    expect(simulator.users().find((user) => user.email === 'moved@district.example.org')?.groups).toEqual([
      'School: Adams',
      'Book Club',
    ]);
  });

  it('sets new and moved users with one group list in one call', async () => {
    const records = [
      record('new@district.example.org', { school: 'Lincoln' }),
      record('moved@district.example.org', { school: 'Lincoln', firstName: 'Moved', lastName: 'Person' }),
    ];
    const config = reconcileConfig({ managedGroups: ['School: *', 'Book Club'] }, simulator.url);
    const plan = await planFor(records, config);
    const before = simulator.counts().updateUsersGroups ?? 0;

    await applyPlan(plan, { talent: talent(), config });

    expect((simulator.counts().updateUsersGroups ?? 0) - before).toBe(1);
  });

  it('deactivates a managed user missing from the roster', async () => {
    const plan = await planFor([record('stays@district.example.org', { school: 'Lincoln' })]);

    await applyPlan(plan, { talent: talent(), config: reconcileConfig({}, simulator.url) });

    expect(simulator.users().find((user) => user.email === 'gone@district.example.org')?.status).toBe(
      'Disabled',
    );
  });

  it('lists a rejected item and applies the rest', async () => {
    const plan = await planFor([record('new@district.example.org', { school: 'Lincoln' })]);
    plan.creates.push({ email: 'stays@district.example.org', role: 'Teacher', groups: [], row: 99 });
    const audit: AuditEntry[] = [];

    const result = await applyPlan(plan, {
      talent: talent(),
      config: reconcileConfig({}, simulator.url),
      file: 'roster.csv',
      audit: { record: async (entry) => void audit.push(entry) },
    });

    expect(result.failures).toEqual([
      expect.objectContaining({
        email: 'stays@district.example.org',
        change: 'create',
        reason: 'user already exists',
        row: 99,
      }),
    ]);
    expect(simulator.users().some((user) => user.email === 'new@district.example.org')).toBe(true);
    expect(audit).toContainEqual(
      expect.objectContaining({
        personKey: 'email#stays@district.example.org',
        origin: { kind: 'reconcile', runId: 'run-apply', file: 'roster.csv', row: 99 },
        action: 'failed',
        outcome: 'failed',
      }),
    );
  });

  it('records each applied change in the audit trail', async () => {
    const plan = await planFor([record('new@district.example.org', { school: 'Lincoln' }, 'E9')]);
    const audit: AuditEntry[] = [];

    await applyPlan(plan, {
      talent: talent(),
      config: reconcileConfig({}, simulator.url),
      audit: { record: async (entry) => void audit.push(entry) },
    });

    expect(audit.map((entry) => `${entry.action}:${entry.outcome}`).sort()).toEqual([
      'created:applied',
      'deactivated:applied',
      'deactivated:applied',
      'deactivated:applied',
      'deactivated:applied',
    ]);
    expect(audit.find((entry) => entry.action === 'created')?.personKey).toBe('person#roster#E9');
  });
});

describe('groupSetKey', () => {
  it('ignores order and case', () => {
    expect(groupSetKey(['B', 'a'])).toBe(groupSetKey(['A', 'b']));
  });

  it('tells different sets apart', () => {
    expect(groupSetKey(['A'])).not.toBe(groupSetKey(['A', 'B']));
  });
});

describe('chunk', () => {
  it('splits into batches of the size', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  });
});
