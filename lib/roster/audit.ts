import { type CreateTableCommandInput, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ENV, requireEnv } from '../runtime/environment';

/** Days an audit entry is kept before DynamoDB's TTL removes it, when the config sets nothing. */
export const DEFAULT_AUDIT_RETENTION_DAYS = 400;

/** The fields of a Talent user that an audit entry records before and after a change. */
export interface AuditUserSnapshot {
  email?: string;
  role?: string;
  name?: string;
  status?: string;
  groups?: string[];
}

export type AuditOrigin =
  | { kind: 'event'; source: string; eventId: string }
  | { kind: 'reconcile'; runId: string; file?: string; row?: number };

export type AuditAction =
  | 'created'
  | 'updated'
  | 'reactivated'
  | 'deactivated'
  | 'deleted'
  | 'email-changed'
  | 'parked'
  | 'released'
  | 'skipped'
  | 'failed';

/**
 * One thing the sync did, or decided not to do, to one person. The audit is the record of what
 * happened, so it keeps full e-mail addresses, unlike the logs.
 */
export interface AuditEntry {
  /** `personKey(source, employeeId)`, or `email#<lower-cased address>` for a reconcile row without an HRIS id. */
  personKey: string;
  /** When it happened (ISO 8601). */
  at: string;
  origin: AuditOrigin;
  action: AuditAction;
  before?: AuditUserSnapshot;
  after?: AuditUserSnapshot;
  outcome: 'applied' | 'skipped' | 'failed' | 'planned';
  reason?: string;
}

export interface AuditStore {
  record(entry: AuditEntry): Promise<void>;
  /** Returns the person's entries, newest first; `limit` defaults to 100. */
  listForPerson(personKey: string, limit?: number): Promise<AuditEntry[]>;
}

export interface AuditStoreOptions {
  /** Defaults to the AUDIT_TABLE_NAME environment variable. */
  tableName?: string;
  /** Defaults to a client built from the SDK's standard environment (region, endpoint). */
  client?: DynamoDBDocumentClient;
  /** Days until DynamoDB's TTL removes an entry; defaults to DEFAULT_AUDIT_RETENTION_DAYS. */
  retentionDays?: number;
  /** The clock that `expiresAt` counts from; defaults to the system clock. */
  now?: () => Date;
}

const DEFAULT_LIST_LIMIT = 100;

/**
 * Returns the CreateTable input of an audit table, for the local stack and tests. The CDK stack
 * defines the deployed table with the same keys, and adds the TTL on `expiresAt`.
 */
export function auditTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    BillingMode: 'PAY_PER_REQUEST',
  };
}

/** Returns the partition key of a reconcile row that has no HRIS id, only an address. */
export function emailAuditKey(email: string): string {
  return `email#${email.trim().toLowerCase()}`;
}

/**
 * Creates the audit store over its DynamoDB table, keyed by `pk` (the person key) and `sk`, with
 * `expiresAt` (epoch seconds) as the TTL attribute. The sort key starts with the time and goes on
 * with the origin, so a person's entries sort by time and two origins at the same millisecond do
 * not overwrite each other.
 */
export function createAuditStore(options: AuditStoreOptions = {}): AuditStore {
  const tableName = options.tableName ?? requireEnv(ENV.auditTableName);
  const retentionDays = options.retentionDays ?? DEFAULT_AUDIT_RETENTION_DAYS;
  const now = options.now ?? (() => new Date());
  const client =
    options.client ??
    DynamoDBDocumentClient.from(new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true },
    });

  return {
    async record(entry) {
      const expiresAt = Math.floor(now().getTime() / 1000) + retentionDays * 86_400;
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: { pk: entry.personKey, sk: sortKey(entry), expiresAt, ...entry },
        }),
      );
    },

    async listForPerson(personKey, limit = DEFAULT_LIST_LIMIT) {
      const result = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': personKey },
          ScanIndexForward: false,
          Limit: limit,
        }),
      );
      return (result.Items ?? []).map(toAuditEntry);
    },
  };
}

function sortKey(entry: AuditEntry): string {
  const { origin } = entry;
  const id =
    origin.kind === 'event'
      ? `event#${origin.source}#${origin.eventId}`
      : `reconcile#${origin.runId}#${origin.file ?? ''}#${origin.row ?? ''}`;
  return `${new Date(entry.at).toISOString()}#${id}#${entry.action}`;
}

function toAuditEntry(item: Record<string, unknown>): AuditEntry {
  const { pk: _pk, sk: _sk, expiresAt: _expiresAt, ...entry } = item;
  return entry as unknown as AuditEntry;
}
