import type { RosterEvent } from './event';

/*
 * Apart from `event.ts`, so that code that only routes events (the release function, the queue writer)
 * does not build the roster event schema when it is imported.
 */

/** Returns the SQS FIFO message group, so events of one person apply in order and people in parallel. */
export function messageGroupId(event: Pick<RosterEvent, 'source' | 'employeeId'>): string {
  return `${event.source}#${event.employeeId}`;
}
