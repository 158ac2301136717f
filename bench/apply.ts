import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { loadConfigFile } from '../lib/config/load';
import type { Config } from '../lib/config/schema';
import { type ApplyDependencies, applyRosterEvent } from '../lib/roster/apply';
import { auditTableDefinition, createAuditStore } from '../lib/roster/audit';
import type { RosterEvent, RosterPerson } from '../lib/roster/event';
import { KnownGroups } from '../lib/roster/groups';
import { createParkedEventStore } from '../lib/roster/parked';
import { resolveRole } from '../lib/roster/rules';
import { createStateStore } from '../lib/roster/state';
import { countTalentCalls, type RosterTalent } from '../lib/roster/talent';
import { createTalentClient } from '../lib/talent/client';
import { startDynamoDbServer } from '../local/servers';
import { mulberry32 } from '../local/talent-simulator/faults';
import { DEFAULT_TOKENS, startTalentSimulator } from '../local/talent-simulator/server';
import { type Benchmark, round, sizeFromEnv, type TargetCheck } from './harness';

/**
 * Applies a seeded, mixed roster stream through `applyRosterEvent`, with the real state, parked and
 * audit tables on dynalite and the Talent simulator over HTTP. It counts the Talent calls per kind
 * of change and compares them with the fewest calls the Talent API allows for that kind.
 * `BENCH_APPLY_EVENTS` sets the stream length (default 10000).
 */

const SOURCE = 'hr-generic';
const DOMAIN = 'district.example.org';
const STATE_TABLE = 'bench-roster-state';
const AUDIT_TABLE = 'bench-roster-audit';
const SCHOOLS = Array.from({ length: 20 }, (_, index) => `School ${index + 1}`);
/** Titles with the role the example config's role rules give them. */
const TITLES = ['Teacher', 'Math Teacher', 'Literacy Coach', 'Instructional Coach', 'Principal', 'Counselor'];

export type ChangeKind =
  | 'hire'
  | 'name update'
  | 'title update'
  | 'department update'
  | 'transfer'
  | 'e-mail change'
  | 'leaver'
  | 'rehire';

/** Shares of the stream, out of 100. */
const SHARES: [ChangeKind, number][] = [
  ['hire', 20],
  ['name update', 18],
  ['title update', 15],
  ['department update', 10],
  ['transfer', 12],
  ['e-mail change', 7],
  ['leaver', 12],
  ['rehire', 6],
];

/**
 * The fewest Talent calls per event of each kind, apart from making sure groups exist (counted on
 * their own row). Why each is the floor:
 * - hire: one createUser, which carries role, name and groups. No lookup is needed, because the
 *   state table shows that the person never had a user, and a 409 reveals one made by hand.
 * - name update, e-mail change, leaver: one updateUser with the changed field (`email` moves the
 *   user; `status: Disabled` deactivates), since the state table records the address and that the
 *   user is active.
 * - title update: one updateUser when the role rules give a new role, else none.
 * - department update: none, because no rule reads the department, so Talent does not change.
 * - transfer: a getUser and an updateUser. The update replaces the whole group list, and groups
 *   assigned in Talent by hand must stay, so the current groups have to be read first.
 * - rehire: a getUser and an updateUser. The status to restore (Active, or Invited for a user who
 *   never signed in) depends on `lastSeen`, which only Talent knows.
 */
function minimumCalls(kind: ChangeKind, roleChanged: boolean): number {
  switch (kind) {
    case 'department update':
      return 0;
    case 'title update':
      return roleChanged ? 1 : 0;
    case 'transfer':
    case 'rehire':
      return 2;
    default:
      return 1;
  }
}

interface PlannedEvent {
  kind: ChangeKind;
  event: RosterEvent;
  minimum: number;
}

interface Person {
  index: number;
  employeeId: string;
  person: RosterPerson;
  emailVersion: number;
}

/** Builds the stream: each event changes one person, and a person's events come in time order. */
export function rosterStream(count: number, config: Config, seed = 7): PlannedEvent[] {
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const active: Person[] = [];
  const inactive: Person[] = [];
  const planned: PlannedEvent[] = [];
  const start = Date.parse('2026-01-05T08:00:00Z');

  const drawKind = (): ChangeKind => {
    let draw = random() * 100;
    for (const [kind, share] of SHARES) {
      draw -= share;
      if (draw < 0) return kind;
    }
    return 'hire';
  };
  const takeRandom = (people: Person[]): Person => {
    const index = Math.floor(random() * people.length);
    const [person] = people.splice(index, 1);
    return person as Person;
  };

  for (let sequence = 0; sequence < count; sequence++) {
    let kind = drawKind();
    if (kind === 'rehire' && inactive.length === 0) kind = 'hire';
    if (kind !== 'hire' && kind !== 'rehire' && active.length === 0) kind = 'hire';

    let subject: Person;
    let roleChanged = false;
    if (kind === 'hire') {
      const index = active.length + inactive.length;
      const first = `First${index}`;
      subject = {
        index,
        employeeId: `E${String(index).padStart(6, '0')}`,
        emailVersion: 0,
        person: {
          email: `p${index}@${DOMAIN}`,
          firstName: first,
          lastName: `Last${index}`,
          displayName: `${first} Last${index}`,
          jobTitle: pick(TITLES),
          department: 'Instruction',
          school: pick(SCHOOLS),
          status: 'active',
          startDate: '2026-01-05',
        },
      };
      active.push(subject);
    } else if (kind === 'rehire') {
      subject = takeRandom(inactive);
      subject.person = { ...subject.person, status: 'active' };
      active.push(subject);
    } else {
      subject = pick(active);
      const before = subject.person;
      switch (kind) {
        case 'name update':
          subject.person = { ...before, displayName: `${before.firstName} Last${subject.index}-${sequence}` };
          break;
        case 'title update': {
          const jobTitle = pick(TITLES.filter((title) => title !== before.jobTitle));
          subject.person = { ...before, jobTitle };
          roleChanged = resolveRole(before, config.roster) !== resolveRole(subject.person, config.roster);
          break;
        }
        case 'department update':
          subject.person = { ...before, department: `Department ${sequence}` };
          break;
        case 'transfer':
          subject.person = { ...before, school: pick(SCHOOLS.filter((school) => school !== before.school)) };
          break;
        case 'e-mail change':
          subject.emailVersion += 1;
          subject.person = { ...before, email: `p${subject.index}.v${subject.emailVersion}@${DOMAIN}` };
          break;
        default:
          subject.person = { ...before, status: 'inactive' };
          active.splice(active.indexOf(subject), 1);
          inactive.push(subject);
      }
    }

    const occurredAt = new Date(start + sequence * 1000).toISOString();
    planned.push({
      kind,
      minimum: minimumCalls(kind, roleChanged),
      event: {
        eventId: `bench-${sequence}`,
        source: SOURCE,
        employeeId: subject.employeeId,
        action: kind === 'leaver' ? 'terminate' : 'upsert',
        occurredAt,
        receivedAt: occurredAt,
        person: { ...subject.person },
      },
    });
  }
  return planned;
}

export interface KindRow {
  kind: string;
  events: number;
  calls: number;
  minimum: number;
}

export interface ApplyBenchResult {
  rows: KindRow[];
  groupChecks: { calls: number; distinctGroups: number };
  simulatorRequests: number;
  countedCalls: number;
  /** People applied at once. */
  lanes: number;
  failures: number;
  seconds: number;
}

const GROUP_OPERATIONS = new Set(['findGroup', 'createGroup']);

/** Wraps the client so each operation called through it is counted under its name. */
function countByOperation(talent: RosterTalent, counts: Map<string, number>): RosterTalent {
  const counted = {} as Record<string, unknown>;
  for (const name of [
    'getUser',
    'createUser',
    'updateUser',
    'deleteUser',
    'findGroup',
    'createGroup',
  ] as const) {
    const operation = talent[name].bind(talent) as (...args: unknown[]) => Promise<unknown>;
    counted[name] = (...args: unknown[]) => {
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return operation(...args);
    };
  }
  return counted as unknown as RosterTalent;
}

export async function runApplyBench(eventCount: number): Promise<ApplyBenchResult> {
  const dynamo = await startDynamoDbServer();
  const simulator = await startTalentSimulator();
  const base = new DynamoDBClient({
    endpoint: dynamo.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await base.send(
      new CreateTableCommand({
        TableName: STATE_TABLE,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await base.send(new CreateTableCommand(auditTableDefinition(AUDIT_TABLE)));
    const client = DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });

    const example = loadConfigFile('examples/talent-sync.config.json');
    const config: Config = { ...example, talent: { ...example.talent, baseUrl: simulator.url } };
    // Unpaced, because this benchmark counts calls; the reconcile benchmark measures pacing.
    const talent = createTalentClient({
      baseUrl: simulator.url,
      token: DEFAULT_TOKENS.system,
      requestsPerSecond: 10_000,
    });
    const silent = { info() {}, warn() {}, error() {} };
    const shared: ApplyDependencies = {
      config,
      talent,
      state: createStateStore({ tableName: STATE_TABLE, client }),
      parked: createParkedEventStore({ tableName: STATE_TABLE, client }),
      audit: createAuditStore({ tableName: AUDIT_TABLE, client }),
      logger: silent,
      knownGroups: new KnownGroups(),
      // The stream's start dates have begun by this clock, so no hire is parked.
      now: () => new Date('2026-02-01T12:00:00Z'),
    };

    const stream = rosterStream(eventCount, config);
    const byKind = new Map<ChangeKind, KindRow>();
    const groupChecks = { calls: 0, distinctGroups: 0 };
    let countedCalls = 0;
    let failures = 0;

    // A person's events stay in one lane and in order, as in their SQS FIFO message group.
    // People applied at once: the config's apply concurrency, as many apply functions as the queue runs.
    const laneCount = config.roster.apply.maxConcurrency;
    const lanes: PlannedEvent[][] = Array.from({ length: laneCount }, () => []);
    for (const planned of stream) {
      const lane = Number(planned.event.employeeId.slice(1)) % laneCount;
      lanes[lane]?.push(planned);
    }

    const started = performance.now();
    await Promise.all(
      lanes.map(async (lane) => {
        for (const planned of lane) {
          const counts = new Map<string, number>();
          const counter = countTalentCalls(countByOperation(talent, counts));
          try {
            await applyRosterEvent(planned.event, { ...shared, talent: counter.talent });
          } catch {
            failures += 1;
          }
          let userCalls = 0;
          for (const [operation, calls] of counts) {
            countedCalls += calls;
            if (GROUP_OPERATIONS.has(operation)) groupChecks.calls += calls;
            else userCalls += calls;
          }
          const row = byKind.get(planned.kind) ?? { kind: planned.kind, events: 0, calls: 0, minimum: 0 };
          row.events += 1;
          row.calls += userCalls;
          row.minimum += planned.minimum;
          byKind.set(planned.kind, row);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;

    const groups = new Set(stream.map((planned) => planned.event.person.school?.toLowerCase()));
    groupChecks.distinctGroups = groups.size;
    const simulatorRequests = Object.values(simulator.counts()).reduce((sum, value) => sum + value, 0);
    return {
      rows: SHARES.map(([kind]) => byKind.get(kind)).filter((row): row is KindRow => row !== undefined),
      groupChecks,
      simulatorRequests,
      countedCalls,
      failures,
      seconds,
      lanes: laneCount,
    };
  } finally {
    base.destroy();
    await simulator.close();
    await dynamo.close();
  }
}

export const applyBench: Benchmark = {
  name: 'apply',
  title: 'Apply',
  async run() {
    const eventCount = sizeFromEnv('BENCH_APPLY_EVENTS');
    const result = await runApplyBench(eventCount);
    const rows = result.rows.map((row) => ({
      kind: row.kind,
      events: row.events,
      'Talent calls': row.calls,
      'calls per event': round(row.calls / row.events),
      'minimum per event': round(row.minimum / row.events),
    }));
    rows.push({
      kind: 'group existence (per distinct group)',
      events: result.groupChecks.distinctGroups,
      'Talent calls': result.groupChecks.calls,
      'calls per event': round(result.groupChecks.calls / result.groupChecks.distinctGroups),
      'minimum per event': 1,
    });
    const targets: TargetCheck[] = result.rows.map((row) => ({
      name: `${row.kind}: Talent calls / minimum`,
      measured: `${row.calls} / ${row.minimum}`,
      target: '= minimum',
      met: row.calls === row.minimum,
    }));
    targets.push({
      name: 'group existence: calls / distinct groups',
      measured: `${result.groupChecks.calls} / ${result.groupChecks.distinctGroups}`,
      target: '= minimum',
      met: result.groupChecks.calls === result.groupChecks.distinctGroups,
    });
    // The per-kind counts come from the client; the simulator's own counters must agree with their sum.
    targets.push({
      name: 'simulator requests / calls counted per kind',
      measured: `${result.simulatorRequests} / ${result.countedCalls}`,
      target: 'equal',
      met: result.simulatorRequests === result.countedCalls,
    });
    targets.push({
      name: 'events failed',
      measured: String(result.failures),
      target: '0',
      met: result.failures === 0,
    });
    const perSecond = Math.round(eventCount / result.seconds);
    return {
      rows,
      targets,
      notes: [
        `${eventCount} events for ${result.rows.find((row) => row.kind === 'hire')?.events ?? 0} hired people, ` +
          `${result.lanes} people at a time (roster.apply.maxConcurrency), applied in ${round(result.seconds, 1)} s (${perSecond} events/s) ` +
          'through applyRosterEvent with the state, parked and audit tables on dynalite. The Talent ' +
          'client is not paced here, so the rate shows the code path, not a deployed throughput.',
        `The simulator received ${result.simulatorRequests} requests; the per-operation counts add up to ` +
          `${result.countedCalls}.`,
        'Group existence: one shared cache of known groups, as in one warm function; each of the ' +
          `${result.groupChecks.distinctGroups} school groups starts missing in Talent.`,
      ],
    };
  },
};
