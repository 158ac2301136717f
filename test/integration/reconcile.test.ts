import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/main';
import { type GeneratedPerson, generateOneRoster } from '../../examples/rosters/oneroster';
import { createAuditStore } from '../../lib/roster/audit';
import type { PlanDocument } from '../../lib/roster/reconcile/s3';
import { personKey } from '../../lib/roster/state';
import { type LocalServer, startDynamoDbServer } from '../../local/servers';
import {
  DEFAULT_TOKENS,
  startTalentSimulator,
  type TalentSimulator,
} from '../../local/talent-simulator/server';
import type { SeedUser } from '../../local/talent-simulator/state';

// A 2,000-person OneRoster 1.2 export reconciled through the CLI against the Talent simulator over
// HTTP: a dry run that only reads, an apply, the deactivation brake, and --force.

const DOMAIN = 'district.example.org';
const STATE_TABLE = 'reconcile-state';
const AUDIT_TABLE = 'reconcile-audit';
const TOKEN_SECRET = 'talent-sync/talent-token';

const roster = generateOneRoster({ people: 2000, seed: 7, version: '1.2', domain: DOMAIN });
const staff = roster.people.filter((person) => person.role !== 'student');
const existing = staff.slice(0, 1000);

let simulator: TalentSimulator;
let dynamo: LocalServer;
let dir: string;
let rosterDir: string;

function fullName(person: GeneratedPerson): string {
  return `${person.givenName} ${person.familyName}`;
}

function expectedRole(person: GeneratedPerson): string {
  return person.role === 'administrator' ? 'Admin' : 'Teacher';
}

/** Talent before the run: half the staff, some with stale names, groups or status, and users the roster lacks. */
function talentSeed(): SeedUser[] {
  const users: SeedUser[] = existing.map((person, index) => {
    const base = {
      email: person.email,
      role: expectedRole(person),
      name: fullName(person),
      groups: [`School: ${person.school}`],
    };
    if (index % 10 === 0) return { ...base, name: 'Old Name' };
    if (index % 10 === 1) return { ...base, groups: ['School: Nowhere', 'Book Club'] };
    if (index % 10 === 2) return { ...base, status: 'Disabled' };
    return base;
  });
  for (let index = 0; index < 50; index += 1) users.push({ email: `gone.${index}@${DOMAIN}`, name: 'Gone' });
  for (let index = 0; index < 3; index += 1) users.push({ email: `admin.${index}@${DOMAIN}`, role: 'Admin' });
  for (let index = 0; index < 5; index += 1) users.push({ email: `vendor.${index}@partner.example.com` });
  users.push({ email: 'known@partner.example.com' });
  return users;
}

function writeFiles(folder: string, files: Record<string, string>): void {
  mkdirSync(folder, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
}

beforeAll(async () => {
  simulator = await startTalentSimulator({ seed: { users: talentSeed() } });
  dynamo = await startDynamoDbServer();
  dir = mkdtempSync(join(tmpdir(), 'talent-sync-reconcile-'));

  const base = new DynamoDBClient({
    endpoint: dynamo.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  await base.send(
    new CreateTableCommand({
      TableName: STATE_TABLE,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await base.send(
    new CreateTableCommand({
      TableName: AUDIT_TABLE,
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  // A person a webhook synced earlier, outside the owned domain: the state table makes it managed.
  await DynamoDBDocumentClient.from(base).send(
    new PutCommand({
      TableName: STATE_TABLE,
      Item: {
        pk: 'person#hr-generic#X1',
        source: 'hr-generic',
        employeeId: 'X1',
        email: 'known@partner.example.com',
      },
    }),
  );

  const configFile = join(dir, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      talent: { baseUrl: simulator.url, tokenSecretName: TOKEN_SECRET, requestsPerSecond: 100 },
      roster: {
        roleRules: [{ when: { employeeType: 'administrator' }, role: 'Admin' }],
        groupRules: [{ when: {}, groups: ['School: {school}'] }],
        suppressInvite: true,
        reconcile: { domains: [DOMAIN] },
      },
    }),
  );
  const secretsFile = join(dir, 'secrets.json');
  writeFileSync(secretsFile, JSON.stringify({ [TOKEN_SECRET]: DEFAULT_TOKENS.system }));
  const endpoints = {
    webhookBaseUrl: 'http://127.0.0.1:9/webhooks',
    talentApiUrl: simulator.url,
    talentToken: DEFAULT_TOKENS.system,
    s3Endpoint: 'http://127.0.0.1:9',
    reportBucket: 'unused',
    dynamodbEndpoint: dynamo.url,
    sqsEndpoint: 'http://127.0.0.1:9',
    rosterQueueUrl: 'http://127.0.0.1:9/queue',
    rosterDeadLetterQueueUrl: 'http://127.0.0.1:9/dlq',
    stateTable: STATE_TABLE,
    auditTable: AUDIT_TABLE,
    configFile,
    secretsFile,
  };
  writeFileSync(join(dir, 'endpoints.json'), JSON.stringify(endpoints));
  rosterDir = join(dir, 'oneroster');
  writeFiles(rosterDir, roster.files);
});

afterAll(async () => {
  await simulator?.close();
  await dynamo?.close();
});

/** Runs the CLI in-process and returns its exit code and what it printed. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...parts) => void stdout.push(parts.join(' ')));
  const error = vi
    .spyOn(console, 'error')
    .mockImplementation((...parts) => void stderr.push(parts.join(' ')));
  try {
    const code = await main(['node', 'talent-sync', 'reconcile', '--local', '--local-dir', dir, ...args]);
    return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

function readPlan(file: string): PlanDocument {
  return JSON.parse(readFileSync(file, 'utf8')) as PlanDocument;
}

function talentUser(email: string) {
  return simulator.users().find((user) => user.email === email);
}

/** Returns every simulated user by e-mail, read once; `simulator.users()` builds a fresh view per call. */
function talentUsersByEmail() {
  return new Map(simulator.users().map((user) => [user.email, user]));
}

describe('reconcile of a 2,000-person OneRoster export', () => {
  let dryRun: PlanDocument;
  let applied: PlanDocument;
  let dryRunMethods: string[];

  beforeAll(async () => {
    const dryRunFile = join(dir, 'dry-run.json');
    const dry = await cli('--roster', rosterDir, '--plan-out', dryRunFile);
    expect(dry.code, dry.stderr).toBe(0);
    dryRun = readPlan(dryRunFile);
    dryRunMethods = [...new Set(simulator.requestLog().map((entry) => entry.method))];

    const appliedFile = join(dir, 'applied.json');
    const apply = await cli('--roster', rosterDir, '--apply', '--plan-out', appliedFile);
    expect(apply.code, apply.stderr).toBe(0);
    applied = readPlan(appliedFile);
  });

  it('sends only reads in a dry run', () => {
    expect(dryRunMethods).toEqual(['GET']);
  });

  it('plans a create for each enabled staff member missing from Talent', () => {
    const missing = staff.slice(1000).filter((person) => person.enabled);
    expect(dryRun.plan.creates).toHaveLength(missing.length);
  });

  it('leaves students out of scope', () => {
    const students = roster.people.filter((person) => person.role === 'student').length;
    const outOfScope = dryRun.plan.leftAlone.filter((entry) => entry.kind === 'out-of-scope').length;
    expect(outOfScope).toBe(students);
  });

  it('applies the plan it printed', () => {
    expect(applied.status).toBe('applied');
    expect(applied.result?.failures).toEqual([]);
  });

  it('creates every enabled staff member with role and school group', () => {
    const users = talentUsersByEmail();
    const wrong = staff
      .filter((person) => person.enabled)
      .filter((person) => {
        const user = users.get(person.email);
        return (
          !user ||
          user.role !== expectedRole(person) ||
          user.name !== fullName(person) ||
          user.status === 'Disabled' ||
          !user.groups.includes(`School: ${person.school}`)
        );
      });
    expect(wrong.map((person) => person.email)).toEqual([]);
  });

  it('moves managed groups and keeps hand-assigned ones', () => {
    const person = existing[1] as GeneratedPerson;
    expect(talentUser(person.email)?.groups).toEqual([`School: ${person.school}`, 'Book Club']);
  });

  it('deactivates staff whose roster row is disabled', () => {
    const users = talentUsersByEmail();
    const leavers = existing.filter((person) => !person.enabled && person.role !== 'administrator');
    expect(leavers.length).toBeGreaterThan(0);
    expect(leavers.filter((person) => users.get(person.email)?.status !== 'Disabled')).toEqual([]);
  });

  it('creates no user for a disabled staff member', () => {
    const users = talentUsersByEmail();
    const absent = staff.slice(1000).filter((person) => !person.enabled);
    expect(absent.filter((person) => users.has(person.email))).toEqual([]);
  });

  it('deactivates managed users missing from the roster', () => {
    const gone = simulator.users().filter((user) => user.email.startsWith('gone.'));
    expect(gone.map((user) => user.status)).toEqual(Array(50).fill('Disabled'));
  });

  it('deactivates a user that the state table knows', () => {
    expect(talentUser('known@partner.example.com')?.status).toBe('Disabled');
  });

  it('leaves Admins and unmanaged users alone', () => {
    const untouched = simulator.users().filter((user) => /^(admin|vendor)\./.test(user.email));
    expect(untouched.map((user) => user.status)).toEqual(Array(8).fill('Active'));
  });

  it('records applied changes in the audit trail with run and row', async () => {
    const person = existing[0] as GeneratedPerson;
    const entries = await createAuditStore({ tableName: AUDIT_TABLE }).listForPerson(
      personKey('roster', person.identifier),
    );
    expect(entries).toEqual([
      expect.objectContaining({
        action: 'updated',
        outcome: 'applied',
        origin: {
          kind: 'reconcile',
          runId: applied.plan.runId,
          file: 'oneroster',
          row: roster.people.indexOf(person) + 1,
        },
        after: { email: person.email, name: fullName(person) },
      }),
    ]);
  });

  it('plans nothing when run again', () => {
    const { creates, updates, deactivations } = applied.plan;
    expect(creates.length + updates.length + deactivations.length).toBeGreaterThan(0);
    return cli('--roster', rosterDir, '--json').then((again) => {
      const summary = JSON.parse(again.stdout) as { counts: Record<string, number> };
      expect(summary.counts).toMatchObject({
        creates: 0,
        updates: 0,
        groupChanges: 0,
        reactivations: 0,
        deactivations: 0,
      });
    });
  });
});

describe('deactivation brake', () => {
  let smallRoster: string;

  beforeAll(() => {
    smallRoster = join(dir, 'small');
    writeFiles(
      smallRoster,
      generateOneRoster({ people: 100, seed: 7, version: '1.2', domain: DOMAIN }).files,
    );
  });

  it('rejects the apply and names the count, limit and flag', async () => {
    const before = simulator.requestLog().length;
    const result = await cli('--roster', smallRoster, '--apply');

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /deactivates \d+ of \d+ Talent users in scope.*at most \d+.*--apply --force/s,
    );
    const writes = simulator
      .requestLog()
      .slice(before)
      .filter((entry) => entry.method !== 'GET');
    expect(writes).toEqual([]);
  });

  it('applies with --force', async () => {
    const result = await cli('--roster', smallRoster, '--apply', '--force', '--json');

    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as { status: string; result: { deactivated: number } };
    expect(summary.status).toBe('applied');
    expect(summary.result.deactivated).toBeGreaterThan(1000);
  });
});

describe('reconcile command errors', () => {
  it('exits 2 for a missing roster', async () => {
    const result = await cli('--roster', join(dir, 'missing.csv'));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Cannot read the roster .*missing\.csv: ENOENT/);
  });

  it('exits 2 for an unknown format', async () => {
    const result = await cli('--roster', rosterDir, '--format', 'xlsx');
    expect(result.code).toBe(2);
  });

  it('exits 2 for an invalid config naming the field', async () => {
    const badConfig = join(dir, 'bad-config.json');
    writeFileSync(
      badConfig,
      JSON.stringify({
        talent: { baseUrl: simulator.url, tokenSecretName: TOKEN_SECRET },
        roster: { reconcile: { mode: 'always' } },
      }),
    );
    const result = await cli('--roster', rosterDir, '--config', badConfig);
    expect(result.stderr).toMatch(/roster\.reconcile\.mode/);
    expect(result.code).toBe(2);
  });

  it('exits 2 for a CSV without an e-mail column', async () => {
    const csv = join(dir, 'no-email.csv');
    writeFileSync(csv, 'id,name\n1,Ada\n');
    const result = await cli('--roster', csv);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no e-mail column/);
  });
});
