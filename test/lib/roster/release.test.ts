import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RosterLogger } from '../../../lib/roster/apply';
import { type AuditStore, createAuditStore } from '../../../lib/roster/audit';
import { createParkedEventStore, type ParkedEventStore } from '../../../lib/roster/parked';
import { releaseDueEvents } from '../../../lib/roster/release';
import { personKey } from '../../../lib/roster/state';
import { type LocalServer, startSqsServer } from '../../../local/servers';
import { type LocalStateTable, rosterEvent, startStateTable } from './support';

let table: LocalStateTable;
let sqsServer: LocalServer;
let sqs: SQSClient;
let parked: ParkedEventStore;
let audit: AuditStore;

const silentLogger: RosterLogger = { info: () => {}, warn: () => {}, error: () => {} };

beforeAll(async () => {
  table = await startStateTable('release-test');
  sqsServer = await startSqsServer(0);
  sqs = new SQSClient({
    endpoint: sqsServer.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  parked = createParkedEventStore({ tableName: table.tableName, client: table.client });
  audit = createAuditStore({ tableName: table.auditTableName, client: table.client });
});

afterAll(async () => {
  sqs.destroy();
  await sqsServer.close();
  await table.close();
});

let queueCounter = 0;

async function newQueue(): Promise<string> {
  queueCounter += 1;
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({
      QueueName: `release-${queueCounter}.fifo`,
      Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'false' },
    }),
  );
  return QueueUrl ?? '';
}

async function receiveAll(queueUrl: string) {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      AttributeNames: ['All'],
    }),
  );
  return Messages;
}

describe('releaseDueEvents', () => {
  it('sends a due event back in the person message group with releasedAt', async () => {
    const queueUrl = await newQueue();
    const event = rosterEvent({ employeeId: 'R1', person: { startDate: '2026-02-02' } });
    await parked.park({
      event,
      reason: 'future-start',
      releaseAt: '2026-02-02T06:00:00.000Z',
      parkedAt: 'x',
    });

    await releaseDueEvents(
      { parked, audit, sqs, queueUrl, logger: silentLogger },
      new Date('2026-02-02T07:00:00Z'),
    );

    const [message] = await receiveAll(queueUrl);
    expect(message?.Attributes?.MessageGroupId).toBe('hr-generic#R1');
    expect(JSON.parse(message?.Body ?? '{}')).toEqual({ ...event, releasedAt: '2026-02-02T07:00:00.000Z' });
  });

  it('removes the released parked item', async () => {
    const queueUrl = await newQueue();
    const event = rosterEvent({ employeeId: 'R2', person: { startDate: '2026-02-02' } });
    await parked.park({
      event,
      reason: 'future-start',
      releaseAt: '2026-02-02T06:00:00.000Z',
      parkedAt: 'x',
    });

    await releaseDueEvents(
      { parked, audit, sqs, queueUrl, logger: silentLogger },
      new Date('2026-02-03T00:00:00Z'),
    );

    expect(await parked.get('hr-generic', 'R2')).toBeUndefined();
  });

  it('audits the release', async () => {
    const queueUrl = await newQueue();
    const event = rosterEvent({ employeeId: 'R3', person: { startDate: '2026-02-02' } });
    await parked.park({
      event,
      reason: 'future-start',
      releaseAt: '2026-02-02T06:00:00.000Z',
      parkedAt: 'x',
    });

    await releaseDueEvents(
      { parked, audit, sqs, queueUrl, logger: silentLogger },
      new Date('2026-02-03T00:00:00Z'),
    );

    const [entry] = await audit.listForPerson(personKey('hr-generic', 'R3'));
    expect(entry).toMatchObject({ action: 'released', outcome: 'applied' });
  });

  it('leaves an event that is not due yet', async () => {
    const queueUrl = await newQueue();
    const event = rosterEvent({ employeeId: 'R4', person: { startDate: '2027-09-01' } });
    await parked.park({
      event,
      reason: 'future-start',
      releaseAt: '2027-09-01T05:00:00.000Z',
      parkedAt: 'x',
    });

    await releaseDueEvents(
      { parked, audit, sqs, queueUrl, logger: silentLogger },
      new Date('2027-08-31T00:00:00Z'),
    );

    expect(await receiveAll(queueUrl)).toHaveLength(0);
  });

  it('keeps an unsent event parked', async () => {
    const event = rosterEvent({ employeeId: 'R5', person: { startDate: '2026-02-02' } });
    await parked.park({
      event,
      reason: 'future-start',
      releaseAt: '2026-02-02T06:00:00.000Z',
      parkedAt: 'x',
    });
    const missingQueue = `${sqsServer.url}/000000000000/missing.fifo`;

    const result = await releaseDueEvents(
      { parked, audit, sqs, queueUrl: missingQueue, logger: silentLogger },
      new Date('2026-02-03T00:00:00Z'),
    );

    expect(result.failed).toBeGreaterThan(0);
    expect(await parked.get('hr-generic', 'R5')).toBeDefined();
  });
});
