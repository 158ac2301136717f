import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../infra/build';
import { FunctionFactory } from '../../../infra/constructs/function-factory';
import { parseConfig } from '../../../lib/config/load';
import { exampleConfigInput } from '../support';

/** A base URL that appears nowhere else, so finding it in the bundle proves the config was compiled in. */
const MARKER_URL = 'https://bundle-check.example.org/api/v2';

let bundle: { code: string; file: string; directory: string };

beforeAll(() => {
  const input = exampleConfigInput();
  (input.talent as Record<string, unknown>).baseUrl = MARKER_URL;
  const config = parseConfig(input);

  // Bundling only one function keeps this test short, and the others share its settings. The built-in
  // template validation, which takes seconds to load, runs in the stack tests instead.
  const outdir = mkdtempSync(join(tmpdir(), 'talent-sync-bundle-'));
  const app = new App({ outdir, builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'BundleCheck');
  new FunctionFactory({ config, projectRoot: PROJECT_ROOT, logRetention: logs.RetentionDays.ONE_DAY }).create(
    stack,
    'RequestFunction',
    'report-request',
    { description: 'Bundling check', timeout: Duration.seconds(30), memorySize: 256 },
  );
  app.synth();

  const assets = readdirSync(outdir).filter((name) => name.startsWith('asset.'));
  if (assets.length !== 1) throw new Error(`Expected one code asset in ${outdir}, found ${assets.length}.`);
  const directory = join(outdir, assets[0] as string);
  const file = join(directory, 'index.mjs');
  bundle = { code: readFileSync(file, 'utf8'), file, directory };
});

describe('FunctionFactory bundling', () => {
  it('writes an ES module with a source map', () => {
    expect(existsSync(bundle.file)).toBe(true);
    expect(existsSync(join(bundle.directory, 'index.mjs.map'))).toBe(true);
  });

  it('defines require for CommonJS dependencies', () => {
    expect(
      bundle.code.startsWith("import { createRequire as __talentSyncCreateRequire } from 'node:module';"),
    ).toBe(true);
  });

  it('compiles the validated config into the code', () => {
    expect(bundle.code).toContain(MARKER_URL);
    expect(bundle.code).not.toContain('__TALENT_SYNC_CONFIG__');
  });

  it('loads in Node.js and exports handler', () => {
    const script = `const m = await import(${JSON.stringify(pathToFileURL(bundle.file).href)}); console.log(typeof m.handler);`;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    expect(output.trim()).toBe('function');
  });
});
