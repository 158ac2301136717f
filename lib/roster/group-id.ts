import type { RosterEvent } from './event';

/*
 * Apart from `event.ts`, so that code that only routes events (the release function, the queue writer)
 * does not build the roster event schema when it is imported.
 */

/** The SQS FIFO message group: events of one person are applied in order, people in parallel. */
export function messageGroupId(event: Pick<RosterEvent, 'source' | 'employeeId'>): string {
  return `${event.source}#${event.employeeId}`;
}
