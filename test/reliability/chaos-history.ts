import { mulberry32 } from '../../local/talent-simulator/faults';

/**
 * Generated HRIS histories for the chaos run: people who are hired, change jobs, schools, names and
 * e-mail addresses, leave and come back, each change a full-record event at its own time. The run sends
 * them through the webhook endpoint and compares the simulator with `expectedUser` of each final event.
 */

export type ChaosProvider = 'generic' | 'merge' | 'standard-webhooks';

export const CHAOS_PROVIDERS: readonly ChaosProvider[] = ['generic', 'merge', 'standard-webhooks'];

export type ChaosEventKind = 'hire' | 'update' | 'email-change' | 'terminate' | 'rehire';

export interface ChaosPerson {
  employeeId: string;
  email: string;
  firstName: string;
  lastName: string;
  jobTitle: string;
  department: string;
  school: string;
}

export interface ChaosEvent {
  /** Unique over the run; the delivery id of generic and Standard Webhooks deliveries. */
  id: string;
  source: string;
  provider: ChaosProvider;
  kind: ChaosEventKind;
  /** ISO 8601; strictly increasing within a person. */
  occurredAt: string;
  person: ChaosPerson;
  /** Position in the person's history, from 0. */
  index: number;
}

export interface ChaosHistory {
  people: ChaosEvent[][];
}

const FIRST_NAMES = ['Ava', 'Zoë', "O'Neil", 'Łukasz', 'Mei', 'Bruno', 'Chloé', 'Dmitri', 'Farah', 'Noah'];
const LAST_NAMES = ['Lindqvist', 'Ångström', 'García', 'Nguyen', 'Müller', 'Okafor', 'Tanaka', 'Smith'];
const JOB_TITLES = ['Teacher', 'Instructional Coach', 'Principal', 'Math Teacher', 'Literacy Coach'];
const SCHOOLS = ['Maple Elementary', 'Cedar Middle', 'Birch High', 'Côte Academy', 'Oak Primary'];

/** Sources of the chaos config, one per provider kind. */
export const CHAOS_SOURCES: Record<ChaosProvider, string> = {
  generic: 'hr-generic',
  merge: 'merge',
  'standard-webhooks': 'svix',
};

/**
 * Generates `people` histories of about `eventsPerPerson` events each, spread evenly over the
 * providers. Every history starts with a hire; a leaver's next event, if any, is a rehire.
 */
export function generateHistory(people: number, eventsPerPerson: number, seed: number): ChaosHistory {
  const random = mulberry32(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
  const start = Date.UTC(2026, 0, 5, 8, 0, 0);
  const histories: ChaosEvent[][] = [];

  for (let number = 0; number < people; number += 1) {
    const provider = CHAOS_PROVIDERS[number % CHAOS_PROVIDERS.length] as ChaosProvider;
    const employeeId = `E${String(number).padStart(5, '0')}`;
    let emailVersion = 0;
    let person: ChaosPerson = {
      employeeId,
      email: emailOf(number, emailVersion),
      firstName: pick(FIRST_NAMES),
      lastName: pick(LAST_NAMES),
      jobTitle: pick(JOB_TITLES),
      department: 'Instruction',
      school: pick(SCHOOLS),
    };
    const events: ChaosEvent[] = [];
    let active = true;
    const count = Math.max(2, Math.round(eventsPerPerson * (0.6 + random() * 0.8)));

    for (let index = 0; index < count; index += 1) {
      let kind: ChaosEventKind;
      if (index === 0) kind = 'hire';
      else if (!active) kind = 'rehire';
      else {
        const draw = random();
        kind = draw < 0.07 ? 'terminate' : draw < 0.15 ? 'email-change' : 'update';
      }

      if (kind === 'email-change') {
        emailVersion += 1;
        person = { ...person, email: emailOf(number, emailVersion) };
      } else if (kind === 'update' || kind === 'rehire') {
        person = changeSomething(person, random, pick);
      }
      active = kind !== 'terminate';

      // Minutes apart, and each person offset by milliseconds, so that no two events share a time.
      const occurredAt = new Date(start + index * 60_000 + number).toISOString();
      events.push({
        id: `chaos-${employeeId}-${index}`,
        source: CHAOS_SOURCES[provider],
        provider,
        kind,
        occurredAt,
        person,
        index,
      });
    }
    histories.push(events);
  }
  return { people: histories };
}

function changeSomething(
  person: ChaosPerson,
  random: () => number,
  pick: <T>(values: readonly T[]) => T,
): ChaosPerson {
  const draw = random();
  if (draw < 0.4) return { ...person, school: pick(SCHOOLS) };
  if (draw < 0.75) return { ...person, jobTitle: pick(JOB_TITLES) };
  return { ...person, lastName: pick(LAST_NAMES) };
}

function emailOf(number: number, version: number): string {
  return `person${number}.v${version}@chaos.district.example.org`;
}

/** The Talent user a person's last event leads to, under the chaos config's rules. */
export interface ExpectedUser {
  email: string;
  name: string;
  role: string;
  groups: string[];
  /**
   * `Disabled` for a leaver, otherwise `Invited`: simulated users never sign in, so a rehire returns
   * them to Invited rather than Active.
   */
  status: 'Invited' | 'Disabled';
}

/**
 * Returns the user that the person's history must produce. The chaos run reorders only plain
 * updates, so every hire, e-mail change, termination and rehire is applied in order and the status
 * follows from the history alone.
 */
export function expectedUser(history: readonly ChaosEvent[]): ExpectedUser {
  const last = history[history.length - 1];
  if (!last) throw new Error('A chaos history has at least one event.');
  const { person } = last;
  return {
    email: person.email,
    name: `${person.firstName} ${person.lastName}`,
    role: roleFor(person.jobTitle),
    groups: [`School: ${person.school}`],
    status: last.kind === 'terminate' ? 'Disabled' : 'Invited',
  };
}

/** The role rules of the chaos config, written out independently of lib/roster/rules.ts. */
function roleFor(jobTitle: string): string {
  if (/coach/i.test(jobTitle)) return 'Coach';
  if (/principal|director/i.test(jobTitle)) return 'Admin';
  return 'Teacher';
}
