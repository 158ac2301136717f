import { loadConfigFile } from '../lib/config/load';
import type { Config, TalentRole } from '../lib/config/schema';
import { groupSetKey } from '../lib/roster/reconcile/apply';
import { runReconcile } from '../lib/roster/reconcile/run';
import { parseRosterCsv } from '../lib/roster/reconcile/sources/csv';
import { resolveGroups, resolveRole } from '../lib/roster/rules';
import { createTalentClient } from '../lib/talent/client';
import { mulberry32 } from '../local/talent-simulator/faults';
import { DEFAULT_TOKENS, type SeedUser, startTalentSimulator } from '../local/talent-simulator/server';
import { type Benchmark, round, sizeFromEnv, type TargetCheck } from './harness';

/**
 * Reconciles a seeded 10,000-person roster CSV against the Talent simulator with 20 ms of latency per
 * request and a server-side rate limit, with the client paced to the same rate. It compares the
 * Talent calls with the fewest the difference needs, and the wall time with the time the rate limit
 * alone imposes. `BENCH_RECONCILE_PEOPLE` sets the roster size (default 10000); the shares below
 * scale with it.
 */

const DOMAIN = 'district.example.org';
/** Requests per second on the simulator and in the client: 10,000 people take about 105 s. */
const RATE_PER_SECOND = 100;
const LATENCY_MS = 20;
const SCHOOLS = Array.from({ length: 20 }, (_, index) => `School ${index + 1}`);
const TITLES = ['Teacher', 'Math Teacher', 'Literacy Coach', 'Principal', 'Counselor'];
/** The user list page size that reconcile reads with. */
const LIST_PAGE_SIZE = 200;

/** Shares of the roster, as fractions of the people. */
const SHARES = {
  /** In the roster, not yet in Talent. */
  hires: 0.1,
  /** In Talent and in the roster as leavers. */
  rosterLeavers: 0.03,
  /** In Talent under the owned domain, missing from the roster. */
  missing: 0.02,
  /** Of the people in both: a changed name, a changed role, a new school, Disabled in Talent. */
  renamed: 0.06,
  newRole: 0.03,
  transferred: 0.06,
  disabled: 0.01,
};

interface Scenario {
  csv: string;
  seed: SeedUser[];
  minimum: MinimumCalls;
}

/**
 * The fewest Talent calls that reconciling this difference needs, by what the API offers:
 * - the user list, page by page, and the group list (one page of 21 groups);
 * - one getUser per user the roster keeps, because only it returns a user's groups: the list
 *   carries none, and no endpoint lists a group's members;
 * - one createUsers per role and 100 invites (the bulk create takes one role and no groups), then
 *   one updateUsersGroups per identical group list and 100 users, for the new users and for those
 *   whose groups change;
 * - one updateUser per user whose name, role or status changes, and per leaver who is not an Admin.
 */
interface MinimumCalls {
  listPages: number;
  groupReads: number;
  creates: number;
  groupWrites: number;
  userUpdates: number;
  deactivations: number;
}

function totalOf(minimum: MinimumCalls): number {
  return Object.values(minimum).reduce((sum, value) => sum + value, 0);
}

/** Builds the roster CSV, the Talent users it is compared with, and the minimum calls between them. */
export function reconcileScenario(people: number, config: Config, seed = 11): Scenario {
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const count = (share: number) => Math.round(people * share);
  const batch = config.roster.reconcile.batchSize;

  const rows: string[] = ['employeeId,email,firstName,lastName,jobTitle,school,status'];
  const users: SeedUser[] = [];
  const createsByRole = new Map<TalentRole, number>();
  const groupTargets = new Map<string, number>();
  const minimum: MinimumCalls = {
    listPages: 0,
    groupReads: 0,
    creates: 0,
    groupWrites: 0,
    userUpdates: 0,
    deactivations: 0,
  };

  const hires = count(SHARES.hires);
  const leavers = count(SHARES.rosterLeavers);
  const bands: [keyof typeof SHARES, number][] = [
    ['renamed', count(SHARES.renamed)],
    ['newRole', count(SHARES.newRole)],
    ['transferred', count(SHARES.transferred)],
    ['disabled', count(SHARES.disabled)],
  ];
  for (let index = 0; index < people; index++) {
    const email = `staff${index}@${DOMAIN}`;
    const first = `First${index}`;
    const last = `Last${index}`;
    const jobTitle = pick(TITLES);
    const school = pick(SCHOOLS);
    const person = { email, firstName: first, lastName: last, jobTitle, school, status: 'active' as const };
    const role = resolveRole(person, config.roster);
    const groups = resolveGroups(person, config.roster);
    const leaver = index >= hires && index < hires + leavers;
    rows.push(
      `E${index},${email},${first},${last},${jobTitle},${school},${leaver ? 'terminated' : 'active'}`,
    );

    if (index < hires) {
      createsByRole.set(role, (createsByRole.get(role) ?? 0) + 1);
      const key = groupSetKey(groups);
      groupTargets.set(key, (groupTargets.get(key) ?? 0) + 1);
      continue;
    }

    const user: SeedUser = {
      email,
      role,
      name: `${first} ${last}`,
      status: 'Active',
      groups,
      lastSeen: null,
    };
    users.push(user);
    if (leaver) {
      // Admins stay, because roster.reconcile.deactivateAdmins is off in the example config.
      if (role !== 'Admin') minimum.deactivations += 1;
      continue;
    }
    minimum.groupReads += 1;

    // The people after the hires and leavers fall into the change bands in order.
    let position = index - hires - leavers;
    for (const [band, size] of bands) {
      if (position >= size) {
        position -= size;
        continue;
      }
      if (band === 'renamed') user.name = `${first} Formerly-${last}`;
      if (band === 'newRole') user.role = role === 'Teacher' ? 'Coach' : 'Teacher';
      if (band === 'disabled') {
        user.status = 'Disabled';
        user.lastSeen = '2025-11-03T08:00:00Z';
      }
      if (band === 'transferred') {
        user.groups = [`School: ${pick(SCHOOLS.filter((other) => other !== school))}`];
        const key = groupSetKey(groups);
        groupTargets.set(key, (groupTargets.get(key) ?? 0) + 1);
      } else {
        minimum.userUpdates += 1;
      }
      break;
    }
  }

  const missing = count(SHARES.missing);
  for (let index = 0; index < missing; index++) {
    users.push({
      email: `gone${index}@${DOMAIN}`,
      role: 'Teacher',
      name: `Gone ${index}`,
      status: 'Active',
      groups: [`School: ${pick(SCHOOLS)}`],
      lastSeen: null,
    });
    minimum.deactivations += 1;
  }

  minimum.listPages = Math.max(1, Math.ceil(users.length / LIST_PAGE_SIZE)) + 1;
  for (const created of createsByRole.values()) minimum.creates += Math.ceil(created / batch);
  for (const targets of groupTargets.values()) minimum.groupWrites += Math.ceil(targets / batch);
  return { csv: `${rows.join('\n')}\n`, seed: users, minimum };
}

export interface ReconcileBenchResult {
  people: number;
  talentUsers: number;
  minimum: MinimumCalls;
  calls: number;
  /** Requests the simulator rejected with 429 for the rate limit; they are part of `calls`. */
  rateLimited: number;
  seconds: number;
  failures: number;
  planned: { creates: number; updates: number; deactivations: number };
}

export async function runReconcileBench(people: number): Promise<ReconcileBenchResult> {
  const example = loadConfigFile('examples/talent-sync.config.json');
  const scenario = reconcileScenario(people, example);
  const simulator = await startTalentSimulator({
    latencyMs: LATENCY_MS,
    rateLimit: { requestsPerSecond: RATE_PER_SECOND },
    seed: { users: scenario.seed, groups: SCHOOLS.map((school) => `School: ${school}`) },
  });
  try {
    const config: Config = {
      ...example,
      talent: { ...example.talent, baseUrl: simulator.url, requestsPerSecond: RATE_PER_SECOND },
    };
    const talent = createTalentClient({
      baseUrl: simulator.url,
      token: DEFAULT_TOKENS.system,
      requestsPerSecond: RATE_PER_SECOND,
    });
    const snapshot = parseRosterCsv(scenario.csv, 'bench-roster.csv', config.roster.reconcile.columns);

    const started = performance.now();
    const outcome = await runReconcile({ snapshot, config, talent, apply: true, force: true });
    const seconds = (performance.now() - started) / 1000;

    const log = simulator.requestLog();
    return {
      people,
      talentUsers: scenario.seed.length,
      minimum: scenario.minimum,
      calls: log.length,
      rateLimited: log.filter((entry) => entry.status === 429).length,
      seconds,
      failures: outcome.result?.failures.length ?? 0,
      planned: {
        creates: outcome.plan.creates.length,
        updates: outcome.plan.updates.length,
        deactivations: outcome.plan.deactivations.length,
      },
    };
  } finally {
    await simulator.close();
  }
}

export const reconcileBench: Benchmark = {
  name: 'reconcile',
  title: 'Reconcile',
  async run() {
    const people = sizeFromEnv('BENCH_RECONCILE_PEOPLE');
    const result = await runReconcileBench(people);
    const minimumCalls = totalOf(result.minimum);
    const bound = result.calls / RATE_PER_SECOND;
    const minimumBound = minimumCalls / RATE_PER_SECOND;
    const rows = [
      {
        case: 'reconcile (runReconcile, apply)',
        'Talent calls': result.calls,
        '429 responses': result.rateLimited,
        seconds: round(result.seconds, 1),
      },
      {
        case: `minimum for the difference, at ${RATE_PER_SECOND} req/s`,
        'Talent calls': minimumCalls,
        '429 responses': 0,
        seconds: round(minimumBound, 1),
      },
      {
        case: `rate-limit bound for the calls made (calls ÷ ${RATE_PER_SECOND}/s)`,
        'Talent calls': result.calls,
        '429 responses': 0,
        seconds: round(bound, 1),
      },
    ];
    const callRatio = result.calls / minimumCalls;
    const wallRatio = result.seconds / bound;
    const targets: TargetCheck[] = [
      {
        name: 'Talent calls / minimum',
        measured: `${round(callRatio, 3)}× (${result.calls} / ${minimumCalls})`,
        target: '≤ 1.05×',
        met: callRatio <= 1.05,
      },
      {
        name: 'wall time / rate-limit bound',
        measured: `${round(wallRatio)}× (${round(result.seconds, 1)} s / ${round(bound, 1)} s)`,
        target: '≤ 1.1×',
        met: wallRatio <= 1.1,
      },
      {
        name: 'changes Talent rejected',
        measured: String(result.failures),
        target: '0',
        met: result.failures === 0,
      },
    ];
    const { minimum } = result;
    return {
      rows,
      targets,
      notes: [
        `${result.people} roster rows against ${result.talentUsers} Talent users; the plan creates ` +
          `${result.planned.creates}, updates ${result.planned.updates} and deactivates ` +
          `${result.planned.deactivations}. The simulator answers after ${LATENCY_MS} ms and allows ` +
          `${RATE_PER_SECOND} requests per second (bursts of one second's worth); talent.requestsPerSecond ` +
          `is ${RATE_PER_SECOND}.`,
        `Minimum by part: ${minimum.listPages} list pages, ${minimum.groupReads} group reads, ` +
          `${minimum.creates} bulk creates, ${minimum.groupWrites} bulk group writes, ` +
          `${minimum.userUpdates} user updates, ${minimum.deactivations} deactivations.`,
      ],
    };
  },
};
