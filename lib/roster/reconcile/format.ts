import type { ApplyResult } from './apply';
import type { ReconcilePlan } from './plan';

/** Rows of each list that the text summary shows before it counts the rest. */
const LISTED_ITEMS = 20;

/** Counts per kind of change, for the summary table, logs and metrics. */
export function planCounts(plan: ReconcilePlan): Record<string, number> {
  const leftAlone: Record<string, number> = {};
  for (const entry of plan.leftAlone) leftAlone[entry.kind] = (leftAlone[entry.kind] ?? 0) + 1;
  return {
    creates: plan.creates.length,
    updates: plan.updates.filter((update) => update.name || update.role).length,
    groupChanges: plan.updates.filter((update) => update.groups).length,
    reactivations: plan.updates.filter((update) => update.reactivate).length,
    deactivations: plan.deactivations.length,
    missingGroups: plan.missingGroups.length,
    ...Object.fromEntries(Object.entries(leftAlone).map(([kind, count]) => [`leftAlone.${kind}`, count])),
  };
}

/** Explains a tripped brake: how many, the limit, and how to force the run. */
export function brakeMessage(plan: ReconcilePlan): string {
  const { deactivations, inScope, maxShare, limit } = plan.brake;
  return (
    `The plan deactivates ${deactivations} of ${inScope} Talent users in scope, more than ` +
    `roster.maxDeactivationShare ${maxShare} allows (at most ${limit}). Nothing was applied. ` +
    'Check the plan; if it is right, run "talent-sync reconcile --apply --force" with the same roster.'
  );
}

/** Formats the plan, and the outcome when it was applied, as a readable text summary. */
export function formatPlanText(plan: ReconcilePlan, result?: ApplyResult): string {
  const lines: string[] = [
    `Reconcile run ${plan.runId} at ${plan.createdAt}`,
    `Roster: ${plan.source.name} (${plan.source.format}${plan.source.version ? ` ${plan.source.version}` : ''}), ` +
      `${plan.source.rows} rows, ${plan.source.valid} valid`,
    `Talent: ${plan.talentUsers} users`,
    '',
    `${'change'.padEnd(28)} count`,
  ];
  for (const [kind, count] of Object.entries(planCounts(plan))) lines.push(`${kind.padEnd(28)} ${count}`);
  const notManaged = plan.leftAlone.filter((entry) => entry.kind === 'not-managed').length;
  if (notManaged > 0) {
    lines.push(
      '',
      `Note: ${notManaged} Talent users are missing from the roster but not managed by the sync, so none of ` +
        'them is deactivated. Set roster.reconcile.domains to the e-mail domains the sync owns to deactivate leavers.',
    );
  }
  lines.push(
    '',
    `Deactivation brake: ${plan.brake.deactivations} of ${plan.brake.inScope} in scope, limit ${plan.brake.limit} ` +
      `(share ${plan.brake.maxShare})${plan.brake.tripped ? ' - TRIPPED' : ''}`,
  );

  section(
    lines,
    'Creates',
    plan.creates,
    (create) =>
      `${label(create)} ${create.email} as ${create.role}${create.groups.length > 0 ? ` in ${create.groups.join(', ')}` : ''}`,
  );
  section(lines, 'Updates', plan.updates, (update) => {
    const changes: string[] = [];
    if (update.name) changes.push(`name "${update.name.from ?? ''}" -> "${update.name.to}"`);
    if (update.role) changes.push(`role ${update.role.from} -> ${update.role.to}`);
    if (update.reactivate) changes.push('reactivate');
    if (update.groups) {
      const added = update.groups.added.map((group) => `+${group}`);
      const removed = update.groups.removed.map((group) => `-${group}`);
      changes.push(`groups ${[...added, ...removed].join(' ')}`);
    }
    return `${label(update)} ${update.email}: ${changes.join('; ')}`;
  });
  section(
    lines,
    'Deactivations',
    plan.deactivations,
    (leaver) => `${label(leaver)} ${leaver.email} (${leaver.role}) ${leaver.action}: ${leaver.reason}`,
  );
  section(
    lines,
    'Left alone (except unchanged)',
    plan.leftAlone.filter((entry) => entry.kind !== 'unchanged'),
    (entry) => `${label(entry)} ${entry.email ?? '(no e-mail)'} [${entry.kind}]: ${entry.reason}`,
  );

  if (result) {
    lines.push(
      '',
      `Applied: ${result.created} created, ${result.updated} updated, ${result.reactivated} reactivated, ` +
        `${result.deactivated} deactivated, ${result.deleted} deleted, ${result.groupsCreated} groups created, ` +
        `${result.failures.length} failed`,
    );
    section(
      lines,
      'Failures',
      result.failures,
      (failure) =>
        `${label(failure)} ${failure.email ?? failure.group ?? ''} ${failure.change}: ${failure.reason}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function section<T>(lines: string[], title: string, items: readonly T[], line: (item: T) => string): void {
  if (items.length === 0) return;
  lines.push('', `${title} (${items.length}):`);
  for (const item of items.slice(0, LISTED_ITEMS)) lines.push(`  ${line(item)}`);
  if (items.length > LISTED_ITEMS)
    lines.push(`  ... and ${items.length - LISTED_ITEMS} more in the JSON plan`);
}

function label(item: { row?: number }): string {
  return item.row === undefined ? '        ' : `row ${String(item.row).padEnd(4)}`;
}
