import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type Options, stringify } from 'csv-stringify';
import { csvColumns, csvStream, type JsonRow } from '../lib/reports/csv';
import { reportRow } from '../local/talent-simulator/reports';
import { type Benchmark, type Cell, lastJsonLine, ratioTarget, round, sizeFromEnv } from './harness';

/**
 * Converts 1,000,000 JSON report rows to a UTF-8 CSV byte stream with the product's converter
 * (`csvStream`, which the SaveReport step streams for every JSON insight report) and with the stream API
 * of `csv-stringify` on the same rows. The rows are `reportData` rows as the Talent simulator generates
 * them: nested `user`, `school` and `metrics` objects, a `tags` array, a boolean, and notes with commas,
 * quotes, line breaks and formula characters. `BENCH_JSON_ROWS` sets the count for development.
 *
 * Each timed conversion runs in a fresh child process, product and csv-stringify taking turns, so neither
 * side inherits the other's heap or JIT state. Each side's best round counts. csv-stringify is given the
 * product's flattened column list, computed before its clock starts, and casts that match the product's
 * dialect (CRLF, booleans as true/false, arrays as JSON, a lone CR or LF quoted). Its sync API is left
 * out because it slows down with the row count (33 s for the million rows against 12 s for the stream
 * API). Formula neutralization is off on both sides, because csv-stringify's `escape_formulas` also
 * escapes full-width variants of the formula characters, so the outputs would differ. The outputs of the
 * first rows are compared byte for byte before timing.
 */

const ROUNDS = 3;
const SAMPLE_ROWS = 2000;
const REPORT_TYPE = 'coachingFrequency';

type Side = 'product' | 'csv-stringify';

interface RoundResult {
  side: Side;
  rows: number;
  seconds: number;
  bytes: number;
}

function generateRows(count: number): JsonRow[] {
  const rows = new Array<JsonRow>(count);
  for (let index = 0; index < count; index++) rows[index] = reportRow(REPORT_TYPE, index);
  return rows;
}

/** Returns csv-stringify's options for the product's dialect, with `columns` as the header. */
function stringifyOptions(columns: string[]): Options {
  return {
    header: true,
    columns,
    record_delimiter: 'windows',
    // With a record delimiter set, csv-stringify quotes a lone CR or LF only with this option, and RFC 4180 needs it.
    quote_record_delimiter: true,
    cast: { boolean: (value) => (value ? 'true' : 'false') },
  };
}

/** Streams `rows` through csv-stringify, writing as fast as it reads, and calls `onChunk` per output Buffer. */
function stringifyStream(
  rows: JsonRow[],
  columns: string[],
  onChunk: (chunk: Buffer) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const stringifier = stringify(stringifyOptions(columns));
    stringifier.on('data', onChunk);
    stringifier.on('end', resolve);
    stringifier.on('error', reject);
    let index = 0;
    const write = (): void => {
      while (index < rows.length) {
        if (!stringifier.write(rows[index++])) {
          stringifier.once('drain', write);
          return;
        }
      }
      stringifier.end();
    };
    write();
  });
}

/** Returns the UTF-8 CSV of `rows` from one side as a single Buffer. */
async function csvBytes(side: Side, rows: JsonRow[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  if (side === 'product') {
    for await (const chunk of csvStream(rows)) chunks.push(chunk as Buffer);
  } else {
    await stringifyStream(rows, csvColumns(rows), (chunk) => chunks.push(chunk));
  }
  return Buffer.concat(chunks);
}

/** Converts the rows once on `side` to a UTF-8 byte stream and returns the time of the conversion alone. */
async function convert(side: Side, rows: JsonRow[]): Promise<RoundResult> {
  // csv-stringify cannot flatten nested objects into columns by itself, so it gets them before its clock starts.
  const columns = side === 'csv-stringify' ? csvColumns(rows) : [];
  const started = performance.now();
  let bytes = 0;
  if (side === 'product') {
    for await (const chunk of csvStream(rows)) bytes += (chunk as Buffer).length;
  } else {
    await stringifyStream(rows, columns, (chunk) => {
      bytes += chunk.length;
    });
  }
  return { side, rows: rows.length, seconds: (performance.now() - started) / 1000, bytes };
}

function runChild(side: Side, rows: number): Promise<RoundResult> {
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
  return lastJsonLine<RoundResult>(child, side);
}

/** Returns where the two outputs of the sample rows first differ, or undefined when they are equal. */
export async function compareSample(count = SAMPLE_ROWS): Promise<string | undefined> {
  const rows = generateRows(count);
  const product = await csvBytes('product', rows);
  const other = await csvBytes('csv-stringify', rows);
  if (product.equals(other)) return undefined;
  let index = 0;
  while (index < product.length && product[index] === other[index]) index++;
  const excerpt = (bytes: Buffer) => JSON.stringify(bytes.subarray(index, index + 40).toString('utf8'));
  return `at byte ${index}: product ${excerpt(product)}, csv-stringify ${excerpt(other)}`;
}

export const jsonCsv: Benchmark = {
  name: 'json-csv',
  title: 'JSON to CSV',
  async run() {
    const difference = await compareSample();
    if (difference) throw new Error(`The two CSV outputs of the sample rows differ ${difference}.`);

    const count = sizeFromEnv('BENCH_JSON_ROWS');
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
        converter: side === 'product' ? 'csvStream (lib/reports/csv.ts)' : 'csv-stringify 6 (stream API)',
        rows: result.rows,
        'best s': round(result.seconds, 2),
        'rounds s': results
          .filter((other) => other.side === side)
          .map((other) => round(other.seconds, 2))
          .join(', '),
        'rows/s': Math.round(rowsPerSecond(result)),
        'MiB of CSV': round(result.bytes / 1024 / 1024, 1),
      };
    });
    const product = best('product');
    const baseline = best('csv-stringify');
    return {
      rows,
      targets: [
        ratioTarget(
          'csvStream rows/s / csv-stringify rows/s',
          rowsPerSecond(product),
          rowsPerSecond(baseline),
          1,
          true,
        ),
      ],
      notes: [
        `${count} rows of ${REPORT_TYPE} reportData, ${ROUNDS} rounds per side, each in a fresh child process ` +
          `taking turns; the outputs of the first ${SAMPLE_ROWS} rows are equal byte for byte. Sizes are UTF-8 ` +
          'bytes.',
      ],
    };
  },
};

if (process.argv[2] === '--child') {
  const side = process.argv[3] as Side;
  const rows = generateRows(Number(process.argv[4]));
  convert(side, rows).then((result) => console.log(JSON.stringify(result)));
}
