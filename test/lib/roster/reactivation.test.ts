import { describe, expect, it } from 'vitest';
import { reactivatedStatus } from '../../../lib/roster/reactivation';

describe('reactivatedStatus', () => {
  it('reactivates a user who has signed in as Active', () => {
    expect(reactivatedStatus({ lastSeen: '2025-11-30T15:04:05Z' })).toBe('Active');
  });

  it('returns a user who never signed in to Invited', () => {
    expect(reactivatedStatus({ lastSeen: null })).toBe('Invited');
    expect(reactivatedStatus({})).toBe('Invited');
  });
});
