import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportDownloadError, ReportInputError, ReportSaveError } from '../../../lib/reports/errors';
import { reportKeys } from '../../../lib/reports/keys';
import type { ReportManifest } from '../../../lib/reports/manifest';
import { checksumsEnabled, type SaveReportInput, saveReport } from '../../../lib/reports/save';
import type { ReportClient } from '../../../lib/reports/talent';
import { createTalentClient } from '../../../lib/talent/client';
import { completeRun, EXPORT, rejectionOf, SCHEDULED_TIME, WEEKLY } from './fixtures';
import {
  BUCKET,
  objectExists,
  type ReportEnvironment,
  readObject,
  startReportEnvironment,
} from './report-environment';

const PENDING_MS = 1000;
const DOWNLOAD_TTL_MS = 60_000;

let environment: ReportEnvironment;

beforeAll(async () => {
  environment = await startReportEnvironment({
    reportPendingMs: PENDING_MS,
    downloadUrlTtlMs: DOWNLOAD_TTL_MS,
  });
});

afterAll(async () => {
  await environment?.close();
});

function talentClient(): ReportClient {
  return createTalentClient({
    baseUrl: environment.simulator.url,
    token: 'local-system-token',
    maxRetries: 0,
  });
}

/** Requests a report of the schedule from the simulator and moves its clock until the report is complete. */
async function completeReport(schedule = WEEKLY): Promise<string> {
  const body =
    schedule.report === 'reportBuilder'
      ? { report: schedule.report, reportId: schedule.reportId }
      : { report: schedule.report, filterOptions: {}, email: schedule.email };
  const { insightsReportRequestId } = await talentClient().requestReport(body);
  environment.clock.advance(PENDING_MS);
  return insightsReportRequestId;
}

function saveInput(requestId: string, overrides: Partial<SaveReportInput> = {}): SaveReportInput {
  const schedule = overrides.schedule ?? WEEKLY;
  return {
    run: completeRun(requestId, schedule),
    schedule,
    reports: {
      prefix: 'reports',
      neutralizeFormulas: true,
      bom: false,
      encryption: 'S3_MANAGED',
      latestPointer: false,
    },
    s3: environment.s3,
    bucket: BUCKET,
    talent: talentClient(),
    checksums: true,
    downloadTimeoutMs: 5000,
    now: () => new Date('2026-03-09T11:05:00Z'),
    ...overrides,
  };
}

function keysOf(requestId: string, schedule = WEEKLY) {
  return reportKeys({
    prefix: 'reports',
    schedule: schedule.name,
    timeZone: schedule.timeZone,
    scheduledTime: new Date(SCHEDULED_TIME),
    requestId,
  });
}

/** Returns a source that sends about `bytesBeforeError` bytes of CSV, then fails. */
function failingSource(bytesBeforeError: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= bytesBeforeError) {
        this.destroy(new Error('connection reset by the source'));
        return;
      }
      const line = Buffer.from('a,b,c\r\n'.repeat(1024));
      sent += line.length;
      this.push(line);
    },
  });
}

describe('saveReport with JSON report data', () => {
  it('writes the CSV, its metadata and a matching manifest', async () => {
    const requestId = await completeReport();
    const saved = await saveReport(saveInput(requestId));

    const csv = await readObject(environment.s3, saved.key);
    const manifestBytes = await readObject(environment.s3, saved.manifestKey);
    const manifest = JSON.parse(String(manifestBytes)) as ReportManifest;
    const head = await environment.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: saved.key }));
    const sha256 = createHash('sha256')
      .update(csv ?? Buffer.alloc(0))
      .digest('hex');

    expect(saved.key).toBe(keysOf(requestId).key);
    expect(manifest.bytes).toBe(csv?.length);
    expect(manifest.sha256).toBe(sha256);
    expect(head.Metadata?.sha256).toBe(sha256);
    expect(head.ContentType).toBe('text/csv; charset=utf-8');
    expect(manifest.rows).toBe(25);
    expect(manifest.key).toBe(saved.key);
    expect(manifest.finishedAt).toBe('2026-03-09T11:05:00.000Z');
    expect(manifest.period).toEqual({ start: '2026-03-02', end: '2026-03-08' });
    expect(manifest.filterOptions).toEqual({
      systemIds: ['system-local'],
      startDate: '2026-03-02',
      endDate: '2026-03-08',
    });
  });

  it('flattens the nested report columns', async () => {
    const saved = await saveReport(saveInput(await completeReport()));
    const header = String(await readObject(environment.s3, saved.key)).split('\r\n')[0];
    expect(header).toBe(
      'rowNumber,user.email,user.name,user.role,school.name,school.systemId,date,' +
        'metrics.coachingSessions,metrics.averageDaysBetween,note,tags,active',
    );
  });

  it('neutralises formula cells when configured', async () => {
    const saved = await saveReport(saveInput(await completeReport()));
    const csv = String(await readObject(environment.s3, saved.key));
    expect(csv).toContain(",'=1+2,");
  });

  it('writes the same bytes without checksums', async () => {
    const saved = await saveReport(saveInput(await completeReport(), { checksums: false }));
    const csv = await readObject(environment.s3, saved.key);
    expect(csv?.length).toBe(saved.bytes);
  });

  it('rejects a run that is not complete', async () => {
    const input = saveInput('export_pending');
    const error = await rejectionOf(saveReport({ ...input, run: { ...input.run, status: 'pending' } }));
    expect(error).toBeInstanceOf(ReportInputError);
  });
});

describe('saveReport with a Report Builder download', () => {
  it('stores the downloaded CSV as sent', async () => {
    const requestId = await completeReport(EXPORT);
    const saved = await saveReport(saveInput(requestId, { schedule: EXPORT }));
    const csv = String(await readObject(environment.s3, saved.key));
    const manifest = JSON.parse(
      String(await readObject(environment.s3, saved.manifestKey)),
    ) as ReportManifest;

    expect(csv.startsWith('Row,Teacher Email,Teacher Name,School,')).toBe(true);
    expect(manifest.rows).toBe(25);
    expect(manifest.reportId).toBe('savedReport-observations');
    expect(manifest.filterOptions).toBeNull();
  });

  it('fetches a fresh URL after the first one expired', async () => {
    const requestId = await completeReport(EXPORT);
    const client = talentClient();
    let statusChecks = 0;
    const expiringClient: Pick<ReportClient, 'getReport' | 'getReportBuilderData'> = {
      getReportBuilderData: (body) => client.getReportBuilderData(body),
      async getReport(id) {
        const status = await client.getReport(id);
        statusChecks += 1;
        // The first URL expires before the download starts.
        if (statusChecks === 1) environment.clock.advance(DOWNLOAD_TTL_MS + 1);
        return status;
      },
    };

    const saved = await saveReport(saveInput(requestId, { schedule: EXPORT, talent: expiringClient }));

    expect(statusChecks).toBe(2);
    expect(saved.rows).toBe(25);
  });

  it('gives up after two fresh URLs expired too', async () => {
    const requestId = await completeReport(EXPORT);
    const client = talentClient();
    const alwaysExpiring: Pick<ReportClient, 'getReport' | 'getReportBuilderData'> = {
      getReportBuilderData: (body) => client.getReportBuilderData(body),
      async getReport(id) {
        const status = await client.getReport(id);
        environment.clock.advance(DOWNLOAD_TTL_MS + 1);
        return status;
      },
    };

    const error = await rejectionOf(
      saveReport(saveInput(requestId, { schedule: EXPORT, talent: alwaysExpiring })),
    );

    expect(error).toBeInstanceOf(ReportSaveError);
    expect(error.cause).toBeInstanceOf(ReportDownloadError);
    expect((error.cause as ReportDownloadError).status).toBe(403);
    expect(await objectExists(environment.s3, keysOf(requestId, EXPORT).key)).toBe(false);
  });

  it('leaves nothing when the download breaks off', async () => {
    const requestId = await completeReport(EXPORT);
    environment.simulator.failNext(1, 'drop', 'downloadCsv');

    const error = await rejectionOf(saveReport(saveInput(requestId, { schedule: EXPORT })));
    const keys = keysOf(requestId, EXPORT);

    expect(error).toBeInstanceOf(ReportSaveError);
    expect(await objectExists(environment.s3, keys.key)).toBe(false);
    expect(await objectExists(environment.s3, keys.manifestKey)).toBe(false);
  });
});

describe('saveReport failures', () => {
  it('leaves nothing when the source fails after the first part', async () => {
    const requestId = 'export_failing_source';
    const input = saveInput(requestId, { openSource: async () => failingSource(12 * 1024 * 1024) });

    const error = await rejectionOf(saveReport(input));
    const keys = keysOf(requestId);

    expect(error).toBeInstanceOf(ReportSaveError);
    expect(error.message).toContain('connection reset by the source');
    expect(await objectExists(environment.s3, keys.key)).toBe(false);
    expect(await objectExists(environment.s3, keys.manifestKey)).toBe(false);
  });

  it('deletes an object an earlier attempt left under the key', async () => {
    const requestId = 'export_earlier_attempt';
    const keys = keysOf(requestId);
    await environment.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: keys.key, Body: 'stale' }));

    await rejectionOf(saveReport(saveInput(requestId, { openSource: async () => failingSource(1024) })));

    expect(await objectExists(environment.s3, keys.key)).toBe(false);
  });

  it('names the request and the key in the error', async () => {
    const requestId = 'export_named';
    const error = await rejectionOf(
      saveReport(saveInput(requestId, { openSource: async () => failingSource(10) })),
    );
    expect(error.message).toContain(`s3://${BUCKET}/${keysOf(requestId).key}`);
  });
});

describe('saveReport with a large report', () => {
  beforeAll(async () => {
    await environment.restartSimulator({ reportPendingMs: PENDING_MS, reportRows: 60_000 });
  });

  it('uploads a report larger than one part', async () => {
    const saved = await saveReport(saveInput(await completeReport()));
    const csv = await readObject(environment.s3, saved.key);

    expect(saved.bytes).toBeGreaterThan(8 * 1024 * 1024);
    expect(saved.rows).toBe(60_000);
    expect(csv?.length).toBe(saved.bytes);
    expect(
      createHash('sha256')
        .update(csv ?? Buffer.alloc(0))
        .digest('hex'),
    ).toBe(saved.sha256);
  });
});

const LIVE: typeof EXPORT = { ...EXPORT, name: 'observations-live', mode: 'live' };

function liveRun(requestId: string) {
  return { ...completeRun(requestId, LIVE), mode: 'live' as const };
}

describe('saveReport in live mode', () => {
  beforeAll(async () => {
    // The large-report tests above leave a simulator with 60,000 rows; paging those would take minutes.
    await environment.restartSimulator({ reportPendingMs: PENDING_MS, downloadUrlTtlMs: DOWNLOAD_TTL_MS });
  });

  it('pages every Report Builder row into one CSV', async () => {
    const saved = await saveReport(saveInput('live_pages', { schedule: LIVE, run: liveRun('live_pages') }));
    const lines = String(await readObject(environment.s3, saved.key)).split('\r\n');
    expect(lines[0]).toBe(
      'rowNumber,teacherEmail,teacherName,school,observationDate,durationMinutes,score,comment',
    );
    expect(saved.rows).toBe(25);
  });

  it('writes a manifest that says live', async () => {
    const saved = await saveReport(
      saveInput('live_manifest', { schedule: LIVE, run: liveRun('live_manifest') }),
    );
    const manifest = JSON.parse(
      String(await readObject(environment.s3, saved.manifestKey)),
    ) as ReportManifest;
    expect(manifest.mode).toBe('live');
  });
});

describe('saveReport delivery options', () => {
  it('starts the CSV with a byte order mark when the schedule asks', async () => {
    const requestId = await completeReport();
    const saved = await saveReport(saveInput(requestId, { schedule: { ...WEEKLY, bom: true } }));
    const csv = await readObject(environment.s3, saved.key);
    expect(csv?.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });

  it('adds a byte order mark to a downloaded CSV', async () => {
    const requestId = await completeReport(EXPORT);
    const saved = await saveReport(saveInput(requestId, { schedule: { ...EXPORT, bom: true } }));
    const csv = await readObject(environment.s3, saved.key);
    expect(csv?.subarray(0, 4)).toEqual(Buffer.from([0xef, 0xbb, 0xbf, 0x52]));
  });

  it('points latest.json at the new manifest', async () => {
    const requestId = await completeReport();
    const reports = {
      prefix: 'latest-test',
      neutralizeFormulas: false,
      bom: false,
      encryption: 'S3_MANAGED' as const,
      latestPointer: true,
    };
    const saved = await saveReport(saveInput(requestId, { reports }));
    const pointer = JSON.parse(
      String(await readObject(environment.s3, `latest-test/${WEEKLY.name}/latest.json`)),
    );
    expect(pointer.manifestKey).toBe(saved.manifestKey);
  });

  it('keeps latest.json on a later run when an older period is saved', async () => {
    const reports = {
      prefix: 'latest-order',
      neutralizeFormulas: false,
      bom: false,
      encryption: 'S3_MANAGED' as const,
      latestPointer: true,
    };
    const newer = await saveReport(saveInput(await completeReport(), { reports }));
    const olderRun = { ...completeRun(await completeReport()), scheduledTime: '2026-03-02T12:00:00Z' };
    await saveReport(saveInput(olderRun.requestId, { reports, run: olderRun }));
    const pointer = JSON.parse(
      String(await readObject(environment.s3, `latest-order/${WEEKLY.name}/latest.json`)),
    );
    expect(pointer.manifestKey).toBe(newer.manifestKey);
  });

  it('returns the saved report when a retried step finds its manifest', async () => {
    const requestId = await completeReport();
    const first = await saveReport(saveInput(requestId));
    const second = await saveReport(saveInput(requestId, { openSource: async () => failingSource(10) }));
    expect(second.sha256).toBe(first.sha256);
  });
});

describe('checksumsEnabled', () => {
  it.each([undefined, '', 'true', 'TRUE', '1', 'on', 'yes'])('reads %j as on', (value) => {
    expect(checksumsEnabled(value)).toBe(true);
  });

  it.each(['false', 'False', '0', 'off', 'no'])('reads %j as off', (value) => {
    expect(checksumsEnabled(value)).toBe(false);
  });

  it('rejects another value', () => {
    expect(() => checksumsEnabled('maybe')).toThrow(/REPORT_S3_CHECKSUMS is "maybe"/);
  });
});
