import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetRuntimeConfig } from '../../../lib/config/runtime';
import { createParkedEventStore } from '../../../lib/roster/parked';
import { ENV } from '../../../lib/runtime/environment';
import { lambdaContext } from '../../../local/lambda-context';
import { type LocalServer, startSqsServer } from '../../../local/servers';
import {
  type ConfigFiles,
  type LocalStateTable,
  rosterEvent,
  startStateTable,
  writeConfigFiles,
} from '../../lib/roster/support';

type Handler = typeof import('../../../functions/roster-release/handler').handler;

let table: LocalStateTable;
let sqsServer: LocalServer;
let sqs: SQSClient;
let queueUrl: string;
let files: ConfigFiles;
let handler: Handler;
const savedEnvironment: Record<string, string | undefined> = {};

beforeAll(async () => {
  table = await startStateTable('release-handler');
  sqsServer = await startSqsServer(0);
  sqs = new SQSClient({
    endpoint: sqsServer.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  ({ QueueUrl: queueUrl = '' } = await sqs.send(
    new CreateQueueCommand({ QueueName: 'release-handler.fifo', Attributes: { FifoQueue: 'true' } }),
  ));
  files = writeConfigFiles('http://127.0.0.1:1/api/v2');
  const environment: Record<string, string> = {
    [ENV.stateTableName]: table.tableName,
    [ENV.auditTableName]: table.auditTableName,
    [ENV.rosterQueueUrl]: queueUrl,
    [ENV.configFile]: files.configFile,
    AWS_ENDPOINT_URL_DYNAMODB: table.server.url,
    AWS_ENDPOINT_URL_SQS: sqsServer.url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  };
  for (const [name, value] of Object.entries(environment)) {
    savedEnvironment[name] = process.env[name];
    process.env[name] = value;
  }
  resetRuntimeConfig();
  ({ handler } = await import('../../../functions/roster-release/handler'));
});

afterAll(async () => {
  for (const [name, value] of Object.entries(savedEnvironment)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  resetRuntimeConfig();
  files.remove();
  sqs.destroy();
  await sqsServer.close();
  await table.close();
});

describe('roster-release handler', () => {
  it('sends a due parked event to the roster queue', async () => {
    const parked = createParkedEventStore({ tableName: table.tableName, client: table.client });
    const event = rosterEvent({ employeeId: 'H1', person: { startDate: '2026-02-02' } });
    await parked.park({
      event,
      reason: 'future-start',
      releaseAt: '2026-02-02T06:00:00.000Z',
      parkedAt: 'x',
    });

    const result = await handler({ now: '2026-02-02T07:00:00Z' }, lambdaContext('roster-release'));

    expect(result).toEqual({ due: 1, released: 1, failed: 0 });
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl }));
    expect(JSON.parse(Messages[0]?.Body ?? '{}').eventId).toBe(event.eventId);
  });

  it('rejects a now that is not a time', async () => {
    await expect(handler({ now: 'tomorrow' }, lambdaContext('roster-release'))).rejects.toThrow(
      /not an ISO 8601 time/,
    );
  });
});
