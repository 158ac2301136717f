import { pipeline, Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type PutObjectCommandInput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Config, ScheduleConfig } from '../config/schema';
import type { CsvOptions } from './csv';
import { ReportInputError, ReportSaveError } from './errors';
import { type ReportKeys, reportKeys } from './keys';
import { liveReportSource } from './live';
import { buildManifest, CSV_CONTENT_TYPE, type ReportManifest } from './manifest';
import { type CsvMeasure, CsvMeter } from './meter';
import { resolveRequest } from './request';
import type { ReportRun } from './run';
import { openReportSource, type ReportLogger } from './source';
import type { ReportClient } from './talent';

/**
 * Multipart part size: S3's minimum, because lib-storage holds up to queue size plus one parts in memory
 * and copies each part once. With S3's limit of 10,000 parts that allows 48.8 GiB, far more than the save
 * function can stream within its 15 minutes.
 */
export const PART_SIZE_BYTES = 5 * 1024 * 1024;
/**
 * Parts uploaded at once. Each lib-storage worker reads its next part only after its upload finishes, so
 * with one worker the download would pause during every part upload.
 */
export const UPLOAD_QUEUE_SIZE = 2;

/** The largest object that one CopyObject call can copy; larger ones would need UploadPartCopy. */
const MAX_COPY_BYTES = 5 * 1024 ** 3;

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export type SaveReportSettings = Pick<
  Config['reports'],
  'prefix' | 'neutralizeFormulas' | 'encryption' | 'latestPointer' | 'bom'
>;

export interface SaveReportInput {
  run: ReportRun;
  schedule: ScheduleConfig;
  reports: SaveReportSettings;
  s3: S3Client;
  bucket: string;
  talent: Pick<ReportClient, 'getReport' | 'getReportBuilderData'>;
  /**
   * Sends SHA-256 checksums with every write, so S3 verifies the bytes it receives, and checks S3's
   * full-object SHA-256 against the one computed while streaming. Off only for local S3 servers that
   * cannot handle them.
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
  /** Set when the latest pointer was written. */
  latestKey?: string;
}

/**
 * Saves a complete report to S3. Streams its CSV to the report key by multipart upload while measuring
 * bytes, SHA-256 and rows. Records the SHA-256 as object metadata and checks it against S3's own. Then
 * writes the manifest and, when configured, the latest pointer. The manifest goes last, so its presence
 * means the CSV is complete.
 *
 * A retried step is safe: when the manifest exists already, the saved report is returned as it is; a CSV
 * without a manifest is what a failed attempt left, and is replaced. Writes carry `If-None-Match: *`, so
 * S3 refuses to overwrite an object that appeared meanwhile. On any failure the upload is aborted, a CSV
 * this attempt wrote is deleted, and a ReportSaveError is thrown.
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

  const existing = await readManifest(input, keys.manifestKey);
  if (existing) {
    input.logger?.info('Report was saved by an earlier attempt; keeping it', { key: keys.key });
    return { ...keys, rows: existing.rows, bytes: existing.bytes, sha256: existing.sha256 };
  }

  try {
    await removeLeftover(input, keys.key);
    const source = await openSource(input);
    const measure = await uploadCsv(input, keys.key, source.stream);
    await storeChecksumMetadata(input, keys.key, measure);

    const manifest = await writeManifest(input, keys, measure, source.unmappedColumns());
    const latestKey = input.reports.latestPointer
      ? await writeLatestPointer(input, manifest, keys)
      : undefined;

    return { ...keys, ...measure, ...(latestKey ? { latestKey } : {}) };
  } catch (error) {
    // A refused conditional write means another attempt owns the object: leave it alone.
    if (!isPreconditionFailed(error)) await deleteReportObject(input, keys.key);
    throw new ReportSaveError(
      run.requestId,
      keys.key,
      `Saving report ${run.requestId} to s3://${input.bucket}/${keys.key} failed: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

interface OpenedSource {
  stream: Readable;
  unmappedColumns: () => string[];
}

/** Opens the CSV bytes: paged live data, or the export Talent prepared, with a byte order mark if asked. */
async function openSource(input: SaveReportInput): Promise<OpenedSource> {
  const csv: CsvOptions = {
    neutralizeFormulas: input.reports.neutralizeFormulas,
    bom: input.schedule.bom ?? input.reports.bom,
  };
  if (input.openSource) return { stream: await input.openSource(), unmappedColumns: () => [] };

  if (input.run.mode === 'live') {
    return liveReportSource({
      client: input.talent,
      reportId: input.schedule.reportId ?? '',
      requestId: input.run.requestId,
      csv,
      logger: input.logger,
    });
  }

  const stream = await openReportSource({
    client: input.talent,
    requestId: input.run.requestId,
    csv,
    downloadTimeoutMs: input.downloadTimeoutMs,
    logger: input.logger,
  });
  // A downloaded CSV is stored as Talent sends it, except for the byte order mark when one is asked for.
  const downloaded = input.run.report === 'reportBuilder';
  return { stream: downloaded && csv.bom ? withBom(stream) : stream, unmappedColumns: () => [] };
}

/** Prefixes a byte stream with the UTF-8 byte order mark unless it starts with one already. */
function withBom(stream: Readable): Readable {
  async function* prefixed(): AsyncGenerator<Buffer> {
    let first = true;
    for await (const chunk of stream) {
      const bytes = chunk as Buffer;
      if (first && !bytes.subarray(0, 3).equals(UTF8_BOM)) yield UTF8_BOM;
      first = false;
      yield bytes;
    }
    if (first) yield UTF8_BOM;
  }
  return Readable.from(prefixed(), { objectMode: false });
}

/** Returns the encryption header of every write: SSE-S3, or SSE-KMS with the bucket's default key. */
function encryptionParams(input: SaveReportInput): Pick<PutObjectCommandInput, 'ServerSideEncryption'> {
  return { ServerSideEncryption: input.reports.encryption === 'KMS' ? 'aws:kms' : 'AES256' };
}

function checksumParams(input: SaveReportInput): Pick<PutObjectCommandInput, 'ChecksumAlgorithm'> {
  return input.checksums ? { ChecksumAlgorithm: 'SHA256' } : {};
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
      // Sent with PutObject and CompleteMultipartUpload; S3 then refuses to replace an existing object.
      IfNoneMatch: '*',
      ...encryptionParams(input),
      ...checksumParams(input),
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
 *
 * The copy also gives the end-to-end check. A multipart upload carries only per-part SHA-256 checksums,
 * because S3 offers full-object checksums of multipart uploads for CRC algorithms only. CopyObject with a
 * checksum algorithm makes S3 compute the SHA-256 of the whole stored object. That value must equal the
 * hash computed from the bytes as they left Talent, or the save fails.
 */
async function storeChecksumMetadata(
  input: SaveReportInput,
  key: string,
  measure: CsvMeasure,
): Promise<void> {
  if (measure.bytes > MAX_COPY_BYTES) {
    // NOTE: objects over 5 GiB keep no sha256 metadata and get no full-object check. The manifest still
    // carries the hash, and S3 verified the upload's per-part checksums.
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
      ...encryptionParams(input),
      ...checksumParams(input),
    }),
  );
  if (!input.checksums) return;

  const head = await input.s3.send(
    new HeadObjectCommand({ Bucket: input.bucket, Key: key, ChecksumMode: 'ENABLED' }),
  );
  if (!head.ChecksumSHA256) {
    // Amazon S3 returns the checksum after a copy with ChecksumAlgorithm. Some S3-compatible servers keep none.
    input.logger?.warn('S3 returned no SHA-256 for the stored CSV; the end-to-end check was skipped', {
      key,
    });
    return;
  }
  const stored = Buffer.from(head.ChecksumSHA256, 'base64').toString('hex');
  if (stored !== measure.sha256) {
    throw new Error(
      `S3 reports SHA-256 ${stored} for the stored CSV, but the streamed bytes hash to ` +
        `${measure.sha256}; the object is deleted and the step can be retried.`,
    );
  }
}

/**
 * Returns the URL-encoded `bucket/key` that CopyObject takes. `/` and `=` stay literal: both are valid in
 * a URL path, S3 reads them either way, and s3rver 3.7 does not decode `%3D` in the copy source.
 */
function copySource(bucket: string, key: string): string {
  return `${bucket}/${encodeURIComponent(key).replaceAll('%2F', '/').replaceAll('%3D', '=')}`;
}

/** Writes the manifest beside the CSV; the filter options are rebuilt from the schedule and scheduled time. */
async function writeManifest(
  input: SaveReportInput,
  keys: ReportKeys,
  measure: CsvMeasure,
  unmappedColumns: string[],
): Promise<ReportManifest> {
  const { run, schedule } = input;
  const { period, filterOptions } = resolveRequest(schedule, new Date(run.scheduledTime));
  const manifest = buildManifest({
    schedule: schedule.name,
    report: run.report,
    mode: run.mode ?? 'export',
    requestId: run.requestId,
    reportId: schedule.reportId,
    filterOptions,
    period,
    ...measure,
    key: keys.key,
    scheduledTime: run.scheduledTime,
    startedAt: run.startedAt,
    finishedAt: (input.now ?? (() => new Date()))(),
    unmappedColumns,
  });
  await putJson(input, keys.manifestKey, manifest, true);
  return manifest;
}

/** The object at `{prefix}/{schedule}/latest.json`. */
export interface LatestPointer {
  schedule: string;
  manifestKey: string;
  key: string;
  requestId: string;
  scheduledTime: string;
  finishedAt: string;
  version: 1;
}

/**
 * Points `{prefix}/{schedule}/latest.json` at this manifest, unless the pointer names a run with a later
 * scheduled time already, so a backfill of an old period does not move it back. Two runs of one schedule
 * finishing at the same moment may race; the pointer is a convenience, and the manifests are the record.
 */
async function writeLatestPointer(
  input: SaveReportInput,
  manifest: ReportManifest,
  keys: ReportKeys,
): Promise<string | undefined> {
  const latestKey = `${input.reports.prefix}/${input.schedule.name}/latest.json`;
  const current = await readJson<LatestPointer>(input, latestKey);
  if (current && Date.parse(current.scheduledTime) > Date.parse(manifest.scheduledTime)) {
    input.logger?.info('Latest pointer names a later run; leaving it', { latestKey });
    return undefined;
  }

  const pointer: LatestPointer = {
    schedule: manifest.schedule,
    manifestKey: keys.manifestKey,
    key: keys.key,
    requestId: manifest.requestId,
    scheduledTime: manifest.scheduledTime,
    finishedAt: manifest.finishedAt,
    version: 1,
  };
  await putJson(input, latestKey, pointer, false);
  return latestKey;
}

async function putJson(input: SaveReportInput, key: string, value: unknown, create: boolean): Promise<void> {
  await input.s3.send(
    new PutObjectCommand({
      Bucket: input.bucket,
      Key: key,
      Body: Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8'),
      ContentType: 'application/json',
      ...(create ? { IfNoneMatch: '*' } : {}),
      ...encryptionParams(input),
      ...checksumParams(input),
    }),
  );
}

async function readManifest(input: SaveReportInput, key: string): Promise<ReportManifest | undefined> {
  return readJson<ReportManifest>(input, key);
}

async function readJson<T>(input: SaveReportInput, key: string): Promise<T | undefined> {
  try {
    const object = await input.s3.send(new GetObjectCommand({ Bucket: input.bucket, Key: key }));
    return JSON.parse((await object.Body?.transformToString('utf8')) ?? 'null') as T;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * Deletes a CSV without a manifest under this run's key: a failed earlier attempt of the same run left
 * it, and it was never announced. S3 refuses the new upload otherwise, since it carries If-None-Match.
 */
async function removeLeftover(input: SaveReportInput, key: string): Promise<void> {
  try {
    await input.s3.send(new HeadObjectCommand({ Bucket: input.bucket, Key: key }));
  } catch (error) {
    if (isNotFound(error)) return;
    throw error;
  }
  input.logger?.warn('Replacing a CSV without a manifest that an earlier attempt left', { key });
  await input.s3.send(new DeleteObjectCommand({ Bucket: input.bucket, Key: key }));
}

function isPreconditionFailed(error: unknown): boolean {
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return name === 'PreconditionFailed' || $metadata?.httpStatusCode === 412;
}

function isNotFound(error: unknown): boolean {
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return name === 'NoSuchKey' || name === 'NotFound' || $metadata?.httpStatusCode === 404;
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
