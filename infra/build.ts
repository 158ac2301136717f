import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { parseConfig } from '../lib/config/load';
import type { Config } from '../lib/config/schema';
import { FEATURE_FLAGS } from './feature-flags';
import { TalentSyncStack } from './stack';

/** The construct id and CloudFormation stack name of the deployment. */
export const STACK_ID = 'TalentSync';

/** The config file that `cdk synth` uses when no `-c config=FILE` is given, relative to the repository root. */
export const DEFAULT_CONFIG_PATH = 'examples/talent-sync.config.json';

/** The repository root: the parent of `infra/`. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Context key that lists the stacks whose assets are bundled. An empty list skips esbuild entirely. */
const BUNDLING_STACKS_CONTEXT = 'aws:cdk:bundling-stacks';

export interface CreateAppOptions {
  /** Bundle the function code with esbuild. Default: true. */
  readonly bundling?: boolean;
  /** Extra context, which overrides the feature flags. */
  readonly context?: Record<string, unknown>;
  /** The cloud assembly directory. Default: CDK_OUTDIR from the CLI, or a temporary directory. */
  readonly outdir?: string;
}

export interface AddTalentSyncOptions {
  /** The deployment config. It is validated again, so a hand-built object fails like a bad file. */
  readonly config: Config;
  /** The file the config came from, recorded in the stack description. */
  readonly configPath?: string;
  /** Run the cdk-nag AWS Solutions and Serverless packs during synthesis. Default: true. */
  readonly nag?: boolean;
}

export type BuildAppOptions = CreateAppOptions & AddTalentSyncOptions;

/** Creates the CDK app with the feature flags of `cdk.json`. */
export function createApp(options: CreateAppOptions = {}): App {
  const context: Record<string, unknown> = { ...FEATURE_FLAGS };
  if (options.bundling === false) context[BUNDLING_STACKS_CONTEXT] = [];
  Object.assign(context, options.context);
  return new App({ context, ...(options.outdir ? { outdir: options.outdir } : {}) });
}

/**
 * Adds the Talent Sync stack to the app and, unless disabled, the cdk-nag packs, whose unacknowledged
 * findings fail synthesis. Throws a ConfigError naming each invalid field.
 */
export function addTalentSync(app: App, options: AddTalentSyncOptions): TalentSyncStack {
  const config = parseConfig(
    options.config,
    options.configPath ? `config file ${options.configPath}` : 'config',
  );
  const stack = new TalentSyncStack(app, STACK_ID, {
    config,
    projectRoot: PROJECT_ROOT,
    description: `Talent Sync: roster sync and report delivery for the Talent API (config ${options.configPath ?? 'given in code'})`,
  });

  if (options.nag !== false) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  }
  return stack;
}

/** Builds the app and the stack in-process, for tests and the local stack. */
export function buildApp(options: BuildAppOptions): { app: App; stack: TalentSyncStack } {
  const app = createApp(options);
  const stack = addTalentSync(app, options);
  return { app, stack };
}
