import { describe, expect, it } from 'vitest';
import type { Config } from '../../../../lib/config/schema';
import {
  checkBrake,
  type PlanInput,
  planReconcile,
  type TalentUserView,
  usersNeedingGroups,
} from '../../../../lib/roster/reconcile/plan';
import type { RosterSnapshot } from '../../../../lib/roster/reconcile/record';
import { reconcileConfig, record, snapshot } from './support';

function plan(
  roster: RosterSnapshot,
  talentUsers: TalentUserView[],
  overrides: Partial<PlanInput> = {},
  config: Config = reconcileConfig(),
) {
  return planReconcile({
    runId: 'run-1',
    createdAt: '2026-01-10T09:00:00.000Z',
    snapshot: roster,
    talentUsers,
    existingGroups: ['School: Lincoln'],
    knownEmails: new Set(),
    config,
    ...overrides,
  });
}

function talentUser(email: string, fields: Partial<TalentUserView> = {}): TalentUserView {
  return {
    email,
    role: 'Teacher',
    name: 'Ada Lovelace',
    status: 'Active',
    groups: ['School: Lincoln'],
    ...fields,
  };
}

describe('planReconcile', () => {
  it('creates a person missing from Talent with role and groups', () => {
    const result = plan(
      snapshot([record('new@district.example.org', { jobTitle: 'Math Coach', school: 'Adams' })]),
      [],
    );
    expect(result.creates).toEqual([
      expect.objectContaining({
        email: 'new@district.example.org',
        role: 'Coach',
        name: 'Ada Lovelace',
        groups: ['School: Adams'],
      }),
    ]);
  });

  it('lists a group that Talent lacks as missing', () => {
    const result = plan(snapshot([record('new@district.example.org', { school: 'Adams' })]), []);
    expect(result.missingGroups).toEqual(['School: Adams']);
  });

  it('updates name and role', () => {
    const result = plan(
      snapshot([record('ada@district.example.org', { jobTitle: 'Coach', school: 'Lincoln' })]),
      [talentUser('ada@district.example.org', { name: 'Ada King' })],
    );
    expect(result.updates).toEqual([
      expect.objectContaining({
        name: { from: 'Ada King', to: 'Ada Lovelace' },
        role: { from: 'Teacher', to: 'Coach' },
        reactivate: false,
      }),
    ]);
  });

  it('moves managed groups and keeps hand-assigned ones', () => {
    const result = plan(snapshot([record('ada@district.example.org', { school: 'Adams' })]), [
      talentUser('ada@district.example.org', { groups: ['School: Lincoln', 'Book Club'] }),
    ]);
    expect(result.updates[0]?.groups).toEqual({
      from: ['School: Lincoln', 'Book Club'],
      to: ['School: Adams', 'Book Club'],
      added: ['School: Adams'],
      removed: ['School: Lincoln'],
    });
  });

  it('reactivates a Disabled user in the roster', () => {
    const result = plan(snapshot([record('ada@district.example.org', { school: 'Lincoln' })]), [
      talentUser('ada@district.example.org', { status: 'Disabled' }),
    ]);
    expect(result.updates[0]?.reactivate).toBe(true);
  });

  it('leaves a matching user alone as unchanged', () => {
    const result = plan(snapshot([record('ada@district.example.org', { school: 'Lincoln' })]), [
      talentUser('ada@district.example.org'),
    ]);
    expect(result.updates).toEqual([]);
    expect(result.leftAlone).toEqual([expect.objectContaining({ kind: 'unchanged' })]);
  });

  it('leaves a row without e-mail alone', () => {
    const row = record('x@district.example.org');
    delete row.person.email;
    const result = plan(snapshot([row]), []);
    expect(result.leftAlone).toEqual([expect.objectContaining({ kind: 'no-email', row: row.row })]);
  });

  it('leaves a row of another domain out of scope', () => {
    const result = plan(snapshot([record('ada@elsewhere.example.com')]), []);
    expect(result.leftAlone).toEqual([expect.objectContaining({ kind: 'out-of-scope' })]);
  });

  it('leaves a row outside the scope hook alone', () => {
    const result = plan(snapshot([record('ada@district.example.org')]), [], { inScope: () => false });
    expect(result.leftAlone).toEqual([
      expect.objectContaining({ kind: 'out-of-scope', reason: expect.stringMatching(/roster\.scope/) }),
    ]);
  });

  it('deactivates a managed user missing from the roster', () => {
    const result = plan(snapshot([]), [talentUser('gone@district.example.org')]);
    expect(result.deactivations).toEqual([
      expect.objectContaining({ email: 'gone@district.example.org', action: 'deactivate' }),
    ]);
  });

  it('deactivates a user the state table knows in any domain', () => {
    const result = plan(snapshot([]), [talentUser('gone@elsewhere.example.com')], {
      knownEmails: new Set(['gone@elsewhere.example.com']),
    });
    expect(result.deactivations).toHaveLength(1);
  });

  it('leaves an unmanaged user alone', () => {
    const result = plan(snapshot([]), [talentUser('vendor@elsewhere.example.com')]);
    expect(result.deactivations).toEqual([]);
    expect(result.leftAlone).toEqual([expect.objectContaining({ kind: 'not-managed' })]);
  });

  it('leaves an Admin alone by default', () => {
    const result = plan(snapshot([]), [talentUser('boss@district.example.org', { role: 'Admin' })]);
    expect(result.leftAlone).toEqual([expect.objectContaining({ kind: 'admin' })]);
  });

  it('deactivates an Admin when configured', () => {
    const config = reconcileConfig({ reconcile: { deactivateAdmins: true } });
    const result = plan(
      snapshot([]),
      [talentUser('boss@district.example.org', { role: 'Admin' })],
      {},
      config,
    );
    expect(result.deactivations).toHaveLength(1);
  });

  it('never deactivates the user of an invalid row', () => {
    const rejected = [
      { row: 7, kind: 'invalid' as const, reason: 'bad status', email: 'kept@district.example.org' },
    ];
    const result = plan(snapshot([], rejected), [talentUser('kept@district.example.org')]);
    expect(result.deactivations).toEqual([]);
    expect(result.leftAlone).toEqual([expect.objectContaining({ row: 7, kind: 'invalid' })]);
  });

  it('rejects both rows that share an e-mail', () => {
    const first = record('twin@district.example.org', {}, 'T1');
    const second = record('twin@district.example.org', {}, 'T2');
    const result = plan(snapshot([first, second]), [talentUser('twin@district.example.org')]);
    expect(result.leftAlone.map((entry) => entry.kind)).toEqual(['invalid', 'invalid']);
    expect(result.deactivations).toEqual([]);
  });

  it('deactivates the user of an inactive row', () => {
    const result = plan(snapshot([record('left@district.example.org', { status: 'inactive' })]), [
      talentUser('left@district.example.org'),
    ]);
    expect(result.deactivations).toEqual([expect.objectContaining({ reason: 'the roster row is inactive' })]);
  });

  it('deletes when terminationAction is delete', () => {
    const config = reconcileConfig({ terminationAction: 'delete' });
    const result = plan(snapshot([]), [talentUser('gone@district.example.org')], {}, config);
    expect(result.deactivations[0]?.action).toBe('delete');
  });

  it('deactivates nobody when terminationAction is ignore', () => {
    const config = reconcileConfig({ terminationAction: 'ignore' });
    const result = plan(snapshot([]), [talentUser('gone@district.example.org')], {}, config);
    expect(result.deactivations).toEqual([]);
  });

  it('trips the brake past the share of users in scope', () => {
    const users = Array.from({ length: 10 }, (_, index) => talentUser(`u${index}@district.example.org`));
    const kept = users.slice(0, 8).map((user) => record(user.email, { school: 'Lincoln' }));
    const result = plan(snapshot(kept), users);
    expect(result.brake).toEqual({ deactivations: 2, inScope: 10, maxShare: 0.1, limit: 1, tripped: true });
  });
});

describe('checkBrake', () => {
  it('allows exactly the limit', () => {
    expect(checkBrake(10, 100, 0.1).tripped).toBe(false);
  });

  it('trips one past the limit', () => {
    expect(checkBrake(11, 100, 0.1).tripped).toBe(true);
  });

  it('rounds the limit down', () => {
    expect(checkBrake(1, 9, 0.1)).toEqual({
      deactivations: 1,
      inScope: 9,
      maxShare: 0.1,
      limit: 0,
      tripped: true,
    });
  });

  it('never trips without deactivations', () => {
    expect(checkBrake(0, 0, 0).tripped).toBe(false);
  });
});

describe('usersNeedingGroups', () => {
  it('asks only for active roster people who exist in Talent', () => {
    const roster = snapshot([
      record('kept@district.example.org'),
      record('new@district.example.org'),
      record('left@district.example.org', { status: 'inactive' }),
      record('other@elsewhere.example.com'),
    ]);
    const users = ['kept', 'left'].map((name) => talentUser(`${name}@district.example.org`));
    users.push(talentUser('other@elsewhere.example.com'));
    expect(usersNeedingGroups(roster, users, reconcileConfig())).toEqual(['kept@district.example.org']);
  });
});
