/** Identifies the roster event an error belongs to, for logs and messages. */
export interface EventRef {
  eventId?: string;
  source?: string;
  employeeId?: string;
}

/**
 * A roster event that cannot succeed on a retry: the message is invalid, Talent rejected the change,
 * or applying it would merge two people. The queue still retries it up to its receive limit and then
 * moves it to the dead-letter queue, where an operator fixes the cause and redrives it.
 */
export class PermanentApplyError extends Error {
  override readonly name = 'PermanentApplyError';

  constructor(
    /** The cause and the fix, without personal data beyond ids. */
    readonly reason: string,
    readonly event: EventRef = {},
    options?: ErrorOptions,
  ) {
    super(`Roster event ${describeEvent(event)} cannot be applied: ${reason}`, options);
  }
}

function describeEvent(event: EventRef): string {
  const person = event.source && event.employeeId ? ` (${event.source}#${event.employeeId})` : '';
  return `${event.eventId ?? '(no event id)'}${person}`;
}
