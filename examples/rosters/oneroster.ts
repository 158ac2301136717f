import { strToU8, zipSync } from 'fflate';

/**
 * A seeded generator of OneRoster CSV exports for tests, benchmarks and demos. The same options
 * always give the same files, so tests can compute the expected Talent state from the people.
 */

export interface GeneratedPerson {
  sourcedId: string;
  identifier: string;
  givenName: string;
  familyName: string;
  email: string;
  role: string;
  /** The school's name, as orgs.csv lists it. */
  school: string;
  enabled: boolean;
}

export interface OneRosterExport {
  people: GeneratedPerson[];
  /** File name to CSV text: manifest.csv, orgs.csv, users.csv and, for 1.2, roles.csv. */
  files: Record<string, string>;
}

export interface GenerateOptions {
  people: number;
  seed: number;
  version: '1.1' | '1.2';
  /** Staff e-mail domain; students get `students.<domain>`. */
  domain?: string;
  schools?: number;
  /** Share of people who are students, which a staff sync leaves out. Default 0.1. */
  studentShare?: number;
  /** Share of staff whose `enabledUser` is false. Default 0.02. */
  disabledShare?: number;
}

const GIVEN = [
  'Ada',
  'Grace',
  'Alan',
  'Edsger',
  'Barbara',
  'Donald',
  'Frances',
  'John',
  'Radia',
  'Ken',
  'Margaret',
  'Niklaus',
];
const FAMILY = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Dijkstra',
  'Liskov',
  'Knuth',
  'Allen',
  'Backus',
  'Perlman',
  'Thompson',
  'Hamilton',
  'Wirth',
];
const SCHOOL_NAMES = [
  'Lincoln Elementary',
  'Adams Middle',
  'Jefferson High',
  'Roosevelt Middle',
  'Madison Elementary',
  'Monroe High',
  'Jackson Elementary',
  'Grant Middle',
];
/** Staff roles with their weights, roughly a district's mix. */
const STAFF_ROLES: [string, number][] = [
  ['teacher', 0.8],
  ['aide', 0.1],
  ['administrator', 0.05],
  ['counselor', 0.05],
];

/** Returns a seeded generator of numbers in [0, 1) (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Generates a OneRoster export of `people` users in one district. */
export function generateOneRoster(options: GenerateOptions): OneRosterExport {
  const random = seededRandom(options.seed);
  const domain = options.domain ?? 'district.example.org';
  const schools = SCHOOL_NAMES.slice(0, options.schools ?? 6).map((name, index) => ({
    sourcedId: `org-s${index + 1}`,
    name,
  }));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

  const people: GeneratedPerson[] = [];
  for (let index = 1; index <= options.people; index += 1) {
    const student = random() < (options.studentShare ?? 0.1);
    const givenName = pick(GIVEN);
    const familyName = pick(FAMILY);
    const id = String(index).padStart(5, '0');
    people.push({
      sourcedId: `user-${id}`,
      identifier: student ? '' : `E${id}`,
      givenName,
      familyName,
      email: `${givenName}.${familyName}.${id}@${student ? `students.${domain}` : domain}`.toLowerCase(),
      role: student ? 'student' : weightedRole(random()),
      school: pick(schools).name,
      enabled: student || random() >= (options.disabledShare ?? 0.02),
    });
  }

  const schoolId = new Map(schools.map((school) => [school.name, school.sourcedId]));
  const files: Record<string, string> = {
    'manifest.csv': csv(
      ['propertyName', 'value'],
      [
        ['manifest.version', '1.0'],
        ['oneroster.version', options.version],
      ],
    ),
    'orgs.csv': csv(
      ['sourcedId', 'status', 'dateLastModified', 'name', 'type', 'identifier', 'parentSourcedId'],
      [
        ['org-d1', '', '', 'Springfield District', 'district', '', ''],
        ...schools.map((school) => [school.sourcedId, '', '', school.name, 'school', '', 'org-d1']),
      ],
    ),
  };
  if (options.version === '1.1') {
    files['users.csv'] = csv(
      [
        'sourcedId',
        'status',
        'dateLastModified',
        'enabledUser',
        'orgSourcedIds',
        'role',
        'username',
        'userIds',
        'givenName',
        'familyName',
        'middleName',
        'identifier',
        'email',
        'sms',
        'phone',
        'agentSourcedIds',
        'grades',
        'password',
      ],
      people.map((person) => [
        person.sourcedId,
        'active',
        '',
        String(person.enabled),
        `org-d1,${schoolId.get(person.school)}`,
        person.role,
        person.email.split('@')[0] ?? '',
        '',
        person.givenName,
        person.familyName,
        '',
        person.identifier,
        person.email,
        '',
        '',
        '',
        '',
        '',
      ]),
    );
  } else {
    files['users.csv'] = csv(
      [
        'sourcedId',
        'status',
        'dateLastModified',
        'enabledUser',
        'username',
        'userIds',
        'givenName',
        'familyName',
        'middleName',
        'identifier',
        'email',
        'sms',
        'phone',
        'agentSourcedIds',
        'grades',
        'password',
      ],
      people.map((person) => [
        person.sourcedId,
        '',
        '',
        String(person.enabled),
        person.email.split('@')[0] ?? '',
        '',
        person.givenName,
        person.familyName,
        '',
        person.identifier,
        person.email,
        '',
        '',
        '',
        '',
        '',
      ]),
    );
    files['roles.csv'] = csv(
      [
        'sourcedId',
        'status',
        'dateLastModified',
        'userSourcedId',
        'roleType',
        'role',
        'beginDate',
        'endDate',
        'orgSourcedId',
        'userProfileSourcedId',
      ],
      people.map((person) => [
        `role-${person.sourcedId}`,
        '',
        '',
        person.sourcedId,
        'primary',
        person.role,
        '',
        '',
        schoolId.get(person.school) ?? '',
        '',
      ]),
    );
  }
  return { people, files };
}

/** Packs the files of an export into a zip bundle, as districts upload it. */
export function zipOneRoster(files: Record<string, string>): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(files).map(([name, text]) => [name, strToU8(text)])));
}

function weightedRole(value: number): string {
  let total = 0;
  for (const [role, weight] of STAFF_ROLES) {
    total += weight;
    if (value < total) return role;
  }
  return 'teacher';
}

/** Writes RFC 4180 CSV; the generated values contain no quotes, so only commas need quoting. */
function csv(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => cells.map((cell) => (cell.includes(',') ? `"${cell}"` : cell)).join(',');
  return `${[line(header), ...rows.map(line)].join('\r\n')}\r\n`;
}
