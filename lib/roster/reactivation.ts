import type { TalentUserStatus } from '../talent/client';

/**
 * Returns the status a Disabled user gets back on a rehire. A user who never signed in (no
 * `lastSeen`) never accepted the invitation, so they return to Invited rather than Active: only
 * accepting the invitation activates a Talent user.
 */
export function reactivatedStatus(user: { lastSeen?: string | null }): TalentUserStatus {
  return user.lastSeen ? 'Active' : 'Invited';
}
