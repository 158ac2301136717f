import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { runChaos } from '../test/reliability/chaos-run';

/**
 * `npm run chaos`: the chaos run at full size through the local stack, printing the figures that
 * docs/RELIABILITY.md records. Exits 1 when the final roster differs from the expected one, a user was
 * created twice, or the dead-letter queue contains anything but the invalid events sent on purpose.
 */

const USAGE = `Usage: npm run chaos -- [--people N] [--events-per-person N] [--fault-rate R] [--seed N] [--json]

  --people N             generated people, spread over the generic, Merge and Standard Webhooks sources (default 420)
  --events-per-person N  average events per person (default 11)
  --fault-rate R         share of Talent requests that fail transiently, 0 to 1 (default 0.2)
  --seed N               seed of the generated history and the fault draws (default 7)
  --json                 print the whole report as JSON`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      people: { type: 'string', default: '420' },
      'events-per-person': { type: 'string', default: '11' },
      'fault-rate': { type: 'string', default: '0.2' },
      seed: { type: 'string', default: '7' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }

  // Handler logs of the expected failures would bury the figures; POWERTOOLS_LOG_LEVEL=WARN shows them.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  const report = await runChaos({
    people: positiveNumber(values.people, '--people'),
    eventsPerPerson: positiveNumber(values['events-per-person'], '--events-per-person'),
    faultRate: Number(values['fault-rate']),
    seed: positiveNumber(values.seed, '--seed'),
    conflicts: 3,
    malformedMessages: 2,
    drainTimeoutMs: 3_600_000,
  });

  if (values.json) {
    console.log(JSON.stringify(report, null, 2));
  } else {
    const faults = Object.values(report.faultsInjected).reduce((sum, count) => sum + count, 0);
    const rows: [string, string | number][] = [
      ['machine', `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node.js ${process.version}`],
      ['people', report.people],
      ['providers', report.providers.join(', ')],
      ['deliveries', report.deliveries],
      ['unique events', report.uniqueEvents],
      ['duplicates', report.duplicates],
      ['reorders', report.reorders],
      ['webhook statuses', JSON.stringify(report.statuses)],
      ['Talent requests', report.talentRequests],
      ['faults injected', `${faults} ${JSON.stringify(report.faultsInjected)}`],
      ['users expected / in Talent', `${report.expectedUsers} / ${report.actualUsers}`],
      ['users created (201) / create conflicts (409)', `${report.usersCreated} / ${report.createConflicts}`],
      ['final mismatches', report.mismatches.length],
      ['dead letters (expected)', `${report.deadLetters.count} (${report.expectedDeadLetters})`],
      ['dead-letter reasons', report.deadLetters.reasons.join(' | ')],
      ['wall time', `${(report.wallMs / 1000).toFixed(1)} s`],
    ];
    for (const [name, value] of rows) console.log(`${name.padEnd(46)} ${value}`);
    for (const mismatch of report.mismatches.slice(0, 20)) console.log(`mismatch: ${mismatch}`);
  }

  const ok =
    report.mismatches.length === 0 &&
    report.usersCreated === report.actualUsers &&
    report.deadLetters.count === report.expectedDeadLetters;
  return ok ? 0 : 1;
}

function positiveNumber(raw: string | undefined, flag: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${flag} must be a positive number, got "${raw}"`);
  return value;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`chaos run failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
