import type { ChildProcessByStdio } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import type { Readable } from 'node:stream';

/**
 * The contract between `npm run bench` and each benchmark in `bench/`. A benchmark measures one hot path
 * beside a baseline in the same run and returns its figures as table rows, plus one line per target it
 * checks. The runner prints them as Markdown, ready to paste into docs/BENCHMARKS.md.
 */

export type Cell = string | number;

/** One target from the performance table: the measured ratio or figure, the bound, and whether it holds. */
export interface TargetCheck {
  /** The comparison, e.g. "ingest p50 / bare SendMessage p50". */
  name: string;
  /** The measured figure with its unit, e.g. "1.21×" or "931 KB". */
  measured: string;
  /** The bound, e.g. "≤ 1.5×". */
  target: string;
  met: boolean;
}

export interface BenchResult {
  /** One row per case measured, the baseline included; every row has the same columns. */
  rows: Record<string, Cell>[];
  targets: TargetCheck[];
  /** Short facts the reader needs to read the table: sizes, settings, what the baseline is. */
  notes?: string[];
}

export interface Benchmark {
  /** Short name used by `--only`, e.g. "ingest". */
  name: string;
  /** Section title in the output and in docs/BENCHMARKS.md. */
  title: string;
  run(): Promise<BenchResult>;
}

/** Formats rows as a Markdown table with padded columns. */
export function markdownTable(rows: Record<string, Cell>[]): string {
  const headers = Object.keys(rows[0] ?? {});
  const lines = [headers, ...rows.map((row) => headers.map((header) => String(row[header] ?? '')))];
  const widths = headers.map((_, index) => Math.max(...lines.map((line) => (line[index] ?? '').length)));
  const format = (line: string[]) =>
    `| ${line.map((cell, index) => cell.padEnd(widths[index] ?? 0)).join(' | ')} |`;
  return [
    format(lines[0] ?? []),
    format(widths.map((width) => '-'.repeat(width))),
    ...lines.slice(1).map(format),
  ].join('\n');
}

/** Returns the machine line printed above the tables. */
export function machineLine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const memory = Math.round(totalmem() / 1024 ** 3);
  return `${cpus().length} CPUs (${cpu}), ${memory} GiB memory, Node.js ${process.version}, ${process.platform}`;
}

/** The value at quantile `q` (0 to 1) of `values`, by the nearest-rank method. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] as number;
}

/** Rounds to `digits` decimal places for display. */
export function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Checks the ratio `measured / baseline` against `bound`; lower is better unless `higherIsBetter`. */
export function ratioTarget(
  name: string,
  measured: number,
  baseline: number,
  bound: number,
  higherIsBetter = false,
): TargetCheck {
  const ratio = measured / baseline;
  return {
    name,
    measured: `${round(ratio)}×`,
    target: `${higherIsBetter ? '≥' : '≤'} ${bound}×`,
    met: higherIsBetter ? ratio >= bound : ratio <= bound,
  };
}

/** The size variables the benchmarks read, with their defaults, for `--help` and the docs. */
export const SIZE_VARIABLES = {
  BENCH_REPORT_MIB: { default: 1024, about: 'report streaming: CSV size in MiB' },
  BENCH_REPORT_ROUNDS: { default: 2, about: 'report streaming: rounds per case' },
  BENCH_INGEST_DELIVERIES: { default: 10_000, about: 'ingest: deliveries per side' },
  BENCH_COLD_START_RUNS: { default: 15, about: 'cold start: imports per bundle' },
  BENCH_APPLY_EVENTS: { default: 10_000, about: 'apply: events in the stream' },
  BENCH_RECONCILE_PEOPLE: { default: 10_000, about: 'reconcile: people in the roster' },
  BENCH_JSON_ROWS: { default: 1_000_000, about: 'JSON to CSV: rows' },
} as const;

export type SizeVariable = keyof typeof SIZE_VARIABLES;

/**
 * Returns a benchmark size from its environment variable, or the default. A value that is not a positive
 * whole number stops the run, because a size of NaN or 0 measures nothing and would still report its
 * targets as met.
 */
export function sizeFromEnv(name: SizeVariable): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return SIZE_VARIABLES[name].default;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new Error(
      `${name}="${raw}" is not a positive whole number: set it to, for example, ${SIZE_VARIABLES[name].default}.`,
    );
  }
  return value;
}

/**
 * Waits for a benchmark child process and returns the JSON object it printed on its last line of
 * standard output. A non-zero exit rejects with `label` and that last line.
 */
export function lastJsonLine<T>(child: ChildProcessByStdio<null, Readable, null>, label: string): Promise<T> {
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const last = output.trim().split('\n').at(-1) ?? '';
      if (code !== 0) return reject(new Error(`The ${label} child exited with ${code}: ${last}`));
      resolve(JSON.parse(last) as T);
    });
  });
}
