import { spawn } from 'node:child_process';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { DEFAULT_CONFIG_PATH } from '../infra/build';
import { FUNCTION_NAMES, type FunctionName } from '../infra/constructs/function-factory';
import { loadConfigFile } from '../lib/config/load';
import { functionBuildOptions } from './bundling';
import { type Benchmark, quantile, ratioTarget, round, sizeFromEnv } from './harness';

/**
 * Bundles every function with the esbuild settings of the CDK app and measures the bundle size and the
 * time a fresh Node.js process takes to import it. The baseline per function is a bundle built with the
 * same settings that only imports the AWS SDK clients the function's bundle contains, and constructs
 * those the handler constructs at import time. Each import runs in its own `node` process,
 * `BENCH_COLD_START_RUNS` times per bundle (default 15), handler and baseline alternating. The figure is
 * the median of `performance.now()` around `await import(bundle)` inside that process. It leaves out the
 * start of Node.js itself, which is the same for both sides.
 */

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT_DIR = join(PROJECT_ROOT, '.bench', 'cold-start');
/** The bundle size bound, 1 MB in decimal bytes. */
const MAX_BUNDLE_BYTES = 1_000_000;
const IMPORT_RATIO_BOUND = 1.3;

/** The client class each bundled AWS SDK package contributes, by package name. */
const SDK_EXPORTS: Record<string, string> = {
  '@aws-sdk/client-dynamodb': 'DynamoDBClient',
  '@aws-sdk/client-s3': 'S3Client',
  '@aws-sdk/client-secrets-manager': 'SecretsManagerClient',
  '@aws-sdk/client-sfn': 'SFNClient',
  '@aws-sdk/client-sns': 'SNSClient',
  '@aws-sdk/client-sqs': 'SQSClient',
  '@aws-sdk/lib-dynamodb': 'DynamoDBDocumentClient',
  '@aws-sdk/lib-storage': 'Upload',
};

/** The environment of a deployed function, as far as module evaluation reads it. */
const FUNCTION_ENV = {
  AWS_REGION: 'us-east-1',
  POWERTOOLS_LOG_LEVEL: 'INFO',
  POWERTOOLS_METRICS_NAMESPACE: 'TalentSync',
  // The SDK warns on Node.js 20, which runs the benchmark, but not on Node.js 24, which deployed functions run.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/** The flags in the functions' NODE_OPTIONS. */
const NODE_FLAGS = ['--enable-source-maps'];

const IMPORT_SCRIPT = `const started = performance.now();
await import(process.argv[2]);
console.log(JSON.stringify({ ms: performance.now() - started }));
`;

export interface ColdStartResult {
  name: FunctionName;
  bundleBytes: number;
  baselineBytes: number;
  /** The AWS SDK packages in the bundle, which the baseline imports. */
  sdkPackages: string[];
  importMs: number;
  baselineImportMs: number;
}

/** Returns the AWS SDK packages whose client code the bundle contains. */
function sdkPackagesOf(metafile: Metafile): string[] {
  const packages = new Set<string>();
  for (const input of Object.keys(metafile.inputs)) {
    const name = /node_modules\/(@aws-sdk\/[^/]+)\//.exec(input)?.[1];
    if (name && name in SDK_EXPORTS) packages.add(name);
  }
  return [...packages].sort();
}

/** The client classes that the handler constructs at module level, such as `const sqs = new SQSClient({})`. */
async function clientsConstructedAtImport(name: FunctionName): Promise<Set<string>> {
  const source = await readFile(join(PROJECT_ROOT, 'functions', name, 'handler.ts'), 'utf8');
  return new Set(
    [...source.matchAll(/^(?:export )?const \w+ = new (\w+)\(/gm)].map((match) => match[1] ?? ''),
  );
}

/** Returns the baseline entry's source: the same SDK classes, referenced so that they stay in the bundle. */
function baselineSource(packages: readonly string[], constructed: ReadonlySet<string>): string {
  const lines = packages.map((name) => `import { ${SDK_EXPORTS[name]} } from '${name}';`);
  const values = packages.map((name) => {
    const exported = SDK_EXPORTS[name] ?? '';
    return constructed.has(exported) ? `new ${exported}({})` : exported;
  });
  return `${lines.join('\n')}\nexport const clients = [${values.join(', ')}];\n`;
}

async function bundle(entry: string, outfile: string, options: BuildOptions): Promise<Metafile> {
  const result = await build({ ...options, entryPoints: [entry], outfile });
  if (!result.metafile) throw new Error(`esbuild returned no metafile for ${entry}.`);
  return result.metafile;
}

/** Imports the bundle in a fresh `node` process and returns the milliseconds the import took. */
function importOnce(script: string, bundlePath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...NODE_FLAGS, script, bundlePath], {
      cwd: OUT_DIR,
      env: { PATH: process.env.PATH ?? '', ...FUNCTION_ENV },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      errors += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0)
        return reject(new Error(`Importing ${bundlePath} exited with ${code}: ${errors.trim()}`));
      resolve((JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as { ms: number }).ms);
    });
  });
}

async function measureFunction(
  name: FunctionName,
  options: BuildOptions,
  script: string,
  runs: number,
): Promise<ColdStartResult> {
  const directory = join(OUT_DIR, name);
  const bundlePath = join(directory, 'handler', 'index.mjs');
  const baselinePath = join(directory, 'sdk-only', 'index.mjs');
  const metafile = await bundle(join(PROJECT_ROOT, 'functions', name, 'handler.ts'), bundlePath, options);
  const sdkPackages = sdkPackagesOf(metafile);
  const baselineEntry = join(directory, 'sdk-only.ts');
  await writeFile(baselineEntry, baselineSource(sdkPackages, await clientsConstructedAtImport(name)));
  await bundle(baselineEntry, baselinePath, options);

  const handlerTimes: number[] = [];
  const baselineTimes: number[] = [];
  // One discarded pair warms the file cache; then the two sides alternate, so drift hits both.
  await importOnce(script, bundlePath);
  await importOnce(script, baselinePath);
  for (let run = 0; run < runs; run++) {
    handlerTimes.push(await importOnce(script, bundlePath));
    baselineTimes.push(await importOnce(script, baselinePath));
  }
  return {
    name,
    bundleBytes: (await stat(bundlePath)).size,
    baselineBytes: (await stat(baselinePath)).size,
    sdkPackages,
    importMs: quantile(handlerTimes, 0.5),
    baselineImportMs: quantile(baselineTimes, 0.5),
  };
}

/** Bundles and measures every function; `names` limits the run to some of them. */
export async function runColdStart(
  names: readonly FunctionName[] = FUNCTION_NAMES,
): Promise<ColdStartResult[]> {
  const runs = sizeFromEnv('BENCH_COLD_START_RUNS');
  const options: BuildOptions = {
    ...functionBuildOptions(loadConfigFile(join(PROJECT_ROOT, DEFAULT_CONFIG_PATH))),
    metafile: true,
  };
  await rm(OUT_DIR, { recursive: true, force: true });
  await mkdir(OUT_DIR, { recursive: true });
  const script = join(OUT_DIR, 'import.mjs');
  await writeFile(script, IMPORT_SCRIPT);
  const results: ColdStartResult[] = [];
  for (const name of names) results.push(await measureFunction(name, options, script, runs));
  return results;
}

export const coldStart: Benchmark = {
  name: 'cold-start',
  title: 'Cold start',
  async run() {
    const only = process.env.BENCH_COLD_START_FUNCTIONS?.split(',') as FunctionName[] | undefined;
    const results = await runColdStart(only);
    return {
      rows: results.map((result) => ({
        function: result.name,
        'bundle bytes': result.bundleBytes,
        'SDK-only bytes': result.baselineBytes,
        'import ms (p50)': round(result.importMs, 1),
        'SDK-only import ms (p50)': round(result.baselineImportMs, 1),
        ratio: `${round(result.importMs / result.baselineImportMs)}×`,
        'SDK packages':
          result.sdkPackages.map((name) => name.replace('@aws-sdk/', '')).join(', ') || '(none)',
      })),
      targets: results.flatMap((result) => [
        ratioTarget(
          `${result.name} import / SDK-only import`,
          result.importMs,
          result.baselineImportMs,
          IMPORT_RATIO_BOUND,
        ),
        {
          name: `${result.name} bundle size`,
          measured: `${result.bundleBytes.toLocaleString('en-US')} B`,
          target: `< ${MAX_BUNDLE_BYTES.toLocaleString('en-US')} B (1 MB)`,
          met: result.bundleBytes < MAX_BUNDLE_BYTES,
        },
      ]),
      notes: [
        `Each import ran in a fresh \`node ${NODE_FLAGS.join(' ')}\` process; median of ` +
          `${sizeFromEnv('BENCH_COLD_START_RUNS')} runs per bundle, handler and SDK-only alternating.`,
      ],
    };
  },
};
