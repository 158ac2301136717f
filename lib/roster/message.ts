import type { RosterLogger } from './apply';
import { PermanentApplyError } from './errors';
import { type RosterEvent, rosterEventSchema } from './event';

/**
 * Parses the body of a roster queue message. An invalid body can never be applied, so it is logged
 * and thrown as a PermanentApplyError, and the queue moves it to the dead-letter queue. The log
 * names the invalid fields, never their values.
 */
export function parseRosterMessage(
  record: { messageId: string; body: string },
  logger: RosterLogger,
): RosterEvent {
  let value: unknown;
  try {
    value = JSON.parse(record.body);
  } catch (error) {
    throw invalidMessage(record.messageId, 'the body is not valid JSON', logger, error);
  }

  const result = rosterEventSchema.safeParse(value);
  if (result.success) return result.data;

  const fields = result.error.issues.map((issue) => issue.path.join('.') || '(top level)');
  const reason = `the body is not a valid roster event (invalid fields: ${[...new Set(fields)].join(', ')})`;
  throw invalidMessage(record.messageId, reason, logger, result.error);
}

function invalidMessage(
  messageId: string,
  reason: string,
  logger: RosterLogger,
  cause: unknown,
): PermanentApplyError {
  logger.error('Roster message rejected', { messageId, reason });
  return new PermanentApplyError(
    `${reason} in message ${messageId}. Fix the sender, then delete the message once it reaches the dead-letter queue.`,
    {},
    { cause },
  );
}
