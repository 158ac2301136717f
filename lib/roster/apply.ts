import type { Logger } from '@aws-lambda-powertools/logger';
import type { Config } from '../config/schema';
import { maskEmail } from '../runtime/logger';
import { isRetryable, TalentApiError } from '../talent/errors';
import type { ChangeContext, ChangeResult } from './change';
import { PermanentApplyError } from './errors';
import type { RosterEvent } from './event';
import type { KnownGroups } from './groups';
import { applyLeaver } from './leaver';
import { type PersonState, type PersonStatus, type RosterStateStore, toUtcTimestamp } from './state';
import { countTalentCalls, type RosterTalent } from './talent';
import { applyUpsert } from './upsert';

export type ApplyOutcomeKind =
  | ChangeResult['outcome']
  | 'skipped-duplicate'
  | 'skipped-stale'
  /** An upsert without an e-mail: nothing was applied or recorded. */
  | 'parked';

export interface ApplyOutcome {
  outcome: ApplyOutcomeKind;
  reason?: string;
  /** Talent operations called for this event, where a retry inside the client counts once. */
  calls: number;
}

export type RosterLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

export interface ApplyDependencies {
  talent: RosterTalent;
  state: RosterStateStore;
  config: Config;
  logger: RosterLogger;
  /** Clock for the state table's `updatedAt`, by default the system clock. */
  now?: () => Date;
  /** Group names known to exist, shared by the events a warm function applies. */
  knownGroups?: KnownGroups;
}

/**
 * Applies one roster event to Talent and records it in the state table.
 *
 * A duplicate of the last applied event, or an event older than it, changes nothing. A retryable
 * Talent error (429, 5xx, timeout) propagates unchanged, and a Talent rejection becomes a
 * PermanentApplyError. Both leave the message on the queue, which retries it and then moves it to
 * the dead-letter queue.
 */
export async function applyRosterEvent(event: RosterEvent, deps: ApplyDependencies): Promise<ApplyOutcome> {
  try {
    return await applyInOrder(event, deps);
  } catch (error) {
    throw reportFailure(error, event, deps.logger);
  }
}

async function applyInOrder(event: RosterEvent, deps: ApplyDependencies): Promise<ApplyOutcome> {
  const counter = countTalentCalls(deps.talent);
  const occurredAt = toUtcTimestamp(event.occurredAt);
  const previous = await deps.state.getPerson(event.source, event.employeeId);

  const skipped = checkOrder(event, occurredAt, previous);
  if (skipped) return { ...skipped, calls: 0 };

  const email = event.person.email;
  if (!isLeaver(event) && !email) {
    // NOTE: a parked event is dropped, not kept for a retry. The next event with an e-mail syncs the person.
    return {
      outcome: 'parked',
      reason: 'the HRIS record has no work e-mail, which Talent needs as the user key',
      calls: 0,
    };
  }

  const context: ChangeContext = {
    event,
    previous,
    talent: counter.talent,
    config: deps.config,
    knownGroups: deps.knownGroups,
  };
  const change = email && !isLeaver(event) ? await applyUpsert(context, email) : await applyLeaver(context);

  const recorded = await deps.state.recordApplied({
    source: event.source,
    employeeId: event.employeeId,
    email: change.email ?? previous?.email,
    lastEventId: event.eventId,
    lastOccurredAt: occurredAt,
    status: stateStatus(event),
    managedGroups: change.managedGroups,
    updatedAt: (deps.now?.() ?? new Date()).toISOString(),
  });
  if (!recorded) {
    const reason = 'a newer event for this person was recorded while this one was being applied';
    deps.logger.warn('Roster event lost the race to a newer one', { ...logIds(event), reason });
    return { outcome: 'skipped-stale', reason, calls: counter.calls() };
  }

  return { outcome: change.outcome, reason: change.reason, calls: counter.calls() };
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

function checkOrder(
  event: RosterEvent,
  occurredAt: string,
  previous: PersonState | undefined,
): Omit<ApplyOutcome, 'calls'> | undefined {
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

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
