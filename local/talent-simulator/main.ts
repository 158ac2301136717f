import { parseArgs } from 'node:util';
import { FAULT_KINDS, type FaultKind } from './faults';
import { DEFAULT_TOKENS, startTalentSimulator } from './server';

const USAGE = `Usage: npx tsx local/talent-simulator/main.ts [options]

Serves a strict Talent API V2 stand-in on 127.0.0.1 until interrupted.

Options:
  --port N                 port to listen on; 0 picks a free one (default 0)
  --report-pending-ms N    milliseconds a report stays pending (default 1000)
  --report-rows N          rows in generated reports (default 25)
  --latency-ms N           milliseconds of delay before every API response (default 0)
  --fault-rate R           share of API requests that fail, 0 to 1 (default 0)
  --fault-kinds LIST       comma-separated faults to draw from: ${FAULT_KINDS.join(', ')}
  --validate-responses     return 500 when a response does not match the OpenAPI document
  --help                   print this text`;

function numberOption(values: Record<string, unknown>, name: string): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(`--${name} must be a number of at least 0, got "${String(raw)}"`);
  }
  return value;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'report-pending-ms': { type: 'string' },
      'report-rows': { type: 'string' },
      'latency-ms': { type: 'string' },
      'fault-rate': { type: 'string' },
      'fault-kinds': { type: 'string' },
      'validate-responses': { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }

  const kinds = values['fault-kinds']?.split(',').map((kind) => kind.trim()) as FaultKind[] | undefined;
  const rate = numberOption(values, 'fault-rate');
  const reportPendingMs = numberOption(values, 'report-pending-ms');
  const reportRows = numberOption(values, 'report-rows');
  const latencyMs = numberOption(values, 'latency-ms');
  const simulator = await startTalentSimulator({
    port: numberOption(values, 'port') ?? 0,
    ...(reportPendingMs === undefined ? {} : { reportPendingMs }),
    ...(reportRows === undefined ? {} : { reportRows }),
    ...(latencyMs === undefined ? {} : { latencyMs }),
    ...(rate === undefined && kinds === undefined
      ? {}
      : { faults: { rate: rate ?? 0, ...(kinds ? { kinds } : {}) } }),
    validateResponses: values['validate-responses'] === true,
  });

  const origin = simulator.url.replace(/\/api\/v2$/, '');
  console.log(`Talent simulator listening at ${simulator.url}`);
  console.log(`  system token:  ${DEFAULT_TOKENS.system}`);
  console.log(`  network token: ${DEFAULT_TOKENS.network}`);
  console.log(`  user token:    ${DEFAULT_TOKENS.user}`);
  console.log(`  admin:         ${origin}/__admin/state (GET), /__admin/reset and /__admin/faults (POST)`);

  const stop = () => {
    simulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`talent-simulator: ${error instanceof Error ? error.message : String(error)}`);
  console.error(USAGE);
  process.exit(2);
});
