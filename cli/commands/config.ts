import { readFileSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import type { Command } from 'commander';
import { ConfigError } from '../../lib/config/errors';
import { configJsonSchema, configReferenceMarkdown } from '../../lib/config/json-schema';
import { loadConfigFile } from '../../lib/config/load';
import { CliError } from '../errors';
import { formatJson, printResult } from '../output';
import { DEFAULT_CONFIG_FILE } from '../target';

/** Where `config schema --write` and `config docs --write` put the generated files, from the repository root. */
export const SCHEMA_FILE = 'config.schema.json';
export const REFERENCE_FILE = 'docs/configuration.md';

interface ValidateOptions {
  json?: boolean;
}

interface GenerateOptions {
  write?: boolean;
  check?: boolean;
}

/** Registers `talent-sync config validate|schema|docs`. */
export function registerConfigCommand(program: Command): void {
  const config = program
    .command('config')
    .description('Validate a deployment config, or print its JSON Schema and Markdown reference.');

  config
    .command('validate')
    .description('Validate a config file and print what it deploys; exit 1 with every problem if invalid.')
    .argument('[file]', 'config file', DEFAULT_CONFIG_FILE)
    .option('--json', 'print the result as JSON')
    .action((file: string, options: ValidateOptions) => validateConfig(file, options));

  config
    .command('schema')
    .description(`Print the JSON Schema of the config (draft 2020-12), or write it to ${SCHEMA_FILE}.`)
    .option('--write', `write ${SCHEMA_FILE} instead of printing`)
    .option('--check', `exit 1 if ${SCHEMA_FILE} differs from the schema`)
    .action((options: GenerateOptions) =>
      generate(SCHEMA_FILE, `${formatJson(configJsonSchema())}\n`, options, sameJson),
    );

  config
    .command('docs')
    .description(`Print the Markdown reference of every config key, or write it to ${REFERENCE_FILE}.`)
    .option('--write', `write ${REFERENCE_FILE} instead of printing`)
    .option('--check', `exit 1 if ${REFERENCE_FILE} differs from the reference`)
    .action((options: GenerateOptions) => generate(REFERENCE_FILE, configReferenceMarkdown(), options));
}

function validateConfig(file: string, options: ValidateOptions): void {
  let summary: Record<string, unknown>;
  try {
    const config = loadConfigFile(file);
    summary = {
      file,
      valid: true,
      talent: config.talent.baseUrl,
      sources: config.roster.sources.map((source) => `${source.name} (${source.provider})`),
      schedules: config.reports.schedules.map((schedule) => schedule.name),
      reconcileMode: config.roster.reconcile.mode,
      alerts: config.alerts.email ?? null,
    };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    if (options.json) {
      console.log(formatJson({ file, valid: false, problems: error.problems }));
      throw new CliError(`Config file ${file} is invalid.`, 1, { cause: error });
    }
    throw new CliError(error.message, 1, { cause: error });
  }

  printResult(options.json, summary, () =>
    [
      `${file} is valid.`,
      `  Talent:     ${String(summary.talent)}`,
      `  Sources:    ${(summary.sources as string[]).join(', ') || 'none'}`,
      `  Schedules:  ${(summary.schedules as string[]).join(', ') || 'none'}`,
      `  Reconcile:  ${String(summary.reconcileMode)}`,
      `  Alerts to:  ${String(summary.alerts ?? 'no e-mail')}`,
    ].join('\n'),
  );
}

/**
 * Prints, writes or checks a generated file. `same` compares the committed text with the generated one;
 * the schema compares as JSON, because Biome reformats the committed file.
 */
function generate(
  file: string,
  content: string,
  options: GenerateOptions,
  same: (committed: string, generated: string) => boolean = (committed, generated) => committed === generated,
): void {
  if (options.check) {
    const committed = readOptional(file);
    if (committed === undefined || !same(committed, content)) {
      throw new CliError(`${file} is out of date: regenerate it with "npm run config:docs".`, 1);
    }
    console.log(`${file} is up to date.`);
    return;
  }
  if (options.write) {
    writeFileSync(file, content);
    console.log(`Wrote ${file}.`);
    return;
  }
  process.stdout.write(content);
}

function sameJson(committed: string, generated: string): boolean {
  try {
    return isDeepStrictEqual(JSON.parse(committed), JSON.parse(generated));
  } catch {
    return false;
  }
}

function readOptional(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
