import type { BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';
import { FUNCTION_RUNTIME, functionBundlingOptions } from '../infra/constructs/function-factory';
import type { Config } from '../lib/config/schema';

/**
 * Translates the CDK bundling options into the esbuild build options that NodejsFunction passes on its
 * command line, so a benchmark bundles a function exactly as `cdk deploy` does.
 */
export function esbuildOptions(bundling: BundlingOptions): BuildOptions {
  const nodeVersion = /nodejs(\d+)/.exec(FUNCTION_RUNTIME.name)?.[1];
  return {
    bundle: true,
    platform: 'node',
    target: bundling.target ?? `node${nodeVersion}`,
    format: bundling.format === 'esm' ? 'esm' : 'cjs',
    minify: bundling.minify ?? false,
    sourcemap: bundling.sourceMap ?? false,
    sourcesContent: bundling.sourcesContent ?? true,
    mainFields: bundling.mainFields,
    banner: bundling.banner ? { js: bundling.banner } : undefined,
    define: bundling.define,
    external: bundling.bundleAwsSDK
      ? [...(bundling.externalModules ?? [])]
      : [...(bundling.externalModules ?? ['@aws-sdk/*'])],
    logLevel: 'error',
  };
}

/** Returns the esbuild options of a deployed function with `config` compiled in. */
export function functionBuildOptions(config: Config): BuildOptions {
  return esbuildOptions(functionBundlingOptions(config));
}
