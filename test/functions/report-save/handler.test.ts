import { createHash } from 'node:crypto';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportInputError } from '../../../lib/reports/errors';
import type { ReportManifest } from '../../../lib/reports/manifest';
import type { ReportRun, SavedReportRun } from '../../../lib/reports/run';
import { ENV } from '../../../lib/runtime/environment';
import { lambdaContext } from '../../../local/lambda-context';
import { SCHEDULED_TIME } from '../../lib/reports/fixtures';
import {
  BUCKET,
  type ReportEnvironment,
  readObject,
  startReportEnvironment,
} from '../../lib/reports/report-environment';

type Handler<T> = (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<T>;

const PENDING_MS = 20_000;

let environment: ReportEnvironment;
let requestHandler: Handler<ReportRun>;
let pollHandler: Handler<ReportRun>;
let saveHandler: Handler<SavedReportRun>;

beforeAll(async () => {
  environment = await startReportEnvironment({ reportPendingMs: PENDING_MS });
  requestHandler = (await import('../../../functions/report-request/handler'))
    .handler as unknown as Handler<ReportRun>;
  pollHandler = (await import('../../../functions/report-poll/handler'))
    .handler as unknown as Handler<ReportRun>;
  saveHandler = (await import('../../../functions/report-save/handler'))
    .handler as unknown as Handler<SavedReportRun>;
});

afterAll(async () => {
  await environment?.close();
});

/** Runs the steps the state machine runs: request, poll until complete, save. */
async function runSchedule(schedule: string): Promise<{ polled: ReportRun[]; saved: SavedReportRun }> {
  let run = await requestHandler(
    { schedule, scheduledTime: SCHEDULED_TIME },
    lambdaContext('report-request'),
  );
  const polled: ReportRun[] = [];

  run = await pollHandler(run, lambdaContext('report-poll'));
  polled.push(run);
  environment.clock.advance(PENDING_MS);
  run = await pollHandler(run, lambdaContext('report-poll'));
  polled.push(run);

  const saved = await saveHandler(run, lambdaContext('report-save'));
  return { polled, saved };
}

async function readManifest(key: string): Promise<ReportManifest> {
  return JSON.parse(String(await readObject(environment.s3, key))) as ReportManifest;
}

function sha256Of(bytes: Buffer | undefined): string {
  return createHash('sha256')
    .update(bytes ?? Buffer.alloc(0))
    .digest('hex');
}

describe('report-save handler after request and poll', () => {
  it('polls pending, then complete', async () => {
    const { polled } = await runSchedule('coaching-weekly');
    expect(polled.map((run) => run.status)).toEqual(['pending', 'complete']);
  });

  it('saves a JSON report with a matching manifest', async () => {
    const { saved } = await runSchedule('coaching-weekly');
    const csv = await readObject(environment.s3, saved.key);
    const manifest = await readManifest(saved.manifestKey);

    expect(saved.status).toBe('saved');
    expect(saved.key).toMatch(
      /^reports\/coaching-weekly\/date=2026-03-09\/coaching-weekly_20260309T110000Z_export_\w+\.csv$/,
    );
    expect(manifest.bytes).toBe(csv?.length);
    expect(manifest.sha256).toBe(sha256Of(csv));
    expect(manifest.rows).toBe(25);
    expect(manifest).toMatchObject({
      schedule: 'coaching-weekly',
      report: 'coachingFrequency',
      requestId: saved.requestId,
      key: saved.key,
      contentType: 'text/csv; charset=utf-8',
      version: 1,
    });
  });

  it('returns the measures it wrote to the manifest', async () => {
    const { saved } = await runSchedule('coaching-weekly');
    const manifest = await readManifest(saved.manifestKey);

    expect(saved.rows).toBe(manifest.rows);
    expect(saved.bytes).toBe(manifest.bytes);
    expect(saved.sha256).toBe(manifest.sha256);
  });

  it('saves a Report Builder export from its download URL', async () => {
    const { saved } = await runSchedule('observations-export');
    const csv = await readObject(environment.s3, saved.key);
    const manifest = await readManifest(saved.manifestKey);

    expect(String(csv).startsWith('Row,Teacher Email,')).toBe(true);
    expect(manifest.sha256).toBe(sha256Of(csv));
    expect(manifest.rows).toBe(25);
    expect(manifest.reportId).toBe('savedReport-observations');
  });

  it('records the SHA-256 as object metadata', async () => {
    const { saved } = await runSchedule('coaching-weekly');
    const head = await environment.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: saved.key }));
    expect(head.Metadata?.sha256).toBe(saved.sha256);
  });

  it('saves without checksums when REPORT_S3_CHECKSUMS is false', async () => {
    process.env[ENV.reportS3Checksums] = 'false';
    try {
      const { saved } = await runSchedule('coaching-weekly');
      expect(sha256Of(await readObject(environment.s3, saved.key))).toBe(saved.sha256);
    } finally {
      process.env[ENV.reportS3Checksums] = 'true';
    }
  });

  it('rejects a run that is still pending', async () => {
    const run = await requestHandler(
      { schedule: 'coaching-weekly', scheduledTime: SCHEDULED_TIME },
      lambdaContext('report-request'),
    );
    await expect(saveHandler(run, lambdaContext('report-save'))).rejects.toBeInstanceOf(ReportInputError);
  });
});
