import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { REFERENCE_FILE, SCHEMA_FILE } from '../../cli/commands/config';
import {
  configJsonSchema,
  configReferenceMarkdown,
  FIELD_DESCRIPTIONS,
  forEachField,
} from '../../lib/config/json-schema';
import { runCli } from './support';

const EXAMPLE_CONFIGS = [
  'examples/talent-sync.config.json',
  ...readdirSync('examples/configs').map((name) => join('examples/configs', name)),
];

function writeTemporaryConfig(value: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'talent-sync-config-')), 'config.json');
  writeFileSync(file, JSON.stringify(value));
  return file;
}

function fieldPaths(): string[] {
  const paths: string[] = [];
  forEachField(configJsonSchema(), '', (path) => paths.push(path));
  return [...new Set(paths)];
}

describe('config validate', () => {
  it('accepts the example config', async () => {
    const run = await runCli(['config', 'validate', 'examples/talent-sync.config.json']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('is valid');
  });

  it('lists each invalid field and exits 1', async () => {
    const file = writeTemporaryConfig({
      talent: { baseUrl: 'http://talent.example.org', tokenSecretName: 'x' },
    });
    const run = await runCli(['config', 'validate', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('talent.baseUrl: must use https');
  });

  it('prints the problems as JSON with --json', async () => {
    const file = writeTemporaryConfig({ talent: { tokenSecretName: 'x' }, extra: true });
    const run = await runCli(['config', 'validate', file, '--json']);
    const output = JSON.parse(run.stdout) as { valid: boolean; problems: string[] };
    expect(run.code).toBe(1);
    expect(output.valid).toBe(false);
    expect(output.problems).toContain('(top level): unknown key "extra": remove it or check its spelling');
  });

  it('reports a missing file', async () => {
    const run = await runCli(['config', 'validate', 'no-such.config.json']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Cannot read config file no-such.config.json');
  });
});

describe('config schema', () => {
  it('prints a draft 2020-12 schema', async () => {
    const run = await runCli(['config', 'schema']);
    const schema = JSON.parse(run.stdout) as { $schema: string };
    expect(run.code).toBe(0);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('describes every field', () => {
    const undescribed = fieldPaths().filter((path) => !FIELD_DESCRIPTIONS[path]);
    expect(undescribed).toEqual([]);
  });

  it('has no description for a field that does not exist', () => {
    const paths = new Set(fieldPaths());
    const stale = Object.keys(FIELD_DESCRIPTIONS).filter((path) => !paths.has(path));
    expect(stale).toEqual([]);
  });

  it.each(EXAMPLE_CONFIGS)('accepts %s', (file) => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(configJsonSchema());
    const valid = validate(JSON.parse(readFileSync(file, 'utf8')));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it.each(EXAMPLE_CONFIGS)('%s passes config validate', async (file) => {
    const run = await runCli(['config', 'validate', file]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('rejects an unknown key like the zod schema', () => {
    const ajv = new Ajv2020({ strict: false });
    addFormats(ajv);
    const valid = ajv.validate(configJsonSchema(), {
      talent: { baseUrl: 'https://api.torshtalent.com/api/v2', tokenSecretName: 'token', tokenn: 1 },
    });
    expect(valid).toBe(false);
  });
});

describe('generated files', () => {
  it(`keeps ${SCHEMA_FILE} up to date`, () => {
    // Biome formats the committed file, so it is compared as JSON.
    const committed = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as unknown;
    expect(committed, 'run "npm run config:docs"').toEqual(configJsonSchema());
  });

  it(`keeps ${REFERENCE_FILE} up to date`, () => {
    const committed = readFileSync(REFERENCE_FILE, 'utf8');
    expect(committed, 'run "npm run config:docs"').toBe(configReferenceMarkdown());
  });

  it.each(['docs', 'schema'])('passes config %s --check when current', async (kind) => {
    const run = await runCli(['config', kind, '--check']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('is up to date');
  });

  it('lists every field in the reference', () => {
    const reference = configReferenceMarkdown();
    const missing = fieldPaths()
      .filter((path) => path !== '$schema' && path.includes('.'))
      .filter((path) => !reference.includes(`| \`${path}\` |`));
    expect(missing).toEqual([]);
  });
});
