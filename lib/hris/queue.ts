import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { RosterEvent } from '../roster/event';
import { messageGroupId } from '../roster/group-id';
import { DeliveryRejectedError } from './errors';
import { sha256Hex } from './signing';

/** SendMessageBatch accepts at most 10 entries. */
const SQS_BATCH_LIMIT = 10;

/**
 * SendMessageBatch accepts at most 256 KiB of message bodies in one call. Batches stop short of it,
 * leaving room for the attributes SQS also counts.
 */
export const SQS_BATCH_MAX_BODY_BYTES = 250 * 1024;

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
 * Sends the events to the FIFO queue in order, in batches within SQS's entry and size limits, grouped per person and deduplicated by
 * event id. If any entry fails, it throws a DeliveryRejectedError with status 503 so that the provider
 * retries. The retry is safe: SQS drops a repeated deduplication id within its 5-minute window, and the
 * apply function's state table skips later repeats.
 */
export async function enqueueRosterEvents(
  client: SQSClient,
  queueUrl: string,
  events: readonly RosterEvent[],
): Promise<void> {
  let sent = 0;
  for (const batch of sqsBatches(events)) {
    const command = new SendMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: batch.map(({ event, body }, offset) => ({
        Id: `event-${sent + offset}`,
        MessageBody: body,
        MessageGroupId: messageGroupId(event),
        MessageDeduplicationId: deduplicationId(event.eventId),
      })),
    });
    sent += batch.length;

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

/**
 * Splits the events, in order, into SendMessageBatch calls of at most 10 entries and at most
 * SQS_BATCH_MAX_BODY_BYTES of bodies. One event is always below that size, because the webhook body
 * limit is 256 KiB and an event is smaller than the payload it came from.
 */
export function sqsBatches(events: readonly RosterEvent[]): { event: RosterEvent; body: string }[][] {
  const batches: { event: RosterEvent; body: string }[][] = [];
  let current: { event: RosterEvent; body: string }[] = [];
  let bytes = 0;
  for (const event of events) {
    const body = JSON.stringify(event);
    const size = Buffer.byteLength(body);
    if (
      current.length === SQS_BATCH_LIMIT ||
      (current.length > 0 && bytes + size > SQS_BATCH_MAX_BODY_BYTES)
    ) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push({ event, body });
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

function queueUnavailable(events: readonly RosterEvent[], options: ErrorOptions): DeliveryRejectedError {
  return new DeliveryRejectedError(
    503,
    'queue unavailable, retry later',
    { eventIds: events.map((event) => event.eventId), employeeIds: events.map((event) => event.employeeId) },
    options,
  );
}
