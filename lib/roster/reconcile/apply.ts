import type { Config } from '../../config/schema';
import { TalentApiError } from '../../talent/errors';
import type { AuditEntry } from '../audit';
import { groupKey } from '../rules';
import { type AuditUserFields, type ReconcileAuditSink, reconcileAuditKey } from './audit';
import type { PlannedCreate, PlannedDeactivation, PlannedUpdate, ReconcilePlan, RowRef } from './plan';
import { mapWithConcurrency } from './pool';
import type { ReconcileTalent } from './talent';

export type ApplyPhase = 'groups' | 'creates' | 'updates' | 'group-changes' | 'deactivations';

export interface ApplyProgress {
  phase: ApplyPhase;
  done: number;
  total: number;
}

/** A change that Talent rejected; the rest of the plan was still applied. */
export interface ApplyFailure extends RowRef {
  email?: string;
  group?: string;
  change: 'create-group' | 'create' | 'update' | 'groups' | 'deactivate' | 'delete';
  reason: string;
}

export interface ApplyResult {
  groupsCreated: number;
  created: number;
  updated: number;
  reactivated: number;
  deactivated: number;
  deleted: number;
  failures: ApplyFailure[];
}

export interface ApplyOptions {
  talent: ReconcileTalent;
  config: Config;
  /** The roster file name, recorded in the audit origin. */
  file?: string;
  audit?: ReconcileAuditSink;
  onProgress?: (progress: ApplyProgress) => void;
  now?: () => Date;
}

/**
 * Applies a plan with the bulk endpoints where they fit. Missing groups are created first. Then
 * `createUsers` runs per role in batches, and `updateUser` sets name, role and status. The groups of
 * the new users (the bulk create takes none) and the group changes go out together, with one
 * `updateUsersGroups` per identical group list and batch, so a school's new and moved staff share a
 * call. Last, `updateUser` or `deleteUser` handles leavers. A rejected item is listed in `failures`
 * and recorded in the audit trail, and the rest go on.
 */
export async function applyPlan(plan: ReconcilePlan, options: ApplyOptions): Promise<ApplyResult> {
  const result: ApplyResult = {
    groupsCreated: 0,
    created: 0,
    updated: 0,
    reactivated: 0,
    deactivated: 0,
    deleted: 0,
    failures: [],
  };
  const context = { plan, options, result };

  await createMissingGroups(context);
  const created = await applyCreates(context);
  const failedUpdates = await applyFieldUpdates(context);
  const groupChanges = plan.updates.filter((update) => update.groups);
  const groupFailures = await setGroups(context, [
    ...created
      .filter((create) => create.groups.length > 0)
      .map((create) => ({ email: create.email, groups: create.groups })),
    ...groupChanges.map((update) => ({ email: update.email, groups: update.groups?.to ?? [] })),
  ]);
  await recordCreates(context, created, groupFailures);
  await recordUpdates(context, failedUpdates, groupFailures);
  await applyDeactivations(context);
  return result;
}

interface ApplyContext {
  plan: ReconcilePlan;
  options: ApplyOptions;
  result: ApplyResult;
}

async function createMissingGroups({ plan, options, result }: ApplyContext): Promise<void> {
  let done = 0;
  for (const group of plan.missingGroups) {
    try {
      await options.talent.createGroup(group);
      result.groupsCreated += 1;
    } catch (error) {
      // 409: the group appeared since the plan was made, which is the goal.
      if (!(error instanceof TalentApiError && error.status === 409)) {
        result.failures.push({ group, change: 'create-group', reason: errorReason(error) });
      }
    }
    done += 1;
    options.onProgress?.({ phase: 'groups', done, total: plan.missingGroups.length });
  }
}

/** Creates the users in bulk and returns the ones Talent created; their groups are set later. */
async function applyCreates(context: ApplyContext): Promise<PlannedCreate[]> {
  const { plan, options } = context;
  const { batchSize } = options.config.roster.reconcile;
  const created: PlannedCreate[] = [];
  let done = 0;

  for (const [role, creates] of groupBy(plan.creates, (create) => create.role)) {
    for (const batch of chunk(creates, batchSize)) {
      const byEmail = new Map(batch.map((create) => [create.email.toLowerCase(), create]));
      try {
        // NOTE: the bulk create takes no systemId, so with a network token (talent.systemId set) the
        // target system is Talent's choice; this is untested against a live network tenant.
        const response = await options.talent.createUsers({
          role,
          suppress_invite: options.config.roster.suppressInvite,
          invites: batch.map((create) => ({
            email: create.email,
            ...(create.name ? { name: create.name } : {}),
          })),
        });
        for (const success of response.successes) {
          const create = byEmail.get(success.email.toLowerCase());
          if (create) created.push(create);
        }
        for (const failure of response.failures) {
          const create = byEmail.get(failure.email.toLowerCase());
          await fail(context, create ?? { email: failure.email }, 'create', failure.reason);
        }
      } catch (error) {
        for (const create of batch) await fail(context, create, 'create', errorReason(error));
      }
      done += batch.length;
      options.onProgress?.({ phase: 'creates', done, total: plan.creates.length });
    }
  }

  return created;
}

async function recordCreates(
  context: ApplyContext,
  created: readonly PlannedCreate[],
  groupFailures: ReadonlyMap<string, string>,
): Promise<void> {
  const { result } = context;
  for (const create of created) {
    const failedGroups = groupFailures.get(create.email.toLowerCase());
    if (failedGroups)
      await fail(context, create, 'groups', `created, but setting the groups failed: ${failedGroups}`);
    result.created += 1;
    await record(context, create, 'created', 'applied', {
      after: {
        email: create.email,
        role: create.role,
        ...(create.name ? { name: create.name } : {}),
        status: 'Invited',
        ...(create.groups.length > 0 && !failedGroups ? { groups: create.groups } : {}),
      },
    });
  }
}

/** Sets names, roles and statuses; returns the failure reason by lower-case e-mail. */
async function applyFieldUpdates(context: ApplyContext): Promise<Map<string, string>> {
  const { plan, options } = context;
  const failed = new Map<string, string>();
  let done = 0;

  const fieldUpdates = plan.updates.filter((update) => update.name || update.role || update.reactivate);
  await mapWithConcurrency(fieldUpdates, options.config.roster.reconcile.concurrency, async (update) => {
    try {
      await options.talent.updateUser(update.email, {
        ...(update.name ? { name: update.name.to } : {}),
        ...(update.role ? { role: update.role.to } : {}),
        ...(update.reactivate ? { status: update.reactivateTo ?? ('Active' as const) } : {}),
      });
    } catch (error) {
      failed.set(update.email.toLowerCase(), errorReason(error));
    }
    done += 1;
    options.onProgress?.({ phase: 'updates', done, total: fieldUpdates.length });
  });

  return failed;
}

async function recordUpdates(
  context: ApplyContext,
  failed: ReadonlyMap<string, string>,
  groupFailures: ReadonlyMap<string, string>,
): Promise<void> {
  const { plan, result } = context;
  for (const update of plan.updates) {
    const key = update.email.toLowerCase();
    const reason = failed.get(key) ?? groupFailures.get(key);
    if (reason) {
      await fail(context, update, failed.has(key) ? 'update' : 'groups', reason, describeUpdate(update));
      continue;
    }
    if (update.reactivate) result.reactivated += 1;
    else result.updated += 1;
    await record(
      context,
      update,
      update.reactivate ? 'reactivated' : 'updated',
      'applied',
      describeUpdate(update),
    );
  }
}

async function applyDeactivations(context: ApplyContext): Promise<void> {
  const { plan, options, result } = context;
  let done = 0;
  await mapWithConcurrency(
    plan.deactivations,
    options.config.roster.reconcile.concurrency,
    async (leaver) => {
      try {
        if (leaver.action === 'delete') await options.talent.deleteUser(leaver.email);
        else await options.talent.updateUser(leaver.email, { status: 'Disabled' });
        if (leaver.action === 'delete') result.deleted += 1;
        else result.deactivated += 1;
        await record(
          context,
          leaver,
          leaver.action === 'delete' ? 'deleted' : 'deactivated',
          'applied',
          describeLeaver(leaver),
        );
      } catch (error) {
        await fail(context, leaver, leaver.action, errorReason(error), describeLeaver(leaver));
      }
      done += 1;
      options.onProgress?.({ phase: 'deactivations', done, total: plan.deactivations.length });
    },
  );
}

/**
 * Sets each user's whole group list, with one `updateUsersGroups` call per batch of users whose
 * lists are identical. When a bulk call fails, its users are retried one by one with `updateUser`,
 * so one unknown user or group fails only its own item. Returns the failure reason by lower-case e-mail.
 */
async function setGroups(
  context: ApplyContext,
  targets: readonly { email: string; groups: string[] }[],
): Promise<Map<string, string>> {
  const { options } = context;
  const failures = new Map<string, string>();
  let done = 0;
  const buckets = groupBy(targets, (target) => groupSetKey(target.groups));
  for (const sameGroups of buckets.values()) {
    for (const batch of chunk(sameGroups, options.config.roster.reconcile.batchSize)) {
      const groups = batch[0]?.groups ?? [];
      try {
        await options.talent.updateUsersGroups({ emails: batch.map((target) => target.email), groups });
      } catch {
        await mapWithConcurrency(batch, options.config.roster.reconcile.concurrency, async (target) => {
          try {
            await options.talent.updateUser(target.email, { groups });
          } catch (error) {
            failures.set(target.email.toLowerCase(), errorReason(error));
          }
        });
      }
      done += batch.length;
      options.onProgress?.({ phase: 'group-changes', done, total: targets.length });
    }
  }
  return failures;
}

async function fail(
  context: ApplyContext,
  item: RowRef & { email: string },
  change: ApplyFailure['change'],
  reason: string,
  fields: { before?: AuditUserFields; after?: AuditUserFields } = {},
): Promise<void> {
  context.result.failures.push({
    email: item.email,
    change,
    reason,
    ...(item.row !== undefined ? { row: item.row } : {}),
    ...(item.employeeId ? { employeeId: item.employeeId } : {}),
  });
  await record(context, item, 'failed', 'failed', { ...fields, reason: `${change}: ${reason}` });
}

async function record(
  { plan, options }: ApplyContext,
  item: RowRef & { email: string },
  action: AuditEntry['action'],
  outcome: AuditEntry['outcome'],
  fields: { before?: AuditUserFields; after?: AuditUserFields; reason?: string },
): Promise<void> {
  if (!options.audit) return;
  await options.audit.record({
    personKey: reconcileAuditKey(options.config.roster.reconcile.source, item.email, item.employeeId),
    at: (options.now?.() ?? new Date()).toISOString(),
    origin: {
      kind: 'reconcile',
      runId: plan.runId,
      ...(options.file ? { file: options.file } : {}),
      ...(item.row !== undefined ? { row: item.row } : {}),
    },
    action,
    outcome,
    ...fields,
  });
}

function describeUpdate(update: PlannedUpdate): { before: AuditUserFields; after: AuditUserFields } {
  const before: AuditUserFields = { email: update.email };
  const after: AuditUserFields = { email: update.email };
  if (update.name) {
    if (update.name.from) before.name = update.name.from;
    after.name = update.name.to;
  }
  if (update.role) {
    before.role = update.role.from;
    after.role = update.role.to;
  }
  if (update.reactivate) {
    before.status = 'Disabled';
    after.status = update.reactivateTo ?? 'Active';
  }
  if (update.groups) {
    before.groups = update.groups.from;
    after.groups = update.groups.to;
  }
  return { before, after };
}

function describeLeaver(leaver: PlannedDeactivation): {
  before: AuditUserFields;
  after: AuditUserFields;
  reason: string;
} {
  return {
    before: { email: leaver.email, role: leaver.role, ...(leaver.name ? { name: leaver.name } : {}) },
    after: leaver.action === 'delete' ? {} : { email: leaver.email, status: 'Disabled' },
    reason: leaver.reason,
  };
}

/** Returns a key that is equal for two group lists with the same names, ignoring order and case. */
export function groupSetKey(groups: readonly string[]): string {
  return [...new Set(groups.map(groupKey))].sort().join('\n');
}

/** Splits items into batches of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
  return batches;
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const value = key(item);
    const list = groups.get(value);
    if (list) list.push(item);
    else groups.set(value, [item]);
  }
  return groups;
}

function errorReason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
