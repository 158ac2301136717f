import { describe, expect, it } from 'vitest';
import { backoffDelayMs, MAX_DELAY_MS, parseRetryAfterMs } from '../../../lib/talent/retry';

const NOW = Date.UTC(2025, 0, 1, 12, 0, 0);

describe('parseRetryAfterMs', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfterMs('7', NOW)).toBe(7000);
  });

  it('reads an HTTP date', () => {
    expect(parseRetryAfterMs('Wed, 01 Jan 2025 12:00:30 GMT', NOW)).toBe(30_000);
  });

  it('gives 0 for a date in the past', () => {
    expect(parseRetryAfterMs('Wed, 01 Jan 2025 11:00:00 GMT', NOW)).toBe(0);
  });

  it('returns undefined without a header', () => {
    expect(parseRetryAfterMs(null, NOW)).toBeUndefined();
  });

  it('returns undefined for an unreadable value', () => {
    expect(parseRetryAfterMs('soon', NOW)).toBeUndefined();
  });

  it.each(['-5', '1.5'])('returns undefined for the number %s', (value) => {
    expect(parseRetryAfterMs(value, NOW)).toBeUndefined();
  });
});

describe('backoffDelayMs', () => {
  it.each([
    [1, 200],
    [2, 400],
    [3, 800],
    [10, MAX_DELAY_MS],
  ])('caps retry %i at %i ms', (attempt, ceiling) => {
    expect(backoffDelayMs(attempt, () => 0.999_999)).toBe(ceiling - 1);
  });

  it('draws from zero upward', () => {
    expect(backoffDelayMs(3, () => 0)).toBe(0);
  });
});
