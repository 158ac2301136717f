// Imported first: it sets the environment before the benchmark modules load the AWS SDK.
import './environment';
import { parseArgs } from 'node:util';
import { applyBench } from './apply';
import { coldStart } from './cold-start';
import {
  type Benchmark,
  machineLine,
  markdownTable,
  SIZE_VARIABLES,
  type SizeVariable,
  sizeFromEnv,
  type TargetCheck,
} from './harness';
import { ingest } from './ingest';
import { jsonCsv } from './json-csv';
import { polling } from './polling';
import { reconcileBench } from './reconcile';
import { reportStreaming } from './report-streaming';

/**
 * `npm run bench`: runs every benchmark in `bench/` one after another (each measures its hot path beside
 * a baseline in the same run), prints one Markdown table per benchmark and a closing table of targets.
 * Exits 1 when a benchmark fails to run and 2 on a usage error. A missed target is reported in the
 * targets table and exits 0, so one slow figure does not hide the others, unless `--strict` is given.
 */

const BENCHMARKS: Benchmark[] = [
  reportStreaming,
  ingest,
  coldStart,
  polling,
  applyBench,
  reconcileBench,
  jsonCsv,
];

const USAGE = `Usage: npm run bench -- [--only NAME[,NAME...]] [--strict]

  --only NAMES  run only these benchmarks: ${BENCHMARKS.map((benchmark) => benchmark.name).join(', ')}
  --strict      exit 3 when a target is missed (by default a missed target still exits 0)

Sizes, as environment variables (positive whole numbers):
${Object.entries(SIZE_VARIABLES)
  .map(([name, size]) => `  ${name.padEnd(24)} ${size.about} (default ${size.default})`)
  .join('\n')}`;

/** Parses the command line; a usage error becomes a message and exit code 2, not a stack trace. */
function parseCommandLine(): { only?: string; strict?: boolean; help?: boolean } | undefined {
  try {
    return parseArgs({
      options: { only: { type: 'string' }, strict: { type: 'boolean' }, help: { type: 'boolean' } },
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return undefined;
  }
}

async function main(): Promise<number> {
  const values = parseCommandLine();
  if (!values) return 2;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const names = values.only?.split(',').map((name) => name.trim()) ?? BENCHMARKS.map((b) => b.name);
  const unknown = names.filter((name) => !BENCHMARKS.some((benchmark) => benchmark.name === name));
  if (unknown.length > 0) {
    console.error(`Unknown benchmark ${unknown.join(', ')}.\n${USAGE}`);
    return 2;
  }

  // Every size is checked before the first benchmark starts, so a typo does not stop a run halfway.
  try {
    for (const name of Object.keys(SIZE_VARIABLES) as SizeVariable[]) sizeFromEnv(name);
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }

  const started = performance.now();
  console.log(`Machine: ${machineLine()}`);
  console.log(`Command: npm run bench${values.only ? ` -- --only ${values.only}` : ''}`);
  console.log(`Date: ${new Date().toISOString()}`);
  const targets: (TargetCheck & { benchmark: string })[] = [];
  for (const benchmark of BENCHMARKS.filter((b) => names.includes(b.name))) {
    const sectionStarted = performance.now();
    console.log(`\n## ${benchmark.title}\n`);
    const result = await benchmark.run();
    console.log(markdownTable(result.rows));
    for (const note of result.notes ?? []) console.log(`\n${note}`);
    console.log(`\n(${Math.round((performance.now() - sectionStarted) / 1000)} s)`);
    targets.push(...result.targets.map((target) => ({ benchmark: benchmark.title, ...target })));
  }

  console.log('\n## Targets\n');
  console.log(
    markdownTable(
      targets.map((target) => ({
        benchmark: target.benchmark,
        figure: target.name,
        measured: target.measured,
        target: target.target,
        met: target.met ? 'yes' : 'NO',
      })),
    ),
  );
  const missed = targets.filter((target) => !target.met).length;
  console.log(
    `\n${targets.length - missed} of ${targets.length} targets met; ` +
      `whole run ${Math.round((performance.now() - started) / 1000)} s.`,
  );
  return values.strict && missed > 0 ? 3 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`Benchmark failed: ${(error as Error).stack ?? (error as Error).message}`);
    process.exit(1);
  },
);
