import { createHash } from 'node:crypto';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { maskEmail } from '../runtime/logger';
import type { AuditEntry, AuditStore } from './audit';
import { PermanentApplyError } from './errors';
import { messageGroupId } from './group-id';
import { parseRosterMessage } from './message';
import { personKey } from './state';

/**
 * Listing, redriving and deleting the messages of the roster dead-letter queue. A message there failed `maxReceiveCount` times.
 * The apply function writes a `failed` audit entry per attempt, which gives the reason. A body that is
 * not a roster event has no audit entry, and the schema check of the body gives the reason instead.
 */

/** One message in the dead-letter queue, with ids and a masked e-mail only. */
export interface DeadLetter {
  messageId: string;
  eventId?: string;
  source?: string;
  employeeId?: string;
  /** Masked, for example `a***@district.example.org`. */
  email?: string;
  /**
   * SQS's ApproximateReceiveCount. Each listing raises it by 1 on AWS and by 2 on local-aws-sqs, which
   * also counts the visibility change that releases the message, so it does not count apply attempts.
   */
  receiveCount: number;
  /**
   * Failed apply attempts of the event: its `failed` entries among the person's newest 100 audit
   * entries. Absent without an audit store, and for a body that is not a roster event.
   */
  failedAttempts?: number;
  /** When the message was first sent to the roster queue (ISO 8601). */
  sentAt?: string;
  /** The reason of the first failed attempt, from the audit trail or the body check. */
  reason: string;
}

export interface DeadLetterQueueOptions {
  sqs: SQSClient;
  deadLetterQueueUrl: string;
  /** The audit store to read failure reasons from; without it every valid message gets a fixed reason. */
  audit?: Pick<AuditStore, 'listForPerson'>;
}

/** Seconds a listed message stays hidden from other consumers while the listing runs. */
const LISTING_VISIBILITY_SECONDS = 30;
const MAX_BATCH = 10;
/** Stops a listing or redrive of a very large queue; the operator runs the command again. */
const MAX_MESSAGES = 10_000;

const SILENT_LOGGER = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Lists the messages in the dead-letter queue with their failure reasons, leaving them in the queue.
 * Each message is received once and made visible again at the end.
 *
 * NOTE: a FIFO queue hides a message group's later messages while an earlier one is in flight. AWS
 * returns several messages of one group in a single receive, so a person with more dead letters than
 * one receive returns (10) shows only the first ten.
 */
export async function listDeadLetters(options: DeadLetterQueueOptions): Promise<DeadLetter[]> {
  const messages = await receiveAll(options.sqs, options.deadLetterQueueUrl, LISTING_VISIBILITY_SECONDS);
  try {
    const letters: DeadLetter[] = [];
    for (const message of messages) letters.push(await describeDeadLetter(message, options.audit));
    return letters;
  } finally {
    await releaseMessages(options.sqs, options.deadLetterQueueUrl, messages);
  }
}

/** Returns the ids, masked e-mail and failure reason of one dead-letter message. */
export async function describeDeadLetter(
  message: Message,
  audit?: Pick<AuditStore, 'listForPerson'>,
): Promise<DeadLetter> {
  const attributes = message.Attributes ?? {};
  const base = {
    messageId: message.MessageId ?? '',
    receiveCount: Number(attributes.ApproximateReceiveCount ?? 0),
    ...(attributes.SentTimestamp ? { sentAt: new Date(Number(attributes.SentTimestamp)).toISOString() } : {}),
  };

  let event: ReturnType<typeof parseRosterMessage>;
  try {
    event = parseRosterMessage({ messageId: base.messageId, body: message.Body ?? '' }, SILENT_LOGGER);
  } catch (error) {
    const reason = error instanceof PermanentApplyError ? error.reason : String(error);
    return { ...base, reason: reason.replace(/ in message \S+\. .*$/s, '') };
  }

  const ids = {
    eventId: event.eventId,
    source: event.source,
    employeeId: event.employeeId,
    email: maskEmail(event.person.email),
  };
  if (!audit) return { ...base, ...ids, reason: NO_AUDIT_REASON };
  const entries = await audit.listForPerson(personKey(event.source, event.employeeId));
  const failures = failuresOf(entries, event.eventId);
  return {
    ...base,
    ...ids,
    failedAttempts: failures.length,
    // Entries come newest first, so the last failure is the first attempt's.
    reason: failures[failures.length - 1]?.reason ?? NO_AUDIT_REASON,
  };
}

const NO_AUDIT_REASON =
  'no failure is recorded in the audit trail: search the roster-apply logs for the event id';

/** Returns the `failed` audit entries of the event, in the order of `entries`. */
function failuresOf(entries: readonly AuditEntry[], eventId: string): AuditEntry[] {
  return entries.filter(
    (entry) => entry.action === 'failed' && entry.origin.kind === 'event' && entry.origin.eventId === eventId,
  );
}

export interface RedriveOptions {
  sqs: SQSClient;
  deadLetterQueueUrl: string;
  /** The roster queue that the messages go back to. */
  sourceQueueUrl: string;
  /** Redrive only these events; absent redrives every message. */
  eventIds?: readonly string[];
  /**
   * Use SQS's own StartMessageMoveTask for a redrive of every message (AWS only). When SQS rejects
   * the call, the redrive falls back to the receive, send and delete loop.
   */
  preferMoveTask?: boolean;
}

export interface RedriveResult {
  method: 'move-task' | 'loop';
  /** Messages moved by the loop; a move task reports its progress through ListMessageMoveTasks. */
  moved: number;
  /** The move task's handle, for ListMessageMoveTasks and CancelMessageMoveTask. */
  taskHandle?: string;
  /** Requested event ids that no message in the dead-letter queue carries. */
  notFound: string[];
  /** The reason the preferred move task was not used. */
  fallbackReason?: string;
}

/**
 * Moves dead-letter messages back to the roster queue. The loop receives each message, sends it to
 * the source queue with the same message group id, then deletes it from the dead-letter queue. Each
 * send gets a new deduplication id, because SQS would drop the old one within its five-minute window.
 * A message sent but not yet deleted when the loop stops is sent again by the next redrive; the
 * apply function skips the second copy as a duplicate.
 */
export async function redriveDeadLetters(options: RedriveOptions): Promise<RedriveResult> {
  if (options.preferMoveTask && !options.eventIds) {
    try {
      const [sourceArn, destinationArn] = await Promise.all([
        queueArn(options.sqs, options.deadLetterQueueUrl),
        queueArn(options.sqs, options.sourceQueueUrl),
      ]);
      const task = await options.sqs.send(
        new StartMessageMoveTaskCommand({ SourceArn: sourceArn, DestinationArn: destinationArn }),
      );
      return { method: 'move-task', moved: 0, taskHandle: task.TaskHandle, notFound: [] };
    } catch (error) {
      const fallbackReason = `StartMessageMoveTask failed (${(error as Error).name}: ${(error as Error).message})`;
      return { ...(await redriveByLoop(options)), fallbackReason };
    }
  }
  return redriveByLoop(options);
}

async function redriveByLoop(options: RedriveOptions): Promise<RedriveResult> {
  const wanted = options.eventIds ? new Set(options.eventIds) : undefined;
  const found = new Set<string>();
  const skipped: Message[] = [];
  let moved = 0;

  while (moved + skipped.length < MAX_MESSAGES) {
    const batch = await receiveBatch(options.sqs, options.deadLetterQueueUrl, LISTING_VISIBILITY_SECONDS);
    if (batch.length === 0) break;
    for (const message of batch) {
      const eventId = eventIdOf(message);
      if (wanted && (eventId === undefined || !wanted.has(eventId))) {
        skipped.push(message);
        continue;
      }
      if (eventId) found.add(eventId);
      await moveMessage(options, message);
      moved += 1;
    }
    if (wanted && found.size === wanted.size) break;
  }

  await releaseMessages(options.sqs, options.deadLetterQueueUrl, skipped);
  const notFound = wanted ? [...wanted].filter((eventId) => !found.has(eventId)) : [];
  return { method: 'loop', moved, notFound };
}

async function moveMessage(options: RedriveOptions, message: Message): Promise<void> {
  const groupId = groupIdOf(message, options.sourceQueueUrl);
  await options.sqs.send(
    new SendMessageCommand({
      QueueUrl: options.sourceQueueUrl,
      MessageBody: message.Body ?? '',
      ...(groupId
        ? {
            MessageGroupId: groupId,
            MessageDeduplicationId: redriveDeduplicationId(message.MessageId ?? '', groupId),
          }
        : {}),
    }),
  );
  await options.sqs.send(
    new DeleteMessageCommand({ QueueUrl: options.deadLetterQueueUrl, ReceiptHandle: message.ReceiptHandle }),
  );
}

/** Returns a deduplication id of its own per redrive: 64 hex characters, within SQS's 128. */
function redriveDeduplicationId(messageId: string, groupId: string): string {
  return createHash('sha256')
    .update(`${groupId}\n${messageId}\n${Date.now()}\n${Math.random()}`)
    .digest('hex');
}

export interface DeleteDeadLettersOptions {
  sqs: SQSClient;
  deadLetterQueueUrl: string;
  /** Delete only the messages of these events; absent deletes every message. */
  eventIds?: readonly string[];
}

/** A deleted message, with ids and a masked e-mail only. */
export type DeletedDeadLetter = Pick<DeadLetter, 'messageId' | 'eventId' | 'source' | 'employeeId' | 'email'>;

export interface DeleteDeadLettersResult {
  deleted: DeletedDeadLetter[];
  /** Requested event ids that no message carries. When there are any, nothing was deleted. */
  notFound: string[];
}

/**
 * Deletes dead-letter messages for good: every message, or those whose body carries one of
 * `eventIds`. Every message is received first and held invisible, so that a requested id that no
 * message carries deletes nothing. The messages that stay are made visible again at once.
 *
 * NOTE: the FIFO limit of `listDeadLetters` applies here too. Of a person with more than ten dead
 * letters, one run receives and deletes only the first ten.
 */
export async function deleteDeadLetters(options: DeleteDeadLettersOptions): Promise<DeleteDeadLettersResult> {
  const { sqs, deadLetterQueueUrl } = options;
  const requested = options.eventIds ? new Set(options.eventIds) : undefined;
  const isSelected = (message: Message) => {
    if (!requested) return true;
    const eventId = eventIdOf(message);
    return eventId !== undefined && requested.has(eventId);
  };

  const received = await receiveAll(sqs, deadLetterQueueUrl, LISTING_VISIBILITY_SECONDS);
  const selected = received.filter(isSelected);
  const found = new Set(selected.map(eventIdOf));
  const notFound = requested ? [...requested].filter((eventId) => !found.has(eventId)) : [];
  if (notFound.length > 0) {
    await releaseMessages(sqs, deadLetterQueueUrl, received);
    return { deleted: [], notFound };
  }

  try {
    await deleteMessages(sqs, deadLetterQueueUrl, selected);
  } finally {
    // After a failed delete, the selected messages come back when their visibility timeout ends.
    await releaseMessages(
      sqs,
      deadLetterQueueUrl,
      received.filter((message) => !isSelected(message)),
    );
  }
  const deleted: DeletedDeadLetter[] = [];
  for (const message of selected) deleted.push(await deletedLetter(message));
  return { deleted, notFound };
}

/** Returns the ids and masked e-mail of a message, taking the event id from a body that fails the schema. */
async function deletedLetter(message: Message): Promise<DeletedDeadLetter> {
  const { messageId, eventId, source, employeeId, email } = await describeDeadLetter(message);
  const id = eventId ?? eventIdOf(message);
  return {
    messageId,
    ...(id === undefined ? {} : { eventId: id }),
    ...(source === undefined ? {} : { source }),
    ...(employeeId === undefined ? {} : { employeeId }),
    ...(email === undefined ? {} : { email }),
  };
}

async function deleteMessages(sqs: SQSClient, queueUrl: string, messages: readonly Message[]): Promise<void> {
  for (let start = 0; start < messages.length; start += MAX_BATCH) {
    const batch = messages.slice(start, start + MAX_BATCH);
    const { Failed = [] } = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: batch.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
      }),
    );
    const failure = Failed[0];
    if (failure) {
      const messageId = batch[Number(failure.Id)]?.MessageId ?? failure.Id;
      const others = Failed.length > 1 ? `, nor ${Failed.length - 1} more of its batch` : '';
      throw new Error(
        `SQS did not delete dead-letter message ${messageId} (${failure.Code}: ` +
          `${failure.Message ?? 'no message'})${others}: check what is left with "talent-sync dlq list" ` +
          'and delete it again.',
      );
    }
  }
}

/**
 * Returns the message group to send a redriven message under: its own, else the roster event's
 * (`source#employeeId`), else one of its own on a FIFO queue, which requires a group.
 */
function groupIdOf(message: Message, queueUrl: string): string | undefined {
  const own = message.Attributes?.MessageGroupId;
  if (own) return own;
  try {
    const body = JSON.parse(message.Body ?? '') as { source?: unknown; employeeId?: unknown };
    if (typeof body.source === 'string' && typeof body.employeeId === 'string') {
      return messageGroupId({ source: body.source, employeeId: body.employeeId });
    }
  } catch {
    // Not JSON: the message gets a group of its own below.
  }
  return queueUrl.endsWith('.fifo') ? `redriven#${message.MessageId ?? 'unknown'}` : undefined;
}

function eventIdOf(message: Message): string | undefined {
  try {
    const body = JSON.parse(message.Body ?? '') as { eventId?: unknown };
    return typeof body.eventId === 'string' ? body.eventId : undefined;
  } catch {
    return undefined;
  }
}

async function receiveAll(sqs: SQSClient, queueUrl: string, visibilitySeconds: number): Promise<Message[]> {
  const messages: Message[] = [];
  while (messages.length < MAX_MESSAGES) {
    const batch = await receiveBatch(sqs, queueUrl, visibilitySeconds);
    if (batch.length === 0) break;
    messages.push(...batch);
  }
  return messages;
}

async function receiveBatch(sqs: SQSClient, queueUrl: string, visibilitySeconds: number): Promise<Message[]> {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: MAX_BATCH,
      VisibilityTimeout: visibilitySeconds,
      WaitTimeSeconds: 0,
      MessageSystemAttributeNames: ['All'],
      // Older SQS servers, local-aws-sqs among them, read only the deprecated name.
      AttributeNames: ['All'],
    }),
  );
  return Messages;
}

/** Makes received messages visible again at once, so that a listing leaves the queue as it was. */
async function releaseMessages(
  sqs: SQSClient,
  queueUrl: string,
  messages: readonly Message[],
): Promise<void> {
  for (let start = 0; start < messages.length; start += MAX_BATCH) {
    const batch = messages.slice(start, start + MAX_BATCH);
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: batch.map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle,
          VisibilityTimeout: 0,
        })),
      }),
    );
  }
}

async function queueArn(sqs: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  const arn = Attributes?.QueueArn;
  if (!arn) throw new Error(`SQS returned no QueueArn for ${queueUrl}: check the queue URL.`);
  return arn;
}
