import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
  SQSEvent,
} from 'aws-lambda';
import { ConfigError } from '../lib/config/errors';
import { loadConfigFile } from '../lib/config/load';
import type { Config } from '../lib/config/schema';
import { findSchedule } from '../lib/reports/request';
import { type StartedRun, startReportRun } from '../lib/reports/start';
import { auditTableDefinition } from '../lib/roster/audit';
import { ApplyWorker } from './apply-worker';
import { applyLocalEnvironment, ENDPOINTS_FILE, LOCAL_REGION, type LocalEndpoints } from './environment';
import { lambdaContext } from './lambda-context';
import type { ProviderFakes } from './provider-fakes/server';
import { startFakesForConfig } from './provider-fakes/stack';
import { type LocalServer, startDynamoDbServer, startS3Server, startSqsServer } from './servers';
import { definitionFromTemplate, runLocalExecution } from './state-machine';
import { type SimulatorOptions, startTalentSimulator, type TalentSimulator } from './talent-simulator/server';
import type { SimulatorSeed } from './talent-simulator/state';
import { startWebhookServer } from './webhook-server';

export type { LocalEndpoints } from './environment';

export interface LocalPorts {
  webhook: number;
  talent: number;
  s3: number;
  dynamodb: number;
  sqs: number;
}

export interface LocalStackOptions {
  configPath: string;
  secretsPath: string;
  /** Folder for the derived config and endpoints.json; `.local` in the working directory by default. */
  stateDir?: string;
  ports?: Partial<LocalPorts>;
  /** Milliseconds a simulated report stays pending. */
  reportPendingMs?: number;
  /** Milliseconds each Wait state of the state machine pauses locally. */
  waitMs?: number;
  /** A JSON file with users and groups that exist in the simulated Talent before the sync runs. */
  seedPath?: string;
  /** Report settings of the Talent simulator: outcomes, row counts, download URL lifetime. */
  simulator?: Pick<SimulatorOptions, 'reportOutcome' | 'reportRows' | 'downloadUrlTtlMs'>;
}

export interface ReportRunResult {
  schedule: string;
  ok: boolean;
  /** The SaveReport output on success. */
  output?: Record<string, unknown>;
  error?: string;
}

export interface LocalStartedRun extends StartedRun {
  /** The run's outcome; absent when the execution name existed already and nothing ran. */
  result?: ReportRunResult;
}

export interface LocalStack {
  config: Config;
  endpoints: LocalEndpoints;
  simulator: TalentSimulator;
  /** The fake provider APIs, when the config has sources that look people up (Finch, Gusto, ...). */
  providerFakes?: ProviderFakes;
  queueUrl: string;
  deadLetterQueueUrl: string;
  tableName: string;
  auditTableName: string;
  bucket: string;
  s3: S3Client;
  sqs: SQSClient;
  /** Messages that the state machine published to the alert topic, standing in for SNS. */
  alerts: unknown[];
  /** Waits until every accepted webhook event has been applied or moved to the DLQ. */
  drainRoster(timeoutMs?: number): Promise<void>;
  deadLetterCount(): Promise<number>;
  runReport(schedule: string, scheduledTime?: Date): Promise<ReportRunResult>;
  /**
   * Starts a report run through the report-start code path, under its execution name per schedule and
   * period; a name used before in this stack starts nothing, as in Step Functions. `rerun` gives a new name.
   */
  startReport(schedule: string, scheduledTime: Date, options?: { rerun?: boolean }): Promise<LocalStartedRun>;
  /** Runs the roster-release function as its hourly schedule would, as of `now` (default: the clock). */
  releaseParked(now?: Date): Promise<unknown>;
  close(): Promise<void>;
}

const QUEUE_NAME = 'talent-sync-roster.fifo';
const DEAD_LETTER_QUEUE_NAME = 'talent-sync-roster-dlq.fifo';
const TABLE_NAME = 'talent-sync-state';
const AUDIT_TABLE_NAME = 'talent-sync-audit';
const BUCKET = 'talent-sync-reports';
/** Receives before a roster message moves to the DLQ; the same figure as the deployed queue. */
const MAX_RECEIVE_COUNT = 5;
/**
 * Apply attempts before a failing message moves to the local DLQ. local-aws-sqs also counts the
 * worker's ChangeMessageVisibility after a failure as a receive, so each attempt adds 2 to the count.
 */
const LOCAL_APPLY_ATTEMPTS = Math.ceil(MAX_RECEIVE_COUNT / 2);

/** Returns the local apply worker's line for a batch that failed. */
function applyFailureLine(error: unknown): string {
  const retries =
    `Failed messages are retried, then moved to the DLQ after ${LOCAL_APPLY_ATTEMPTS} attempts ` +
    `(the deployed queue allows ${MAX_RECEIVE_COUNT}).`;
  // Powertools throws FullBatchFailureError when every record failed. Its message points to errors
  // "below", but the apply function logged each record's error before it was thrown.
  if ((error as Error).name === 'FullBatchFailureError') {
    return `Local apply worker: every message of a batch failed, and the roster-apply ERROR lines printed before this one give each reason. ${retries}`;
  }
  return `Local apply worker: a batch failed (${(error as Error).message}). ${retries}`;
}

/**
 * Starts the whole system on this machine: the Talent simulator, S3, DynamoDB and SQS servers, the
 * webhook endpoint, the apply worker, and the report state machine from the synthesized CDK template,
 * with its task states bound to the real handlers. Nothing listens beyond 127.0.0.1.
 *
 * NOTE: start one local stack per process. The handlers are imported once and cache their config
 * and Talent client, so a second stack in the same process would reach the first one's servers.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  // The SDK warns once per process that releases after January 2027 need Node.js 22; deployed
  // functions run on Node.js 24, and the local stack is pinned to an SDK release that supports 20.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const stateDir = resolve(options.stateDir ?? '.local');
  await mkdir(stateDir, { recursive: true });
  const deployedConfig = loadConfigFile(options.configPath);
  const talentToken = await readLocalSecrets(options.secretsPath, deployedConfig);
  const seed = options.seedPath
    ? await readJsonFile<SimulatorSeed>(options.seedPath, 'seed file')
    : undefined;

  const closers: (() => Promise<void>)[] = [];
  try {
    const simulator = await startTalentSimulator({
      port: options.ports?.talent ?? 0,
      tokens: { system: [talentToken] },
      reportPendingMs: options.reportPendingMs ?? 1500,
      ...options.simulator,
      seed,
    });
    closers.push(() => simulator.close());
    const s3Server = await startS3Server(options.ports?.s3 ?? 0);
    closers.push(() => s3Server.close());
    const dynamoServer = await startDynamoDbServer(options.ports?.dynamodb ?? 0);
    closers.push(() => dynamoServer.close());
    const sqsServer = await startSqsServer(options.ports?.sqs ?? 0);
    closers.push(() => sqsServer.close());

    const providers = await startFakesForConfig(
      deployedConfig,
      await readJsonFile<Record<string, unknown>>(options.secretsPath, 'secrets file'),
    );
    if (providers) closers.push(() => providers.fakes.close());

    // The local config is the deployment config pointed at the simulator instead of Talent, and at
    // the provider fakes instead of the provider APIs.
    const config: Config = {
      ...(providers?.config ?? deployedConfig),
      talent: { ...deployedConfig.talent, baseUrl: simulator.url },
    };
    const configFile = join(stateDir, 'config.json');
    await writeFile(configFile, `${JSON.stringify(config, null, 2)}\n`);

    const s3 = new S3Client({ ...localClientConfig(s3Server), forcePathStyle: true });
    const sqs = new SQSClient(localClientConfig(sqsServer));
    const { queueUrl, queueArn, deadLetterQueueUrl } = await createQueues(sqs);
    const dynamo = new DynamoDBClient(localClientConfig(dynamoServer));
    await createStateTable(dynamo);
    await createAuditTable(dynamo);
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));

    const endpoints: LocalEndpoints = {
      webhookBaseUrl: '', // set once the webhook server listens, after the handlers are imported
      talentApiUrl: simulator.url,
      talentToken,
      s3Endpoint: s3Server.url,
      reportBucket: BUCKET,
      dynamodbEndpoint: dynamoServer.url,
      sqsEndpoint: sqsServer.url,
      rosterQueueUrl: queueUrl,
      rosterDeadLetterQueueUrl: deadLetterQueueUrl,
      stateTable: TABLE_NAME,
      auditTable: AUDIT_TABLE_NAME,
      configFile,
      secretsFile: resolve(options.secretsPath),
      ...(providers ? { providerFakesUrl: providers.fakes.url } : {}),
      localSecretsDir: join(stateDir, 'secrets'),
    };
    applyLocalEnvironment(endpoints);

    // Handlers are imported only now, so that their AWS clients see the local endpoints.
    const handlers = await importHandlers();
    const webhookServer = await startWebhookServer(handlers.webhook, options.ports?.webhook ?? 0);
    endpoints.webhookBaseUrl = `${webhookServer.url}/webhooks`;
    closers.push(() => webhookServer.close());
    const worker = new ApplyWorker({
      sqs,
      queueUrl,
      queueArn,
      handler: handlers.apply,
      onError: (error) => console.error(applyFailureLine(error)),
    });
    worker.start();
    closers.push(() => worker.stop());

    const { definition } = definitionFromTemplate(await synthesizeTemplate(config));
    const alerts: unknown[] = [];
    const executionNames = new Set<string>();

    await writeFile(join(stateDir, ENDPOINTS_FILE), `${JSON.stringify(endpoints, null, 2)}\n`);

    const stack: LocalStack = {
      config,
      endpoints,
      simulator,
      providerFakes: providers?.fakes,
      queueUrl,
      deadLetterQueueUrl,
      tableName: TABLE_NAME,
      auditTableName: AUDIT_TABLE_NAME,
      bucket: BUCKET,
      s3,
      sqs,
      alerts,
      drainRoster: (timeoutMs) => worker.drain(timeoutMs),
      deadLetterCount: () => approximateCount(sqs, deadLetterQueueUrl),
      async runReport(schedule, scheduledTime = new Date()) {
        const input = { schedule, scheduledTime: scheduledTime.toISOString() };
        const alertsBefore = alerts.length;
        try {
          const output = await runLocalExecution(definition, input, {
            tasks: {
              RequestReport: (event) => handlers.reportRequest(event, lambdaContext('report-request')),
              PollReport: (event) => handlers.reportPoll(event, lambdaContext('report-poll')),
              SaveReport: (event) => handlers.reportSave(event, lambdaContext('report-save')),
              DescribeFailure: (event) => handlers.reportAlert(event, lambdaContext('report-alert')),
              NotifyFailure: async (event) => {
                alerts.push(event);
                return event;
              },
            },
            waitMs: options.waitMs ?? 300,
          });
          return { schedule, ok: true, output: output as Record<string, unknown> };
        } catch (error) {
          // The Fail state hides the cause; the alert that NotifyFailure published names it.
          const alert = alerts.slice(alertsBefore).at(-1) as { alert?: { message?: string } } | undefined;
          const detail = alert?.alert?.message ? `\n${alert.alert.message}` : '';
          return { schedule, ok: false, error: `${(error as Error).message}${detail}` };
        }
      },
      async startReport(schedule, scheduledTime, startOptions = {}) {
        let result: ReportRunResult | undefined;
        const started = await startReportRun({
          schedule: findSchedule(config.reports, schedule),
          scheduledTime,
          ...(startOptions.rerun ? { rerunAt: new Date() } : {}),
          start: async ({ name, input }) => {
            if (executionNames.has(name)) {
              throw Object.assign(new Error(`Execution ${name} already exists.`), {
                name: 'ExecutionAlreadyExists',
              });
            }
            executionNames.add(name);
            result = await stack.runReport(input.schedule, new Date(input.scheduledTime));
            return { executionArn: `arn:aws:states:${LOCAL_REGION}:123456789012:execution:local:${name}` };
          },
        });
        return { ...started, ...(result ? { result } : {}) };
      },
      releaseParked: (now = new Date()) =>
        handlers.rosterRelease({ now: now.toISOString() }, lambdaContext('roster-release')),
      async close() {
        for (const closeOne of closers.reverse()) await closeOne().catch(() => undefined);
        // The ports in it are closed now, so leave nothing that looks like a running stack.
        await rm(join(stateDir, ENDPOINTS_FILE), { force: true });
      },
    };
    return stack;
  } catch (error) {
    for (const closeOne of closers.reverse()) await closeOne().catch(() => undefined);
    throw error;
  }
}

async function readJsonFile<T>(path: string, description: string): Promise<T> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (error) {
    throw new Error(`Cannot read the ${description} ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Reads the local secrets file and checks that it contains every secret the config names, so a missing
 * one fails at start with the list rather than on the first webhook. Returns the Talent token.
 */
async function readLocalSecrets(secretsPath: string, config: Config): Promise<string> {
  let secrets: Record<string, unknown>;
  try {
    secrets = await readJsonFile<Record<string, unknown>>(secretsPath, 'secrets file');
  } catch (error) {
    throw new ConfigError(
      `${(error as Error).message}. Pass a JSON object of secret names to values with --secrets.`,
    );
  }
  const names = [
    config.talent.tokenSecretName,
    ...config.roster.sources.flatMap((source) => [source.signingSecretName, source.apiSecretName]),
  ].filter((name): name is string => typeof name === 'string');
  const missing = [...new Set(names)].filter((name) => !isSecretValue(secrets[name]));
  if (missing.length > 0) {
    throw new ConfigError(
      `The secrets file ${secretsPath} has no value (a string, or an object for a JSON secret) for ${missing.map((name) => `"${name}"`).join(', ')}: add ${missing.length === 1 ? 'it' : 'them'}.`,
    );
  }
  return secrets[config.talent.tokenSecretName] as string;
}

function isSecretValue(value: unknown): boolean {
  return (typeof value === 'string' && value !== '') || (typeof value === 'object' && value !== null);
}

/** Client settings for one local server: its endpoint, the local region and s3rver's fixed key pair. */
function localClientConfig(server: LocalServer) {
  return {
    endpoint: server.url,
    region: LOCAL_REGION,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED' as const,
    responseChecksumValidation: 'WHEN_REQUIRED' as const,
  };
}

async function createQueues(sqs: SQSClient) {
  const deadLetter = await sqs.send(
    new CreateQueueCommand({
      QueueName: DEAD_LETTER_QUEUE_NAME,
      Attributes: { FifoQueue: 'true', MessageRetentionPeriod: String(14 * 24 * 3600) },
    }),
  );
  const deadLetterQueueUrl = deadLetter.QueueUrl ?? '';
  const deadLetterArn = await queueArnOf(sqs, deadLetterQueueUrl);
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: QUEUE_NAME,
      Attributes: {
        FifoQueue: 'true',
        ContentBasedDeduplication: 'false',
        VisibilityTimeout: '30',
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: deadLetterArn,
          maxReceiveCount: MAX_RECEIVE_COUNT,
        }),
      },
    }),
  );
  const queueUrl = queue.QueueUrl ?? '';
  return { queueUrl, queueArn: await queueArnOf(sqs, queueUrl), deadLetterQueueUrl };
}

async function queueArnOf(sqs: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  return Attributes?.QueueArn ?? '';
}

async function approximateCount(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

async function createStateTable(dynamo: DynamoDBClient): Promise<void> {
  await dynamo.send(
    new CreateTableCommand({
      TableName: TABLE_NAME,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}

/** Creates the roster audit table with the keys of the deployed one (TTL is not needed locally). */
async function createAuditTable(dynamo: DynamoDBClient): Promise<void> {
  await dynamo.send(new CreateTableCommand(auditTableDefinition(AUDIT_TABLE_NAME)));
}

/** Synthesizes the CDK app without bundling and returns the stack's CloudFormation template. */
async function synthesizeTemplate(config: Config) {
  const { buildApp } = await import('../infra/build');
  const { app, stack } = buildApp({ config, bundling: false });
  return app.synth().getStackArtifact(stack.artifactId).template;
}

type HttpHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;
type JsonHandler = (event: unknown, context: Context) => Promise<unknown>;

async function importHandlers() {
  const [webhook, apply, reportRequest, reportPoll, reportSave, reportAlert, rosterRelease] =
    await Promise.all([
      import('../functions/roster-webhook/handler'),
      import('../functions/roster-apply/handler'),
      import('../functions/report-request/handler'),
      import('../functions/report-poll/handler'),
      import('../functions/report-save/handler'),
      import('../functions/report-alert/handler'),
      import('../functions/roster-release/handler'),
    ]);
  return {
    webhook: webhook.handler as unknown as HttpHandler,
    apply: apply.handler as unknown as (event: SQSEvent, context: Context) => Promise<undefined>,
    reportRequest: reportRequest.handler as unknown as JsonHandler,
    reportPoll: reportPoll.handler as unknown as JsonHandler,
    reportSave: reportSave.handler as unknown as JsonHandler,
    reportAlert: reportAlert.handler as unknown as JsonHandler,
    rosterRelease: rosterRelease.handler as unknown as JsonHandler,
  };
}
