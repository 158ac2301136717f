import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { createAuditStore } from '../../lib/roster/audit';
import { type DeadLetter, listDeadLetters } from '../../lib/roster/dead-letters';
import { type LocalStack, startLocalStack } from '../../local/stack';
import type { FaultKind } from '../../local/talent-simulator/faults';
import type { SimulatedUser } from '../../local/talent-simulator/server';
import { type ChaosSecrets, planDeliveries, signedRequest } from './chaos-deliveries';
import {
  CHAOS_SOURCES,
  type ChaosEvent,
  type ExpectedUser,
  expectedUser,
  generateHistory,
} from './chaos-history';

/**
 * The chaos run: thousands of signed webhook deliveries over HTTP to the local stack, with repeats,
 * reordered deliveries and transient Talent faults, then a comparison of the simulator's users with
 * the roster the generated history must produce. Shared by the test suite (reduced size) and
 * `npm run chaos` (full size).
 */

export interface ChaosOptions {
  people: number;
  /** Average events per person; the run sends about people × eventsPerPerson × (1 + duplicateShare). */
  eventsPerPerson: number;
  duplicateShare?: number;
  reorderShare?: number;
  /** Share of Talent API requests that fail with a transient fault. */
  faultRate?: number;
  faultKinds?: FaultKind[];
  /** People whose last event moves them onto an address another Talent user has: a permanent failure. */
  conflicts?: number;
  /** Messages with a body that is not a roster event, put on the queue as a faulty producer would. */
  malformedMessages?: number;
  /** Deliveries in flight at once. */
  concurrency?: number;
  seed?: number;
  /** Milliseconds to wait for the queue to drain. */
  drainTimeoutMs?: number;
}

export interface ChaosReport {
  people: number;
  providers: string[];
  deliveries: number;
  uniqueEvents: number;
  duplicates: number;
  reorders: number;
  /** Webhook responses by status code. */
  statuses: Record<string, number>;
  talentRequests: number;
  faultsInjected: Record<string, number>;
  /** createUser requests that Talent answered 201, and 409 (the user existed already). */
  usersCreated: number;
  createConflicts: number;
  expectedUsers: number;
  actualUsers: number;
  mismatches: string[];
  deadLetters: { count: number; reasons: string[]; entries: DeadLetter[] };
  /** Event ids expected in the dead-letter queue; nothing else may be there. */
  expectedDeadLetters: number;
  wallMs: number;
}

const SECRETS: ChaosSecrets = {
  generic: 'chaos-generic-signing-secret',
  merge: 'chaos-merge-signature-key',
  standardWebhooks: `whsec_${Buffer.from('chaos-standard-webhooks-key-0001').toString('base64')}`,
};

const TALENT_TOKEN = 'chaos-system-token';

/** Seeded Talent users that the conflicting people try to move onto. */
function takenEmail(index: number): string {
  return `taken${index}@chaos.district.example.org`;
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const startedMs = Date.now();
  const conflicts = options.conflicts ?? 2;
  const stack = await startChaosStack(conflicts);
  try {
    return await driveChaos(stack, options, conflicts, startedMs);
  } finally {
    await stack.close();
  }
}

async function startChaosStack(conflicts: number): Promise<LocalStack> {
  const dir = mkdtempSync(join(tmpdir(), 'talent-sync-chaos-'));
  const config = {
    talent: {
      baseUrl: 'https://api.torshtalent.com/api/v2',
      tokenSecretName: 'chaos/talent-token',
      // The client's own limit, raised for a loopback simulator; faults come from the injector.
      requestsPerSecond: 100,
      maxRetries: 6,
    },
    roster: {
      sources: [
        { name: CHAOS_SOURCES.generic, provider: 'generic', signingSecretName: 'chaos/generic' },
        { name: CHAOS_SOURCES.merge, provider: 'merge', signingSecretName: 'chaos/merge' },
        {
          name: CHAOS_SOURCES['standard-webhooks'],
          provider: 'standard-webhooks',
          signingSecretName: 'chaos/standard-webhooks',
        },
      ],
      defaultRole: 'Teacher',
      roleRules: [
        { when: { jobTitle: { pattern: 'coach' } }, role: 'Coach' },
        { when: { jobTitle: { pattern: 'principal|director' } }, role: 'Admin' },
      ],
      groupRules: [{ when: {}, groups: ['School: {school}'] }],
      terminationAction: 'deactivate',
      suppressInvite: true,
    },
  };
  const secrets = {
    'chaos/talent-token': TALENT_TOKEN,
    'chaos/generic': SECRETS.generic,
    'chaos/merge': SECRETS.merge,
    'chaos/standard-webhooks': SECRETS.standardWebhooks,
  };
  const seed = {
    users: Array.from({ length: conflicts }, (_, index) => ({
      email: takenEmail(index),
      role: 'Teacher',
      name: `Taken ${index}`,
      status: 'Active' as const,
      groups: [],
    })),
  };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  writeFileSync(join(dir, 'secrets.json'), JSON.stringify(secrets));
  writeFileSync(join(dir, 'seed.json'), JSON.stringify(seed));
  return startLocalStack({
    configPath: join(dir, 'config.json'),
    secretsPath: join(dir, 'secrets.json'),
    seedPath: join(dir, 'seed.json'),
    stateDir: dir,
  });
}

async function driveChaos(
  stack: LocalStack,
  options: ChaosOptions,
  conflicts: number,
  startedMs: number,
): Promise<ChaosReport> {
  const seed = options.seed ?? 7;
  const history = generateHistory(options.people, options.eventsPerPerson, seed);
  const plan = planDeliveries(history.people, {
    duplicateShare: options.duplicateShare ?? 0.1,
    reorderShare: options.reorderShare ?? 0.1,
    seed: seed + 1,
  });
  const seededUsers = stack.simulator.users();

  stack.simulator.setFaults({
    rate: options.faultRate ?? 0.2,
    kinds: options.faultKinds ?? ['429', '500', '502', '503', 'drop'],
    // The client honours Retry-After; 0 keeps a 429 as frequent as the other faults without sleeping.
    retryAfterSeconds: 0,
    seed,
  });

  const statuses: Record<string, number> = {};
  const record = (status: number) => {
    statuses[status] = (statuses[status] ?? 0) + 1;
  };
  // Invalid on purpose: each conflicting person is hired, then moved onto a seeded user's address.
  // They go first, so that their retries until the dead-letter queue overlap the main deliveries.
  const conflictHistories = conflictingPeople(conflicts);
  const malformed = options.malformedMessages ?? 1;
  for (let index = 0; index < malformed; index += 1) await sendMalformedMessage(stack, index);
  const conflictDeliveries = conflictHistories
    .flat()
    .map((event) => ({ group: event.person.employeeId, event }));
  await sendInGroupOrder(
    [
      ...conflictDeliveries,
      ...plan.deliveries.map((delivery) => ({ group: delivery.group, event: delivery.event })),
    ],
    options.concurrency ?? 8,
    async (event) => record(await send(stack, event)),
  );

  await stack.drainRoster(options.drainTimeoutMs ?? 600_000);
  stack.simulator.setFaults(undefined);

  const expected = new Map<string, ExpectedUser>();
  for (const people of [...history.people, ...conflictHistories.map((events) => events.slice(0, 1))]) {
    const user = expectedUser(people);
    expected.set(user.email, user);
  }
  const actual = stack.simulator
    .users()
    .filter((user) => !seededUsers.some((seeded) => seeded.email === user.email));
  const mismatches = compareUsers(expected, actual);
  for (const seeded of seededUsers) {
    const now = stack.simulator.users().find((user) => user.email === seeded.email);
    if (JSON.stringify(now) !== JSON.stringify(seeded))
      mismatches.push(`${seeded.email}: the seeded user changed`);
  }

  const log = stack.simulator.requestLog();
  const faultsInjected: Record<string, number> = {};
  for (const entry of log) {
    if (entry.fault) faultsInjected[entry.fault] = (faultsInjected[entry.fault] ?? 0) + 1;
  }
  const creates = log.filter((entry) => entry.operationId === 'createUser' && !entry.fault);

  const deadLetters = await listDeadLetters({
    sqs: stack.sqs,
    deadLetterQueueUrl: stack.deadLetterQueueUrl,
    audit: createAuditStore({ tableName: stack.auditTableName }),
  });

  return {
    people: options.people + conflicts,
    providers: Object.keys(CHAOS_SOURCES),
    deliveries: plan.deliveries.length + conflictHistories.flat().length,
    uniqueEvents: history.people.flat().length + conflictHistories.flat().length,
    duplicates: plan.duplicates,
    reorders: plan.reorders,
    statuses,
    talentRequests: log.length,
    faultsInjected,
    usersCreated: creates.filter((entry) => entry.status === 201).length,
    createConflicts: creates.filter((entry) => entry.status === 409).length,
    expectedUsers: expected.size,
    actualUsers: actual.length,
    mismatches,
    deadLetters: {
      count: deadLetters.length,
      reasons: [...new Set(deadLetters.map((letter) => letter.reason))].sort(),
      entries: deadLetters,
    },
    expectedDeadLetters: conflicts + malformed,
    wallMs: Date.now() - startedMs,
  };
}

/** Two events per conflicting person: a hire at an address of their own, then a move onto a taken one. */
function conflictingPeople(count: number): ChaosEvent[][] {
  return Array.from({ length: count }, (_, index) => {
    const person = {
      employeeId: `C${String(index).padStart(5, '0')}`,
      email: `conflict${index}@chaos.district.example.org`,
      firstName: 'Cora',
      lastName: `Conflict ${index}`,
      jobTitle: 'Teacher',
      department: 'Instruction',
      school: 'Maple Elementary',
    };
    const base = Date.UTC(2026, 0, 6, 8, 0, 0) + index;
    const event = (kind: ChaosEvent['kind'], at: number, email: string): ChaosEvent => ({
      id: `chaos-${person.employeeId}-${at}`,
      source: CHAOS_SOURCES.generic,
      provider: 'generic',
      kind,
      occurredAt: new Date(base + at * 60_000).toISOString(),
      person: { ...person, email },
      index: at,
    });
    return [event('hire', 0, person.email), event('email-change', 1, takenEmail(index))];
  });
}

async function send(stack: LocalStack, event: ChaosEvent): Promise<number> {
  const request = signedRequest(event, SECRETS, new Date());
  const response = await fetch(`${stack.endpoints.webhookBaseUrl}/${request.source}`, {
    method: 'POST',
    headers: request.headers,
    body: request.body,
  });
  await response.arrayBuffer();
  return response.status;
}

/** A body that passes no schema, as a producer bug would send; the apply function can never apply it. */
async function sendMalformedMessage(stack: LocalStack, index: number): Promise<void> {
  await stack.sqs.send(
    new SendMessageCommand({
      QueueUrl: stack.queueUrl,
      MessageBody: JSON.stringify({ eventId: `malformed-${index}`, source: CHAOS_SOURCES.generic }),
      MessageGroupId: `malformed#${index}`,
      MessageDeduplicationId: `malformed-${index}`,
    }),
  );
}

/**
 * Sends the deliveries with up to `concurrency` in flight, one at a time per group, in list order
 * within a group: one person's deliveries reach the FIFO queue in the planned order.
 */
async function sendInGroupOrder<T>(
  items: { group: string; event: T }[],
  concurrency: number,
  sendOne: (event: T) => Promise<void>,
): Promise<void> {
  const tails = new Map<string, Promise<void>>();
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  const acquire = async () => {
    if (inFlight < concurrency) {
      inFlight += 1;
      return;
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else inFlight -= 1;
  };

  for (const item of items) {
    const previous = tails.get(item.group) ?? Promise.resolve();
    const current = previous.then(async () => {
      await acquire();
      try {
        await sendOne(item.event);
      } finally {
        release();
      }
    });
    tails.set(item.group, current);
  }
  await Promise.all(tails.values());
}

/** Lists every difference between the expected and the actual users, by e-mail. */
export function compareUsers(
  expected: Map<string, ExpectedUser>,
  actual: readonly SimulatedUser[],
): string[] {
  const mismatches: string[] = [];
  const byEmail = new Map(actual.map((user) => [user.email, user]));
  for (const [email, want] of expected) {
    const user = byEmail.get(email);
    if (!user) {
      mismatches.push(`${email}: missing`);
      continue;
    }
    const got = {
      email: user.email,
      name: user.name,
      role: user.role,
      groups: [...user.groups].sort(),
      status: user.status,
    };
    for (const field of ['name', 'role', 'status'] as const) {
      if (got[field] !== want[field])
        mismatches.push(`${email}: ${field} is ${got[field]}, expected ${want[field]}`);
    }
    if (JSON.stringify(got.groups) !== JSON.stringify([...want.groups].sort())) {
      mismatches.push(`${email}: groups are ${got.groups.join(', ')}, expected ${want.groups.join(', ')}`);
    }
  }
  for (const user of actual) {
    if (!expected.has(user.email)) mismatches.push(`${user.email}: unexpected user`);
  }
  return mismatches;
}
