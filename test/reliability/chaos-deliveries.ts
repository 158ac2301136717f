import { signGenericDelivery, signMergeBody, signStandardWebhook } from '../../lib/hris';
import { mulberry32 } from '../../local/talent-simulator/faults';
import type { ChaosEvent } from './chaos-history';

/** Signing keys of the chaos sources, as the local secrets file stores them. */
export interface ChaosSecrets {
  generic: string;
  merge: string;
  standardWebhooks: string;
}

/** One planned HTTP delivery of an event: the original, or a repeat of it. */
export interface PlannedDelivery {
  event: ChaosEvent;
  /** The person's group, `source#employeeId`: deliveries of one group are sent one at a time. */
  group: string;
  duplicate: boolean;
  /** Sent after the next event of the same person. */
  reordered: boolean;
}

export interface DeliveryPlan {
  deliveries: PlannedDelivery[];
  duplicates: number;
  reorders: number;
}

/**
 * Plans the deliveries of each person's history. About `reorderShare` of the deliveries are plain
 * updates swapped with the update after them, and about `duplicateShare` are repeats of an earlier
 * event of the same person, sent up to three deliveries later. Hires, e-mail changes, terminations and
 * rehires keep their place, because the final state of a leaver or a moved address would otherwise
 * depend on which of two concurrent events the apply function saw first.
 */
export function planDeliveries(
  people: readonly ChaosEvent[][],
  options: { duplicateShare: number; reorderShare: number; seed: number },
): DeliveryPlan {
  const random = mulberry32(options.seed);
  const total = people.reduce((sum, history) => sum + history.length, 0);
  const reorderTarget = Math.round(total * options.reorderShare);
  const duplicateTarget = Math.round(total * options.duplicateShare);

  const sequences = people.map((history) => history.map((event) => planned(event, false)));
  let reorders = 0;
  for (let attempt = 0; reorders < reorderTarget && attempt < total * 20; attempt += 1) {
    const sequence = sequences[Math.floor(random() * sequences.length)] ?? [];
    const at = 1 + Math.floor(random() * Math.max(0, sequence.length - 2));
    const first = sequence[at];
    const second = sequence[at + 1];
    if (!first || !second || first.reordered || second.reordered) continue;
    if (first.event.kind !== 'update' || second.event.kind !== 'update') continue;
    sequence[at] = second;
    sequence[at + 1] = { ...first, reordered: true };
    reorders += 1;
  }

  let duplicates = 0;
  for (let attempt = 0; duplicates < duplicateTarget && attempt < total * 20; attempt += 1) {
    const sequence = sequences[Math.floor(random() * sequences.length)] ?? [];
    if (sequence.length === 0) continue;
    const from = Math.floor(random() * sequence.length);
    const original = sequence[from];
    if (!original || original.duplicate) continue;
    const to = Math.min(sequence.length, from + 1 + Math.floor(random() * 3));
    sequence.splice(to, 0, { ...original, duplicate: true });
    duplicates += 1;
  }

  return { deliveries: interleave(sequences, random), duplicates, reorders };
}

function planned(event: ChaosEvent, duplicate: boolean): PlannedDelivery {
  return { event, group: `${event.source}#${event.person.employeeId}`, duplicate, reordered: false };
}

/** Merges the per-person sequences into one list, keeping each person's order, people mixed at random. */
function interleave(sequences: PlannedDelivery[][], random: () => number): PlannedDelivery[] {
  const cursors = sequences.map(() => 0);
  const open = sequences.map((_, index) => index).filter((index) => (sequences[index]?.length ?? 0) > 0);
  const merged: PlannedDelivery[] = [];
  while (open.length > 0) {
    const slot = Math.floor(random() * open.length);
    const person = open[slot] as number;
    const sequence = sequences[person] ?? [];
    const cursor = cursors[person] ?? 0;
    const next = sequence[cursor];
    if (next) merged.push(next);
    cursors[person] = cursor + 1;
    if (cursor + 1 >= sequence.length) open.splice(slot, 1);
  }
  return merged;
}

/** An HTTP request ready to send: the source path segment, headers and the exact signed body. */
export interface SignedRequest {
  source: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * Builds and signs the request of an event in its provider's format, at `now`. A repeat of a
 * delivery has the same body and delivery id, so it gets the same event id; generic and Standard
 * Webhooks repeats are signed again with the current time, as a sender's retry is.
 */
export function signedRequest(event: ChaosEvent, secrets: ChaosSecrets, now: Date): SignedRequest {
  const seconds = Math.floor(now.getTime() / 1000);
  if (event.provider === 'merge') {
    const body = JSON.stringify(mergeBody(event));
    return {
      source: event.source,
      headers: {
        'content-type': 'application/json',
        'x-merge-webhook-signature': signMergeBody(secrets.merge, body),
      },
      body,
    };
  }

  const body = JSON.stringify({ events: [genericEvent(event)] });
  if (event.provider === 'standard-webhooks') {
    return {
      source: event.source,
      headers: {
        'content-type': 'application/json',
        ...signStandardWebhook(secrets.standardWebhooks, event.id, seconds, body),
      },
      body,
    };
  }
  // Half of the generic deliveries carry a delivery id; the others are deduplicated by their body hash.
  const withId = event.index % 2 === 0;
  return {
    source: event.source,
    headers: {
      'content-type': 'application/json',
      ...signGenericDelivery(secrets.generic, body, seconds),
      ...(withId ? { 'x-talent-sync-delivery-id': event.id } : {}),
    },
    body,
  };
}

const GENERIC_TYPES: Record<ChaosEvent['kind'], string> = {
  hire: 'employee.hired',
  update: 'employee.updated',
  'email-change': 'employee.changed',
  terminate: 'employee.terminated',
  rehire: 'employee.rehired',
};

function genericEvent(event: ChaosEvent): Record<string, unknown> {
  const { person } = event;
  return {
    type: GENERIC_TYPES[event.kind],
    occurredAt: event.occurredAt,
    employee: {
      id: person.employeeId,
      workEmail: person.email,
      firstName: person.firstName,
      lastName: person.lastName,
      jobTitle: person.jobTitle,
      department: person.department,
      school: person.school,
      location: person.school,
      employeeType: 'Full-time',
      status: event.kind === 'terminate' ? 'inactive' : 'active',
      startDate: '2025-08-11',
      ...(event.kind === 'terminate' ? { terminationDate: event.occurredAt.slice(0, 10) } : {}),
    },
  };
}

function mergeBody(event: ChaosEvent): Record<string, unknown> {
  const { person } = event;
  return {
    hook: { event: event.kind === 'hire' ? 'Employee.added' : 'Employee.changed' },
    linked_account: { id: 'chaos-linked-account', integration_slug: 'example-hris', category: 'hris' },
    data: {
      id: `merge-${person.employeeId}`,
      remote_id: person.employeeId,
      work_email: person.email,
      first_name: person.firstName,
      last_name: person.lastName,
      display_full_name: `${person.firstName} ${person.lastName}`,
      employment_status: event.kind === 'terminate' ? 'INACTIVE' : 'ACTIVE',
      start_date: '2025-08-11T00:00:00Z',
      termination_date: event.kind === 'terminate' ? event.occurredAt : null,
      modified_at: event.occurredAt,
      remote_was_deleted: false,
      employments: [
        { id: `employment-${person.employeeId}`, job_title: person.jobTitle, employment_type: 'FULL_TIME' },
      ],
      groups: [{ id: 'department-instruction', name: person.department, type: 'DEPARTMENT' }],
      work_location: { id: `location-${person.school}`, name: person.school },
    },
  };
}
