import { parseArgs } from 'node:util';
import { ConfigError } from '../lib/config/errors';
import { type ReplayResult, replayExamples } from './replay';
import { type LocalPorts, type LocalStack, type ReportRunResult, startLocalStack } from './stack';
import { printSummary } from './summary';

const USAGE = `Usage: npm start -- [options]

Runs Talent Sync on this machine with no AWS account: the Talent simulator, local S3, DynamoDB and
SQS servers, the webhook endpoint, the apply worker and the report state machine. It seeds the
simulator with examples/talent-seed.json, replays examples/webhooks, runs every configured report
once, and keeps serving until Ctrl-C.

Options:
  --once               replay the examples, run every report once, print a summary and exit
                       (exit code 0 only if all of it succeeded)
  --config FILE        deployment config (default: examples/talent-sync.config.json)
  --secrets FILE       JSON object from secret name to value, standing in for Secrets Manager
                       (default: examples/secrets.local.json)
  --no-examples        start empty: no seed, no replayed webhooks and no reports, only serve
  --webhook-port N     port of the webhook endpoint (default: a free port)
  --talent-port N      port of the Talent simulator (default: a free port)
  --s3-port N          port of the S3 server (default: a free port)
  --dynamodb-port N    port of the DynamoDB server (default: a free port)
  --sqs-port N         port of the SQS server (default: a free port)
  --log-level LEVEL    handler log level: DEBUG, INFO, WARN or ERROR (default: WARN with --once,
                       INFO while serving, so each webhook and its apply result is printed)
  -h, --help           print this help
`;

interface StartOptions {
  once: boolean;
  configPath: string;
  secretsPath: string;
  examples: boolean;
  ports: Partial<LocalPorts>;
  logLevel: string;
}

const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'];

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  if (!options) return 0;
  process.env.POWERTOOLS_LOG_LEVEL = options.logLevel;

  const stack = await startLocalStack({
    configPath: options.configPath,
    secretsPath: options.secretsPath,
    ports: options.ports,
    seedPath: options.examples ? 'examples/talent-seed.json' : undefined,
  });

  let replay: ReplayResult | undefined;
  let reports: ReportRunResult[] = [];
  try {
    if (options.examples) {
      replay = await replayExamples(stack);
      await stack.drainRoster();
      reports = await runAllReports(stack);
    }
    const ok = await printSummary(stack, replay, reports);
    if (options.once) {
      await stack.close();
      return ok ? 0 : 1;
    }
  } catch (error) {
    await stack.close();
    throw error;
  }

  console.log('\nServing. Press Ctrl-C to stop.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await stack.close();
  return 0;
}

async function runAllReports(stack: LocalStack): Promise<ReportRunResult[]> {
  const results: ReportRunResult[] = [];
  for (const schedule of stack.config.reports.schedules.filter((entry) => entry.enabled)) {
    results.push(await stack.runReport(schedule.name));
  }
  return results;
}

/** Parses the command line; returns undefined after printing the help. Throws a UsageError on bad input. */
function parseOptions(args: string[]): StartOptions | undefined {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(args).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) {
    console.log(USAGE);
    return undefined;
  }
  return {
    once: values.once ?? false,
    configPath: values.config ?? 'examples/talent-sync.config.json',
    secretsPath: values.secrets ?? 'examples/secrets.local.json',
    examples: !(values['no-examples'] ?? false),
    ports: {
      webhook: parsePort(values['webhook-port'], '--webhook-port'),
      talent: parsePort(values['talent-port'], '--talent-port'),
      s3: parsePort(values['s3-port'], '--s3-port'),
      dynamodb: parsePort(values['dynamodb-port'], '--dynamodb-port'),
      sqs: parsePort(values['sqs-port'], '--sqs-port'),
    },
    logLevel: parseLogLevel(values['log-level'], values.once ?? false),
  };
}

function parse(args: string[]) {
  return parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      once: { type: 'boolean' },
      config: { type: 'string' },
      secrets: { type: 'string' },
      'no-examples': { type: 'boolean' },
      'webhook-port': { type: 'string' },
      'talent-port': { type: 'string' },
      's3-port': { type: 'string' },
      'dynamodb-port': { type: 'string' },
      'sqs-port': { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function parsePort(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new UsageError(`${flag} must be a port number from 1 to 65535, got "${value}".`);
  }
  return port;
}

function parseLogLevel(value: string | undefined, once: boolean): string {
  if (value === undefined) return process.env.POWERTOOLS_LOG_LEVEL ?? (once ? 'WARN' : 'INFO');
  const level = value.toUpperCase();
  if (!LOG_LEVELS.includes(level)) {
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got "${value}".`);
  }
  return level;
}

class UsageError extends Error {
  override readonly name = 'UsageError';
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`${error.message}\nRun "npm start -- --help" for the options.`);
      process.exit(2);
    }
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    console.error(`npm start failed: ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  },
);
