import type { Logger } from '@aws-lambda-powertools/logger';
import type { Config } from '../config/schema';
import { maskEmail } from '../runtime/logger';
import { isRetryable, TalentApiError } from '../talent/errors';
import type { AuditAction, AuditEntry, AuditStore } from './audit';
import type { ChangeContext, ChangeResult } from './change';
import { PermanentApplyError } from './errors';
import type { RosterEvent } from './event';
import type { KnownGroups } from './groups';
import { applyLeaver } from './leaver';
import { type ParkedEvent, type ParkedEventStore, startOfDay } from './parked';
import { isInScope } from './rules';
import {
  type PersonState,
  type PersonStatus,
  personKey,
  type RosterStateStore,
  toUtcTimestamp,
} from './state';
import { countTalentCalls, type RosterTalent } from './talent';
import { applyUpsert } from './upsert';

export type ApplyOutcomeKind =
  | ChangeResult['outcome']
  | 'skipped-duplicate'
  | 'skipped-stale'
  /** A person outside `roster.scope` whom the sync never gave a Talent user. */
  | 'skipped-out-of-scope'
  /** Held in the state table: a start date still ahead, or no work e-mail yet. */
  | 'parked';

export interface ApplyOutcome {
  outcome: ApplyOutcomeKind;
  reason?: string;
  /** Talent operations called for this event, where a retry inside the client counts once. */
  calls: number;
  /** For an event parked until its start date: when the release function sends it back (UTC). */
  releaseAt?: string;
}

export type RosterLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

export interface ApplyDependencies {
  talent: RosterTalent;
  state: RosterStateStore;
  /** Held events, in the state table beside the people. */
  parked: ParkedEventStore;
  /** Receives one entry per event: applied, skipped, parked or failed. */
  audit: AuditStore;
  config: Config;
  logger: RosterLogger;
  /** Clock for the state table's `updatedAt`, the audit and the start-date check; the system clock by default. */
  now?: () => Date;
  /** Group names known to exist, shared by the events a warm function applies. */
  knownGroups?: KnownGroups;
}

/** The facts the apply step read before a failure, for the audit entry of that failure. */
interface Progress {
  previous?: PersonState;
}

/**
 * Applies one roster event to Talent, records it in the state table and writes one audit entry.
 *
 * A duplicate of the last applied event, or an event older than it or than the parked one, changes
 * nothing. A hire whose start date is ahead, or a person without a work e-mail, is parked instead. A
 * retryable Talent error (429, 5xx, timeout) propagates unchanged, and a Talent rejection becomes a
 * PermanentApplyError. Both leave the message on the queue, which retries it and then moves it to
 * the dead-letter queue. The audit entry and the ERROR log line contain the reason.
 */
export async function applyRosterEvent(event: RosterEvent, deps: ApplyDependencies): Promise<ApplyOutcome> {
  const progress: Progress = {};
  try {
    return await applyInOrder(event, deps, progress);
  } catch (error) {
    const failure = reportFailure(error, event, deps.logger);
    await writeAudit(deps, event, {
      action: 'failed',
      outcome: 'failed',
      reason: failureReason(failure),
      before: progress.previous?.email ? { email: progress.previous.email } : undefined,
      after: event.person.email ? { email: event.person.email } : undefined,
    });
    throw failure;
  }
}

/**
 * Audits a failure that happened before `applyRosterEvent`, such as a provider lookup, which logged it
 * already. The `failed` audit entry is what `talent-sync dlq list` shows as the reason.
 */
export async function recordEventFailure(
  failure: unknown,
  event: RosterEvent,
  deps: ApplyDependencies,
): Promise<void> {
  await writeAudit(deps, event, {
    action: 'failed',
    outcome: 'failed',
    reason: failureReason(failure),
    after: event.person.email ? { email: event.person.email } : undefined,
  });
}

async function applyInOrder(
  event: RosterEvent,
  deps: ApplyDependencies,
  progress: Progress,
): Promise<ApplyOutcome> {
  const counter = countTalentCalls(deps.talent);
  const occurredAt = toUtcTimestamp(event.occurredAt);
  const [previous, parked] = await Promise.all([
    deps.state.getPerson(event.source, event.employeeId),
    deps.parked.get(event.source, event.employeeId),
  ]);
  progress.previous = previous;

  const skipped = checkOrder(event, occurredAt, previous) ?? checkParkedOrder(event, occurredAt, parked);
  if (skipped) return finishSkipped(deps, event, skipped);

  // A person outside the scope whom the sync never gave a user is left alone, leavers included, so
  // a user created in Talent by hand for someone out of scope is not deactivated either.
  const leaving = isLeaver(event);
  const inScope = isInScope(event.person, deps.config.roster);
  if (!inScope && !wasSynced(previous)) {
    return recordAndFinish(
      deps,
      event,
      occurredAt,
      previous,
      undefined,
      {
        outcome: 'skipped-out-of-scope',
        reason:
          'the person matches no roster.scope include, or matches an exclude, and has no synced Talent user',
        email: event.person.email ?? previous?.email,
        managedGroups: [],
      },
      'out-of-scope',
    );
  }

  const email = event.person.email ?? previous?.email;
  const joining = inScope && !leaving;
  if (joining) {
    const hold = parkReason(event, previous, deps);
    if (hold) return park(deps, event, hold);
    if (!email) return park(deps, event, { reason: 'no-email' });
  }

  const context: ChangeContext = {
    event,
    previous,
    talent: counter.talent,
    config: deps.config,
    knownGroups: deps.knownGroups,
  };
  let change: ChangeResult;
  if (joining && email) {
    change = await applyUpsert(context, email);
  } else {
    change = await applyLeaver(context);
    if (!leaving) change = { ...change, reason: joinReasons('the person left roster.scope', change.reason) };
  }
  return recordAndFinish(
    deps,
    event,
    occurredAt,
    previous,
    counter,
    change,
    leaving || inScope ? undefined : 'out-of-scope',
  );
}

/** Returns the ids that a log line about the event carries, with the e-mail masked. */
export function logIds(event: RosterEvent): Record<string, string | undefined> {
  return {
    eventId: event.eventId,
    source: event.source,
    employeeId: event.employeeId,
    email: maskEmail(event.person.email),
  };
}

type Skip = { outcome: 'skipped-duplicate' | 'skipped-stale'; reason: string };

function checkOrder(
  event: RosterEvent,
  occurredAt: string,
  previous: PersonState | undefined,
): Skip | undefined {
  if (!previous) return undefined;
  if (previous.lastEventId === event.eventId) {
    return { outcome: 'skipped-duplicate', reason: 'this event was applied already' };
  }
  if (occurredAt < previous.lastOccurredAt) {
    return {
      outcome: 'skipped-stale',
      reason: `an event from ${previous.lastOccurredAt} was applied already, and this one is from ${occurredAt}`,
    };
  }
  return undefined;
}

/** An event older than the parked one must not overtake it, or a released hire would undo it. */
function checkParkedOrder(
  event: RosterEvent,
  occurredAt: string,
  parked: ParkedEvent | undefined,
): Skip | undefined {
  if (!parked || parked.event.eventId === event.eventId) return undefined;
  const parkedAt = toUtcTimestamp(parked.event.occurredAt);
  if (occurredAt >= parkedAt) return undefined;
  return {
    outcome: 'skipped-stale',
    reason: `an event from ${parkedAt} is parked, and this one is from ${occurredAt}`,
  };
}

/** Tells whether the sync gave the person a Talent user that a move out of scope should take away. */
function wasSynced(previous: PersonState | undefined): boolean {
  return previous !== undefined && previous.status !== 'out-of-scope';
}

/**
 * Returns the hold for a hire whose start date has not begun in `roster.timeZone`, because Talent
 * cannot create a user now and send the invitation later. A person the sync already manages as
 * active or on leave is updated as usual, so a changed start date does not take access away. An
 * event that the release function sent back is due by definition.
 */
function parkReason(
  event: RosterEvent,
  previous: PersonState | undefined,
  deps: ApplyDependencies,
): { reason: 'future-start'; releaseAt: string } | undefined {
  const { startDate } = event.person;
  if (!startDate || event.releasedAt) return undefined;
  if (previous && (previous.status === 'active' || previous.status === 'leave')) return undefined;
  const releaseAt = startOfDay(startDate, deps.config.roster.timeZone);
  return releaseAt > clock(deps).toISOString() ? { reason: 'future-start', releaseAt } : undefined;
}

async function park(
  deps: ApplyDependencies,
  event: RosterEvent,
  hold: { reason: 'future-start' | 'no-email'; releaseAt?: string },
): Promise<ApplyOutcome> {
  const stored = await deps.parked.park({ event, ...hold, parkedAt: clock(deps).toISOString() });
  if (!stored) {
    return finishSkipped(deps, event, {
      outcome: 'skipped-stale',
      reason: 'a newer event for this person was parked while this one was being applied',
    });
  }
  const reason =
    hold.reason === 'no-email'
      ? 'the HRIS record has no work e-mail, which Talent needs as the user key; a later event with one applies it'
      : `the start date ${event.person.startDate} has not begun; the event is released at ${hold.releaseAt}`;
  await writeAudit(deps, event, {
    action: 'parked',
    outcome: 'skipped',
    reason,
    after: event.person.email ? { email: event.person.email } : undefined,
  });
  return { outcome: 'parked', reason, calls: 0, releaseAt: hold.releaseAt };
}

async function finishSkipped(deps: ApplyDependencies, event: RosterEvent, skip: Skip): Promise<ApplyOutcome> {
  await writeAudit(deps, event, { action: 'skipped', outcome: 'skipped', reason: skip.reason });
  return { ...skip, calls: 0 };
}

/** Records the change in the state table, clears a parked event it supersedes, and audits it. */
async function recordAndFinish(
  deps: ApplyDependencies,
  event: RosterEvent,
  occurredAt: string,
  previous: PersonState | undefined,
  counter: { calls(): number } | undefined,
  change: Omit<ChangeResult, 'outcome'> & { outcome: ApplyOutcomeKind },
  status: PersonStatus = stateStatus(event),
): Promise<ApplyOutcome> {
  const calls = counter?.calls() ?? 0;
  const recorded = await deps.state.recordApplied({
    source: event.source,
    employeeId: event.employeeId,
    email: change.email ?? previous?.email,
    lastEventId: event.eventId,
    lastOccurredAt: occurredAt,
    status,
    managedGroups: change.managedGroups,
    ...(change.talent ? { talent: change.talent } : {}),
    updatedAt: clock(deps).toISOString(),
  });
  if (!recorded) {
    const reason = 'a newer event for this person was recorded while this one was being applied';
    deps.logger.warn('Roster event lost the race to a newer one', { ...logIds(event), reason });
    await writeAudit(deps, event, { action: 'skipped', outcome: 'skipped', reason });
    return { outcome: 'skipped-stale', reason, calls };
  }

  const cleared = await deps.parked.clear(event.source, event.employeeId, occurredAt);
  const superseded =
    cleared && cleared.event.eventId !== event.eventId
      ? `it supersedes the parked event ${cleared.event.eventId}`
      : undefined;
  const { action, outcome } = auditAction(change);
  await writeAudit(deps, event, {
    action,
    outcome,
    reason: joinReasons(change.reason, superseded),
    before: change.before,
    after: change.after,
  });
  return { outcome: change.outcome, reason: change.reason, calls };
}

function auditAction(
  change: Omit<ChangeResult, 'outcome'> & { outcome: ApplyOutcomeKind },
): Pick<AuditEntry, 'action' | 'outcome'> {
  const applied = (action: AuditAction) => ({ action, outcome: 'applied' as const });
  switch (change.outcome) {
    case 'created':
    case 'deactivated':
    case 'deleted':
      return applied(change.outcome);
    case 'updated': {
      if (change.emailChanged) return applied('email-changed');
      return applied(change.reactivated ? 'reactivated' : 'updated');
    }
    default:
      return { action: 'skipped', outcome: 'skipped' };
  }
}

/**
 * Writes the event's audit entry. A failed audit write is logged at ERROR and does not fail the event:
 * the Talent change is made already, and a retry would be skipped as a duplicate without the entry.
 */
async function writeAudit(
  deps: ApplyDependencies,
  event: RosterEvent,
  entry: Omit<AuditEntry, 'personKey' | 'at' | 'origin'>,
): Promise<void> {
  try {
    await deps.audit.record({
      personKey: personKey(event.source, event.employeeId),
      at: clock(deps).toISOString(),
      origin: { kind: 'event', source: event.source, eventId: event.eventId },
      ...entry,
    });
  } catch (error) {
    deps.logger.error('Roster audit entry not written', {
      ...logIds(event),
      action: entry.action,
      error: errorMessage(error),
    });
  }
}

function clock(deps: ApplyDependencies): Date {
  return deps.now?.() ?? new Date();
}

function joinReasons(...reasons: (string | undefined)[]): string | undefined {
  const present = reasons.filter(Boolean);
  return present.length > 0 ? present.join('; ') : undefined;
}

/** Tells whether the event is a leaver. Some HRIS send a termination as an upsert whose person is inactive. */
function isLeaver(event: RosterEvent): boolean {
  return event.action !== 'upsert' || event.person.status === 'inactive';
}

function stateStatus(event: RosterEvent): PersonStatus {
  if (event.action === 'delete') return 'deleted';
  if (event.action === 'terminate') return 'inactive';
  return event.person.status;
}

/** Logs the failure and returns the error to throw, turning a Talent rejection into a PermanentApplyError. */
function reportFailure(error: unknown, event: RosterEvent, logger: RosterLogger): unknown {
  let failure = error;
  if (error instanceof TalentApiError && !isRetryable(error)) {
    failure = new PermanentApplyError(
      `${error.message}. Correct the HRIS record, the config or the Talent data, then redrive the ` +
        'message from the dead-letter queue.',
      event,
      { cause: error },
    );
  }

  const permanent = failure instanceof PermanentApplyError;
  logger.error('Roster event failed', {
    ...logIds(event),
    reason: failure instanceof PermanentApplyError ? failure.reason : errorMessage(failure),
    permanent,
    error: failure instanceof Error ? failure.name : typeof failure,
  });
  return failure;
}

function failureReason(failure: unknown): string {
  if (failure instanceof PermanentApplyError) return `permanent: ${failure.reason}`;
  return `retryable, the queue tries again: ${errorMessage(failure)}`;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
