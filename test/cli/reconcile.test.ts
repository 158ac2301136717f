import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PlanDocument } from '../../lib/roster/reconcile/s3';
import { ENV } from '../../lib/runtime/environment';
import {
  DEFAULT_TOKENS,
  startTalentSimulator,
  type TalentSimulator,
} from '../../local/talent-simulator/server';
import { runCli } from './support';

const ROSTER = 'examples/rosters/staff.csv';
const TOKEN_SECRET = 'talent-sync/talent-token';

let simulator: TalentSimulator;
let dir: string;
let configFile: string;

beforeAll(async () => {
  simulator = await startTalentSimulator();
  dir = mkdtempSync(join(tmpdir(), 'talent-sync-reconcile-cli-'));
  configFile = join(dir, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      talent: { baseUrl: simulator.url, tokenSecretName: TOKEN_SECRET, requestsPerSecond: 100 },
      roster: {
        roleRules: [
          { when: { jobTitle: { pattern: 'coach' } }, role: 'Coach' },
          { when: { jobTitle: { pattern: 'principal' } }, role: 'Admin' },
        ],
        groupRules: [{ when: {}, groups: ['School: {school}'] }],
        suppressInvite: true,
      },
    }),
  );
  const secretsFile = join(dir, 'secrets.json');
  writeFileSync(secretsFile, JSON.stringify({ [TOKEN_SECRET]: DEFAULT_TOKENS.system }));
  // Without --local the token comes from Secrets Manager; the local secrets file replaces it here.
  process.env[ENV.secretsFile] = secretsFile;
  delete process.env[ENV.stateTableName];
  delete process.env[ENV.auditTableName];
});

afterAll(async () => {
  await simulator?.close();
});

beforeEach(() => {
  simulator.reset();
});

describe('talent-sync reconcile', () => {
  it('prints the plan of a CSV dry run', async () => {
    const run = await runCli(['reconcile', '--roster', ROSTER, '--config', configFile]);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^creates\s+3$/m);
    expect(run.stdout).toMatch(/row 2 +omar\.farouk@district\.example\.org as Coach in School: Cedar Middle/);
    expect(run.stdout).toMatch(/row 5 +\(no e-mail\) \[no-email\]/);
  });

  it('sends no write in a dry run', async () => {
    await runCli(['reconcile', '--roster', ROSTER, '--config', configFile]);

    expect(simulator.requestLog().filter((entry) => entry.method !== 'GET')).toEqual([]);
  });

  it('creates the roster users with --apply', async () => {
    const run = await runCli(['reconcile', '--roster', ROSTER, '--config', configFile, '--apply']);

    expect(run.code, run.stderr).toBe(0);
    const users = simulator.users().map((user) => `${user.email} ${user.role} ${user.groups.join('|')}`);
    expect(users.sort()).toEqual([
      'lena.ortiz@district.example.org Admin School: Birch Elementary',
      'omar.farouk@district.example.org Coach School: Cedar Middle',
      'zoe.angstrom@district.example.org Teacher School: Cedar Middle',
    ]);
  });

  it('prints JSON and writes the plan file', async () => {
    const planFile = join(dir, 'plan.json');
    const run = await runCli([
      'reconcile',
      '--roster',
      ROSTER,
      '--config',
      configFile,
      '--json',
      '--plan-out',
      planFile,
    ]);

    const summary = JSON.parse(run.stdout) as { status: string; counts: Record<string, number> };
    expect(summary.status).toBe('planned');
    expect(summary.counts.creates).toBe(3);
    const document = JSON.parse(readFileSync(planFile, 'utf8')) as PlanDocument;
    expect(document.plan.creates.map((create) => create.row)).toEqual([1, 2, 3]);
  });

  it('exits 2 without a config', async () => {
    const saved = process.env[ENV.configFile];
    delete process.env[ENV.configFile];
    try {
      const run = await runCli(['reconcile', '--roster', ROSTER]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/pass --config FILE/);
    } finally {
      if (saved) process.env[ENV.configFile] = saved;
    }
  });

  it('exits 2 when --local finds no local stack', async () => {
    const run = await runCli(['reconcile', '--roster', ROSTER, '--local', '--local-dir', join(dir, 'none')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/npm start/);
  });
});
