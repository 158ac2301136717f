import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/main';
import { createAuditStore } from '../../lib/roster/audit';
import type { RosterEvent } from '../../lib/roster/event';
import { personKey } from '../../lib/roster/state';
import { type LocalServer, startDynamoDbServer, startSqsServer } from '../../local/servers';

// `talent-sync dlq` against local SQS and DynamoDB servers, through the --local endpoints file.

let sqsServer: LocalServer;
let dynamoServer: LocalServer;
let sqs: SQSClient;
let localDir: string;
let queueUrl = '';
let deadLetterQueueUrl = '';
const AUDIT_TABLE = 'dlq-test-audit';
let queueCounter = 0;

const clientConfig = (url: string) => ({
  endpoint: url,
  region: 'us-east-1',
  credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
});

beforeAll(async () => {
  sqsServer = await startSqsServer(0);
  dynamoServer = await startDynamoDbServer(0);
  sqs = new SQSClient(clientConfig(sqsServer.url));
  const dynamo = new DynamoDBClient(clientConfig(dynamoServer.url));
  await dynamo.send(
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

  localDir = mkdtempSync(join(tmpdir(), 'talent-sync-dlq-'));
  const audit = createAuditStore({ tableName: AUDIT_TABLE });
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamoServer.url;
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
  const event = rosterEvent('evt-conflict', 'E100', 'ava.lindqvist@district.example.org');
  for (const [at, reason] of [
    ['2026-01-05T08:00:00.000Z', 'permanent: first reason'],
    ['2026-01-05T08:01:00.000Z', 'permanent: a later reason'],
  ] as const) {
    await audit.record({
      personKey: personKey(event.source, event.employeeId),
      at,
      origin: { kind: 'event', source: event.source, eventId: event.eventId },
      action: 'failed',
      outcome: 'failed',
      reason,
    });
  }
});

afterAll(async () => {
  await sqsServer?.close();
  await dynamoServer?.close();
});

beforeEach(async () => {
  // Fresh queues per test, so that one test's redrive does not change the next one's listing.
  queueCounter += 1;
  const dead = await sqs.send(
    new CreateQueueCommand({
      QueueName: `roster-dlq-${queueCounter}.fifo`,
      Attributes: { FifoQueue: 'true' },
    }),
  );
  const source = await sqs.send(
    new CreateQueueCommand({ QueueName: `roster-${queueCounter}.fifo`, Attributes: { FifoQueue: 'true' } }),
  );
  deadLetterQueueUrl = dead.QueueUrl ?? '';
  queueUrl = source.QueueUrl ?? '';
  writeFileSync(
    join(localDir, 'endpoints.json'),
    JSON.stringify({
      webhookBaseUrl: 'http://127.0.0.1:1/webhooks',
      talentApiUrl: 'http://127.0.0.1:1/api/v2',
      talentToken: 'unused',
      s3Endpoint: 'http://127.0.0.1:1',
      reportBucket: 'unused',
      dynamodbEndpoint: dynamoServer.url,
      sqsEndpoint: sqsServer.url,
      rosterQueueUrl: queueUrl,
      rosterDeadLetterQueueUrl: deadLetterQueueUrl,
      stateTable: 'unused',
      auditTable: AUDIT_TABLE,
      configFile: 'unused',
      secretsFile: 'unused',
    }),
  );

  await putDeadLetter(rosterEvent('evt-conflict', 'E100', 'ava.lindqvist@district.example.org'));
  await putDeadLetter(rosterEvent('evt-unaudited', 'E200', 'noah.whitfield@district.example.org'));
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: deadLetterQueueUrl,
      MessageBody: '{"eventId":"broken"}',
      MessageGroupId: 'broken',
      MessageDeduplicationId: 'broken',
    }),
  );
});

function rosterEvent(eventId: string, employeeId: string, email: string): RosterEvent {
  return {
    eventId,
    source: 'hr-generic',
    employeeId,
    action: 'upsert',
    occurredAt: '2026-01-05T07:00:00Z',
    receivedAt: '2026-01-05T07:00:01Z',
    person: { email, firstName: 'Ava', status: 'active' },
  };
}

async function putDeadLetter(event: RosterEvent): Promise<void> {
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: deadLetterQueueUrl,
      MessageBody: JSON.stringify(event),
      MessageGroupId: `${event.source}#${event.employeeId}`,
      MessageDeduplicationId: event.eventId,
    }),
  );
}

async function depth(url: string): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

/** Runs the CLI and returns its exit code and everything it printed. */
async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...parts) => out.push(parts.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...parts) => err.push(parts.join(' ')));
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err.push(String(chunk));
    return true;
  });
  try {
    const code = await main(['node', 'talent-sync', ...args]);
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
    stderr.mockRestore();
  }
}

interface ListedLetter {
  eventId?: string;
  source?: string;
  employeeId?: string;
  email?: string;
  receiveCount: number;
  failedAttempts?: number;
  reason: string;
}

async function listJson(): Promise<ListedLetter[]> {
  const result = await run('dlq', 'list', '--local', '--local-dir', localDir, '--json');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as ListedLetter[];
}

describe('dlq list', () => {
  it('lists every dead-letter message', async () => {
    const letters = await listJson();
    expect(letters.map((letter) => letter.eventId ?? '(none)').sort()).toEqual(
      ['(none)', 'evt-conflict', 'evt-unaudited'].sort(),
    );
  });

  it('shows the first failure reason from the audit trail', async () => {
    const letter = (await listJson()).find((entry) => entry.eventId === 'evt-conflict');
    expect(letter?.reason).toBe('permanent: first reason');
  });

  it('shows ids, masked e-mail and receive count', async () => {
    const letter = (await listJson()).find((entry) => entry.eventId === 'evt-conflict');
    expect(letter?.source).toBe('hr-generic');
    expect(letter?.employeeId).toBe('E100');
    expect(letter?.email).toBe('a***@district.example.org');
    expect(letter?.receiveCount).toBeGreaterThanOrEqual(1);
  });

  it('counts failed attempts from the audit trail', async () => {
    const letter = (await listJson()).find((entry) => entry.eventId === 'evt-conflict');
    expect(letter?.failedAttempts).toBe(2);
  });

  it('keeps the failed attempts when listed again', async () => {
    await listJson();
    const letter = (await listJson()).find((entry) => entry.eventId === 'evt-conflict');
    expect(letter?.failedAttempts).toBe(2);
  });

  it('counts no attempts for an event without audit entries', async () => {
    const letter = (await listJson()).find((entry) => entry.eventId === 'evt-unaudited');
    expect(letter?.failedAttempts).toBe(0);
  });

  it('leaves out attempts for a body that is not a roster event', async () => {
    const letter = (await listJson()).find((entry) => entry.eventId === undefined);
    expect(letter?.failedAttempts).toBeUndefined();
  });

  it('explains a message without an audit entry', async () => {
    const letter = (await listJson()).find((entry) => entry.eventId === 'evt-unaudited');
    expect(letter?.reason).toMatch(/no failure is recorded in the audit trail/);
  });

  it('explains a body that is not a roster event', async () => {
    const letter = (await listJson()).find((entry) => entry.eventId === undefined);
    expect(letter?.reason).toMatch(/not a valid roster event \(invalid fields: /);
  });

  it('leaves the messages in the queue', async () => {
    await listJson();
    expect(await depth(deadLetterQueueUrl)).toBe(3);
    const second = await listJson();
    expect(second).toHaveLength(3);
  });

  it('prints a table without full e-mail addresses', async () => {
    const result = await run('dlq', 'list', '--local', '--local-dir', localDir);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/EVENT ID\s+SOURCE\s+EMPLOYEE\s+E-MAIL\s+FAILED ATTEMPTS/);
    expect(result.stdout).toContain('evt-conflict');
    expect(result.stdout).not.toContain('ava.lindqvist@');
    expect(result.stdout).toContain('3 messages');
  });
});

describe('dlq redrive', () => {
  it('moves one event back to the roster queue', async () => {
    const result = await run(
      'dlq',
      'redrive',
      '--event-id',
      'evt-conflict',
      '--local',
      '--local-dir',
      localDir,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Moved 1 message back');

    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    expect(Messages).toHaveLength(1);
    expect(JSON.parse(Messages[0]?.Body ?? '{}').eventId).toBe('evt-conflict');
  });

  it('keeps the other messages in the dead-letter queue', async () => {
    await run('dlq', 'redrive', '--event-id', 'evt-conflict', '--local', '--local-dir', localDir);
    const remaining = await listJson();
    expect(remaining.map((letter) => letter.eventId ?? '(none)').sort()).toEqual(['(none)', 'evt-unaudited']);
  });

  it('moves every message with --all', async () => {
    const result = await run('dlq', 'redrive', '--all', '--local', '--local-dir', localDir, '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ method: 'loop', moved: 3, notFound: [] });
    expect(await depth(deadLetterQueueUrl)).toBe(0);
    expect(await depth(queueUrl)).toBe(3);
  });

  it('fails on an event id that is not in the queue', async () => {
    const result = await run(
      'dlq',
      'redrive',
      '--event-id',
      'evt-missing',
      '--local',
      '--local-dir',
      localDir,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('evt-missing');
    expect(await depth(deadLetterQueueUrl)).toBe(3);
  });
});

describe('dlq delete', () => {
  const deleteEvents = (...ids: string[]) =>
    run('dlq', 'delete', '--event-id', ...ids, '--local', '--local-dir', localDir);

  it('deletes only the named message', async () => {
    const result = await deleteEvents('evt-conflict');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const remaining = await listJson();
    expect(remaining.map((letter) => letter.eventId ?? '(none)').sort()).toEqual(['(none)', 'evt-unaudited']);
  });

  it('prints the ids and masked e-mail it deleted', async () => {
    const result = await deleteEvents('evt-conflict');
    expect(result.stdout).toMatch(/evt-conflict\s+hr-generic\s+E100\s+a\*\*\*@district\.example\.org/);
    expect(result.stdout).toContain('Deleted 1 message from the roster dead-letter queue.');
  });

  it('prints neither the body nor the full e-mail', async () => {
    const result = await deleteEvents('evt-conflict');
    expect(result.stdout).not.toContain('ava.lindqvist@');
    expect(result.stdout).not.toContain('occurredAt');
  });

  it('deletes a body that is not a roster event by its event id', async () => {
    const result = await run(
      'dlq',
      'delete',
      '--event-id',
      'broken',
      '--json',
      '--local',
      '--local-dir',
      localDir,
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ deleted: [{ eventId: 'broken' }], notFound: [] });
    expect(await depth(deadLetterQueueUrl)).toBe(2);
  });

  it('fails on an unknown event id and deletes nothing', async () => {
    const result = await deleteEvents('evt-conflict', 'evt-missing');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/evt-missing, so nothing was deleted/);
    expect(await listJson()).toHaveLength(3);
  });

  it('deletes every message with --all --yes', async () => {
    const result = await run('dlq', 'delete', '--all', '--yes', '--local', '--local-dir', localDir);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Deleted 3 messages');
    expect(await depth(deadLetterQueueUrl)).toBe(0);
  });

  it('leaves the roster queue alone', async () => {
    await run('dlq', 'delete', '--all', '--yes', '--local', '--local-dir', localDir);
    expect(await depth(queueUrl)).toBe(0);
  });

  it('rejects --all without --yes and deletes nothing', async () => {
    const result = await run('dlq', 'delete', '--all', '--local', '--local-dir', localDir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/add --yes to confirm/);
    expect(await depth(deadLetterQueueUrl)).toBe(3);
  });
});

describe('dlq with stack outputs', () => {
  it('reads the queue URLs from a cdk outputs file', async () => {
    const file = join(localDir, 'outputs.json');
    writeFileSync(
      file,
      JSON.stringify({
        TalentSync: { RosterQueueUrl: queueUrl, RosterDeadLetterQueueUrl: deadLetterQueueUrl },
      }),
    );
    process.env.AWS_ENDPOINT_URL_SQS = sqsServer.url;
    const result = await run('dlq', 'list', '--stack-outputs', file, '--audit-table', AUDIT_TABLE, '--json');
    expect(result.code).toBe(0);
    expect(
      (JSON.parse(result.stdout) as ListedLetter[]).map((letter) => letter.eventId ?? '(none)').sort(),
    ).toEqual(['(none)', 'evt-conflict', 'evt-unaudited']);
  });

  it('rejects an outputs file without the stack', async () => {
    const file = join(localDir, 'other-outputs.json');
    writeFileSync(file, JSON.stringify({ OtherStack: {} }));
    const result = await run('dlq', 'list', '--stack-outputs', file);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no stack "TalentSync"/);
  });
});

describe('dlq arguments', () => {
  it.each([
    ['redrive without --all or --event-id', ['dlq', 'redrive', '--local'], /either --all or --event-id/],
    ['redrive with both', ['dlq', 'redrive', '--all', '--event-id', 'x', '--local'], /either --all/],
    ['list without a queue', ['dlq', 'list'], /--dlq-url/],
    [
      'redrive without a source queue',
      ['dlq', 'redrive', '--all', '--dlq-url', 'http://127.0.0.1:1/q'],
      /--queue-url/,
    ],
    ['delete without --all or --event-id', ['dlq', 'delete', '--local'], /either --all or --event-id/],
    ['delete with both', ['dlq', 'delete', '--all', '--yes', '--event-id', 'x', '--local'], /either --all/],
    ['delete without a queue', ['dlq', 'delete', '--event-id', 'x'], /--dlq-url/],
    ['an unknown subcommand', ['dlq', 'purge'], /unknown command|too many arguments/i],
    ['an unknown option', ['dlq', 'list', '--everything'], /unknown option/],
  ])('rejects %s with exit 2', async (_name, args, message) => {
    const saved = { dlq: process.env.ROSTER_DLQ_URL, queue: process.env.ROSTER_QUEUE_URL };
    delete process.env.ROSTER_DLQ_URL;
    delete process.env.ROSTER_QUEUE_URL;
    const result = await run(
      ...args.flatMap((arg) => (arg === '--local' ? ['--local', '--local-dir', localDir] : [arg])),
    );
    if (saved.dlq !== undefined) process.env.ROSTER_DLQ_URL = saved.dlq;
    if (saved.queue !== undefined) process.env.ROSTER_QUEUE_URL = saved.queue;
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});
