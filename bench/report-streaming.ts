import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { ScheduleConfig } from '../lib/config/schema';
import type { ReportRun } from '../lib/reports/run';
import { saveReport } from '../lib/reports/save';
import { createTalentClient } from '../lib/talent/client';
import { startS3Server } from '../local/servers';
import { builderRow } from '../local/talent-simulator/reports';
import { DEFAULT_TOKENS, startTalentSimulator } from '../local/talent-simulator/server';
import { type Benchmark, ratioTarget } from './harness';

/**
 * Streams a large Report Builder CSV from the Talent simulator into s3rver twice, each time in a child
 * process whose peak resident memory is recorded: once through `saveReport` (the SaveReport step: CSV
 * meter with SHA-256 and row count, multipart upload, copy with metadata, manifest), and once as a plain
 * `fetch` piped into `Upload` with the same part size, as the floor to compare with. The size is
 * `BENCH_REPORT_MIB` MiB (default 1024).
 */

const BUCKET = 'bench-reports';
const PART_SIZE_BYTES = 8 * 1024 * 1024;
const MIB = 1024 * 1024;

export interface StreamingResult {
  case: string;
  bytes: number;
  seconds: number;
  mibPerSecond: number;
  peakRssMib: number;
}

interface ChildInput {
  s3Url: string;
  talentUrl: string;
  requestId: string;
}

const schedule: ScheduleConfig = {
  name: 'bench-export',
  cron: 'cron(0 6 * * ? *)',
  timeZone: 'UTC',
  report: 'reportBuilder',
  reportId: 'savedReport123abc',
  enabled: true,
  mode: 'export',
};

function s3Client(url: string): S3Client {
  return new S3Client({
    endpoint: url,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

function talentClient(url: string) {
  return createTalentClient({ baseUrl: url, token: DEFAULT_TOKENS.system, maxRetries: 2, timeoutMs: 60_000 });
}

/** The save code path, as the report-save handler calls it, with checksums off as in local mode. */
async function childSave(input: ChildInput): Promise<number> {
  const run: ReportRun = {
    schedule: schedule.name,
    scheduledTime: new Date().toISOString(),
    report: 'reportBuilder',
    requestId: input.requestId,
    startedAt: new Date().toISOString(),
    waitSeconds: 0,
    waitedSeconds: 0,
    polls: 1,
    status: 'complete',
  };
  const saved = await saveReport({
    run,
    schedule,
    reports: {
      prefix: 'bench',
      neutralizeFormulas: false,
      encryption: 'S3_MANAGED',
      latestPointer: false,
      bom: false,
    },
    s3: s3Client(input.s3Url),
    bucket: BUCKET,
    talent: talentClient(input.talentUrl),
    checksums: false,
    downloadTimeoutMs: 60_000,
  });
  return saved.bytes;
}

/** The floor: the download piped straight into a multipart upload. */
async function childCopy(input: ChildInput): Promise<number> {
  const status = await talentClient(input.talentUrl).getReport(input.requestId);
  const url = 'csvDownloadUrl' in status ? status.csvDownloadUrl : undefined;
  if (!url) throw new Error(`Report ${input.requestId} has no download URL.`);
  const response = await fetch(url);
  if (!response.body) throw new Error('The download has no body.');
  const key = `bench-copy/${input.requestId}.csv`;
  const s3 = s3Client(input.s3Url);
  await new Upload({
    client: s3,
    partSize: PART_SIZE_BYTES,
    queueSize: 2,
    params: {
      Bucket: BUCKET,
      Key: key,
      Body: Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>),
      ContentType: 'text/csv; charset=utf-8',
    },
  }).done();
  const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
  return head.ContentLength ?? 0;
}

/** Runs one case in a child process and returns its measures, which it prints as JSON on its last line. */
function runChild(kind: 'save' | 'copy', input: ChildInput): Promise<StreamingResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', kind, JSON.stringify(input)],
      { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' } },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const last = output.trim().split('\n').at(-1) ?? '';
      if (code !== 0) return reject(new Error(`The ${kind} child exited with ${code}: ${last}`));
      resolve(JSON.parse(last) as StreamingResult);
    });
  });
}

/** Estimates the rows that make a CSV of about `bytes` bytes from the average size of sample rows. */
function rowsForBytes(bytes: number): number {
  const sample = 2000;
  let size = 0;
  for (let index = 0; index < sample; index++) {
    size += Object.values(builderRow(index)).join(',').length + 4;
  }
  return Math.ceil(bytes / (size / sample));
}

/** Runs both cases against one simulator and one s3rver; returns one result per case. */
export async function runReportStreaming(): Promise<StreamingResult[]> {
  const targetBytes = Number(process.env.BENCH_REPORT_MIB ?? 1024) * MIB;
  const simulator = await startTalentSimulator({
    reportPendingMs: 0,
    reportRows: rowsForBytes(targetBytes),
    downloadUrlTtlMs: 60 * 60 * 1000,
  });
  const s3Server = await startS3Server();
  try {
    await s3Client(s3Server.url).send(new CreateBucketCommand({ Bucket: BUCKET }));
    const client = talentClient(simulator.url);
    const input = async (): Promise<ChildInput> => ({
      s3Url: s3Server.url,
      talentUrl: simulator.url,
      requestId: (await client.requestReport({ report: 'reportBuilder', reportId: 'savedReport123abc' }))
        .insightsReportRequestId,
    });
    const save = await runChild('save', await input());
    const copy = await runChild('copy', await input());
    return [save, copy];
  } finally {
    await s3Server.close();
    await simulator.close();
  }
}

/** Peak resident memory bound for either case, in MiB (the 200 MB target, rounded down). */
const PEAK_RSS_BOUND_MIB = 190;

export const reportStreaming: Benchmark = {
  name: 'report-streaming',
  title: 'Report streaming',
  async run() {
    const [save, copy] = await runReportStreaming();
    if (!save || !copy) throw new Error('The report streaming benchmark returned no result.');
    return {
      rows: [save, copy].map((result) => ({
        case: result.case,
        MiB: Math.round(result.bytes / MIB),
        seconds: result.seconds,
        'MiB/s': result.mibPerSecond,
        'peak RSS MiB': result.peakRssMib,
      })),
      targets: [
        ratioTarget('saveReport throughput / plain copy', save.mibPerSecond, copy.mibPerSecond, 0.8, true),
        {
          name: 'saveReport peak RSS',
          measured: `${save.peakRssMib} MiB`,
          target: `≤ ${PEAK_RSS_BOUND_MIB} MiB (200 MB)`,
          met: save.peakRssMib <= PEAK_RSS_BOUND_MIB,
        },
      ],
    };
  },
};

async function child(kind: string, raw: string): Promise<void> {
  const input = JSON.parse(raw) as ChildInput;
  const started = performance.now();
  const bytes = kind === 'save' ? await childSave(input) : await childCopy(input);
  const seconds = (performance.now() - started) / 1000;
  const result: StreamingResult = {
    case: kind === 'save' ? 'saveReport (meter + upload + copy + manifest)' : 'plain fetch → Upload',
    bytes,
    seconds: Math.round(seconds * 10) / 10,
    mibPerSecond: Math.round((bytes / MIB / seconds) * 10) / 10,
    // maxRSS is in kibibytes.
    peakRssMib: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  console.log(JSON.stringify(result));
}

if (process.argv[2] === '--child') {
  child(process.argv[3] ?? '', process.argv[4] ?? '{}').catch((error) => {
    console.log(JSON.stringify({ error: (error as Error).message }));
    process.exit(1);
  });
}
