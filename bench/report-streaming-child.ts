import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { ReportRun, SavedReportRun } from '../lib/reports/run';
import { PART_SIZE_BYTES, UPLOAD_QUEUE_SIZE } from '../lib/reports/save';
import { lambdaContext } from '../local/lambda-context';

/**
 * The code that the report streaming benchmark bundles with esbuild and runs under plain `node`, one case
 * per child process, as Lambda runs a function bundle. Nothing here imports the simulator or s3rver, so
 * the child's memory holds only what the measured case loads.
 */

const MIB = 1024 * 1024;

/** The input a child gets on its command line: the run to save, the bucket, and the download URL. */
export interface ChildInput {
  run: ReportRun;
  bucket: string;
  /** The download URL of the report, for the plain copy; the save case fetches it from Talent itself. */
  downloadUrl: string;
}

export interface StreamingResult {
  case: string;
  bytes: number;
  seconds: number;
  mibPerSecond: number;
  /** Peak resident memory of the process, from `process.resourceUsage().maxRSS`. */
  peakRssMib: number;
  /** Resident memory once the bundle is loaded, before the case starts. */
  loadedRssMib: number;
  /** Peaks of `process.memoryUsage()` sampled every 50 ms: JavaScript heap in use, and Buffer memory. */
  peakHeapUsedMib: number;
  peakArrayBuffersMib: number;
}

type SaveHandler = (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<SavedReportRun>;

/** Invokes the report-save Lambda handler once, as Step Functions would, and returns the bytes saved. */
export async function saveWithHandler(handler: SaveHandler, input: ChildInput): Promise<number> {
  const saved = await handler(input.run, lambdaContext('report-save', 15 * 60 * 1000));
  return saved.bytes;
}

/**
 * Copies the download straight into a multipart upload, as the floor to compare with. It uses the save
 * path's part size and parts in flight, and an S3 client from the same environment.
 */
export async function plainCopy(input: ChildInput): Promise<number> {
  const response = await fetch(input.downloadUrl);
  if (!response.ok || !response.body) throw new Error(`Download failed with HTTP ${response.status}.`);
  const key = `bench-copy/${input.run.requestId}.csv`;
  const s3 = new S3Client({});
  await new Upload({
    client: s3,
    partSize: PART_SIZE_BYTES,
    queueSize: UPLOAD_QUEUE_SIZE,
    params: {
      Bucket: input.bucket,
      Key: key,
      Body: Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>),
      ContentType: 'text/csv; charset=utf-8',
    },
  }).done();
  const head = await s3.send(new HeadObjectCommand({ Bucket: input.bucket, Key: key }));
  return head.ContentLength ?? 0;
}

/**
 * Runs one case with the input from the command line and prints its measures as JSON on the last line
 * of stdout. When the case fails, it prints the error as JSON and exits with code 1.
 */
export function runChildCase(name: string, work: (input: ChildInput) => Promise<number>): void {
  const input = JSON.parse(process.argv[2] ?? '{}') as ChildInput;
  const loadedRssMib = Math.round(process.resourceUsage().maxRSS / 1024);
  const peaks = { heapUsed: 0, arrayBuffers: 0 };
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    peaks.heapUsed = Math.max(peaks.heapUsed, usage.heapUsed);
    peaks.arrayBuffers = Math.max(peaks.arrayBuffers, usage.arrayBuffers);
  }, 50);
  sampler.unref();
  const started = performance.now();
  work(input).then(
    (bytes) => {
      const seconds = (performance.now() - started) / 1000;
      const result: StreamingResult = {
        case: name,
        bytes,
        seconds: Math.round(seconds * 10) / 10,
        mibPerSecond: Math.round((bytes / MIB / seconds) * 10) / 10,
        // maxRSS is in kibibytes.
        peakRssMib: Math.round(process.resourceUsage().maxRSS / 1024),
        loadedRssMib,
        peakHeapUsedMib: Math.round(peaks.heapUsed / MIB),
        peakArrayBuffersMib: Math.round(peaks.arrayBuffers / MIB),
      };
      console.log(JSON.stringify(result));
    },
    (error: unknown) => {
      console.log(JSON.stringify({ error: (error as Error).message }));
      process.exit(1);
    },
  );
}
