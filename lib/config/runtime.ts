import { ConfigError } from './errors';
import type { Config } from './schema';

/**
 * Set by the CDK stack at bundle time (esbuild `define`), so a deployed Lambda carries its validated
 * config inside its code asset rather than in environment variables, which are limited to 4 KB.
 */
declare const __TALENT_SYNC_CONFIG__: string | undefined;

let cached: Config | undefined;

/**
 * Returns the config of the running function: the one bundled into its code asset, or, in local mode
 * and tests, the file named by TALENT_SYNC_CONFIG_FILE.
 *
 * The bundled config is the output of `parseConfig` at synth time, with defaults filled in, so it is used
 * as it is. Only a config file is validated here. The schema module is imported on demand for that,
 * because building the whole schema at import added about 50 ms to each function's cold start (measured
 * by `npm run bench -- --only cold-start`) for a check that synth had already made.
 */
export async function runtimeConfig(): Promise<Config> {
  if (cached) return cached;

  if (typeof __TALENT_SYNC_CONFIG__ === 'string') {
    cached = JSON.parse(__TALENT_SYNC_CONFIG__) as Config;
    return cached;
  }
  const file = process.env.TALENT_SYNC_CONFIG_FILE;
  if (!file) {
    throw new ConfigError(
      'No config: this function was bundled without one and TALENT_SYNC_CONFIG_FILE is not set. ' +
        'Deploy with the CDK app, or set TALENT_SYNC_CONFIG_FILE to a config file path.',
    );
  }
  const { loadConfigFile } = await import('./load');
  cached = loadConfigFile(file);
  return cached;
}

/** Forgets the cached runtime config, so tests can switch config files. */
export function resetRuntimeConfig(): void {
  cached = undefined;
}
