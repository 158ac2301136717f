import { fork } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { loadConfigFile } from '../lib/config/load';
import { signGenericDelivery } from '../lib/hris';
import { ENV } from '../lib/runtime/environment';
import { LOCAL_REGION } from '../local/environment';
import { lambdaContext } from '../local/lambda-context';
import { startSqsServer } from '../local/servers';
import { type Benchmark, quantile, ratioTarget, round, sizeFromEnv } from './harness';

/**
 * Measures the roster-webhook handler per delivery: signature check, validation, normalization and the
 * SendMessageBatch call to local SQS, beside a bare `SendMessage` of the same body to the same FIFO queue.
 * Both run in one child process with the environment the local stack gives the handlers, except for two
 * settings kept as deployed: the log level stays INFO and metrics stay on. So each accepted delivery
 * writes its log line and its metric line, to the child's standard output, which is /dev/null. After a
 * warm-up of both sides, the deliveries run in alternating blocks of handler calls and bare sends, so
 * that machine noise hits both.
 * The count is `BENCH_INGEST_DELIVERIES` per side (default 10,000).
 */

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const CONFIG_PATH = join(PROJECT_ROOT, 'examples', 'talent-sync.config.json');
const SECRETS_PATH = join(PROJECT_ROOT, 'examples', 'secrets.local.json');
const SOURCE = 'hr-generic';
const SIGNING_SECRET = 'local-generic-signing-secret';
const QUEUE_NAME = 'bench-ingest.fifo';
const BLOCK_SIZE = 100;
const WARM_UP = 300;
const P50_RATIO_BOUND = 1.5;

export interface IngestTimings {
  deliveries: number;
  bodyBytes: number;
  handlerMs: number[];
  sendMs: number[];
}

interface ChildInput {
  deliveries: number;
  queueUrl: string;
}

/** Builds the body of a hire or an update of one person, as an HRIS sends it in the generic format. */
function deliveryBody(index: number): string {
  const hire = index % 2 === 0;
  return JSON.stringify({
    events: [
      {
        type: hire ? 'employee.hired' : 'employee.updated',
        occurredAt: new Date(Date.UTC(2026, 7, 17, 14, 30, index % 60)).toISOString(),
        employee: {
          id: `E${100000 + index}`,
          workEmail: `teacher.${index}@district.example.org`,
          firstName: 'Alexandra',
          lastName: `Whitfield-${index}`,
          displayName: `Alexandra Whitfield-${index}`,
          jobTitle: hire ? 'Grade 4 Teacher' : 'Grade 5 Teacher',
          department: 'Elementary Education',
          school: 'Lincoln Elementary School',
          location: 'Springfield Campus',
          employeeType: 'Full-time',
          status: 'active',
          startDate: '2026-08-24',
        },
      },
    ],
  });
}

/** Builds the API Gateway HTTP API event (payload format 2.0) of one signed delivery. */
function webhookEvent(index: number, body: string): APIGatewayProxyEventV2 {
  const path = `/webhooks/${SOURCE}`;
  return {
    version: '2.0',
    routeKey: 'POST /webhooks/{source}',
    rawPath: path,
    rawQueryString: '',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'bench-ingest',
      'x-talent-sync-delivery-id': `bench-${process.pid}-${index}`,
      ...signGenericDelivery(SIGNING_SECRET, body, Date.now() / 1000),
    },
    pathParameters: { source: SOURCE },
    requestContext: {
      accountId: '123456789012',
      apiId: 'bench',
      domainName: '127.0.0.1',
      domainPrefix: 'bench',
      http: { method: 'POST', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench-ingest' },
      requestId: `request-${index}`,
      routeKey: 'POST /webhooks/{source}',
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    body,
    isBase64Encoded: false,
  };
}

type WebhookHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** Runs in the child: warms up both sides, then alternates blocks of handler calls and bare sends. */
async function measure(input: ChildInput): Promise<IngestTimings> {
  const { handler } = (await import('../functions/roster-webhook/handler')) as unknown as {
    handler: WebhookHandler;
  };
  const sqs = new SQSClient({});
  let next = 0;

  const callHandler = async (): Promise<number> => {
    const index = next++;
    const event = webhookEvent(index, deliveryBody(index));
    const context = lambdaContext('roster-webhook');
    const started = performance.now();
    const response = await handler(event, context);
    const elapsed = performance.now() - started;
    if (response.statusCode !== 202) {
      throw new Error(`Delivery ${index} got ${response.statusCode}: ${response.body ?? ''}`);
    }
    return elapsed;
  };
  const sendBare = async (): Promise<number> => {
    const index = next++;
    const command = new SendMessageCommand({
      QueueUrl: input.queueUrl,
      MessageBody: deliveryBody(index),
      MessageGroupId: `${SOURCE}#E${100000 + index}`,
      MessageDeduplicationId: `bare-${process.pid}-${index}`,
    });
    const started = performance.now();
    await sqs.send(command);
    return performance.now() - started;
  };

  for (let index = 0; index < WARM_UP; index++) {
    await callHandler();
    await sendBare();
  }
  const handlerMs: number[] = [];
  const sendMs: number[] = [];
  for (let done = 0; done < input.deliveries; done += BLOCK_SIZE) {
    const size = Math.min(BLOCK_SIZE, input.deliveries - done);
    // The side that goes first alternates from block to block.
    const sides = (done / BLOCK_SIZE) % 2 === 0 ? [callHandler, sendBare] : [sendBare, callHandler];
    for (const side of sides) {
      const into = side === callHandler ? handlerMs : sendMs;
      for (let index = 0; index < size; index++) into.push(await side());
    }
  }
  return { deliveries: input.deliveries, bodyBytes: Buffer.byteLength(deliveryBody(0)), handlerMs, sendMs };
}

/** Starts local SQS and a FIFO queue, and measures in a child process with the handlers' environment. */
export async function runIngest(): Promise<IngestTimings> {
  const deliveries = sizeFromEnv('BENCH_INGEST_DELIVERIES');
  // The SDK warns on Node.js 20, which runs the benchmark, but not on Node.js 24, which deployed functions run.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const sqsServer = await startSqsServer();
  const directory = await mkdtemp(join(tmpdir(), 'talent-sync-bench-ingest-'));
  try {
    const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
    const admin = new SQSClient({ endpoint: sqsServer.url, region: LOCAL_REGION, credentials });
    const { QueueUrl: queueUrl = '' } = await admin.send(
      new CreateQueueCommand({
        QueueName: QUEUE_NAME,
        Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'false' },
      }),
    );
    // The local stack's config: the example config, validated, written where the handler reads it.
    const configFile = join(directory, 'config.json');
    await writeFile(configFile, JSON.stringify(loadConfigFile(CONFIG_PATH)));
    return await runChild(
      { deliveries, queueUrl },
      {
        AWS_REGION: LOCAL_REGION,
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        AWS_ENDPOINT_URL_SQS: sqsServer.url,
        AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
        AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        POWERTOOLS_SERVICE_NAME: 'roster-webhook',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        POWERTOOLS_METRICS_NAMESPACE: 'TalentSync',
        [ENV.configFile]: configFile,
        [ENV.secretsFile]: SECRETS_PATH,
        [ENV.rosterQueueUrl]: queueUrl,
      },
    );
  } finally {
    await sqsServer.close();
    await rm(directory, { recursive: true, force: true });
  }
}

function runChild(input: ChildInput, env: Record<string, string>): Promise<IngestTimings> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--child', JSON.stringify(input)], {
      execArgv: ['--import', 'tsx', ...(process.env.BENCH_INGEST_NODE_FLAGS?.split(' ') ?? [])],
      env: { PATH: process.env.PATH ?? '', ...env },
      // Standard output, where the handler's log and metric lines go, is discarded.
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    let result: IngestTimings | undefined;
    child.on('message', (message) => {
      result = message as IngestTimings;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0 && result) resolve(result);
      else reject(new Error(`The ingest child exited with ${code}. Its error is printed above.`));
    });
  });
}

export const ingest: Benchmark = {
  name: 'ingest',
  title: 'Webhook ingest',
  async run() {
    const timings = await runIngest();
    const row = (name: string, values: number[]) => ({
      case: name,
      deliveries: values.length,
      'p50 ms': round(quantile(values, 0.5), 3),
      'p99 ms': round(quantile(values, 0.99), 3),
    });
    return {
      rows: [
        row('roster-webhook handler (verify, validate, normalize, SendMessageBatch)', timings.handlerMs),
        row('bare SendMessage, same body and queue', timings.sendMs),
      ],
      targets: [
        ratioTarget(
          'handler p50 / bare SendMessage p50',
          quantile(timings.handlerMs, 0.5),
          quantile(timings.sendMs, 0.5),
          P50_RATIO_BOUND,
        ),
      ],
      notes: [
        `Body: one generic employee.hired or employee.updated event, ${timings.bodyBytes} bytes. ` +
          `Warm-up: ${WARM_UP} per side; then blocks of ${BLOCK_SIZE}, alternating which side goes first. ` +
          'Log level INFO and metrics on, output discarded; local SQS (local-aws-sqs) in the parent process.',
      ],
    };
  },
};

if (process.argv[2] === '--child') {
  measure(JSON.parse(process.argv[3] ?? '{}') as ChildInput).then(
    (timings) => process.send?.(timings, () => process.exit(0)),
    (error) => {
      console.error((error as Error).stack ?? (error as Error).message);
      process.exit(1);
    },
  );
}
