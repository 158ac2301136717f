import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { parseConfig } from '../../../lib/config/load';
import type { Config } from '../../../lib/config/schema';
import { auditTableDefinition } from '../../../lib/roster/audit';
import type { RosterEvent, RosterPerson } from '../../../lib/roster/event';
import { type LocalServer, startDynamoDbServer } from '../../../local/servers';

/** The system token the Talent simulator accepts. */
export const SIMULATOR_TOKEN = 'local-system-token';
export const TOKEN_SECRET_NAME = 'talent-sync/talent-token';

/**
 * An address that the roster event schema accepts but the simulator's OpenAPI `email` format
 * rejects with 400, because a domain label may not end with a hyphen.
 */
export const TALENT_INVALID_EMAIL = 'kim@lincoln-.example.org';

export interface LocalStateTable {
  server: LocalServer;
  tableName: string;
  auditTableName: string;
  client: DynamoDBDocumentClient;
  close(): Promise<void>;
}

/** The name of the audit table that startStateTable creates beside a state table. */
export function auditTableName(stateTableName: string): string {
  return `${stateTableName}-audit`;
}

/** Creates an audit table keyed by `pk` and `sk`, as the CDK stack does. */
export async function createAuditTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(new CreateTableCommand(auditTableDefinition(tableName)));
}

/**
 * Starts dynalite and creates a state table keyed by `pk` alone, as the CDK stack does, and beside it
 * the audit table named by auditTableName.
 */
export async function startStateTable(tableName = 'roster-state'): Promise<LocalStateTable> {
  const server = await startDynamoDbServer();
  const base = new DynamoDBClient({
    endpoint: server.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await base.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await createAuditTable(base, auditTableName(tableName));
  const client = DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
  return {
    server,
    tableName,
    auditTableName: auditTableName(tableName),
    client,
    async close() {
      base.destroy();
      await server.close();
    },
  };
}

/** A temporary folder with a config file and a secrets file, as local mode reads them. */
export interface ConfigFiles {
  configFile: string;
  secretsFile: string;
  config: Config;
  remove(): void;
}

/** Builds the test deployment config against a Talent URL, with `roster` overriding the roster part. */
export function testConfig(talentUrl: string, roster: Record<string, unknown> = {}): Config {
  return parseConfig(rawConfig(talentUrl, roster));
}

export function writeConfigFiles(talentUrl: string, roster: Record<string, unknown> = {}): ConfigFiles {
  const directory = mkdtempSync(join(tmpdir(), 'talent-sync-roster-'));
  const raw = rawConfig(talentUrl, roster);
  const configFile = join(directory, 'config.json');
  const secretsFile = join(directory, 'secrets.json');
  writeFileSync(configFile, JSON.stringify(raw));
  writeFileSync(secretsFile, JSON.stringify({ [TOKEN_SECRET_NAME]: SIMULATOR_TOKEN }));
  return {
    configFile,
    secretsFile,
    config: parseConfig(raw),
    remove: () => rmSync(directory, { recursive: true, force: true }),
  };
}

function rawConfig(talentUrl: string, roster: Record<string, unknown>) {
  return {
    talent: { baseUrl: talentUrl, tokenSecretName: TOKEN_SECRET_NAME, maxRetries: 2, requestsPerSecond: 100 },
    roster: {
      defaultRole: 'Teacher',
      roleRules: [{ when: { jobTitle: { pattern: 'coach' } }, role: 'Coach' }],
      groupRules: [{ groups: ['School: {school}'] }],
      suppressInvite: true,
      ...roster,
    },
  };
}

let eventCounter = 0;

/** Builds a valid roster event, with a fresh event id unless one is given. */
export function rosterEvent(
  overrides: Partial<Omit<RosterEvent, 'person'>> & { person?: Partial<RosterPerson> } = {},
): RosterEvent {
  eventCounter += 1;
  const { person, ...rest } = overrides;
  return {
    eventId: `evt-${eventCounter}`,
    source: 'hr-generic',
    employeeId: 'E100',
    action: 'upsert',
    occurredAt: '2026-01-10T09:00:00Z',
    receivedAt: '2026-01-10T09:00:05Z',
    ...rest,
    person: {
      email: 'ada.lovelace@district.example.org',
      firstName: 'Ada',
      lastName: 'Lovelace',
      jobTitle: 'Math Teacher',
      school: 'Lincoln',
      status: 'active',
      ...person,
    },
  };
}
