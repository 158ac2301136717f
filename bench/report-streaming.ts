import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { build } from 'esbuild';
import { parseConfig } from '../lib/config/load';
import type { Config, ScheduleConfig } from '../lib/config/schema';
import type { ReportRun } from '../lib/reports/run';
import { createTalentClient } from '../lib/talent/client';
import { startS3Server } from '../local/servers';
import { builderRow } from '../local/talent-simulator/reports';
import { DEFAULT_TOKENS, startTalentSimulator } from '../local/talent-simulator/server';
import { functionBuildOptions } from './bundling';
import { type Benchmark, lastJsonLine, ratioTarget, sizeFromEnv } from './harness';
import type { ChildInput, StreamingResult } from './report-streaming-child';

/**
 * Streams a large Report Builder CSV from the Talent simulator into s3rver twice, each time in a child
 * process whose peak resident memory is recorded. Each child runs an esbuild bundle under plain `node`,
 * built with the options the CDK function factory uses, so it loads what a Lambda function loads:
 *
 * - save: the report-save Lambda handler, invoked once with a complete run. It fetches the download URL
 *   from Talent, streams the CSV through the meter (SHA-256, bytes, rows) into a multipart upload, copies
 *   the object onto itself with the hash as metadata, and writes the manifest.
 * - copy: `fetch` of the same download piped into `Upload`, as the floor.
 *
 * The size is `BENCH_REPORT_MIB` MiB (default 1024), and the rounds per case `BENCH_REPORT_ROUNDS` (default 2).
 */

const MIB = 1024 * 1024;
const BUCKET = 'bench-reports';
const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Rounds per case. The cases take turns, and each case's fastest round counts for throughput and its
 * highest peak for memory, so that a burst of load from other processes does not decide the ratio.
 */

/** Peak resident memory bound of the save case, in MiB (the 200 MB target, rounded down). */
const PEAK_RSS_BOUND_MIB = 190;

const schedule: ScheduleConfig = {
  name: 'bench-export',
  cron: 'cron(0 6 * * ? *)',
  timeZone: 'UTC',
  report: 'reportBuilder',
  reportId: 'savedReport123abc',
  enabled: true,
  mode: 'export',
};

/** Returns the example config pointed at the simulator with one export schedule, to bundle into the function. */
async function benchConfig(talentUrl: string) {
  const example = JSON.parse(await readFile(join(PROJECT_ROOT, 'examples/talent-sync.config.json'), 'utf8'));
  return parseConfig(
    {
      ...example,
      talent: { ...example.talent, baseUrl: talentUrl },
      reports: { ...example.reports, prefix: 'bench', neutralizeFormulas: false, schedules: [schedule] },
    },
    'report streaming benchmark config',
  );
}

const SAVE_CASE = 'report-save handler (meter + upload + copy + manifest)';
const COPY_CASE = 'plain fetch → Upload';

/** The two child entry points: the save handler, and the plain copy. */
const ENTRIES = {
  save: [
    "import { handler } from '../functions/report-save/handler';",
    "import { runChildCase, saveWithHandler } from './report-streaming-child';",
    `runChildCase(${JSON.stringify(SAVE_CASE)}, (input) => saveWithHandler(handler, input));`,
  ].join('\n'),
  copy: [
    "import { plainCopy, runChildCase } from './report-streaming-child';",
    `runChildCase(${JSON.stringify(COPY_CASE)}, plainCopy);`,
  ].join('\n'),
} as const;

type CaseName = keyof typeof ENTRIES;

/** Bundles one case with the CDK function factory's esbuild options and `config` compiled in. */
async function bundle(kind: CaseName, directory: string, config: Config): Promise<string> {
  const outfile = join(directory, `${kind}.mjs`);
  await build({
    stdin: {
      contents: ENTRIES[kind],
      resolveDir: join(PROJECT_ROOT, 'bench'),
      loader: 'ts',
      sourcefile: `${kind}.ts`,
    },
    ...functionBuildOptions(config),
    outfile,
  });
  return outfile;
}

/** Runs one bundled case under plain `node` and returns its measures, printed as JSON on its last line. */
function runChild(kind: CaseName, file: string, input: ChildInput, s3Url: string): Promise<StreamingResult> {
  const child = spawn(process.execPath, [file, JSON.stringify(input)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    cwd: PROJECT_ROOT,
    // The environment a deployed function gets, with the SDK pointed at s3rver as local mode does.
    env: {
      PATH: process.env.PATH,
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_SERVICE_NAME: 'report-save',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_ENDPOINT_URL_S3: s3Url,
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
      AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
      REPORT_BUCKET: BUCKET,
      REPORT_S3_CHECKSUMS: 'false',
      TALENT_SYNC_SECRETS_FILE: join(PROJECT_ROOT, 'examples/secrets.local.json'),
    },
  });
  return lastJsonLine<StreamingResult>(child, kind);
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

/**
 * Runs both cases against one simulator and one s3rver, taking turns for `BENCH_REPORT_ROUNDS` rounds, and returns
 * every round's result.
 */
export async function runReportStreaming(): Promise<StreamingResult[]> {
  const targetBytes = sizeFromEnv('BENCH_REPORT_MIB') * MIB;
  const simulator = await startTalentSimulator({
    reportPendingMs: 0,
    reportRows: rowsForBytes(targetBytes),
    downloadUrlTtlMs: 60 * 60 * 1000,
  });
  const s3Server = await startS3Server();
  const directory = await mkdtemp(join(tmpdir(), 'talent-sync-bench-'));
  try {
    const s3 = new S3Client({
      endpoint: s3Server.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const config = await benchConfig(simulator.url);
    const files = {
      save: await bundle('save', directory, config),
      copy: await bundle('copy', directory, config),
    };

    const talent = createTalentClient({
      baseUrl: simulator.url,
      token: DEFAULT_TOKENS.system,
      timeoutMs: 60_000,
    });
    const input = async (): Promise<ChildInput> => {
      const now = new Date().toISOString();
      const { insightsReportRequestId: requestId } = await talent.requestReport({
        report: 'reportBuilder',
        reportId: 'savedReport123abc',
      });
      const status = await talent.getReport(requestId);
      const downloadUrl = 'csvDownloadUrl' in status ? (status.csvDownloadUrl ?? '') : '';
      const run: ReportRun = {
        schedule: schedule.name,
        scheduledTime: now,
        report: 'reportBuilder',
        mode: 'export',
        requestId,
        startedAt: now,
        waitSeconds: 0,
        waitedSeconds: 0,
        polls: 1,
        status: 'complete',
      };
      return { run, bucket: BUCKET, downloadUrl };
    };
    const results: StreamingResult[] = [];
    const rounds = sizeFromEnv('BENCH_REPORT_ROUNDS');
    for (let round = 0; round < rounds; round++) {
      results.push(await runChild('save', files.save, await input(), s3Server.url));
      results.push(await runChild('copy', files.copy, await input(), s3Server.url));
    }
    return results;
  } finally {
    await rm(directory, { recursive: true, force: true });
    await s3Server.close();
    await simulator.close();
  }
}

/** Combines the rounds of one case: the best throughput, and the highest of each memory figure. */
function summarize(rounds: StreamingResult[]): StreamingResult & { rounds: string } {
  const first = rounds[0];
  if (!first) throw new Error('The report streaming benchmark returned no result for a case.');
  const highest = (pick: (result: StreamingResult) => number) => Math.max(...rounds.map(pick));
  return {
    ...first,
    mibPerSecond: highest((result) => result.mibPerSecond),
    peakRssMib: highest((result) => result.peakRssMib),
    loadedRssMib: highest((result) => result.loadedRssMib),
    peakHeapUsedMib: highest((result) => result.peakHeapUsedMib),
    peakArrayBuffersMib: highest((result) => result.peakArrayBuffersMib),
    rounds: rounds.map((result) => result.seconds).join(', '),
  };
}

export const reportStreaming: Benchmark = {
  name: 'report-streaming',
  title: 'Report streaming',
  async run() {
    const results = await runReportStreaming();
    const save = summarize(results.filter((result) => result.case === SAVE_CASE));
    const copy = summarize(results.filter((result) => result.case === COPY_CASE));
    if (save.bytes !== copy.bytes) {
      throw new Error(
        `The cases moved different byte counts: report-save ${save.bytes}, plain copy ${copy.bytes}.`,
      );
    }
    return {
      rows: [save, copy].map((result) => ({
        case: result.case,
        MiB: Math.round(result.bytes / MIB),
        'seconds per round': result.rounds,
        'best MiB/s': result.mibPerSecond,
        'peak RSS MiB': result.peakRssMib,
        'RSS after load MiB': result.loadedRssMib,
        'peak heap used MiB': result.peakHeapUsedMib,
        'peak Buffers MiB': result.peakArrayBuffersMib,
      })),
      targets: [
        ratioTarget('report-save throughput / plain copy', save.mibPerSecond, copy.mibPerSecond, 0.8, true),
        {
          name: 'report-save peak RSS',
          measured: `${save.peakRssMib} MiB`,
          target: `≤ ${PEAK_RSS_BOUND_MIB} MiB (200 MB)`,
          met: save.peakRssMib <= PEAK_RSS_BOUND_MIB,
        },
      ],
      notes: [
        'Each case is an esbuild bundle run under plain node with NODE_OPTIONS=--enable-source-maps, as ' +
          "Lambda runs the function; peak RSS is the child process's maxRSS.",
      ],
    };
  },
};
