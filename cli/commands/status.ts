import { type _Object, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Command } from 'commander';
import type { ReportManifest } from '../../lib/reports/manifest';
import { planCounts } from '../../lib/roster/reconcile/format';
import { type PlanDocument, ROSTER_PLANS_PREFIX } from '../../lib/roster/reconcile/s3';
import { formatTable, printResult } from '../output';
import { addTargetOptions, requireResource, resolveTarget, type Target, type TargetOptions } from '../target';

/**
 * `talent-sync status`: the roster queue and its dead-letter queue, the newest report runs per
 * schedule with their S3 keys, and the newest reconcile plan.
 */

interface StatusOptions extends TargetOptions {
  queueUrl?: string;
  dlqUrl?: string;
  bucket?: string;
  rosterBucket?: string;
  runs: string;
  json?: boolean;
}

export interface QueueStatus {
  url: string;
  /** Messages waiting to be received. */
  visible: number;
  /** Messages received and not yet deleted: being applied, or waiting for their visibility timeout. */
  inFlight: number;
  delayed: number;
}

export interface ReportRunStatus {
  schedule: string;
  scheduledTime?: string;
  finishedAt?: string;
  rows?: number;
  bytes?: number;
  key: string;
  manifestKey: string;
}

export interface ReconcileStatus {
  key: string;
  lastModified?: string;
  status?: PlanDocument['status'];
  runId?: string;
  counts?: Record<string, number>;
}

export interface StatusReport {
  queue: QueueStatus;
  deadLetterQueue: QueueStatus;
  reports: ReportRunStatus[];
  /** Schedules with no manifest under their prefix. */
  schedulesWithoutRuns: string[];
  /** The newest plan, or null when the bucket has none. */
  reconcile: ReconcileStatus | null;
}

/** Registers `talent-sync status`. */
export function registerStatusCommand(program: Command): void {
  const command = program
    .command('status')
    .description('Show the roster queue and DLQ depth, the newest report runs and the newest reconcile plan.')
    .option('--queue-url <url>', 'roster queue URL (default: the RosterQueueUrl output)')
    .option('--dlq-url <url>', 'roster dead-letter queue URL (default: the RosterDeadLetterQueueUrl output)')
    .option('--bucket <name>', 'report bucket (default: the ReportBucketName output)')
    .option(
      '--roster-bucket <name>',
      'bucket with roster/plans/ (default: the RosterBucketName output, else the report bucket)',
    )
    .option('--runs <count>', 'report runs to show per schedule', '3')
    .option('--json', 'print the status as JSON');
  addTargetOptions(command).action(async (options: StatusOptions) => {
    const status = await readStatus(options);
    printResult(options.json, status, () => formatStatus(status));
  });
}

/** Reads the status of the target's queues, report runs and reconcile plans. */
export async function readStatus(options: StatusOptions): Promise<StatusReport> {
  const target = resolveTarget(options);
  const { resources } = target;
  const queueUrl = requireResource(
    options.queueUrl ?? resources.rosterQueueUrl,
    '--queue-url',
    'roster queue URL',
  );
  const dlqUrl = requireResource(
    options.dlqUrl ?? resources.rosterDeadLetterQueueUrl,
    '--dlq-url',
    'dead-letter queue URL',
  );
  const bucket = requireResource(options.bucket ?? resources.reportBucketName, '--bucket', 'report bucket');
  const runsPerSchedule = Math.max(1, Number.parseInt(options.runs, 10) || 3);

  const sqs = new SQSClient({});
  // Path-style addressing, because a local S3 server has no per-bucket host names.
  const s3 = new S3Client({ forcePathStyle: target.kind === 'local' });
  const { reports, schedulesWithoutRuns } = await readReportRuns(s3, bucket, target, runsPerSchedule);

  return {
    queue: await readQueue(sqs, queueUrl),
    deadLetterQueue: await readQueue(sqs, dlqUrl),
    reports,
    schedulesWithoutRuns,
    reconcile: await readNewestPlan(s3, options.rosterBucket ?? resources.rosterBucketName ?? bucket),
  };
}

async function readQueue(sqs: SQSClient, url: string): Promise<QueueStatus> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  return {
    url,
    visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
  };
}

/** Lists `{prefix}/{schedule}/` of each schedule and reads its newest manifests. */
async function readReportRuns(s3: S3Client, bucket: string, target: Target, runsPerSchedule: number) {
  const reports: ReportRunStatus[] = [];
  const schedulesWithoutRuns: string[] = [];

  for (const schedule of target.config.reports.schedules) {
    const objects = await listAll(s3, bucket, `${target.config.reports.prefix}/${schedule.name}/`);
    // Keys hold the date and the scheduled time, so key order is run order.
    const manifests = objects
      .map((object) => object.Key ?? '')
      .filter((key) => key.endsWith('.manifest.json'))
      .sort()
      .slice(-runsPerSchedule)
      .reverse();
    if (manifests.length === 0) schedulesWithoutRuns.push(schedule.name);

    for (const manifestKey of manifests) {
      const manifest = await readJsonObject<Partial<ReportManifest>>(s3, bucket, manifestKey);
      reports.push({
        schedule: schedule.name,
        scheduledTime: manifest?.scheduledTime,
        finishedAt: manifest?.finishedAt,
        rows: manifest?.rows,
        bytes: manifest?.bytes,
        key: manifest?.key ?? manifestKey.replace(/\.manifest\.json$/, '.csv'),
        manifestKey,
      });
    }
  }
  return { reports, schedulesWithoutRuns };
}

async function readNewestPlan(s3: S3Client, bucket: string): Promise<ReconcileStatus | null> {
  const plans = (await listAll(s3, bucket, ROSTER_PLANS_PREFIX)).filter((object) =>
    object.Key?.endsWith('.json'),
  );
  const newest = plans
    .sort((left, right) => (left.LastModified?.getTime() ?? 0) - (right.LastModified?.getTime() ?? 0))
    .at(-1);
  if (!newest?.Key) return null;

  const document = await readJsonObject<PlanDocument>(s3, bucket, newest.Key);
  return {
    key: newest.Key,
    lastModified: newest.LastModified?.toISOString(),
    status: document?.status,
    runId: document?.plan?.runId,
    counts: document?.plan ? planCounts(document.plan) : undefined,
  };
}

async function listAll(s3: S3Client, bucket: string, prefix: string): Promise<_Object[]> {
  const objects: _Object[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    objects.push(...(page.Contents ?? []));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return objects;
}

/** Reads a JSON object; returns undefined when its body is not JSON, so one bad object does not hide the rest. */
async function readJsonObject<T>(s3: S3Client, bucket: string, key: string): Promise<T | undefined> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  try {
    return JSON.parse((await object.Body?.transformToString()) ?? '') as T;
  } catch {
    return undefined;
  }
}

function formatStatus(status: StatusReport): string {
  const queues = formatTable(
    [
      { name: 'roster queue', ...status.queue },
      { name: 'dead-letter queue', ...status.deadLetterQueue },
    ],
    [
      { header: 'QUEUE', value: (row) => row.name },
      { header: 'WAITING', value: (row) => row.visible },
      { header: 'IN FLIGHT', value: (row) => row.inFlight },
      { header: 'DELAYED', value: (row) => row.delayed },
    ],
  );
  const reports = formatTable(status.reports, [
    { header: 'SCHEDULE', value: (row) => row.schedule },
    { header: 'SCHEDULED', value: (row) => row.scheduledTime },
    { header: 'FINISHED', value: (row) => row.finishedAt },
    { header: 'ROWS', value: (row) => row.rows },
    { header: 'CSV KEY', value: (row) => row.key },
  ]);
  const lines = [queues, '', reports];
  if (status.schedulesWithoutRuns.length > 0) {
    lines.push(`No runs yet: ${status.schedulesWithoutRuns.join(', ')}`);
  }
  lines.push('', formatReconcile(status.reconcile));
  // NOTE: SQS reports no message age; the dashboard and the queue-age alarm read the CloudWatch
  // metric ApproximateAgeOfOldestMessage, which this CLI cannot read without the CloudWatch client.
  return lines.join('\n');
}

function formatReconcile(reconcile: ReconcileStatus | null): string {
  if (!reconcile) return `Reconcile: no plan under ${ROSTER_PLANS_PREFIX}`;
  const counts = Object.entries(reconcile.counts ?? {})
    .filter(([, count]) => count > 0)
    .map(([name, count]) => `${name} ${count}`)
    .join(', ');
  return `Reconcile: ${reconcile.status ?? 'unreadable plan'} ${reconcile.runId ?? ''} at ${reconcile.lastModified ?? '?'} (${counts || 'no changes'})\n  ${reconcile.key}`;
}
