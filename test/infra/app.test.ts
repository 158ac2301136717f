import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, STACK_ID } from '../../infra/build';
import { exampleConfigInput } from './support';

const TSX = join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');

/** Runs the app entry the way the CDK CLI does: context and output directory in environment variables. */
function runApp(config: unknown): { status: number | null; stderr: string; outdir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'talent-sync-app-'));
  const configPath = join(dir, 'config.json');
  writeFileSync(configPath, JSON.stringify(config));
  const outdir = join(dir, 'cdk.out');

  const result = spawnSync(TSX, ['infra/app.ts'], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    env: {
      ...process.env,
      CDK_OUTDIR: outdir,
      CDK_CONTEXT_JSON: JSON.stringify({ config: configPath, 'aws:cdk:bundling-stacks': [] }),
    },
  });
  return { status: result.status, stderr: result.stderr, outdir };
}

describe('infra/app.ts', () => {
  it('synthesizes the stack from the config context', () => {
    const result = runApp(exampleConfigInput());

    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(existsSync(join(result.outdir, `${STACK_ID}.template.json`))).toBe(true);
  });

  it('exits with status 1 naming the invalid field', () => {
    const input = exampleConfigInput();
    const schedules = (input.reports as { schedules: Array<Record<string, unknown>> }).schedules;
    (schedules[0] as Record<string, unknown>).timeZone = 'Mars/Olympus_Mons';

    const result = runApp(input);

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('reports.schedules[0].timeZone');
    expect(existsSync(join(result.outdir, `${STACK_ID}.template.json`))).toBe(false);
  });
});
