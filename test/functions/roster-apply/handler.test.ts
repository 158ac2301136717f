import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetRuntimeConfig } from '../../../lib/config/runtime';
import { messageGroupId, type RosterEvent } from '../../../lib/roster/event';
import { createStateStore } from '../../../lib/roster/state';
import { ENV } from '../../../lib/runtime/environment';
import { lambdaContext } from '../../../local/lambda-context';
import { startTalentSimulator, type TalentSimulator } from '../../../local/talent-simulator/server';
import {
  type ConfigFiles,
  type LocalStateTable,
  rosterEvent,
  startStateTable,
  TALENT_INVALID_EMAIL,
  writeConfigFiles,
} from '../../lib/roster/support';

type Handler = typeof import('../../../functions/roster-apply/handler').handler;

let simulator: TalentSimulator;
let table: LocalStateTable;
let files: ConfigFiles;
let handler: Handler;

const ENVIRONMENT: Record<string, () => string> = {
  [ENV.stateTableName]: () => table.tableName,
  [ENV.auditTableName]: () => table.auditTableName,
  [ENV.configFile]: () => files.configFile,
  [ENV.secretsFile]: () => files.secretsFile,
  AWS_ENDPOINT_URL_DYNAMODB: () => table.server.url,
  AWS_REGION: () => 'us-east-1',
  AWS_ACCESS_KEY_ID: () => 'local',
  AWS_SECRET_ACCESS_KEY: () => 'local',
  POWERTOOLS_LOG_LEVEL: () => 'SILENT',
};
const savedEnvironment: Record<string, string | undefined> = {};

beforeAll(async () => {
  simulator = await startTalentSimulator();
  table = await startStateTable();
  files = writeConfigFiles(simulator.url);
  for (const [name, value] of Object.entries(ENVIRONMENT)) {
    savedEnvironment[name] = process.env[name];
    process.env[name] = value();
  }
  resetRuntimeConfig();
  ({ handler } = await import('../../../functions/roster-apply/handler'));
});

afterAll(async () => {
  for (const [name, value] of Object.entries(savedEnvironment)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  resetRuntimeConfig();
  files.remove();
  await table.close();
  await simulator.close();
});

let messageCounter = 0;

function sqsRecord(body: RosterEvent | string, groupId?: string): SQSRecord {
  messageCounter += 1;
  const group = groupId ?? (typeof body === 'string' ? 'invalid' : messageGroupId(body));
  return {
    messageId: `message-${messageCounter}`,
    receiptHandle: `receipt-${messageCounter}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(Date.now()),
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
      MessageGroupId: group,
      MessageDeduplicationId: `dedup-${messageCounter}`,
      SequenceNumber: String(messageCounter),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:roster.fifo',
    awsRegion: 'us-east-1',
  };
}

async function invoke(...records: SQSRecord[]) {
  const event: SQSEvent = { Records: records };
  return handler(event, lambdaContext('roster-apply'));
}

function failedIds(response: Awaited<ReturnType<typeof invoke>>): string[] {
  return response.batchItemFailures.map((failure) => failure.itemIdentifier);
}

function talentUser(email: string) {
  return simulator.users().find((user) => user.email === email);
}

describe('roster-apply handler', () => {
  it('applies a batch and reports no failure', async () => {
    const hire = rosterEvent({ employeeId: 'H1', person: { email: 'h1@district.example.org' } });

    const response = await invoke(sqsRecord(hire));

    expect(failedIds(response)).toEqual([]);
    expect(talentUser('h1@district.example.org')?.groups).toEqual(['School: Lincoln']);
  });

  it('fails only the record that Talent rejects', async () => {
    const rejected = sqsRecord(rosterEvent({ employeeId: 'P1', person: { email: TALENT_INVALID_EMAIL } }));
    const accepted = sqsRecord(
      rosterEvent({ employeeId: 'P2', person: { email: 'p2@district.example.org' } }),
    );

    const response = await invoke(rejected, accepted);

    expect(failedIds(response)).toEqual([rejected.messageId]);
    expect(talentUser('p2@district.example.org')).toBeDefined();
  });

  it('holds later records of a failed person', async () => {
    const first = sqsRecord(rosterEvent({ employeeId: 'F1', person: { email: TALENT_INVALID_EMAIL } }));
    const later = sqsRecord(
      rosterEvent({
        employeeId: 'F1',
        occurredAt: '2026-01-11T09:00:00Z',
        person: { email: 'f1@district.example.org' },
      }),
    );
    const other = sqsRecord(rosterEvent({ employeeId: 'F2', person: { email: 'f2@district.example.org' } }));

    const response = await invoke(first, later, other);

    expect(failedIds(response)).toEqual([first.messageId, later.messageId]);
    expect(talentUser('f1@district.example.org')).toBeUndefined();
  });

  it('applies two events of one person in order', async () => {
    const email = 'o1@district.example.org';
    const hire = rosterEvent({ employeeId: 'O1', occurredAt: '2026-01-10T09:00:00Z', person: { email } });
    const leave = rosterEvent({
      employeeId: 'O1',
      occurredAt: '2026-01-11T09:00:00Z',
      action: 'terminate',
      person: { email },
    });

    const response = await invoke(sqsRecord(hire), sqsRecord(leave));

    expect(failedIds(response)).toEqual([]);
    expect(talentUser(email)?.status).toBe('Disabled');
  });

  it('records the last event of a person', async () => {
    const email = 'o2@district.example.org';
    const hire = rosterEvent({ employeeId: 'O2', occurredAt: '2026-01-10T09:00:00Z', person: { email } });
    const move = rosterEvent({
      employeeId: 'O2',
      occurredAt: '2026-01-11T09:00:00Z',
      person: { email, school: 'Adams' },
    });

    await invoke(sqsRecord(hire), sqsRecord(move));

    const store = createStateStore({ tableName: table.tableName, client: table.client });
    expect((await store.getPerson('hr-generic', 'O2'))?.lastEventId).toBe(move.eventId);
  });

  it('fails an invalid message body', async () => {
    const invalid = sqsRecord('{"eventId": "broken"}');
    const valid = sqsRecord(rosterEvent({ employeeId: 'V1', person: { email: 'v1@district.example.org' } }));

    const response = await invoke(invalid, valid);

    expect(failedIds(response)).toEqual([invalid.messageId]);
  });

  it('fails a body that is not JSON', async () => {
    const invalid = sqsRecord('not json');
    const valid = sqsRecord(rosterEvent({ employeeId: 'V2', person: { email: 'v2@district.example.org' } }));

    const response = await invoke(invalid, valid);

    expect(failedIds(response)).toEqual([invalid.messageId]);
  });

  it('throws when every record fails', async () => {
    // Powertools raises FullBatchFailureError, so Lambda returns the whole batch to the queue.
    await expect(invoke(sqsRecord('not json'))).rejects.toThrow(/All records failed/);
  });

  it('skips a redelivered record without calling Talent', async () => {
    const hire = rosterEvent({ employeeId: 'D1', person: { email: 'd1@district.example.org' } });
    await invoke(sqsRecord(hire));
    const before = simulator.requestLog().length;

    const response = await invoke(sqsRecord(hire));

    expect(failedIds(response)).toEqual([]);
    expect(simulator.requestLog().length).toBe(before);
  });
});
