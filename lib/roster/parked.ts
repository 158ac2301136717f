import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import { ENV, requireEnv } from '../runtime/environment';
import type { RosterEvent } from './event';

/** The reason an event waits in the state table instead of being applied. */
export type ParkReason = 'future-start' | 'no-email';

/**
 * An event held back in the state table. A hire whose start date is still ahead is released by the
 * roster-release function at `releaseAt`. An event without a work e-mail has no `releaseAt` and
 * waits for a later event that carries one.
 */
export interface ParkedEvent {
  event: RosterEvent;
  reason: ParkReason;
  /** When the release function sends the event back to the queue (ISO 8601, UTC). */
  releaseAt?: string;
  /** When the event was parked (ISO 8601, UTC). */
  parkedAt: string;
}

/** Parks, reads, lists and clears held events; the items live in the state table beside the people. */
export interface ParkedEventStore {
  get(source: string, employeeId: string): Promise<ParkedEvent | undefined>;
  /**
   * Parks the event unless a newer event of the person is parked already. Returns false when it was
   * not stored for that reason.
   */
  park(parked: ParkedEvent): Promise<boolean>;
  /**
   * Removes the person's parked event if it is not newer than `upTo` (an `occurredAt` in UTC), so an
   * event that overtook it cannot clear a later one. Returns the event it removed.
   */
  clear(source: string, employeeId: string, upTo: string): Promise<ParkedEvent | undefined>;
  /** Removes the parked event only if it is still this event id; returns false otherwise. */
  clearEvent(source: string, employeeId: string, eventId: string): Promise<boolean>;
  /** Returns the parked events whose `releaseAt` is at or before `now`. */
  listDue(now: Date): Promise<ParkedEvent[]>;
}

export interface ParkedEventStoreOptions {
  /** Defaults to the STATE_TABLE_NAME environment variable. */
  tableName?: string;
  client?: DynamoDBDocumentClient;
}

const PARKED_PREFIX = 'parked#';

/** Returns the partition key `pk` of a person's parked event in the state table. */
export function parkedKey(source: string, employeeId: string): string {
  return `${PARKED_PREFIX}${source}#${employeeId}`;
}

/** Creates the store of parked events over the state table. */
export function createParkedEventStore(options: ParkedEventStoreOptions = {}): ParkedEventStore {
  const tableName = options.tableName ?? requireEnv(ENV.stateTableName);
  const client =
    options.client ??
    DynamoDBDocumentClient.from(new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true },
    });

  const conditional = async (
    command: PutCommand | DeleteCommand,
  ): Promise<Record<string, unknown> | false> => {
    try {
      const result = await client.send(command as DeleteCommand);
      return (result.Attributes as Record<string, unknown> | undefined) ?? {};
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  };

  return {
    async get(source, employeeId) {
      const result = await client.send(
        new GetCommand({
          TableName: tableName,
          Key: { pk: parkedKey(source, employeeId) },
          ConsistentRead: true,
        }),
      );
      return result.Item ? await toParkedEvent(result.Item) : undefined;
    },

    async park(parked) {
      const { event } = parked;
      const stored = await conditional(
        new PutCommand({
          TableName: tableName,
          Item: {
            pk: parkedKey(event.source, event.employeeId),
            source: event.source,
            employeeId: event.employeeId,
            eventId: event.eventId,
            occurredAt: new Date(event.occurredAt).toISOString(),
            reason: parked.reason,
            releaseAt: parked.releaseAt,
            parkedAt: parked.parkedAt,
            event: JSON.stringify(event),
          },
          ConditionExpression: 'attribute_not_exists(pk) OR occurredAt <= :occurredAt',
          ExpressionAttributeValues: { ':occurredAt': new Date(event.occurredAt).toISOString() },
        }),
      );
      return stored !== false;
    },

    async clear(source, employeeId, upTo) {
      const removed = await conditional(
        new DeleteCommand({
          TableName: tableName,
          Key: { pk: parkedKey(source, employeeId) },
          ConditionExpression: 'attribute_exists(pk) AND occurredAt <= :upTo',
          ExpressionAttributeValues: { ':upTo': upTo },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return removed ? await toParkedEvent(removed) : undefined;
    },

    async clearEvent(source, employeeId, eventId) {
      const removed = await conditional(
        new DeleteCommand({
          TableName: tableName,
          Key: { pk: parkedKey(source, employeeId) },
          ConditionExpression: 'eventId = :eventId',
          ExpressionAttributeValues: { ':eventId': eventId },
        }),
      );
      return removed !== false;
    },

    async listDue(now) {
      // A Scan with a filter reads the whole table. A district's state table has one item per
      // employee (thousands, a few MB), so an hourly scan costs little and needs no index.
      const due: ParkedEvent[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new ScanCommand({
            TableName: tableName,
            FilterExpression: 'begins_with(pk, :prefix) AND releaseAt <= :now',
            ExpressionAttributeValues: { ':prefix': PARKED_PREFIX, ':now': now.toISOString() },
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) due.push(await toParkedEvent(item));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return due;
    },
  };
}

/**
 * Turns a stored item back into a parked event. The roster event schema is imported with the first item,
 * because the release function scans every hour and usually finds nothing due. A static import would
 * build the schema in each of its cold starts.
 */
async function toParkedEvent(item: Record<string, unknown>): Promise<ParkedEvent> {
  const { rosterEventSchema } = await import('./event');
  return {
    // The item was written from a validated event; parsing again keeps a hand-edited item from passing.
    event: rosterEventSchema.parse(JSON.parse(String(item.event))),
    reason: item.reason === 'no-email' ? 'no-email' : 'future-start',
    releaseAt: typeof item.releaseAt === 'string' ? item.releaseAt : undefined,
    parkedAt: String(item.parkedAt),
  };
}

/**
 * Returns the instant a start date begins in the time zone (its 00:00 local time), as UTC ISO 8601.
 * NOTE: the offset is taken at noon of that day, so in a zone whose clocks change at midnight the
 * release comes up to an hour off on the day of the change.
 */
export function startOfDay(date: string, timeZone: string): string {
  const noonUtc = Date.parse(`${date}T12:00:00Z`);
  const offsetMs = zoneOffsetMs(noonUtc, timeZone);
  return new Date(Date.parse(`${date}T00:00:00Z`) - offsetMs).toISOString();
}

/** Returns the zone's offset from UTC at an instant, in milliseconds (negative west of Greenwich). */
function zoneOffsetMs(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const field = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  const asUtc = Date.UTC(
    field('year'),
    field('month') - 1,
    field('day'),
    field('hour'),
    field('minute'),
    field('second'),
  );
  return asUtc - instant;
}
