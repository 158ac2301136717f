import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BUILDER_COLUMNS, builderRow, csvField, TRICKY_TEXTS } from '../../../local/talent-simulator/reports';
import { startTalentSimulator, type TalentSimulator } from '../../../local/talent-simulator/server';
import { call, parseCsv } from './support';

const START = Date.UTC(2025, 2, 3, 8, 0, 0);
const PENDING_MS = 1000;
const TTL_MS = 60_000;
let clock = START;
let simulator: TalentSimulator;

beforeAll(async () => {
  simulator = await startTalentSimulator({
    validateResponses: true,
    now: () => clock,
    reportPendingMs: PENDING_MS,
    downloadUrlTtlMs: TTL_MS,
    reportRows: 12,
    reportOutcome: (request) => (request.report === 'forumUsage' ? 'failed' : 'complete'),
  });
});

afterEach(() => {
  expect(simulator.responseViolations()).toEqual([]);
  simulator.reset();
  clock = START;
});

afterAll(async () => {
  await simulator.close();
});

const goalsRequest = {
  report: 'goals',
  email: 'data.team@district.example.org',
  filterOptions: { startDate: '2025-03-01', endDate: '2025-03-02' },
};

async function requestReport(body: unknown): Promise<string> {
  const result = await call(simulator.url, 'POST', '/reports', { body });
  expect(result.status).toBe(200);
  return result.body.insightsReportRequestId as string;
}

describe('report lifecycle', () => {
  it('returns an export id', async () => {
    const reportId = await requestReport(goalsRequest);
    expect(reportId).toMatch(/^export_[0-9a-f]{12}$/);
  });

  it('stays pending until the pending time passes', async () => {
    const reportId = await requestReport(goalsRequest);
    clock += PENDING_MS - 1;
    const result = await call(simulator.url, 'GET', `/reports/${reportId}`);
    expect(result.status).toBe(202);
    expect(result.body).toEqual({ reportId, status: 'pending', filterOptions: goalsRequest.filterOptions });
  });

  it('completes with JSON rows for a non-builder type', async () => {
    const reportId = await requestReport(goalsRequest);
    clock += PENDING_MS;
    const result = await call(simulator.url, 'GET', `/reports/${reportId}`);
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({
      reportId,
      status: 'complete',
      filterOptions: goalsRequest.filterOptions,
    });
    expect(result.body.reportData).toHaveLength(12);
  });

  it('generates rows with nested objects and hard text', async () => {
    const reportId = await requestReport(goalsRequest);
    clock += PENDING_MS;
    const rows = (await call(simulator.url, 'GET', `/reports/${reportId}`)).body.reportData;
    expect(rows[0]).toMatchObject({
      rowNumber: 1,
      user: { email: 'user1@district.example.org' },
      metrics: {},
    });
    expect(rows.map((row: { note: string }) => row.note)).toEqual(expect.arrayContaining([...TRICKY_TEXTS]));
  });

  it('generates the same rows for the same report type', async () => {
    const first = await requestReport(goalsRequest);
    const second = await requestReport(goalsRequest);
    clock += PENDING_MS;
    const a = (await call(simulator.url, 'GET', `/reports/${first}`)).body.reportData;
    const b = (await call(simulator.url, 'GET', `/reports/${second}`)).body.reportData;
    expect(a).toEqual(b);
  });

  it('answers 500 with status failed for a failed report', async () => {
    const reportId = await requestReport({ ...goalsRequest, report: 'forumUsage' });
    clock += PENDING_MS;
    const result = await call(simulator.url, 'GET', `/reports/${reportId}`);
    expect(result.status).toBe(500);
    expect(result.body).toEqual({ reportId, status: 'failed', message: expect.any(String) });
  });

  it('answers 404 for an unknown report', async () => {
    const result = await call(simulator.url, 'GET', '/reports/export_unknown');
    expect(result.status).toBe(404);
  });
});

describe('CSV downloads', () => {
  async function completedDownloadUrl(): Promise<string> {
    const reportId = await requestReport({ report: 'reportBuilder', reportId: 'savedReport-observations' });
    clock += PENDING_MS;
    const result = await call(simulator.url, 'GET', `/reports/${reportId}`);
    expect(result.body.status).toBe('complete');
    return result.body.csvDownloadUrl as string;
  }

  it('gives a reportBuilder report a download URL on the simulator', async () => {
    const url = await completedDownloadUrl();
    expect(url).toMatch(
      new RegExp(`^http://127\\.0\\.0\\.1:${simulator.port}/downloads/[0-9a-f]{32}\\.csv$`),
    );
  });

  it('gives a fresh URL on every status request', async () => {
    const reportId = await requestReport({ report: 'reportBuilder', reportId: 'saved-1' });
    clock += PENDING_MS;
    const first = await call(simulator.url, 'GET', `/reports/${reportId}`);
    const second = await call(simulator.url, 'GET', `/reports/${reportId}`);
    expect(first.body.csvDownloadUrl).not.toBe(second.body.csvDownloadUrl);
  });

  it('serves the CSV without a bearer token', async () => {
    const response = await fetch(await completedDownloadUrl());
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  });

  it('serves a header and one RFC 4180 row per report row', async () => {
    const rows = parseCsv(await (await fetch(await completedDownloadUrl())).text());
    expect(rows[0]).toEqual(BUILDER_COLUMNS.map(([, label]) => label));
    expect(rows).toHaveLength(13);
  });

  it('round-trips commas, quotes, line breaks and non-ASCII text', async () => {
    const rows = parseCsv(await (await fetch(await completedDownloadUrl())).text());
    const comments = rows.slice(1).map((row) => row[BUILDER_COLUMNS.findIndex(([key]) => key === 'comment')]);
    expect(comments.slice(0, TRICKY_TEXTS.length)).toEqual([...TRICKY_TEXTS]);
  });

  it('answers 403 after the URL expires', async () => {
    const url = await completedDownloadUrl();
    clock += TTL_MS + 1;
    const response = await fetch(url);
    expect(response.status).toBe(403);
    expect(((await response.json()) as { message: string }).message).toMatch(/expired/);
  });

  it('answers 404 for an unknown download', async () => {
    const response = await fetch(`${simulator.url.replace('/api/v2', '')}/downloads/${'0'.repeat(32)}.csv`);
    expect(response.status).toBe(404);
  });
});

describe('builderCsvStream', () => {
  it('streams ten million rows without building them in memory', async () => {
    const huge = await startTalentSimulator({ reportRows: 10_000_000, reportPendingMs: 0 });
    try {
      const requested = await call(huge.url, 'POST', '/reports', {
        body: { report: 'reportBuilder', reportId: 'r' },
      });
      const status = await call(huge.url, 'GET', `/reports/${requested.body.insightsReportRequestId}`);
      const response = await fetch(status.body.csvDownloadUrl);

      // About 1 GB of CSV: built in memory, it would exceed V8's string length limit before the first byte.
      expect(response.headers.get('content-length')).toBeNull();
      expect(response.headers.get('transfer-encoding')).toBe('chunked');

      const heapBefore = process.memoryUsage().heapUsed;
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      let text = '';
      let received = 0;
      while (received < 8 * 1024 * 1024) {
        const { value, done } = await reader.read();
        if (done) break;
        received += value.length;
        if (text.length < 100_000) text += decoder.decode(value, { stream: true });
      }
      await reader.cancel();
      const heapGrowth = process.memoryUsage().heapUsed - heapBefore;

      const rows = parseCsv(text.slice(0, text.lastIndexOf('\r\n', 50_000) + 2));
      expect(rows[1]?.[0]).toBe('1');
      expect(rows[1]?.[1]).toBe(builderRow(0).teacherEmail);
      expect(received).toBeGreaterThanOrEqual(8 * 1024 * 1024);
      expect(heapGrowth).toBeLessThan(200 * 1024 * 1024);
    } finally {
      await huge.close();
    }
  });
});

describe('csvField', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    [42, '42'],
  ])('writes %j as %j', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });
});

describe('Report Builder data', () => {
  it('pages rows with a default page size of 50', async () => {
    const big = await startTalentSimulator({ reportRows: 120, validateResponses: true });
    try {
      const result = await call(big.url, 'POST', '/reports/reportBuilder/data', {
        body: { filterOptions: {}, pageNumber: 3 },
      });
      expect(result.body.pagination).toEqual({ pageNumber: 3, pageSize: 50, totalRows: 120, pageCount: 3 });
      expect(result.body.reportData).toHaveLength(20);
      expect(result.body.reportData[0]).toEqual(builderRow(100));
      expect(big.responseViolations()).toEqual([]);
    } finally {
      await big.close();
    }
  });

  it('echoes the saved report with its title', async () => {
    const result = await call(simulator.url, 'POST', '/reports/reportBuilder/data', {
      body: { reportId: 'savedReport123abc', pageSize: 10 },
    });
    expect(result.body).toMatchObject({
      reportId: 'savedReport123abc',
      savedReportTitle: 'Monthly Activity Report',
    });
  });

  it('returns an empty page past the end', async () => {
    const result = await call(simulator.url, 'POST', '/reports/reportBuilder/data', {
      body: { filterOptions: {}, pageNumber: 9 },
    });
    expect(result.body.reportData).toEqual([]);
  });
});
