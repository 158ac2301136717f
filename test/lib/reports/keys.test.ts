import { describe, expect, it } from 'vitest';
import { compactUtcTimestamp, reportKeys, safeKeyPart } from '../../../lib/reports/keys';

const base = {
  prefix: 'reports',
  schedule: 'coaching-weekly',
  timeZone: 'America/Chicago',
  scheduledTime: new Date('2026-03-09T11:00:00Z'),
  requestId: 'export_abc123',
};

describe('reportKeys', () => {
  it('builds the CSV key', () => {
    expect(reportKeys(base).key).toBe(
      'reports/coaching-weekly/date=2026-03-09/coaching-weekly_20260309T110000Z_export_abc123.csv',
    );
  });

  it('puts the manifest beside the CSV', () => {
    expect(reportKeys(base).manifestKey).toBe(
      'reports/coaching-weekly/date=2026-03-09/coaching-weekly_20260309T110000Z_export_abc123.manifest.json',
    );
  });

  it('dates the partition by the local day and stamps the UTC time', () => {
    // 00:30 in Berlin on 30 March is 22:30 UTC on 29 March.
    const keys = reportKeys({
      ...base,
      timeZone: 'Europe/Berlin',
      scheduledTime: new Date('2026-03-29T22:30:00Z'),
    });
    expect(keys.key).toBe(
      'reports/coaching-weekly/date=2026-03-30/coaching-weekly_20260329T223000Z_export_abc123.csv',
    );
  });

  it('keeps a nested prefix', () => {
    expect(
      reportKeys({ ...base, prefix: 'talent/reports' }).key.startsWith('talent/reports/coaching-weekly/'),
    ).toBe(true);
  });

  it('replaces slashes in the request id', () => {
    expect(reportKeys({ ...base, requestId: '../x/y' }).key).toBe(
      'reports/coaching-weekly/date=2026-03-09/coaching-weekly_20260309T110000Z_.._x_y.csv',
    );
  });
});

describe('compactUtcTimestamp', () => {
  it('formats as YYYYMMDDTHHmmssZ and drops milliseconds', () => {
    expect(compactUtcTimestamp(new Date('2026-01-02T03:04:05.678Z'))).toBe('20260102T030405Z');
  });
});

describe('safeKeyPart', () => {
  it('keeps letters, digits, dot, underscore and hyphen', () => {
    expect(safeKeyPart('export_AZaz09.-')).toBe('export_AZaz09.-');
  });

  it('replaces spaces, non-ASCII and URL characters', () => {
    expect(safeKeyPart('a b?c#d%é+')).toBe('a_b_c_d___');
  });

  it('truncates to 128 characters', () => {
    expect(safeKeyPart('x'.repeat(300))).toHaveLength(128);
  });
});
