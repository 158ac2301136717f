import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { deduplicationId } from '../hris/queue';
import type { RosterLogger } from './apply';
import type { AuditStore } from './audit';
import { messageGroupId } from './group-id';
import type { ParkedEvent, ParkedEventStore } from './parked';
import { personKey } from './state';

export interface ReleaseDependencies {
  parked: ParkedEventStore;
  audit: AuditStore;
  sqs: SQSClient;
  /** The roster FIFO queue that the apply function drains. */
  queueUrl: string;
  logger: RosterLogger;
}

export interface ReleaseResult {
  /** Parked events whose release time had come. */
  due: number;
  /** Of those, the ones sent back to the queue. */
  released: number;
  /** Of those, the ones that could not be sent; they stay parked for the next run. */
  failed: number;
}

/**
 * Sends every parked event whose release time has come back to the roster queue, in the person's
 * message group, and then removes the parked item if it still holds that event. The apply function
 * then treats it like a new delivery: the start date has begun, so it creates the user.
 *
 * The deduplication id is derived from the event id and "release", so the queue does not drop it as a
 * repeat of the original delivery, while two release runs within five minutes send it once.
 */
export async function releaseDueEvents(
  deps: ReleaseDependencies,
  now: Date = new Date(),
): Promise<ReleaseResult> {
  const due = await deps.parked.listDue(now);
  let released = 0;
  for (const parked of due) {
    try {
      await releaseOne(parked, deps, now);
      released += 1;
    } catch (error) {
      deps.logger.error('Parked roster event not released', {
        ...ids(parked),
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return { due: due.length, released, failed: due.length - released };
}

async function releaseOne(parked: ParkedEvent, deps: ReleaseDependencies, now: Date): Promise<void> {
  const { event } = parked;
  await deps.sqs.send(
    new SendMessageCommand({
      QueueUrl: deps.queueUrl,
      MessageBody: JSON.stringify({ ...event, releasedAt: now.toISOString() }),
      MessageGroupId: messageGroupId(event),
      MessageDeduplicationId: deduplicationId(`${event.eventId}#release`),
    }),
  );
  // A newer event may have replaced the parked one meanwhile; that one stays parked.
  const removed = await deps.parked.clearEvent(event.source, event.employeeId, event.eventId);
  await deps.audit.record({
    personKey: personKey(event.source, event.employeeId),
    // The wall clock, not `now`: a run as of a later time (a test or a catch-up) still happened now.
    at: new Date().toISOString(),
    origin: { kind: 'event', source: event.source, eventId: event.eventId },
    action: 'released',
    outcome: 'applied',
    reason: `the start date ${event.person.startDate ?? '(none)'} began at ${parked.releaseAt}; sent back to the queue`,
    after: event.person.email ? { email: event.person.email } : undefined,
  });
  deps.logger.info('Parked roster event released', { ...ids(parked), removed });
}

function ids(parked: ParkedEvent): Record<string, string | undefined> {
  return {
    eventId: parked.event.eventId,
    source: parked.event.source,
    employeeId: parked.event.employeeId,
    releaseAt: parked.releaseAt,
  };
}
