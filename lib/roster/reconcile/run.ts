import { randomBytes } from 'node:crypto';
import type { Config } from '../../config/schema';
import { isInScope } from '../rules';
import { type ApplyProgress, type ApplyResult, applyPlan } from './apply';
import type { ReconcileAuditSink } from './audit';
import { planReconcile, type ReconcilePlan, type TalentUserView, usersNeedingGroups } from './plan';
import type { RosterRecord, RosterSnapshot } from './record';
import { listAllGroupNames, listAllTalentUsers, type ReconcileTalent, readUserGroups } from './talent';

export interface ReconcileOptions {
  snapshot: RosterSnapshot;
  config: Config;
  talent: ReconcileTalent;
  /** Lower-case addresses the state table records; empty when no state table is read. */
  knownEmails?: ReadonlySet<string>;
  /** Apply the plan; otherwise only plan (a dry run that makes read calls only). */
  apply: boolean;
  /** Apply even when the deactivation brake trips. */
  force?: boolean;
  audit?: ReconcileAuditSink;
  /** Whether the sync manages a roster person; by default the `roster.scope` rules. */
  inScope?: (record: RosterRecord) => boolean;
  onProgress?: (progress: ReconcileProgress) => void;
  runId?: string;
  now?: () => Date;
}

export type ReconcileProgress =
  | ApplyProgress
  | { phase: 'read-users' | 'read-groups'; done: number; total: number };

export interface ReconcileOutcome {
  plan: ReconcilePlan;
  /** Set when the plan was applied. */
  result?: ApplyResult;
  /** `planned` for a dry run, `braked` when the brake stopped an apply, `applied` otherwise. */
  status: 'planned' | 'braked' | 'applied';
}

/**
 * Runs one reconcile: reads every Talent user and the groups of the users the roster keeps, plans
 * the difference, and applies it when asked and the deactivation brake allows (or `force` is set).
 */
export async function runReconcile(options: ReconcileOptions): Promise<ReconcileOutcome> {
  const now = options.now ?? (() => new Date());
  const inScope =
    options.inScope ?? ((record: RosterRecord) => isInScope(record.person, options.config.roster));
  const runId = options.runId ?? newRunId(now());

  const users = await listAllTalentUsers(options.talent);
  options.onProgress?.({ phase: 'read-users', done: users.length, total: users.length });
  const existingGroups = await listAllGroupNames(options.talent);
  const needed = usersNeedingGroups(options.snapshot, users, options.config, inScope);
  const groups = await readUserGroups(
    options.talent,
    needed,
    options.config.roster.reconcile.concurrency,
    (done, total) => options.onProgress?.({ phase: 'read-groups', done, total }),
  );
  const talentUsers: TalentUserView[] = users.map((user) => {
    const userGroups = groups.get(user.email.toLowerCase());
    return userGroups ? { ...user, groups: userGroups } : user;
  });

  const plan = planReconcile({
    runId,
    createdAt: now().toISOString(),
    snapshot: options.snapshot,
    talentUsers,
    existingGroups,
    knownEmails: options.knownEmails ?? new Set(),
    config: options.config,
    inScope,
  });

  if (!options.apply) return { plan, status: 'planned' };
  if (plan.brake.tripped && !options.force) return { plan, status: 'braked' };

  const result = await applyPlan(plan, {
    talent: options.talent,
    config: options.config,
    file: options.snapshot.name,
    ...(options.audit ? { audit: options.audit } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    now,
  });
  return { plan, result, status: 'applied' };
}

/** Returns a run id that sorts by time: `20260110T090000Z-3f9a1c`. */
export function newRunId(at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}
