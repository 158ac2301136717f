import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/main';

// Bad config files and bad command lines: each must end with a message that names the problem and a
// non-zero exit code, never a stack trace.

// biome-ignore lint/suspicious/noExplicitAny: the cases edit arbitrary paths of the raw config JSON.
type ConfigJson = Record<string, any>;

let dir: string;
let example: Record<string, unknown>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'talent-sync-bad-config-'));
  example = JSON.parse(readFileSync('examples/talent-sync.config.json', 'utf8')) as Record<string, unknown>;
});

/** Writes a config file: the example with `change` applied to a copy, or the raw text given. */
function configFile(name: string, change: ((config: ConfigJson) => void) | string): string {
  const path = join(dir, `${name.replaceAll(/\W+/g, '-')}.json`);
  if (typeof change === 'string') {
    writeFileSync(path, change);
    return path;
  }
  const copy = structuredClone(example) as ConfigJson;
  change(copy);
  writeFileSync(path, JSON.stringify(copy));
  return path;
}

async function run(args: string[]): Promise<{ code: number; output: string }> {
  const lines: string[] = [];
  const collect = (...parts: unknown[]) => {
    lines.push(parts.map(String).join(' '));
  };
  const spies = [
    vi.spyOn(console, 'log').mockImplementation(collect),
    vi.spyOn(console, 'error').mockImplementation(collect),
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    }),
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    }),
  ];
  try {
    const code = await main(['node', 'talent-sync', ...args]);
    return { code, output: lines.join('\n') };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

describe('bad config files', () => {
  const cases: [string, ((config: ConfigJson) => void) | string, RegExp][] = [
    ['not JSON', 'talent: {', /JSON/i],
    ['empty file', '', /JSON|empty/i],
    ['a JSON array', '[]', /object/i],
    ['an unknown top-level key', (config) => Object.assign(config, { tallent: {} }), /tallent/],
    ['a missing Talent URL', (config) => delete config.talent.baseUrl, /talent\.baseUrl/],
    [
      'a Talent URL without https',
      (config) => Object.assign(config.talent, { baseUrl: 'ftp://x' }),
      /talent\.baseUrl/,
    ],
    [
      'a rate above 100',
      (config) => Object.assign(config.talent, { requestsPerSecond: 1000 }),
      /requestsPerSecond/,
    ],
    ['a negative timeout', (config) => Object.assign(config.talent, { timeoutMs: -1 }), /timeoutMs/],
    [
      'a token given in place of its secret name',
      (config) => Object.assign(config.talent, { token: 'abc' }),
      /token/,
    ],
    [
      'an unknown provider',
      (config) => Object.assign(config.roster.sources[0], { provider: 'workday' }),
      /provider/,
    ],
    [
      'a source without a secret name',
      (config) => delete config.roster.sources[0].signingSecretName,
      /signingSecretName/,
    ],
    [
      'a source name with a slash',
      (config) => Object.assign(config.roster.sources[0], { name: 'a/b' }),
      /name/,
    ],
    [
      'two sources of one name',
      (config) => config.roster.sources.push({ ...config.roster.sources[0] }),
      /hr-generic|duplicate|unique/i,
    ],
    [
      'an invalid role pattern',
      (config) => config.roster.roleRules.push({ when: { jobTitle: { pattern: '(' } }, role: 'X' }),
      /pattern/,
    ],
    [
      'an unknown termination action',
      (config) => Object.assign(config.roster, { terminationAction: 'fire' }),
      /terminationAction/,
    ],
    [
      'a cron without six fields',
      (config) => Object.assign(config.reports.schedules[0], { cron: 'cron(0 6 * *)' }),
      /cron/,
    ],
    [
      'an unknown time zone',
      (config) => Object.assign(config.reports.schedules[0], { timeZone: 'Mars/Olympus' }),
      /timeZone/,
    ],
    [
      'an unknown report type',
      (config) => Object.assign(config.reports.schedules[0], { report: 'everything' }),
      /report/,
    ],
    [
      'a poll timeout of a week',
      (config) => Object.assign(config.reports.poll, { timeoutSeconds: 604_800 }),
      /timeoutSeconds/,
    ],
    ['an invalid alert e-mail', (config) => Object.assign(config.alerts, { email: 'ops' }), /alerts\.email/],
  ];

  it.each(cases)('rejects %s', async (name, change, message) => {
    const result = await run(['config', 'validate', configFile(name, change)]);
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(message);
    expect(result.output).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });

  it('rejects a missing file', async () => {
    const result = await run(['config', 'validate', join(dir, 'missing.json')]);
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/missing\.json/);
  });

  it('accepts the example config', async () => {
    const result = await run(['config', 'validate', 'examples/talent-sync.config.json']);
    expect(result.code).toBe(0);
  });
});

describe('bad command lines', () => {
  const cases: [string, string[], RegExp][] = [
    ['an unknown command', ['frobnicate'], /unknown command/i],
    ['an unknown option', ['config', 'validate', '--frobnicate'], /unknown option/i],
    ['reconcile without --roster', ['reconcile'], /--roster/],
    [
      'reconcile with an unknown format',
      ['reconcile', '--roster', 'x.csv', '--format', 'xlsx'],
      /format|xlsx/,
    ],
    ['replay without a file', ['replay'], /file/i],
    ['dlq without a subcommand', ['dlq', 'frobnicate'], /unknown command|too many arguments/i],
    [
      'dlq redrive without a selection',
      ['dlq', 'redrive', '--dlq-url', 'http://127.0.0.1:1/q'],
      /--all|--event-id/,
    ],
    ['dlq list without a queue', ['dlq', 'list'], /--dlq-url/],
  ];

  it.each(cases)('rejects %s with exit 2', async (_name, args, message) => {
    const saved = process.env.ROSTER_DLQ_URL;
    delete process.env.ROSTER_DLQ_URL;
    const result = await run(args);
    if (saved !== undefined) process.env.ROSTER_DLQ_URL = saved;
    expect(result.code).toBe(2);
    expect(result.output).toMatch(message);
  });
});
