import { parseArgs } from 'node:util';
import { applyBench } from './apply';
import { coldStart } from './cold-start';
import { type Benchmark, machineLine, markdownTable, type TargetCheck } from './harness';
import { ingest } from './ingest';
import { jsonCsv } from './json-csv';
import { polling } from './polling';
import { reconcileBench } from './reconcile';
import { reportStreaming } from './report-streaming';

/**
 * `npm run bench`: runs every benchmark in `bench/` one after another (each measures its hot path beside
 * a baseline in the same run), prints one Markdown table per benchmark and a closing table of targets.
 * `--only a,b` runs some of them. Exits 1 when a benchmark fails to run; a missed target is reported in
 * the targets table, not as a failure, so one slow figure does not hide the others.
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

const USAGE = `Usage: npm run bench -- [--only NAME[,NAME...]]

  --only NAMES  run only these benchmarks: ${BENCHMARKS.map((benchmark) => benchmark.name).join(', ')}`;

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { only: { type: 'string' }, help: { type: 'boolean' } } });
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
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`Benchmark failed: ${(error as Error).stack ?? (error as Error).message}`);
    process.exit(1);
  },
);
