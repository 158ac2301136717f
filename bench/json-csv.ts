import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stringify } from 'csv-stringify/sync';
import { csvColumns, csvText, type JsonRow } from '../lib/reports/csv';
import { reportRow } from '../local/talent-simulator/reports';
import { type Benchmark, type Cell, ratioTarget, round } from './harness';

/**
 * Converts 1,000,000 JSON report rows to CSV with the product's converter (`csvText`, which the
 * SaveReport step streams for every JSON insight report) and with `csv-stringify` on the same rows. The
 * rows are `reportData` rows as the Talent simulator generates them: nested `user`, `school` and
 * `metrics` objects, a `tags` array, a boolean, and notes with commas, quotes, line breaks and formula
 * characters. `BENCH_JSON_ROWS` sets the count for development.
 *
 * Each timed conversion runs in a fresh child process, product and csv-stringify taking turns, so neither
 * side inherits the other's heap or JIT state. Each side's best round counts. csv-stringify is given the
 * product's flattened column list, computed before its clock starts, and casts that match the product's
 * dialect (CRLF, booleans as true/false, arrays as JSON). Formula neutralization is off, as csv-stringify
 * has none. The outputs of the first rows are compared byte for byte before timing.
 */

const ROUNDS = 3;
const SAMPLE_ROWS = 2000;
const REPORT_TYPE = 'coachingFrequency';

type Side = 'product' | 'csv-stringify';

interface RoundResult {
  side: Side;
  rows: number;
  seconds: number;
  characters: number;
}

function generateRows(count: number): JsonRow[] {
  const rows = new Array<JsonRow>(count);
  for (let index = 0; index < count; index++) rows[index] = reportRow(REPORT_TYPE, index);
  return rows;
}

/** Returns the product's CSV of `rows` as one string. */
function productCsv(rows: JsonRow[]): string {
  return [...csvText(rows)].join('');
}

/** Returns csv-stringify's CSV of `rows`, with `columns` as the header and the product's dialect. */
function stringifyCsv(rows: JsonRow[], columns: string[]): string {
  return stringify(rows, {
    header: true,
    columns,
    record_delimiter: 'windows',
    // With a record delimiter set, csv-stringify quotes a lone CR or LF only with this option, and RFC 4180 needs it.
    quote_record_delimiter: true,
    cast: { boolean: (value) => (value ? 'true' : 'false') },
  });
}

/** Converts the rows once on `side` and returns the time of the conversion alone. */
function convert(side: Side, rows: JsonRow[]): RoundResult {
  // csv-stringify cannot flatten nested objects into columns by itself, so it gets them before its clock starts.
  const columns = side === 'csv-stringify' ? csvColumns(rows) : [];
  const started = performance.now();
  let characters = 0;
  if (side === 'product') {
    for (const chunk of csvText(rows)) characters += chunk.length;
  } else {
    characters = stringifyCsv(rows, columns).length;
  }
  return { side, rows: rows.length, seconds: (performance.now() - started) / 1000, characters };
}

function runChild(side: Side, rows: number): Promise<RoundResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--max-old-space-size=4096',
        fileURLToPath(import.meta.url),
        '--child',
        side,
        String(rows),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const last = output.trim().split('\n').at(-1) ?? '';
      if (code !== 0) return reject(new Error(`The ${side} child exited with ${code}: ${last}`));
      resolve(JSON.parse(last) as RoundResult);
    });
  });
}

/** Returns where the two outputs of the sample rows first differ, or undefined when they are equal. */
export function compareSample(count = SAMPLE_ROWS): string | undefined {
  const rows = generateRows(count);
  const product = productCsv(rows);
  const other = stringifyCsv(rows, csvColumns(rows));
  if (product === other) return undefined;
  let index = 0;
  while (index < product.length && product[index] === other[index]) index++;
  return `at character ${index}: product ${JSON.stringify(product.slice(index, index + 40))}, csv-stringify ${JSON.stringify(other.slice(index, index + 40))}`;
}

export const jsonCsv: Benchmark = {
  name: 'json-csv',
  title: 'JSON to CSV',
  async run() {
    const difference = compareSample();
    if (difference) throw new Error(`The two CSV outputs of the sample rows differ ${difference}.`);

    const count = Number(process.env.BENCH_JSON_ROWS ?? 1_000_000);
    const results: RoundResult[] = [];
    for (let roundIndex = 0; roundIndex < ROUNDS; roundIndex++) {
      results.push(await runChild('product', count));
      results.push(await runChild('csv-stringify', count));
    }

    const best = (side: Side) =>
      results.filter((result) => result.side === side).reduce((a, b) => (a.seconds <= b.seconds ? a : b));
    const rowsPerSecond = (result: RoundResult) => result.rows / result.seconds;
    const rows: Record<string, Cell>[] = (['product', 'csv-stringify'] as const).map((side) => {
      const result = best(side);
      return {
        converter: side === 'product' ? 'csvText (lib/reports/csv.ts)' : 'csv-stringify 6 (sync)',
        rows: result.rows,
        'best s': round(result.seconds, 2),
        'rounds s': results
          .filter((other) => other.side === side)
          .map((other) => round(other.seconds, 2))
          .join(', '),
        'rows/s': Math.round(rowsPerSecond(result)),
        'MiB of text': round(result.characters / 1024 / 1024, 1),
      };
    });
    const product = best('product');
    const baseline = best('csv-stringify');
    return {
      rows,
      targets: [
        ratioTarget(
          'csvText rows/s / csv-stringify rows/s',
          rowsPerSecond(product),
          rowsPerSecond(baseline),
          1,
          true,
        ),
      ],
      notes: [
        `${count} rows of ${REPORT_TYPE} reportData, ${ROUNDS} rounds per side, each in a fresh child process ` +
          `taking turns; the outputs of the first ${SAMPLE_ROWS} rows are equal byte for byte. Text size is ` +
          'in UTF-16 characters.',
      ],
    };
  },
};

if (process.argv[2] === '--child') {
  const side = process.argv[3] as Side;
  const rows = generateRows(Number(process.argv[4]));
  console.log(JSON.stringify(convert(side, rows)));
}
