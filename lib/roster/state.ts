import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ENV, requireEnv } from '../runtime/environment';
import type { RosterPerson } from './event';

/**
 * The person's HRIS status as last applied, where `deleted` means the HRIS deleted the record and
 * `out-of-scope` that the person matches no `roster.scope` rule and has no synced Talent user.
 */
export type PersonStatus = RosterPerson['status'] | 'deleted' | 'out-of-scope';

/** The last change the sync applied for one HRIS person. */
export interface PersonState {
  source: string;
  employeeId: string;
  /** The Talent address this person has now, absent while no event has carried one. */
  email?: string;
  lastEventId: string;
  /** `occurredAt` of the last applied event, in UTC as `toUtcTimestamp` writes it. */
  lastOccurredAt: string;
  status: PersonStatus;
  /** The managed groups the sync last gave the user. */
  managedGroups: string[];
  /**
   * The role and name the Talent user had when the sync last created or updated it, absent after a
   * leaver or on items written before this field existed. With it, an event that changes neither
   * needs no Talent call, and one that changes only them needs no lookup first.
   */
  talent?: AppliedUser;
  /** When the sync wrote this item (ISO 8601, UTC). */
  updatedAt: string;
}

/** The Talent fields the sync last wrote or confirmed for a person. */
export interface AppliedUser {
  role: string;
  name?: string;
}

/** Reads and writes the per-person state that makes applying idempotent and stale-safe. */
export interface RosterStateStore {
  getPerson(source: string, employeeId: string): Promise<PersonState | undefined>;
  /**
   * Stores the applied change unless the item already contains a newer event or the same event.
   * Returns false when that condition failed, which means another event won meanwhile.
   */
  recordApplied(state: PersonState): Promise<boolean>;
}

export interface StateStoreOptions {
  /** Defaults to the STATE_TABLE_NAME environment variable. */
  tableName?: string;
  /** Defaults to a client built from the SDK's standard environment (region, endpoint). */
  client?: DynamoDBDocumentClient;
}

/** Returns the partition key `pk` of a person's item. The table has this string key and no sort key. */
export function personKey(source: string, employeeId: string): string {
  return `person#${source}#${employeeId}`;
}

/**
 * Converts an ISO 8601 timestamp with any offset to UTC with milliseconds, so stored timestamps
 * order correctly as strings. Digits after the milliseconds are dropped.
 */
export function toUtcTimestamp(timestamp: string): string {
  const time = Date.parse(timestamp);
  if (Number.isNaN(time))
    throw new RangeError(
      `Invalid ISO 8601 timestamp "${timestamp}": expected a form like 2026-01-10T09:00:00Z`,
    );
  return new Date(time).toISOString();
}

/** Creates the state store over the DynamoDB state table. */
export function createStateStore(options: StateStoreOptions = {}): RosterStateStore {
  const tableName = options.tableName ?? requireEnv(ENV.stateTableName);
  const client =
    options.client ??
    DynamoDBDocumentClient.from(new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true },
    });

  return {
    async getPerson(source, employeeId) {
      // A strongly consistent read, because the stale check must see the write of the previous event.
      const result = await client.send(
        new GetCommand({
          TableName: tableName,
          Key: { pk: personKey(source, employeeId) },
          ConsistentRead: true,
        }),
      );
      return result.Item ? toPersonState(result.Item) : undefined;
    },

    async recordApplied(state) {
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: { pk: personKey(state.source, state.employeeId), ...state },
            ConditionExpression:
              'attribute_not_exists(pk) OR lastOccurredAt < :occurredAt OR ' +
              '(lastOccurredAt = :occurredAt AND lastEventId <> :eventId)',
            ExpressionAttributeValues: {
              ':occurredAt': state.lastOccurredAt,
              ':eventId': state.lastEventId,
            },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
  };
}

function toPersonState(item: Record<string, unknown>): PersonState {
  return {
    source: String(item.source),
    employeeId: String(item.employeeId),
    email: typeof item.email === 'string' ? item.email : undefined,
    lastEventId: String(item.lastEventId),
    lastOccurredAt: String(item.lastOccurredAt),
    status: item.status as PersonStatus,
    managedGroups: Array.isArray(item.managedGroups) ? item.managedGroups.map(String) : [],
    ...(isAppliedUser(item.talent) ? { talent: item.talent } : {}),
    updatedAt: String(item.updatedAt),
  };
}

function isAppliedUser(value: unknown): value is AppliedUser {
  if (typeof value !== 'object' || value === null) return false;
  const { role, name } = value as Record<string, unknown>;
  return typeof role === 'string' && (name === undefined || typeof name === 'string');
}
