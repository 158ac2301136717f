import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signGenericDelivery, signMergeBody } from '../../lib/hris';
import { replayExamples } from '../../local/replay';
import { type LocalStack, startLocalStack } from '../../local/stack';

// Two checks on one local stack. Secret rotation: while the signing secret contains
// {"current", "previous"}, deliveries signed with either key are accepted, so the sender and the
// operator can switch keys at different moments without a rejected delivery. Logs: the whole example
// flow runs at DEBUG level while every write to stdout and stderr is captured, and no line may
// contain a token, secret or full e-mail address.

const OLD_KEY = 'rotation-old-generic-key';
const NEW_KEY = 'rotation-new-generic-key';
const MERGE_OLD = 'rotation-old-merge-key';
const MERGE_NEW = 'rotation-new-merge-key';

let stack: LocalStack;
let secretsPath: string;
let secrets: Record<string, string>;
const captured: string[] = [];
const restore: (() => void)[] = [];
let reportsOk: boolean[] = [];

function capture(stream: NodeJS.WriteStream): void {
  const original = stream.write.bind(stream);
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    captured.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof stream.write;
  restore.push(() => {
    stream.write = original as typeof stream.write;
  });
}

function writeSecrets(generic: string, merge: string): void {
  secrets = {
    ...secrets,
    'talent-sync/hr-generic-signing': generic,
    'talent-sync/merge-signature-key': merge,
  };
  writeFileSync(secretsPath, JSON.stringify(secrets));
}

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
  capture(process.stdout);
  capture(process.stderr);

  const dir = mkdtempSync(join(tmpdir(), 'talent-sync-secrets-'));
  secretsPath = join(dir, 'secrets.json');
  secrets = JSON.parse(readFileSync('examples/secrets.local.json', 'utf8')) as Record<string, string>;
  writeFileSync(secretsPath, JSON.stringify(secrets));
  stack = await startLocalStack({
    configPath: 'examples/talent-sync.config.json',
    secretsPath,
    seedPath: 'examples/talent-seed.json',
    stateDir: dir,
    reportPendingMs: 200,
    waitMs: 30,
  });

  // The example flow: replay every example webhook, apply them, run every report.
  await replayExamples(stack);
  await stack.drainRoster();
  const results = [];
  for (const schedule of stack.config.reports.schedules) results.push(await stack.runReport(schedule.name));
  reportsOk = results.map((result) => result.ok);
}, 180_000);

afterAll(async () => {
  for (const undo of restore) undo();
  await stack?.close();
});

let sequence = 0;

async function sendGeneric(key: string, signatures?: (body: string, seconds: number) => string) {
  sequence += 1;
  const body = JSON.stringify({
    events: [
      {
        type: 'employee.updated',
        occurredAt: new Date(Date.UTC(2026, 0, 5, 8, 0, sequence)).toISOString(),
        employee: {
          id: 'R100',
          workEmail: 'rotation.person@district.example.org',
          firstName: 'Rae',
          status: 'active',
        },
      },
    ],
  });
  const seconds = Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    ...signGenericDelivery(key, body, seconds),
  };
  if (signatures) headers['x-talent-sync-signature'] = signatures(body, seconds);
  const response = await fetch(`${stack.endpoints.webhookBaseUrl}/hr-generic`, {
    method: 'POST',
    headers,
    body,
  });
  await response.arrayBuffer();
  return response.status;
}

async function sendMerge(key: string) {
  sequence += 1;
  const body = JSON.stringify({
    hook: { event: 'Employee.changed' },
    data: {
      id: 'merge-r200',
      remote_id: 'R200',
      work_email: 'rotation.merge@district.example.org',
      first_name: 'Ray',
      employment_status: 'ACTIVE',
      modified_at: new Date(Date.UTC(2026, 0, 5, 8, 0, sequence)).toISOString(),
    },
  });
  const response = await fetch(`${stack.endpoints.webhookBaseUrl}/merge`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-merge-webhook-signature': signMergeBody(key, body) },
    body,
  });
  await response.arrayBuffer();
  return response.status;
}

describe('signing secret rotation', () => {
  it('accepts the old key before the rotation', async () => {
    writeSecrets(OLD_KEY, MERGE_OLD);
    expect(await sendGeneric(OLD_KEY)).toBe(202);
    expect(await sendMerge(MERGE_OLD)).toBe(202);
  });

  it('accepts the old and the new key during the rotation', async () => {
    writeSecrets(
      JSON.stringify({ current: NEW_KEY, previous: OLD_KEY }),
      JSON.stringify({ current: MERGE_NEW, previous: MERGE_OLD }),
    );
    const statuses = [
      await sendGeneric(OLD_KEY),
      await sendGeneric(NEW_KEY),
      await sendMerge(MERGE_OLD),
      await sendMerge(MERGE_NEW),
    ];
    expect(statuses).toEqual([202, 202, 202, 202]);
  });

  it('accepts a sender that signs with both keys', async () => {
    const status = await sendGeneric(NEW_KEY, (body, seconds) =>
      [OLD_KEY, NEW_KEY]
        .map((key) => signGenericDelivery(key, body, seconds)['x-talent-sync-signature'])
        .join(' '),
    );
    expect(status).toBe(202);
  });

  it('rejects a third key during the rotation', async () => {
    expect(await sendGeneric('some-other-key')).toBe(401);
  });

  it('rejects the old key after the rotation', async () => {
    writeSecrets(NEW_KEY, MERGE_NEW);
    expect(await sendGeneric(OLD_KEY)).toBe(401);
    expect(await sendMerge(MERGE_OLD)).toBe(401);
  });

  it('accepts the new key after the rotation', async () => {
    expect(await sendGeneric(NEW_KEY)).toBe(202);
    expect(await sendMerge(MERGE_NEW)).toBe(202);
    await stack.drainRoster();
    expect(await stack.deadLetterCount()).toBe(0);
  });
});

describe('logs of the example flow', () => {
  const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+/g;

  function lines(): string[] {
    return captured
      .join('')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.length > 0);
  }

  function jsonLines(): Record<string, unknown>[] {
    return lines().flatMap((line) => {
      try {
        const parsed: unknown = JSON.parse(line);
        return typeof parsed === 'object' && parsed !== null ? [parsed as Record<string, unknown>] : [];
      } catch {
        return [];
      }
    });
  }

  it('ran the whole flow at DEBUG level', () => {
    expect(reportsOk).toEqual([true, true]);
    // No handler logs at DEBUG yet; INFO lines show that the level is below the local default of WARN.
    expect(jsonLines().some((line) => line.level === 'INFO')).toBe(true);
    expect(jsonLines().some((line) => line.service === 'roster-apply')).toBe(true);
  });

  it('writes no token, secret or API credential', () => {
    const values = [
      ...Object.values(secrets),
      OLD_KEY,
      NEW_KEY,
      MERGE_OLD,
      MERGE_NEW,
      stack.endpoints.talentToken,
    ];
    for (const line of lines()) {
      for (const value of values)
        expect(line.includes(value), `${value.slice(0, 4)}… in ${line.slice(0, 200)}`).toBe(false);
    }
  });

  it('writes no full e-mail address', () => {
    const full = lines().flatMap((line) =>
      [...line.matchAll(EMAIL)].map((match) => match[0]).filter((address) => !address.includes('***@')),
    );
    expect(full).toEqual([]);
  });

  it('writes only JSON lines', () => {
    const other = lines().filter((line) => {
      try {
        JSON.parse(line);
        return false;
      } catch {
        return true;
      }
    });
    expect(other).toEqual([]);
  });

  it('names event, source and employee on roster event lines', () => {
    const eventLines = jsonLines().filter((line) => typeof line.eventId === 'string');
    expect(eventLines.length).toBeGreaterThan(0);
    for (const line of eventLines) {
      expect(line.source, JSON.stringify(line).slice(0, 200)).toEqual(expect.any(String));
      expect(line.employeeId, JSON.stringify(line).slice(0, 200)).toEqual(expect.any(String));
    }
  });

  it('names the source on webhook delivery lines', () => {
    const deliveries = jsonLines().filter((line) => String(line.message).startsWith('webhook delivery'));
    expect(deliveries.length).toBeGreaterThan(0);
    for (const line of deliveries) expect(line.source).toEqual(expect.any(String));
  });
});
