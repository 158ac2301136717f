import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { messageGroupId, type RosterEvent } from '../roster/event';
import { DeliveryRejectedError } from './errors';
import { sha256Hex } from './signing';

/** SendMessageBatch accepts at most 10 entries. */
const SQS_BATCH_LIMIT = 10;

/** SQS deduplication ids are 1-128 characters of ASCII letters, digits and punctuation. */
const DEDUPLICATION_ID_PATTERN = /^[\x21-\x7e]{1,128}$/;

/**
 * Returns the SQS FIFO deduplication id for an event id: the id itself when SQS accepts it, otherwise its
 * SHA-256 hex digest.
 */
export function deduplicationId(eventId: string): string {
  return DEDUPLICATION_ID_PATTERN.test(eventId) ? eventId : sha256Hex(eventId);
}

/**
 * Sends the events to the FIFO queue in order, in batches of 10, grouped per person and deduplicated by
 * event id. If any entry fails, it throws a DeliveryRejectedError with status 503 so that the provider
 * retries. The retry is safe: SQS drops a repeated deduplication id within its 5-minute window, and the
 * apply function's state table skips later repeats.
 */
export async function enqueueRosterEvents(
  client: SQSClient,
  queueUrl: string,
  events: readonly RosterEvent[],
): Promise<void> {
  for (let start = 0; start < events.length; start += SQS_BATCH_LIMIT) {
    const batch = events.slice(start, start + SQS_BATCH_LIMIT);
    const command = new SendMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: batch.map((event, offset) => ({
        Id: `event-${start + offset}`,
        MessageBody: JSON.stringify(event),
        MessageGroupId: messageGroupId(event),
        MessageDeduplicationId: deduplicationId(event.eventId),
      })),
    });

    let failed: string[];
    try {
      const output = await client.send(command);
      failed = (output.Failed ?? []).map((entry) =>
        `${entry.Id}: ${entry.Code} ${entry.Message ?? ''}`.trim(),
      );
    } catch (error) {
      throw queueUnavailable(events, { cause: error });
    }
    if (failed.length > 0) {
      throw queueUnavailable(events, {
        cause: new Error(`SendMessageBatch entries failed: ${failed.join('; ')}`),
      });
    }
  }
}

function queueUnavailable(events: readonly RosterEvent[], options: ErrorOptions): DeliveryRejectedError {
  return new DeliveryRejectedError(
    503,
    'queue unavailable, retry later',
    { eventIds: events.map((event) => event.eventId), employeeIds: events.map((event) => event.employeeId) },
    options,
  );
}
