import { describe, expect, it } from 'vitest';
import { buildManifest, type ManifestInput } from '../../../lib/reports/manifest';

const input: ManifestInput = {
  schedule: 'coaching-weekly',
  report: 'coachingFrequency',
  requestId: 'export_1',
  filterOptions: { startDate: '2026-03-02', endDate: '2026-03-08' },
  period: { start: '2026-03-02', end: '2026-03-08' },
  rows: 2,
  bytes: 42,
  sha256: 'ab'.repeat(32),
  key: 'reports/coaching-weekly/date=2026-03-09/x.csv',
  scheduledTime: '2026-03-09T11:00:00Z',
  startedAt: '2026-03-09T11:00:01.000Z',
  finishedAt: new Date('2026-03-09T11:02:00Z'),
};

describe('buildManifest', () => {
  it('lists every field of a JSON report', () => {
    expect(buildManifest(input)).toEqual({
      schedule: 'coaching-weekly',
      report: 'coachingFrequency',
      mode: 'export',
      requestId: 'export_1',
      filterOptions: { startDate: '2026-03-02', endDate: '2026-03-08' },
      period: { start: '2026-03-02', end: '2026-03-08' },
      rows: 2,
      bytes: 42,
      sha256: 'ab'.repeat(32),
      contentType: 'text/csv; charset=utf-8',
      key: 'reports/coaching-weekly/date=2026-03-09/x.csv',
      scheduledTime: '2026-03-09T11:00:00Z',
      startedAt: '2026-03-09T11:00:01.000Z',
      finishedAt: '2026-03-09T11:02:00.000Z',
      version: 1,
    });
  });

  it('writes null filter options and the saved report id for Report Builder', () => {
    const manifest = buildManifest({
      ...input,
      report: 'reportBuilder',
      reportId: 'savedReport-1',
      filterOptions: undefined,
      period: undefined,
    });
    expect(manifest.filterOptions).toBeNull();
    expect(manifest.reportId).toBe('savedReport-1');
  });

  it('leaves out an absent period and report id', () => {
    const manifest = buildManifest({ ...input, period: undefined });
    expect(Object.keys(manifest)).not.toContain('period');
    expect(Object.keys(manifest)).not.toContain('reportId');
  });

  it('lists the unmapped columns of a live run', () => {
    const manifest = buildManifest({ ...input, mode: 'live', unmappedColumns: ['extra'] });
    expect(manifest.unmappedColumns).toEqual(['extra']);
  });

  it('leaves out an empty list of unmapped columns', () => {
    expect(buildManifest({ ...input, unmappedColumns: [] })).not.toHaveProperty('unmappedColumns');
  });
});
