import { cpus, totalmem } from 'node:os';
import { runReportStreaming } from './report-streaming';

/**
 * `npm run bench`: runs every benchmark in `bench/` and prints one table per benchmark, with the machine
 * it ran on. Copy the output into docs/BENCHMARKS.md under the benchmark's section.
 */

function table(rows: Record<string, string | number>[]): string {
  const headers = Object.keys(rows[0] ?? {});
  const lines = [headers, ...rows.map((row) => headers.map((header) => String(row[header])))];
  const widths = headers.map((_, index) => Math.max(...lines.map((line) => (line[index] ?? '').length)));
  const format = (line: string[]) =>
    `| ${line.map((cell, index) => cell.padEnd(widths[index] ?? 0)).join(' | ')} |`;
  return [
    format(lines[0] ?? []),
    format(widths.map((width) => '-'.repeat(width))),
    ...lines.slice(1).map(format),
  ].join('\n');
}

async function main(): Promise<void> {
  console.log(
    `Machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), ` +
      `${Math.round(totalmem() / 1024 ** 3)} GiB memory, Node ${process.version}; ${new Date().toISOString()}`,
  );

  console.log('\n## Report streaming\n');
  const results = await runReportStreaming();
  const [save, copy] = results;
  console.log(
    table(
      results.map((result) => ({
        case: result.case,
        MiB: Math.round(result.bytes / 1024 ** 2),
        seconds: result.seconds,
        'MiB/s': result.mibPerSecond,
        'peak RSS MiB': result.peakRssMib,
      })),
    ),
  );
  if (save && copy) {
    console.log(
      `\nThroughput ratio saveReport / plain copy: ${(save.mibPerSecond / copy.mibPerSecond).toFixed(2)}`,
    );
  }
}

main().catch((error) => {
  console.error(`Benchmark failed: ${(error as Error).message}`);
  process.exit(1);
});
