import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { createSqsServer } from 'local-aws-sqs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetRuntimeConfig } from '../../../lib/config/runtime';
import {
  GENERIC_HEADERS,
  LOCAL_SECRETS_DIR_ENV,
  MERGE_SIGNATURE_HEADER,
  signGenericDelivery,
  signMergeBody,
} from '../../../lib/hris';
import { rosterEventSchema } from '../../../lib/roster/event';

const GENERIC_SECRET = 'handler-test-generic-secret';
const MERGE_CURRENT_KEY = 'handler-test-merge-current';
const MERGE_PREVIOUS_KEY = 'handler-test-merge-previous';

const HIRE = {
  type: 'employee.hired',
  occurredAt: '2025-08-04T14:00:00Z',
  employee: {
    id: 'E1001',
    workEmail: 'ava.lindqvist@district.example.org',
    firstName: 'Ava',
    lastName: 'Lindqvist',
    jobTitle: 'Teacher',
    school: 'Maple Elementary',
    status: 'active',
  },
};

const MERGE_EVENT = {
  hook: { id: 'hook-1', event: 'Employee.changed', target: 'https://hooks.example.org/merge' },
  linked_account: { id: 'account-1', end_user_origin_id: 'district-042' },
  data: { id: 'm-1', remote_id: '48213', work_email: 'zoe.angstrom@district.example.org', first_name: 'Zoë' },
};

type Handler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

let server: Server;
let endpoint: string;
let sqs: SQSClient;
let handler: Handler;
let workDir: string;
let queueUrl: string;
let queueCount = 0;
let logLines: Record<string, unknown>[] = [];

beforeAll(async () => {
  server = await createSqsServer({ port: 0, hostname: '127.0.0.1' });
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  workDir = mkdtempSync(join(tmpdir(), 'roster-webhook-'));
  const configFile = join(workDir, 'config.json');
  const secretsFile = join(workDir, 'secrets.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      talent: { baseUrl: 'http://127.0.0.1:9/api/v2', tokenSecretName: 'test/talent-token' },
      roster: {
        sources: [
          { name: 'hr-generic', provider: 'generic', signingSecretName: 'test/generic' },
          { name: 'merge', provider: 'merge', signingSecretName: 'test/merge' },
          { name: 'unsigned', provider: 'generic', signingSecretName: 'test/not-stored' },
          {
            name: 'gusto',
            provider: 'gusto',
            signingSecretName: 'test/gusto-signing',
            apiSecretName: 'test/gusto-api',
          },
        ],
      },
    }),
  );
  writeFileSync(
    secretsFile,
    JSON.stringify({
      'test/generic': GENERIC_SECRET,
      'test/merge': JSON.stringify({ current: MERGE_CURRENT_KEY, previous: MERGE_PREVIOUS_KEY }),
      'test/gusto-signing': 'placeholder-until-verified',
    }),
  );

  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'S3RVER');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'S3RVER');
  vi.stubEnv('AWS_ENDPOINT_URL_SQS', endpoint);
  vi.stubEnv('TALENT_SYNC_CONFIG_FILE', configFile);
  vi.stubEnv('TALENT_SYNC_SECRETS_FILE', secretsFile);
  vi.stubEnv(LOCAL_SECRETS_DIR_ENV, join(workDir, 'secrets'));
  resetRuntimeConfig();

  sqs = new SQSClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  // Imported after the environment is set, because the module creates its SQS client on load.
  handler = (await import('../../../functions/roster-webhook/handler')).handler as unknown as Handler;
});

afterAll(() => {
  vi.unstubAllEnvs();
  resetRuntimeConfig();
  rmSync(workDir, { recursive: true, force: true });
  server.close();
});

beforeEach(async () => {
  queueCount += 1;
  const created = await sqs.send(
    new CreateQueueCommand({
      QueueName: `roster-events-${queueCount}.fifo`,
      Attributes: { FifoQueue: 'true' },
    }),
  );
  queueUrl = created.QueueUrl ?? '';
  vi.stubEnv('ROSTER_QUEUE_URL', queueUrl);

  logLines = [];
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      for (const line of String(chunk).split('\n').filter(Boolean)) {
        try {
          logLines.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          // Output that is not a log line is not checked.
        }
      }
      return true;
    });
  }
});

afterEach(() => {
  vi.restoreAllMocks();
});

function apiEvent(
  source: string,
  body: string | Buffer | undefined,
  headers: Record<string, string>,
  isBase64Encoded = false,
): APIGatewayProxyEventV2 {
  const text = body === undefined ? undefined : Buffer.isBuffer(body) ? body.toString('utf8') : body;
  return {
    version: '2.0',
    routeKey: 'POST /webhooks/{source}',
    rawPath: `/webhooks/${source}`,
    rawQueryString: '',
    headers,
    pathParameters: { source },
    requestContext: {
      accountId: '123456789012',
      apiId: 'test',
      domainName: 'hooks.example.org',
      domainPrefix: 'hooks',
      http: {
        method: 'POST',
        path: `/webhooks/${source}`,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'test',
      },
      requestId: `request-${queueCount}`,
      routeKey: 'POST /webhooks/{source}',
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    body: isBase64Encoded && text !== undefined ? Buffer.from(text, 'utf8').toString('base64') : text,
    isBase64Encoded,
  };
}

function context(): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'roster-webhook',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:roster-webhook',
    memoryLimitInMB: '256',
    awsRequestId: 'aws-request-1',
    logGroupName: '/aws/lambda/roster-webhook',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function genericEvent(payload: unknown, extraHeaders: Record<string, string> = {}, secret = GENERIC_SECRET) {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return apiEvent('hr-generic', body, {
    'content-type': 'application/json',
    ...signGenericDelivery(secret, body, Date.now() / 1000),
    ...extraHeaders,
  });
}

function mergeEvent(payload: unknown, key = MERGE_CURRENT_KEY) {
  const body = JSON.stringify(payload);
  return apiEvent('merge', body, {
    'content-type': 'application/json',
    [MERGE_SIGNATURE_HEADER]: signMergeBody(key, body),
  });
}

async function send(event: APIGatewayProxyEventV2) {
  const result = await handler(event, context());
  return {
    statusCode: result.statusCode,
    body: JSON.parse(result.body ?? 'null') as Record<string, unknown>,
  };
}

async function queuedMessageCount(): Promise<number> {
  const output = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  const attributes = output.Attributes ?? {};
  return (
    Number(attributes.ApproximateNumberOfMessages ?? 0) +
    Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

async function receiveAll(): Promise<Message[]> {
  const output = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 0,
      VisibilityTimeout: 30,
      // local-aws-sqs 2.0.2 reads only the older AttributeNames parameter, not MessageSystemAttributeNames.
      AttributeNames: ['All'],
    }),
  );
  return output.Messages ?? [];
}

describe('roster-webhook handler', () => {
  it('queues a generic hire and returns 202', async () => {
    const response = await send(
      genericEvent({ events: [HIRE] }, { [GENERIC_HEADERS.deliveryId]: 'delivery-1' }),
    );

    expect(response).toEqual({
      statusCode: 202,
      body: { accepted: 1, eventIds: ['delivery-1'], ignored: [] },
    });
    const [message, ...rest] = await receiveAll();
    expect(rest).toEqual([]);
    expect(message?.Attributes?.MessageGroupId).toBe('hr-generic#E1001');
    expect(message?.Attributes?.MessageDeduplicationId).toBe('delivery-1');
    const event = rosterEventSchema.parse(JSON.parse(message?.Body ?? '{}'));
    expect(event.person.email).toBe('ava.lindqvist@district.example.org');
  });

  it('deduplicates a repeated delivery', async () => {
    const event = genericEvent({ events: [HIRE] });
    expect((await send(event)).statusCode).toBe(202);
    expect((await send(event)).statusCode).toBe(202);

    expect(await queuedMessageCount()).toBe(1);
  });

  it('deduplicates a repeated Merge event', async () => {
    await send(mergeEvent(MERGE_EVENT));
    await send(mergeEvent(MERGE_EVENT));

    expect(await queuedMessageCount()).toBe(1);
  });

  it('queues more than ten events', async () => {
    const events = Array.from({ length: 23 }, (_, index) => ({
      ...HIRE,
      employee: {
        ...HIRE.employee,
        id: `E${2000 + index}`,
        workEmail: `person${index}@district.example.org`,
      },
    }));
    const response = await send(genericEvent({ events }));

    expect(response.statusCode).toBe(202);
    expect(response.body.accepted).toBe(23);
    expect(await queuedMessageCount()).toBe(23);
  });

  it('queues a Merge event grouped by remote id', async () => {
    const response = await send(mergeEvent(MERGE_EVENT));

    expect(response.statusCode).toBe(202);
    const [message] = await receiveAll();
    expect(message?.Attributes?.MessageGroupId).toBe('merge#48213');
    expect(message?.Attributes?.MessageDeduplicationId).toMatch(/^[0-9a-f]{64}$/);
  });

  it('accepts a Merge event signed with the previous key', async () => {
    expect((await send(mergeEvent(MERGE_EVENT, MERGE_PREVIOUS_KEY))).statusCode).toBe(202);
  });

  it('rejects a wrong signature with 401 and queues nothing', async () => {
    const response = await send(genericEvent({ events: [HIRE] }, {}, 'not-the-secret'));

    expect(response.statusCode).toBe(401);
    expect(response.body.message).toContain('signature does not match');
    expect(await queuedMessageCount()).toBe(0);
  });

  it('rejects a stale generic timestamp with 401', async () => {
    const body = JSON.stringify({ events: [HIRE] });
    const headers = {
      'content-type': 'application/json',
      ...signGenericDelivery(GENERIC_SECRET, body, Date.now() / 1000 - 600),
    };

    const response = await send(apiEvent('hr-generic', body, headers));

    expect(response.statusCode).toBe(401);
    expect(response.body.message).toContain('outside the 300-second tolerance');
  });

  it('rejects an unknown source with 404', async () => {
    const response = await send(apiEvent('bamboo', '{}', { 'content-type': 'application/json' }));

    expect(response).toEqual({
      statusCode: 404,
      body: { message: 'unknown source "bamboo": configure it under roster.sources' },
    });
  });

  it('rejects a body over 256 KiB with 413', async () => {
    const response = await send(genericEvent({ events: [], padding: 'x'.repeat(256 * 1024) }));

    expect(response.statusCode).toBe(413);
    expect(await queuedMessageCount()).toBe(0);
  });

  it('rejects an empty body with 400', async () => {
    const response = await send(apiEvent('hr-generic', undefined, { 'content-type': 'application/json' }));

    expect(response.statusCode).toBe(400);
  });

  it('rejects a non-JSON content type with 415', async () => {
    const event = genericEvent({ events: [HIRE] }, { 'content-type': 'text/plain' });

    expect((await send(event)).statusCode).toBe(415);
  });

  it('rejects signed invalid JSON with 400', async () => {
    const response = await send(genericEvent('{"events": [}'));

    expect(response.statusCode).toBe(400);
    expect(response.body.message).toMatch(/^body is not valid JSON: /);
    expect(await queuedMessageCount()).toBe(0);
  });

  it('rejects a malformed payload with 400 naming the field', async () => {
    const { id: _id, ...employee } = HIRE.employee;
    const response = await send(genericEvent({ events: [HIRE, { ...HIRE, employee }] }));

    expect(response).toEqual({
      statusCode: 400,
      body: { message: 'events[1].employee.id: is required (expected a string)' },
    });
    expect(await queuedMessageCount()).toBe(0);
  });

  it('verifies a base64-encoded body from its decoded bytes', async () => {
    const body = JSON.stringify(
      { events: [{ ...HIRE, employee: { ...HIRE.employee, firstName: 'Zoë', lastName: 'Ångström' } }] },
      null,
      2,
    );
    const headers = {
      'content-type': 'application/json',
      ...signGenericDelivery(GENERIC_SECRET, body, Date.now() / 1000),
    };

    const response = await send(apiEvent('hr-generic', body, headers, true));

    expect(response.statusCode).toBe(202);
    const [message] = await receiveAll();
    expect(JSON.parse(message?.Body ?? '{}').person.lastName).toBe('Ångström');
  });

  it('acknowledges a signed Merge test request', async () => {
    const response = await send(mergeEvent({ response: 'Success! This URL will be notified.' }));

    expect(response).toEqual({ statusCode: 200, body: { status: 'ok', handshake: true } });
    expect(await queuedMessageCount()).toBe(0);
  });

  it('rejects an unsigned Merge test request with 401', async () => {
    const event = apiEvent('merge', '{"response": "Success! This URL will be notified."}', {
      'content-type': 'application/json',
    });

    expect((await send(event)).statusCode).toBe(401);
  });

  it('acknowledges ignored events with 200', async () => {
    const response = await send(
      mergeEvent({ ...MERGE_EVENT, hook: { ...MERGE_EVENT.hook, event: 'LinkedAccount.synced' } }),
    );

    expect(response.statusCode).toBe(200);
    expect(response.body.accepted).toBe(0);
    expect(response.body.ignored).toHaveLength(1);
    expect(await queuedMessageCount()).toBe(0);
  });

  it('returns 503 when the queue is missing', async () => {
    vi.stubEnv('ROSTER_QUEUE_URL', `${endpoint}/123456789012/missing-queue.fifo`);

    const response = await send(genericEvent({ events: [HIRE] }));

    expect(response).toEqual({ statusCode: 503, body: { message: 'queue unavailable, retry later' } });
  });

  it('returns 500 without a stored secret', async () => {
    const body = JSON.stringify({ events: [HIRE] });
    const event = apiEvent('unsigned', body, {
      'content-type': 'application/json',
      ...signGenericDelivery(GENERIC_SECRET, body, Date.now() / 1000),
    });

    const response = await send(event);

    expect(response.statusCode).toBe(500);
    expect(response.body.message).toContain('signing secret of source "unsigned"');
    expect(await queuedMessageCount()).toBe(0);
  });

  it('logs one line without e-mails', async () => {
    await send(genericEvent({ events: [HIRE] }, { [GENERIC_HEADERS.deliveryId]: 'delivery-7' }));

    const deliveryLines = logLines.filter((line) => String(line.message).startsWith('webhook delivery'));
    expect(deliveryLines).toHaveLength(1);
    expect(deliveryLines[0]).toMatchObject({
      message: 'webhook delivery accepted',
      source: 'hr-generic',
      deliveryId: 'delivery-7',
      statusCode: 202,
      eventIds: ['delivery-7'],
      employeeIds: ['E1001'],
    });
    expect(JSON.stringify(logLines)).not.toContain('ava.lindqvist');
  });

  it('logs a rejection with its reason', async () => {
    await send(genericEvent({ events: [HIRE] }, {}, 'not-the-secret'));

    const deliveryLines = logLines.filter((line) => String(line.message).startsWith('webhook delivery'));
    expect(deliveryLines).toHaveLength(1);
    expect(deliveryLines[0]).toMatchObject({ message: 'webhook delivery rejected', statusCode: 401 });
    expect(JSON.stringify(logLines)).not.toContain(GENERIC_SECRET);
  });
});

describe('roster-webhook handler with a Gusto verification request', () => {
  const TOKEN = '6590f590-3dba-495e-9bea-c361e1e2efc0';
  const PENDING_FILE = () => join(workDir, 'secrets', 'test', 'gusto-signing-pending-verification.json');

  function verificationEvent() {
    const body = JSON.stringify({ verification_token: TOKEN, webhook_subscription_uuid: 'sub-42' });
    return apiEvent('gusto', body, { 'content-type': 'application/json' });
  }

  it('answers 200 and queues nothing', async () => {
    const response = await send(verificationEvent());
    expect([response.statusCode, await queuedMessageCount()]).toEqual([200, 0]);
  });

  it('stores the token in the pending-verification secret', async () => {
    await send(verificationEvent());
    expect(JSON.parse(readFileSync(PENDING_FILE(), 'utf8'))).toMatchObject({
      verification_token: TOKEN,
      webhook_subscription_uuid: 'sub-42',
    });
  });

  it('leaves the signing secret as it was', async () => {
    await send(verificationEvent());
    const secrets = JSON.parse(readFileSync(join(workDir, 'secrets.json'), 'utf8')) as Record<string, string>;
    expect(secrets['test/gusto-signing']).toBe('placeholder-until-verified');
  });

  it('logs where the token went at INFO', async () => {
    await send(verificationEvent());
    const stored = logLines.find((line) => String(line.message).startsWith('Verification token stored'));
    expect(stored).toMatchObject({
      level: 'INFO',
      source: 'gusto',
      secretName: 'test/gusto-signing-pending-verification',
      subscriptionUuid: 'sub-42',
      location: PENDING_FILE(),
    });
  });

  it('writes the token to no log line', async () => {
    await send(verificationEvent());
    expect(logLines.length).toBeGreaterThan(0);
    expect(JSON.stringify(logLines)).not.toContain(TOKEN);
  });

  it('keeps the token out of the response', async () => {
    const response = await send(verificationEvent());
    expect(JSON.stringify(response.body)).not.toContain(TOKEN);
  });
});
