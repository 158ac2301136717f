import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** Runs a command from node_modules/.bin in the repository root and returns its exit code and output. */
function run(command: string, args: string[]) {
  const result = spawnSync('npx', ['--no-install', command, ...args], { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('source checks', () => {
  it('passes the Biome linter and formatter', () => {
    const { status, output } = run('biome', ['check', '.']);
    expect(status, `Biome found problems; run "npm run format" and fix the rest:\n${output}`).toBe(0);
  });

  it('type-checks with the TypeScript compiler', () => {
    const { status, output } = run('tsc', ['--noEmit', '-p', '.']);
    expect(status, `tsc reported errors:\n${output}`).toBe(0);
  });
});
