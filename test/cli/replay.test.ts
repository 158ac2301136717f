import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReplayResult } from '../../cli/commands/replay';
import type { LocalStack } from '../../local/stack';
import { startExampleStack } from './local-stack';
import { runCli } from './support';

let stack: LocalStack;
let stateDir: string;
let scratch: string;

beforeAll(async () => {
  ({ stack, stateDir } = await startExampleStack());
  scratch = mkdtempSync(join(tmpdir(), 'talent-sync-replay-'));
});

afterAll(async () => {
  await stack?.close();
});

async function replay(args: string[]): Promise<{ code: number; result?: ReplayResult; stderr: string }> {
  const run = await runCli(['replay', '--json', ...args]);
  return {
    code: run.code,
    result: run.stdout ? (JSON.parse(run.stdout) as ReplayResult) : undefined,
    stderr: run.stderr,
  };
}

describe('replay to the local stack', () => {
  it('accepts a saved Merge delivery as it is', async () => {
    const { code, result } = await replay([
      'examples/webhooks/merge/01-hire.json',
      '--local',
      '--local-dir',
      stateDir,
    ]);
    expect(result?.status).toBe(202);
    expect(code).toBe(0);
  });

  it('rejects a stale generic signature with 401', async () => {
    const { code, result } = await replay([
      'examples/webhooks/generic/01-hire.json',
      '--local',
      '--local-dir',
      stateDir,
    ]);
    expect(result?.status).toBe(401);
    expect(code).toBe(1);
  });

  it('accepts a generic delivery signed now', async () => {
    const { result } = await replay([
      'examples/webhooks/generic/01-hire.json',
      '--sign',
      '--local',
      '--local-dir',
      stateDir,
    ]);
    expect(result?.status).toBe(202);
    expect(result?.signed).toBe(true);
  });

  it('signs a raw Merge body with the source key', async () => {
    const saved = JSON.parse(readFileSync('examples/webhooks/merge/02-school-change.json', 'utf8')) as {
      body: string;
    };
    const bodyFile = join(scratch, 'merge-body.json');
    writeFileSync(bodyFile, saved.body);
    const { result } = await replay([
      bodyFile,
      '--source',
      'merge',
      '--sign',
      '--local',
      '--local-dir',
      stateDir,
    ]);
    expect(result?.status).toBe(202);
  });

  it('applies a replayed hire to Talent', async () => {
    await replay(['examples/webhooks/generic/01-hire.json', '--sign', '--local', '--local-dir', stateDir]);
    await stack.drainRoster();
    const emails = stack.simulator.users().map((user) => user.email);
    expect(emails).toContain('ava.lindqvist@district.example.org');
  });

  it('needs --source for a raw body', async () => {
    const bodyFile = join(scratch, 'raw.json');
    writeFileSync(bodyFile, '{"events": []}');
    const { code, stderr } = await replay([bodyFile, '--local', '--local-dir', stateDir]);
    expect(code).toBe(2);
    expect(stderr).toContain('pass --source NAME');
  });

  it('rejects signing for an unknown source', async () => {
    const { code, stderr } = await replay([
      'examples/webhooks/merge/01-hire.json',
      '--source',
      'nope',
      '--sign',
      '--local',
      '--local-dir',
      stateDir,
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain('Source "nope" is not in');
  });
});

describe('replay to a deployed endpoint', () => {
  it('needs a webhook URL', async () => {
    const { code, stderr } = await replay(['examples/webhooks/merge/01-hire.json']);
    expect(code).toBe(2);
    expect(stderr).toContain('pass --url');
  });

  it('takes the URL from the stack outputs file', async () => {
    const outputs = join(scratch, 'outputs.json');
    writeFileSync(
      outputs,
      JSON.stringify({ TalentSync: { WebhookBaseUrl: stack.endpoints.webhookBaseUrl } }),
    );
    const { result } = await replay([
      'examples/webhooks/merge/03-termination.json',
      '--stack-outputs',
      outputs,
    ]);
    expect(result?.url).toBe(`${stack.endpoints.webhookBaseUrl}/merge`);
    expect(result?.status).toBe(202);
  });

  it('names the stacks an outputs file has', async () => {
    const outputs = join(scratch, 'other-outputs.json');
    writeFileSync(outputs, JSON.stringify({ Other: {} }));
    const { code, stderr } = await replay([
      'examples/webhooks/merge/01-hire.json',
      '--stack-outputs',
      outputs,
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain('has no stack "TalentSync" (it has Other)');
  });
});
