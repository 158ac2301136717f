import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../lib/config/errors';
import { loadConfigFile } from '../../../lib/config/load';
import { resetRuntimeConfig, runtimeConfig } from '../../../lib/config/runtime';

const EXAMPLE = 'examples/talent-sync.config.json';

describe('runtimeConfig from TALENT_SYNC_CONFIG_FILE', () => {
  const saved = process.env.TALENT_SYNC_CONFIG_FILE;

  afterEach(() => {
    if (saved === undefined) delete process.env.TALENT_SYNC_CONFIG_FILE;
    else process.env.TALENT_SYNC_CONFIG_FILE = saved;
    resetRuntimeConfig();
  });

  it('returns the validated file with defaults filled in', async () => {
    process.env.TALENT_SYNC_CONFIG_FILE = EXAMPLE;
    expect(await runtimeConfig()).toEqual(loadConfigFile(EXAMPLE));
  });

  it('rejects an invalid file with the field path', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'runtime-config-')), 'bad.json');
    writeFileSync(file, JSON.stringify({ talent: { baseUrl: 'not a url' } }));
    process.env.TALENT_SYNC_CONFIG_FILE = file;
    await expect(runtimeConfig()).rejects.toThrow(/talent\.baseUrl/);
  });

  it('names the variable to set when there is no config', async () => {
    delete process.env.TALENT_SYNC_CONFIG_FILE;
    await expect(runtimeConfig()).rejects.toThrow(ConfigError);
  });
});

describe('runtimeConfig in a bundle', () => {
  let bundle: string;
  const config = loadConfigFile(EXAMPLE);

  beforeAll(async () => {
    // Bundled the way the CDK app bundles a function: the parsed config compiled in with `define`.
    bundle = join(mkdtempSync(join(tmpdir(), 'runtime-bundle-')), 'runtime.mjs');
    await build({
      entryPoints: ['lib/config/runtime.ts'],
      bundle: true,
      format: 'esm',
      platform: 'node',
      outfile: bundle,
      define: { __TALENT_SYNC_CONFIG__: JSON.stringify(JSON.stringify(config)) },
      logLevel: 'silent',
    });
  });

  it('returns the compiled-in config without reading a file', async () => {
    delete process.env.TALENT_SYNC_CONFIG_FILE;
    const module = (await import(pathToFileURL(bundle).href)) as { runtimeConfig(): Promise<unknown> };
    expect(await module.runtimeConfig()).toEqual(config);
  });
});
