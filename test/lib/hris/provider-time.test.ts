import { describe, expect, it } from 'vitest';
import { parseProviderTime, providerTimeOrFallback } from '../../../lib/hris/provider-time';

describe('parseProviderTime', () => {
  it.each([
    ['Unix seconds', '1767225600', '2026-01-01T00:00:00.000Z'],
    ['an offset without colon', '2026-01-31T18:42:00+0000', '2026-01-31T18:42:00.000Z'],
    ['an offset with colon', '2026-01-31T19:42:00+01:00', '2026-01-31T18:42:00.000Z'],
    ['microseconds without zone', '2026-01-01T00:00:00.123456', '2026-01-01T00:00:00.123Z'],
    ['a Z zone', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00.000Z'],
    ['minutes only', '2026-01-01T08:30', '2026-01-01T08:30:00.000Z'],
  ])('reads %s', (_name, value, expected) => {
    expect(parseProviderTime(value)?.toISOString()).toBe(expected);
  });

  it.each(['', 'yesterday', '2026-13-01T00:00:00Z', '2026-01-01'])('rejects %j', (value) => {
    expect(parseProviderTime(value)).toBeUndefined();
  });
});

describe('providerTimeOrFallback', () => {
  it('returns the fallback for a missing value', () => {
    expect(providerTimeOrFallback(undefined, new Date('2026-02-02T00:00:00Z'))).toBe(
      '2026-02-02T00:00:00.000Z',
    );
  });
});
