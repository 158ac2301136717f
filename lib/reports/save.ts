import { pipeline, type Readable } from 'node:stream';
import { CopyObjectCommand, DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Config, ScheduleConfig } from '../config/schema';
import { ReportInputError, ReportSaveError } from './errors';
import { type ReportKeys, reportKeys } from './keys';
import { buildManifest, CSV_CONTENT_TYPE } from './manifest';
import { type CsvMeasure, CsvMeter } from './meter';
import { resolveRequest } from './request';
import type { ReportRun } from './run';
import { openReportSource, type ReportLogger } from './source';
import type { ReportClient } from './talent';

/** Multipart part size: memory use is about part size times queue size, whatever the report's size. */
const PART_SIZE_BYTES = 8 * 1024 * 1024;
const UPLOAD_QUEUE_SIZE = 2;

/** The largest object that one CopyObject call can copy; larger ones would need UploadPartCopy. */
const MAX_COPY_BYTES = 5 * 1024 ** 3;

export interface SaveReportInput {
  run: ReportRun;
  schedule: ScheduleConfig;
  reports: Pick<Config['reports'], 'prefix' | 'neutralizeFormulas'>;
  s3: S3Client;
  bucket: string;
  talent: Pick<ReportClient, 'getReport'>;
  /**
   * Sends SHA-256 checksums with every write, so S3 verifies the bytes it receives. Off only for local
   * S3 servers that cannot handle them.
   */
  checksums: boolean;
  /** Milliseconds to wait for a CSV download's response headers. */
  downloadTimeoutMs: number;
  logger?: ReportLogger;
  /** Clock for `finishedAt`; tests pass a fixed one. */
  now?: () => Date;
  /** Replaces the report source; tests use it to feed a stream that fails part-way. */
  openSource?: () => Promise<Readable>;
}

export interface SavedReport extends CsvMeasure {
  key: string;
  manifestKey: string;
}

/**
 * Saves a complete report to S3: streams its CSV to the report key by multipart upload while measuring
 * bytes, SHA-256 and rows, records the SHA-256 as object metadata, then writes the manifest. The manifest
 * goes last, so its presence means the CSV is complete. On any failure the upload is aborted, the report
 * key is deleted, and a ReportSaveError is thrown, so a retry starts clean.
 */
export async function saveReport(input: SaveReportInput): Promise<SavedReport> {
  const { run, schedule } = input;
  if (run.status !== 'complete') {
    throw new ReportInputError(
      `Report run ${run.requestId} has status ${run.status}; only a complete report can be saved. ` +
        'The state machine routes only complete runs to SaveReport: check its IsReportReady choice.',
      [`status: expected complete, got ${run.status}`],
    );
  }

  const keys = reportKeys({
    prefix: input.reports.prefix,
    schedule: schedule.name,
    timeZone: schedule.timeZone,
    scheduledTime: new Date(run.scheduledTime),
    requestId: run.requestId,
  });

  try {
    const source = input.openSource
      ? await input.openSource()
      : await openReportSource({
          client: input.talent,
          requestId: run.requestId,
          csv: { neutralizeFormulas: input.reports.neutralizeFormulas },
          downloadTimeoutMs: input.downloadTimeoutMs,
          logger: input.logger,
        });

    const measure = await uploadCsv(input, keys.key, source);
    await storeChecksumMetadata(input, keys.key, measure);

    await writeManifest(input, keys, measure);

    return { ...keys, ...measure };
  } catch (error) {
    await deleteReportObject(input, keys.key);
    throw new ReportSaveError(
      run.requestId,
      keys.key,
      `Saving report ${run.requestId} to s3://${input.bucket}/${keys.key} failed: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/**
 * Streams `source` through a CsvMeter into a multipart upload. If the source or the upload fails, the
 * upload is aborted and the source's error, which names the cause, is thrown in preference to the
 * upload's.
 */
async function uploadCsv(input: SaveReportInput, key: string, source: Readable): Promise<CsvMeasure> {
  const meter = new CsvMeter();
  let sourceError: Error | undefined;
  const body = pipeline(source, meter, (error) => {
    if (error) sourceError = error;
  });

  const upload = new Upload({
    client: input.s3,
    partSize: PART_SIZE_BYTES,
    queueSize: UPLOAD_QUEUE_SIZE,
    params: {
      Bucket: input.bucket,
      Key: key,
      Body: body,
      ContentType: CSV_CONTENT_TYPE,
      ServerSideEncryption: 'AES256',
      ...(input.checksums ? { ChecksumAlgorithm: 'SHA256' as const } : {}),
    },
  });

  try {
    await upload.done();
  } catch (error) {
    await upload.abort();
    source.destroy();
    throw sourceError ?? error;
  }
  return meter.measure();
}

/**
 * Copies the object onto itself with the hex SHA-256 as `sha256` metadata. S3 takes metadata only when a
 * write starts, and the hash is known only after the last byte, so a copy is the one way to attach it.
 */
async function storeChecksumMetadata(
  input: SaveReportInput,
  key: string,
  measure: CsvMeasure,
): Promise<void> {
  if (measure.bytes > MAX_COPY_BYTES) {
    // NOTE: objects over 5 GiB keep no sha256 metadata; the manifest still carries the hash.
    input.logger?.warn('Report is larger than one CopyObject can copy; sha256 is only in the manifest', {
      requestId: input.run.requestId,
      bytes: measure.bytes,
    });
    return;
  }

  await input.s3.send(
    new CopyObjectCommand({
      Bucket: input.bucket,
      Key: key,
      CopySource: copySource(input.bucket, key),
      MetadataDirective: 'REPLACE',
      Metadata: { sha256: measure.sha256 },
      ContentType: CSV_CONTENT_TYPE,
      ServerSideEncryption: 'AES256',
      ...(input.checksums ? { ChecksumAlgorithm: 'SHA256' as const } : {}),
    }),
  );
}

/**
 * Returns the URL-encoded `bucket/key` that CopyObject takes. `/` and `=` stay literal: both are valid in
 * a URL path, S3 reads them either way, and s3rver 3.7 does not decode `%3D` in the copy source.
 */
function copySource(bucket: string, key: string): string {
  return `${bucket}/${encodeURIComponent(key).replaceAll('%2F', '/').replaceAll('%3D', '=')}`;
}

/** Writes the manifest beside the CSV; the filter options are rebuilt from the schedule and scheduled time. */
async function writeManifest(input: SaveReportInput, keys: ReportKeys, measure: CsvMeasure): Promise<void> {
  const { run, schedule } = input;
  const { period, filterOptions } = resolveRequest(schedule, new Date(run.scheduledTime));
  const manifest = buildManifest({
    schedule: schedule.name,
    report: run.report,
    requestId: run.requestId,
    reportId: schedule.reportId,
    filterOptions,
    period,
    ...measure,
    key: keys.key,
    startedAt: run.startedAt,
    finishedAt: (input.now ?? (() => new Date()))(),
  });

  await input.s3.send(
    new PutObjectCommand({
      Bucket: input.bucket,
      Key: keys.manifestKey,
      Body: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8'),
      ContentType: 'application/json',
      ServerSideEncryption: 'AES256',
      ...(input.checksums ? { ChecksumAlgorithm: 'SHA256' as const } : {}),
    }),
  );
}

async function deleteReportObject(input: SaveReportInput, key: string): Promise<void> {
  try {
    await input.s3.send(new DeleteObjectCommand({ Bucket: input.bucket, Key: key }));
  } catch (error) {
    input.logger?.warn('Could not delete the report object after a failed save', {
      requestId: input.run.requestId,
      key,
      error: (error as Error).message,
    });
  }
}

/**
 * Reads the REPORT_S3_CHECKSUMS setting: checksums are on unless it is `false`, `0`, `off` or `no`.
 * Throws on any other value, so a misspelt setting is not read as either.
 */
export function checksumsEnabled(value: string | undefined): boolean {
  const setting = (value ?? '').trim().toLowerCase();
  if (['', 'true', '1', 'on', 'yes'].includes(setting)) return true;
  if (['false', '0', 'off', 'no'].includes(setting)) return false;
  throw new Error(`REPORT_S3_CHECKSUMS is "${value}": set it to true or false, or leave it unset for true.`);
}
