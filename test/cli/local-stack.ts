import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalStack, startLocalStack } from '../../local/stack';

/** Starts the local stack from the examples in a temporary state folder, for `--local` commands. */
export async function startExampleStack(): Promise<{ stack: LocalStack; stateDir: string }> {
  const stateDir = mkdtempSync(join(tmpdir(), 'talent-sync-cli-'));
  const stack = await startLocalStack({
    configPath: 'examples/talent-sync.config.json',
    secretsPath: 'examples/secrets.local.json',
    stateDir,
    reportPendingMs: 200,
    waitMs: 20,
  });
  return { stack, stateDir };
}

// biome-ignore lint/suspicious/noExplicitAny: tests edit a raw config freely, including into invalid shapes.
type ConfigDraft = Record<string, any>;

/** Writes a copy of a config file with `change` applied, and returns the copy's path. */
export function writeChangedConfig(file: string, change: (config: ConfigDraft) => void): string {
  const config = JSON.parse(readFileSync(file, 'utf8')) as ConfigDraft;
  change(config);
  const copy = join(mkdtempSync(join(tmpdir(), 'talent-sync-cli-config-')), 'config.json');
  writeFileSync(copy, JSON.stringify(config));
  return copy;
}
