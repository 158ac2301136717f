import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_TYPES } from '../../lib/config/schema';
import type { ReportManifest } from '../../lib/reports/manifest';
import { type LocalStack, type ReportRunResult, startLocalStack } from '../../local/stack';

// Report delivery end to end on the local stack: the state machine from the synthesized template, its
// tasks bound to the real handlers, the Talent simulator over HTTP and s3rver.

const FAIL_EMAIL = 'fails@district.example.org';
const STALL_EMAIL = 'stalls@district.example.org';
const EMAIL = 'data.team@district.example.org';
const FILTER_TYPES = REPORT_TYPES.filter((type) => type !== 'reportBuilder');

function schedule(name: string, extra: Record<string, unknown>) {
  return { name, cron: 'cron(0 6 * * ? *)', timeZone: 'America/Chicago', ...extra };
}

function testConfigFile(): string {
  const config = JSON.parse(readFileSync('examples/talent-sync.config.json', 'utf8'));
  config.reports = {
    prefix: 'reports',
    neutralizeFormulas: true,
    latestPointer: true,
    // Wait states pause a few milliseconds locally, but the seconds still count towards the timeout.
    poll: { initialWaitSeconds: 1, backoffFactor: 2, maxWaitSeconds: 8, timeoutSeconds: 60 },
    schedules: [
      ...FILTER_TYPES.map((report) =>
        schedule(`type-${report.toLowerCase()}`, {
          report,
          email: EMAIL,
          filterOptions: { systemIds: ['system-local'] },
          dateRange: { preset: 'previousDay' },
        }),
      ),
      schedule('builder-export', { report: 'reportBuilder', reportId: 'savedReport123abc' }),
      schedule('builder-live', { report: 'reportBuilder', reportId: 'savedReport123abc', mode: 'live' }),
      schedule('failing', { report: 'goals', email: FAIL_EMAIL, filterOptions: {} }),
      schedule('stalling', { report: 'goals', email: STALL_EMAIL, filterOptions: {} }),
      schedule('weekly', {
        report: 'observations',
        email: EMAIL,
        filterOptions: {},
        dateRange: { preset: 'previousWeek' },
      }),
    ],
  };
  const file = join(mkdtempSync(join(tmpdir(), 'talent-sync-reports-')), 'config.json');
  writeFileSync(file, JSON.stringify(config));
  return file;
}

let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({
    configPath: testConfigFile(),
    secretsPath: 'examples/secrets.local.json',
    stateDir: mkdtempSync(join(tmpdir(), 'talent-sync-local-')),
    reportPendingMs: 40,
    waitMs: 15,
    simulator: {
      reportOutcome: (request) => {
        if (request.email === FAIL_EMAIL) return 'failed';
        if (request.email === STALL_EMAIL) return 'stalled';
        return 'complete';
      },
    },
  });
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

async function text(key: string): Promise<string> {
  const object = await stack.s3.send(new GetObjectCommand({ Bucket: stack.bucket, Key: key }));
  return (await object.Body?.transformToString('utf8')) ?? '';
}

async function manifestOf(result: ReportRunResult): Promise<ReportManifest> {
  return JSON.parse(await text(String(result.output?.manifestKey))) as ReportManifest;
}

/** The subject and message that the last failed run published to the alert topic. */
function lastAlert(): { subject: string; message: string } {
  const published = stack.alerts.at(-1) as { Subject: string; Message: string };
  return { subject: published.Subject, message: published.Message };
}

describe('every report type', () => {
  it.each(FILTER_TYPES)('saves a %s report with its manifest', async (report) => {
    const result = await stack.runReport(`type-${report.toLowerCase()}`, new Date('2026-03-10T11:00:00Z'));
    const manifest = await manifestOf(result);
    expect(manifest).toMatchObject({ report, rows: 25, filterOptions: { startDate: '2026-03-09' } });
  });
});

describe('Report Builder', () => {
  it('saves an export from its download URL', async () => {
    const result = await stack.runReport('builder-export');
    expect((await manifestOf(result)).rows).toBe(25);
  });

  it('pages the live data into one CSV without a Talent export', async () => {
    const before = stack.simulator.counts().requestReport ?? 0;
    const result = await stack.runReport('builder-live');
    expect((await manifestOf(result)).mode).toBe('live');
    expect(stack.simulator.counts().requestReport ?? 0).toBe(before);
  });

  it('fetches a fresh download URL after the first one expired', async () => {
    // The poll that finds the report complete takes the first URL, and the save step the second.
    stack.simulator.issueExpiredDownloadUrls(2);
    const result = await stack.runReport('builder-export');
    expect(result.ok).toBe(true);
  });
});

describe('failures and alerts', () => {
  it('fails a report that stays pending past the maximum wait', async () => {
    const result = await stack.runReport('stalling');
    expect(result.ok).toBe(false);
  });

  it('alerts that a stalled report timed out', async () => {
    await stack.runReport('stalling');
    expect(lastAlert().subject).toBe('Talent Sync report stalling timed out');
  });

  it('alerts with the reason Talent gives for a failed report', async () => {
    await stack.runReport('failing');
    expect(lastAlert().message).toContain('report processing failed in the simulator');
  });

  it('names the request id in the alert', async () => {
    await stack.runReport('failing');
    expect(lastAlert().message).toMatch(/Request id: +export_/);
  });

  it('gets past a Talent 429 during polling', async () => {
    stack.simulator.failNext(1, '429', 'getReport');
    const result = await stack.runReport('weekly');
    expect(result.ok).toBe(true);
  });
});

describe('idempotent runs', () => {
  it('starts nothing for a duplicate trigger', async () => {
    const time = new Date('2026-02-02T12:00:00Z');
    const first = await stack.startReport('weekly', time);
    const second = await stack.startReport('weekly', time);
    expect(first.started).toBe(true);
    expect(second.started).toBe(false);
  });

  it('writes a new object for a rerun of a period', async () => {
    const time = new Date('2026-02-09T12:00:00Z');
    const first = await stack.startReport('weekly', time);
    const rerun = await stack.startReport('weekly', time, { rerun: true });
    expect(rerun.result?.output?.key).not.toBe(first.result?.output?.key);
  });

  it('points latest.json at the newest manifest', async () => {
    const result = await stack.runReport('weekly', new Date('2030-01-07T12:00:00Z'));
    const pointer = JSON.parse(await text('reports/weekly/latest.json'));
    expect(pointer.manifestKey).toBe(result.output?.manifestKey);
  });
});

describe('dates', () => {
  it('resolves the previous week across the spring daylight-saving change', async () => {
    // Monday 2026-03-09 06:00 in Chicago, the day after clocks moved forward.
    const result = await stack.runReport('weekly', new Date('2026-03-09T11:00:00Z'));
    expect((await manifestOf(result)).period).toEqual({ start: '2026-03-02', end: '2026-03-08' });
  });

  it('files the run under its local date', async () => {
    const result = await stack.runReport('weekly', new Date('2026-03-09T04:30:00Z'));
    expect(String(result.output?.key)).toContain('/date=2026-03-08/');
  });
});

describe('CSV', () => {
  it('keeps a cell with a comma, a quote, a newline and a leading = as one neutralised value', async () => {
    const result = await stack.runReport('type-goals', new Date('2026-03-10T11:00:00Z'));
    const rows = parse(await text(String(result.output?.key)), { columns: true }) as Record<string, string>[];
    expect(rows.map((row) => row.note)).toContain(`'=SUM(A1), "total"\nnext line`);
  });
});
