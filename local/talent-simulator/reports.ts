import { Readable } from 'node:stream';
import { mulberry32 } from './faults';

/**
 * Generated report rows. Every value is a function of the report type and the row index, so a test
 * can regenerate the row it expects, and a CSV of millions of rows can be produced one row at a time.
 * The text values include the cases a CSV writer must get right: commas, quotes, line breaks,
 * leading formula characters and non-ASCII text.
 */
export const TRICKY_TEXTS: readonly string[] = [
  'Smith, Jane',
  'She said "well done"',
  'first line\nsecond line',
  '=1+2',
  'Zoë Ñúñez — 東京 ✓',
  '+1 555 0100',
  'line one\r\nline two',
  '@mention, "quoted"',
  '-5 minutes',
  'Plain note',
  '=SUM(A1), "total"\nnext line',
];

const SCHOOLS = ['Lincoln Elementary', 'Jefferson High', 'Roosevelt Middle', 'Côte-Saint-Luc Academy'];
const FIRST_NAMES = ['Ada', 'Bruno', 'Chloé', 'Dmitri', 'Eun-ji', 'Farah', "O'Neil", 'Zoë'];
const LAST_NAMES = ['Okafor', 'García', 'Nguyen', 'Smith, Jr.', 'Müller', 'Ivanova', 'Kowalski', 'Tanaka'];

/** The metric names per report type; other types get the generic pair. */
const METRICS: Record<string, [string, string]> = {
  systemPerformance: ['activeUsers', 'loginCount'],
  videoUsage: ['videosUploaded', 'minutesWatched'],
  videoInteraction: ['comments', 'annotations'],
  fileUsage: ['filesUploaded', 'downloads'],
  goals: ['goalsSet', 'goalsCompleted'],
  coachingFrequency: ['coachingSessions', 'averageDaysBetween'],
  observations: ['observationsCompleted', 'averageScore'],
  accountUsage: ['logins', 'minutesActive'],
};

function rowRandom(reportType: string, index: number): () => number {
  let hash = 2_166_136_261;
  for (const character of `${reportType}#${index}`) {
    hash = Math.imul(hash ^ (character.codePointAt(0) ?? 0), 16_777_619);
  }
  return mulberry32(hash);
}

function pick<T>(values: readonly T[], random: () => number): T {
  return values[Math.floor(random() * values.length)] as T;
}

function dateOf(index: number): string {
  const day = new Date(Date.UTC(2024, 0, 1) + (index % 365) * 86_400_000);
  return day.toISOString().slice(0, 10);
}

/** Generates one row of a JSON report (every type except reportBuilder), with nested objects and an array. */
export function reportRow(reportType: string, index: number): Record<string, unknown> {
  const random = rowRandom(reportType, index);
  const [first, second] = METRICS[reportType] ?? ['count', 'minutes'];
  const firstName = pick(FIRST_NAMES, random);
  const lastName = pick(LAST_NAMES, random);
  return {
    rowNumber: index + 1,
    user: {
      email: `user${index + 1}@district.example.org`,
      name: `${firstName} ${lastName}`,
      role: pick(['Teacher', 'Coach', 'Admin'], random),
    },
    school: { name: pick(SCHOOLS, random), systemId: 'system-local' },
    date: dateOf(index),
    metrics: { [first]: Math.floor(random() * 100), [second]: Math.round(random() * 10_000) / 100 },
    note: TRICKY_TEXTS[index % TRICKY_TEXTS.length],
    tags: index % 3 === 0 ? [] : ['Math Concepts', pick(['Classroom Culture', 'Questioning'], random)],
    active: index % 4 !== 0,
  };
}

/** The columns of Report Builder rows, as keys of the JSON rows and as CSV header labels. */
export const BUILDER_COLUMNS: ReadonlyArray<readonly [key: string, label: string]> = [
  ['rowNumber', 'Row'],
  ['teacherEmail', 'Teacher Email'],
  ['teacherName', 'Teacher Name'],
  ['school', 'School'],
  ['observationDate', 'Observation Date'],
  ['durationMinutes', 'Duration Minutes'],
  ['score', 'Score'],
  ['comment', 'Comment'],
];

/** Generates one flat Report Builder row, which the CSV download and the paginated endpoint share. */
export function builderRow(index: number): Record<string, string | number> {
  const random = rowRandom('reportBuilder', index);
  return {
    rowNumber: index + 1,
    teacherEmail: `teacher${index + 1}@district.example.org`,
    teacherName: `${pick(LAST_NAMES, random)}, ${pick(FIRST_NAMES, random)}`,
    school: pick(SCHOOLS, random),
    observationDate: dateOf(index),
    durationMinutes: 5 + Math.floor(random() * 55),
    score: Math.round(random() * 400) / 100,
    comment: TRICKY_TEXTS[index % TRICKY_TEXTS.length] ?? '',
  };
}

/** Quotes a CSV field as RFC 4180 requires: fields with a comma, quote or line break go in quotes. */
export function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvLine(values: (string | number)[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

const CHUNK_CHARACTERS = 64 * 1024;

/**
 * Streams a Report Builder CSV of `rows` rows plus a header. Rows are generated as the reader
 * pulls, about 64 KiB at a time, so memory stays flat whatever the row count.
 */
export function builderCsvStream(rows: number): Readable {
  let next = -1;
  return new Readable({
    read() {
      let chunk = '';
      while (chunk.length < CHUNK_CHARACTERS && next < rows) {
        if (next < 0) {
          chunk += csvLine(BUILDER_COLUMNS.map(([, label]) => label));
        } else {
          const row = builderRow(next);
          chunk += csvLine(BUILDER_COLUMNS.map(([key]) => row[key] ?? ''));
        }
        next += 1;
      }
      if (chunk) this.push(chunk);
      if (next >= rows) this.push(null);
    },
  });
}
