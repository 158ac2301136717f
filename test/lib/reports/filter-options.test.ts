import { describe, expect, it } from 'vitest';
import { REPORT_TYPES } from '../../../lib/config/schema';
import { ReportInputError } from '../../../lib/reports/errors';
import {
  FILTER_OPTION_FIELDS,
  filterOptionsSchema,
  validateRequestBody,
} from '../../../lib/reports/filter-options';

const EMAIL = 'data.team@district.example.org';

describe('FILTER_OPTION_FIELDS', () => {
  it('has fields for every report type except reportBuilder', () => {
    const types = REPORT_TYPES.filter((type) => type !== 'reportBuilder');
    expect(Object.keys(FILTER_OPTION_FIELDS).sort()).toEqual([...types].sort());
  });
});

describe('filterOptionsSchema', () => {
  it('returns the same schema on a second call', () => {
    expect(filterOptionsSchema('goals')).toBe(filterOptionsSchema('goals'));
  });

  it('checks the fields of its own report type', () => {
    expect(filterOptionsSchema('goals').safeParse({ goalStatus: '' }).success).toBe(false);
  });

  it('leaves the fields of other report types unchecked', () => {
    expect(filterOptionsSchema('videoUsage').safeParse({ goalStatus: '' }).success).toBe(true);
  });
});

describe('validateRequestBody', () => {
  it.each(REPORT_TYPES.filter((type) => type !== 'reportBuilder'))(
    'accepts dated filter options for %s',
    (report) => {
      const body = {
        report,
        email: EMAIL,
        filterOptions: { startDate: '2026-03-02', endDate: '2026-03-08' },
      };
      expect(() => validateRequestBody('s', body)).not.toThrow();
    },
  );

  it('accepts keys it does not know', () => {
    const body = { report: 'videoUsage' as const, email: EMAIL, filterOptions: { tenantFilter: 'x' } };
    expect(() => validateRequestBody('s', body)).not.toThrow();
  });

  it('rejects a date that is not YYYY-MM-DD', () => {
    const body = { report: 'videoUsage' as const, email: EMAIL, filterOptions: { startDate: '03/02/2026' } };
    expect(() => validateRequestBody('s', body)).toThrow(/filterOptions\.startDate/);
  });

  it('rejects an end date before the start date', () => {
    const filterOptions = { startDate: '2026-03-08', endDate: '2026-03-02' };
    const body = { report: 'goals' as const, email: EMAIL, filterOptions };
    expect(() => validateRequestBody('s', body)).toThrow(
      /filterOptions\.endDate: must not be before startDate/,
    );
  });

  it('rejects ids that are not a list', () => {
    const body = { report: 'rubricUsage' as const, email: EMAIL, filterOptions: { rubricIds: 'r1' } };
    expect(() => validateRequestBody('s', body)).toThrow(/filterOptions\.rubricIds/);
  });

  it('rejects missing filter options', () => {
    const body = { report: 'accountUsage' as const, email: EMAIL };
    expect(() => validateRequestBody('s', body)).toThrow(ReportInputError);
  });

  it('rejects a report without a run-as e-mail', () => {
    const body = { report: 'accountUsage' as const, filterOptions: {} };
    expect(() => validateRequestBody('s', body)).toThrow(/email: is required for accountUsage/);
  });

  it('accepts reportBuilder with a saved report id only', () => {
    expect(() => validateRequestBody('s', { report: 'reportBuilder', reportId: 'saved-1' })).not.toThrow();
  });

  it('rejects filter options for reportBuilder', () => {
    const body = { report: 'reportBuilder' as const, reportId: 'saved-1', filterOptions: {} };
    expect(() => validateRequestBody('s', body)).toThrow(/filterOptions: is not accepted for reportBuilder/);
  });

  it('names the schedule in the error', () => {
    expect(() => validateRequestBody('nightly', { report: 'reportBuilder' })).toThrow(/Schedule "nightly"/);
  });
});
