import { parseConfig } from '../../../../lib/config/load';
import type { Config } from '../../../../lib/config/schema';
import type { RosterRecord, RosterSnapshot } from '../../../../lib/roster/reconcile/record';

/** Builds a config with the role and group rules of the reconcile tests, and overrides of `roster`. */
export function reconcileConfig(
  roster: Record<string, unknown> = {},
  baseUrl = 'http://127.0.0.1:9/api/v2',
): Config {
  return parseConfig({
    talent: { baseUrl, tokenSecretName: 'talent-sync/talent-token', requestsPerSecond: 100 },
    roster: {
      roleRules: [
        { when: { jobTitle: { pattern: 'coach' } }, role: 'Coach' },
        { when: { employeeType: { pattern: 'administrator|principal' } }, role: 'Admin' },
      ],
      groupRules: [{ when: {}, groups: ['School: {school}'] }],
      suppressInvite: true,
      ...roster,
      reconcile: { domains: ['district.example.org'], ...(roster.reconcile as object | undefined) },
    },
  });
}

let nextRow = 1;

/** Builds a valid active record; `email` is lower-cased like the parsers do. */
export function record(
  email: string,
  person: Partial<RosterRecord['person']> = {},
  employeeId?: string,
): RosterRecord {
  const row = nextRow;
  nextRow += 1;
  return {
    row,
    ...(employeeId ? { employeeId } : {}),
    person: {
      email: email.toLowerCase(),
      firstName: 'Ada',
      lastName: 'Lovelace',
      status: 'active',
      ...person,
    },
  };
}

export function snapshot(records: RosterRecord[], rejected: RosterSnapshot['rejected'] = []): RosterSnapshot {
  return { format: 'csv', name: 'roster.csv', records, rejected };
}
