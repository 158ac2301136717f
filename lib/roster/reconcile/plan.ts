import type { Config, TalentRole } from '../../config/schema';
import type { TalentUserStatus, TalentUserSummary } from '../../talent/client';
import { reactivatedStatus } from '../reactivation';
import { groupKey, managedGroupMatcher, mergeGroups, resolveGroups, resolveRole, sameGroups } from '../rules';
import { displayName } from '../upsert';
import type { RejectedRow, RosterRecord, RosterSnapshot } from './record';

/** The roster row that a planned change comes from. */
export interface RowRef {
  row?: number;
  employeeId?: string;
}

export interface PlannedCreate extends RowRef {
  email: string;
  role: TalentRole;
  name?: string;
  /** Managed groups from the rules; set after the bulk create, which takes no groups. */
  groups: string[];
}

export interface PlannedUpdate extends RowRef {
  email: string;
  name?: { from?: string; to: string };
  role?: { from: string; to: TalentRole };
  /** A Disabled user in the roster as active is reactivated, to `reactivateTo`. */
  reactivate: boolean;
  /** Active if the user had signed in before, else Invited (see `reactivatedStatus`). */
  reactivateTo?: TalentUserStatus;
  /** The whole target group list (desired managed groups plus hand-assigned ones). */
  groups?: { from: string[]; to: string[]; added: string[]; removed: string[] };
}

export interface PlannedDeactivation extends RowRef {
  email: string;
  role: string;
  name?: string;
  /** `delete` when `roster.terminationAction` is delete. */
  action: 'deactivate' | 'delete';
  reason: string;
}

export type LeftAloneKind =
  | 'unchanged'
  | 'out-of-scope'
  | 'no-email'
  | 'invalid'
  | 'not-managed'
  | 'admin'
  | 'ignored'
  | 'pending-hire';

export interface LeftAlone extends RowRef {
  email?: string;
  kind: LeftAloneKind;
  reason: string;
}

export interface BrakeCheck {
  deactivations: number;
  /** Talent users in the sync's scope, the base of the share. */
  inScope: number;
  maxShare: number;
  /** The maximum deactivations allowed without forcing: floor(maxShare × inScope). */
  limit: number;
  tripped: boolean;
}

/** The changes one reconcile run would make in Talent, and the people it leaves alone with the reason. */
export interface ReconcilePlan {
  runId: string;
  createdAt: string;
  source: { format: RosterSnapshot['format']; name: string; version?: string; rows: number; valid: number };
  talentUsers: number;
  creates: PlannedCreate[];
  updates: PlannedUpdate[];
  deactivations: PlannedDeactivation[];
  leftAlone: LeftAlone[];
  /** Group names the plan assigns that Talent does not have yet. */
  missingGroups: string[];
  brake: BrakeCheck;
}

/** A Talent user as the planner reads it; `groups` is set only for users whose groups were read. */
export interface TalentUserView extends TalentUserSummary {
  groups?: string[];
}

export interface PlanInput {
  runId: string;
  createdAt: string;
  snapshot: RosterSnapshot;
  /** Every Talent user. */
  talentUsers: readonly TalentUserView[];
  /** Names of the groups that exist in Talent. */
  existingGroups: readonly string[];
  /** Lower-case addresses the state table records for synced people. */
  knownEmails: ReadonlySet<string>;
  config: Config;
  /** Whether the sync manages this person at all; by default everyone. */
  inScope?: (record: RosterRecord) => boolean;
}

/**
 * Returns the lower-case addresses whose groups the planner needs: Talent users that a valid roster
 * row keeps active. The user list carries no groups, so each costs one Talent call.
 */
export function usersNeedingGroups(
  snapshot: RosterSnapshot,
  talentUsers: readonly TalentUserSummary[],
  config: Config,
  inScope: (record: RosterRecord) => boolean = () => true,
): string[] {
  const talent = new Set(talentUsers.map((user) => user.email.toLowerCase()));
  const needed: string[] = [];
  for (const record of uniqueRecords(snapshot).unique) {
    const { email, status } = record.person;
    if (!email || status === 'inactive' || !talent.has(email)) continue;
    if (outOfScopeReason(record, email, config, inScope) === undefined) needed.push(email);
  }
  return needed;
}

/**
 * Diffs the roster against Talent. Pure: it makes no calls. A Talent user that no roster row names
 * is deactivated only when the sync manages it (its domain is in `roster.reconcile.domains`, or the
 * state table records its address), it is not an Admin (unless `deactivateAdmins`), and no invalid
 * row carries its address or id.
 */
export function planReconcile(input: PlanInput): ReconcilePlan {
  const { config, snapshot } = input;
  const isManagedGroup = managedGroupMatcher(config.roster);
  const inScope = input.inScope ?? (() => true);
  const talentByEmail = new Map(input.talentUsers.map((user) => [user.email.toLowerCase(), user]));
  const { unique, duplicates } = uniqueRecords(snapshot);
  const rejected = [...snapshot.rejected, ...duplicates];

  const plan: ReconcilePlan = {
    runId: input.runId,
    createdAt: input.createdAt,
    source: {
      format: snapshot.format,
      name: snapshot.name,
      ...(snapshot.version ? { version: snapshot.version } : {}),
      rows: snapshot.records.length + snapshot.rejected.length,
      valid: unique.length,
    },
    talentUsers: input.talentUsers.length,
    creates: [],
    updates: [],
    deactivations: [],
    leftAlone: [],
    missingGroups: [],
    brake: {
      deactivations: 0,
      inScope: 0,
      maxShare: config.roster.maxDeactivationShare,
      limit: 0,
      tripped: false,
    },
  };

  const named = new Set<string>();
  const scoped = new Set<string>();
  for (const entry of rejected) {
    if (entry.email) named.add(entry.email);
    plan.leftAlone.push({
      row: entry.row,
      ...(entry.employeeId ? { employeeId: entry.employeeId } : {}),
      ...(entry.email ? { email: entry.email } : {}),
      kind: entry.kind,
      reason: entry.reason,
    });
  }

  for (const record of unique) {
    const ref = rowRef(record);
    const email = record.person.email;
    if (!email) {
      plan.leftAlone.push({
        ...ref,
        kind: 'no-email',
        reason: 'the row has no e-mail, which Talent needs as the user key',
      });
      continue;
    }
    named.add(email);
    const outOfScope = outOfScopeReason(record, email, config, inScope);
    if (outOfScope) {
      plan.leftAlone.push({ ...ref, email, kind: 'out-of-scope', reason: outOfScope });
      continue;
    }

    const user = talentByEmail.get(email);
    if (user && user.status !== 'Disabled') scoped.add(email);
    if (record.person.status === 'inactive') {
      planLeaver(plan, record, user, config);
      continue;
    }
    if (!user && record.person.status === 'pending') {
      // The webhook path holds a future hire until the start date, because Talent has no call that
      // sends an invitation later; reconcile holds it the same way by leaving it for a later run.
      plan.leftAlone.push({
        ...ref,
        email,
        kind: 'pending-hire',
        reason: 'the roster marks this hire as pending: a run on or after the start date creates the user',
      });
      continue;
    }
    if (!user) {
      // NOTE: users are matched by e-mail only. A person whose address changed since the last sync
      // is planned as a new user plus a deactivation of the old address, not as an e-mail change.
      const name = displayName(record.person);
      plan.creates.push({
        ...ref,
        email,
        role: resolveRole(record.person, config.roster),
        groups: resolveGroups(record.person, config.roster),
        ...(name ? { name } : {}),
      });
      continue;
    }
    const update = planUpdate(record, user, config, isManagedGroup);
    if (update) plan.updates.push(update);
    else
      plan.leftAlone.push({
        ...ref,
        email,
        kind: 'unchanged',
        reason: 'the Talent user already matches the roster',
      });
  }

  planMissingUsers(plan, input, named, scoped);
  plan.missingGroups = missingGroups(plan, input.existingGroups);
  plan.brake = checkBrake(plan.deactivations.length, scoped.size, config.roster.maxDeactivationShare);
  return plan;
}

/**
 * Checks the deactivation brake: more than `maxShare` of the in-scope users may not be deactivated
 * in one run without forcing it.
 */
export function checkBrake(deactivations: number, inScope: number, maxShare: number): BrakeCheck {
  const limit = Math.floor(maxShare * inScope);
  return { deactivations, inScope, maxShare, limit, tripped: deactivations > limit };
}

function planUpdate(
  record: RosterRecord,
  user: TalentUserView,
  config: Config,
  isManagedGroup: (group: string) => boolean,
): PlannedUpdate | undefined {
  const role = resolveRole(record.person, config.roster);
  const name = displayName(record.person);
  const update: PlannedUpdate = {
    ...rowRef(record),
    email: user.email,
    reactivate: user.status === 'Disabled',
    ...(user.status === 'Disabled' ? { reactivateTo: reactivatedStatus(user) } : {}),
  };
  if (name && user.name !== name) update.name = { ...(user.name ? { from: user.name } : {}), to: name };
  if (user.role !== role) update.role = { from: user.role, to: role };

  if (user.groups) {
    const target = mergeGroups(user.groups, resolveGroups(record.person, config.roster), isManagedGroup);
    if (!sameGroups(target, user.groups)) {
      const currentKeys = new Set(user.groups.map(groupKey));
      const targetKeys = new Set(target.map(groupKey));
      update.groups = {
        from: [...user.groups],
        to: target,
        added: target.filter((group) => !currentKeys.has(groupKey(group))),
        removed: user.groups.filter((group) => !targetKeys.has(groupKey(group))),
      };
    }
  }
  const changed = update.reactivate || update.name || update.role || update.groups;
  return changed ? update : undefined;
}

function planLeaver(
  plan: ReconcilePlan,
  record: RosterRecord,
  user: TalentUserView | undefined,
  config: Config,
): void {
  const ref = rowRef(record);
  const email = record.person.email as string;
  if (!user || user.status === 'Disabled') {
    const reason = user ? 'the Talent user is already Disabled' : 'no Talent user has this e-mail';
    plan.leftAlone.push({ ...ref, email, kind: 'unchanged', reason });
    return;
  }
  const skip = leaverSkipReason(user, config);
  if (skip) {
    plan.leftAlone.push({ ...ref, email, ...skip });
    return;
  }
  plan.deactivations.push({
    ...ref,
    email: user.email,
    role: user.role,
    ...(user.name ? { name: user.name } : {}),
    action: config.roster.terminationAction === 'delete' ? 'delete' : 'deactivate',
    reason: 'the roster row is inactive',
  });
}

/** Plans the Talent users that no roster row names. */
function planMissingUsers(
  plan: ReconcilePlan,
  input: PlanInput,
  named: ReadonlySet<string>,
  scoped: Set<string>,
): void {
  const { domains } = input.config.roster.reconcile;
  for (const user of input.talentUsers) {
    const email = user.email.toLowerCase();
    if (named.has(email) || user.status === 'Disabled') continue;

    const managed =
      input.knownEmails.has(email) || (domains.length > 0 && domains.includes(emailDomain(email)));
    if (!managed) {
      plan.leftAlone.push({
        email: user.email,
        kind: 'not-managed',
        reason:
          'not in the roster, and neither its domain is in roster.reconcile.domains nor does the state table record it',
      });
      continue;
    }
    const skip = leaverSkipReason(user, input.config);
    if (skip) {
      plan.leftAlone.push({ email: user.email, ...skip });
      continue;
    }
    scoped.add(email);
    plan.deactivations.push({
      email: user.email,
      role: user.role,
      ...(user.name ? { name: user.name } : {}),
      action: input.config.roster.terminationAction === 'delete' ? 'delete' : 'deactivate',
      reason: 'a managed Talent user who is not in the roster',
    });
  }
}

/** Returns why the sync leaves a valid roster row alone, or undefined when it syncs it. */
function outOfScopeReason(
  record: RosterRecord,
  email: string,
  config: Config,
  inScope: (record: RosterRecord) => boolean,
): string | undefined {
  const { domains } = config.roster.reconcile;
  const domain = emailDomain(email);
  if (domains.length > 0 && !domains.includes(domain))
    return `the domain ${domain} is not in roster.reconcile.domains`;
  if (!inScope(record)) return 'the person is outside roster.scope';
  return undefined;
}

function leaverSkipReason(
  user: TalentUserSummary,
  config: Config,
): { kind: LeftAloneKind; reason: string } | undefined {
  if (config.roster.terminationAction === 'ignore') {
    return { kind: 'ignored', reason: 'roster.terminationAction is "ignore"' };
  }
  if (user.role === 'Admin' && !config.roster.reconcile.deactivateAdmins) {
    return {
      kind: 'admin',
      reason: 'an Admin is not deactivated unless roster.reconcile.deactivateAdmins is true',
    };
  }
  return undefined;
}

/**
 * Splits records into those with a unique e-mail and employee id, and the rest. Every row that
 * shares an address or id with another row is invalid, because the planner cannot tell which is right.
 */
function uniqueRecords(snapshot: RosterSnapshot): { unique: RosterRecord[]; duplicates: RejectedRow[] } {
  const byEmail = countBy(snapshot.records, (record) => record.person.email);
  const byId = countBy(snapshot.records, (record) => record.employeeId);
  const unique: RosterRecord[] = [];
  const duplicates: RejectedRow[] = [];
  for (const record of snapshot.records) {
    const { email } = record.person;
    const sharedEmail = email !== undefined && (byEmail.get(email)?.length ?? 0) > 1;
    const sharedId = record.employeeId !== undefined && (byId.get(record.employeeId)?.length ?? 0) > 1;
    if (!sharedEmail && !sharedId) {
      unique.push(record);
      continue;
    }
    const others = (sharedEmail ? byEmail.get(email) : byId.get(record.employeeId ?? ''))
      ?.filter((row) => row !== record.row)
      .join(', ');
    duplicates.push({
      row: record.row,
      kind: 'invalid',
      reason: `${sharedEmail ? 'the e-mail' : 'the employee id'} is also on row ${others}`,
      ...(email ? { email } : {}),
      ...(record.employeeId ? { employeeId: record.employeeId } : {}),
    });
  }
  return { unique, duplicates };
}

function countBy(
  records: readonly RosterRecord[],
  key: (record: RosterRecord) => string | undefined,
): Map<string, number[]> {
  const rows = new Map<string, number[]>();
  for (const record of records) {
    const value = key(record);
    if (value === undefined) continue;
    rows.set(value, [...(rows.get(value) ?? []), record.row]);
  }
  return rows;
}

function missingGroups(plan: ReconcilePlan, existing: readonly string[]): string[] {
  const known = new Set(existing.map(groupKey));
  const missing: string[] = [];
  const wanted = [
    ...plan.creates.flatMap((create) => create.groups),
    ...plan.updates.flatMap((update) => update.groups?.added ?? []),
  ];
  for (const group of wanted) {
    if (known.has(groupKey(group))) continue;
    known.add(groupKey(group));
    missing.push(group);
  }
  return missing;
}

function rowRef(record: RosterRecord): RowRef {
  return { row: record.row, ...(record.employeeId ? { employeeId: record.employeeId } : {}) };
}

function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}
