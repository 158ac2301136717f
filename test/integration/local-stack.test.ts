import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExampleDelivery, type ReplayResult, replayExamples } from '../../local/replay';
import { type LocalStack, type ReportRunResult, startLocalStack } from '../../local/stack';

// Both jobs end to end through the local stack: signed example webhooks over HTTP to the webhook
// handler, SQS FIFO, the apply handler and the Talent simulator; and the report state machine from
// the synthesized CDK template, with its tasks bound to the real handlers, into local S3.

let stack: LocalStack;
let replay: ReplayResult;
const reports: ReportRunResult[] = [];

beforeAll(async () => {
  stack = await startLocalStack({
    configPath: 'examples/talent-sync.config.json',
    secretsPath: 'examples/secrets.local.json',
    seedPath: 'examples/talent-seed.json',
    stateDir: mkdtempSync(join(tmpdir(), 'talent-sync-local-')),
    reportPendingMs: 300,
    waitMs: 50,
  });
  replay = await replayExamples(stack);
  await stack.drainRoster();
  for (const schedule of stack.config.reports.schedules) reports.push(await stack.runReport(schedule.name));
});

afterAll(async () => {
  await stack?.close();
});

function user(email: string) {
  return stack.simulator.users().find((entry) => entry.email === email);
}

function readExample(file: string): ExampleDelivery {
  return JSON.parse(readFileSync(join('examples/webhooks', file), 'utf8')) as ExampleDelivery;
}

async function objectBytes(key: string): Promise<Buffer> {
  const object = await stack.s3.send(new GetObjectCommand({ Bucket: stack.bucket, Key: key }));
  return Buffer.from(
    await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
  );
}

describe('roster sync through the local stack', () => {
  it('accepts every example delivery with 202', () => {
    expect(replay.deliveries).toHaveLength(6);
    for (const delivery of replay.deliveries) expect(delivery.status, delivery.file).toBe(202);
  });

  it('creates a hire with the role and school group from the rules', () => {
    const zoe = user('zoe.angstrom@district.example.org');
    expect(zoe?.role).toBe('Teacher');
    expect(zoe?.groups).toEqual(['School: Cedar Middle']);
    expect(zoe?.status).toBe('Invited');
  });

  it('moves a job change to the new role and school group', () => {
    const ava = user('ava.lindqvist@district.example.org');
    expect(ava?.role).toBe('Coach');
    expect(ava?.groups).toEqual(['School: Cedar Middle']);
  });

  it('deactivates a leaver', () => {
    expect(user('rafael.moreno@district.example.org')?.status).toBe('Disabled');
  });

  it('deactivates a user who existed before the sync and keeps hand-assigned groups', () => {
    const noah = user('noah.whitfield@district.example.org');
    expect(noah?.status).toBe('Disabled');
    expect(noah?.groups).toContain('Mentor Teachers');
  });

  it('creates each missing school group once', () => {
    const names = stack.simulator.groups().map((group) => group.name);
    expect(names.filter((name) => name === 'School: Maple Elementary')).toHaveLength(1);
    expect(names.filter((name) => name === 'School: Cedar Middle')).toHaveLength(1);
  });

  it('leaves nothing in the dead-letter queue', async () => {
    expect(await stack.deadLetterCount()).toBe(0);
  });

  it('creates no second user when a delivery is replayed', async () => {
    const usersBefore = stack.simulator.users().length;
    const createsBefore = stack.simulator.counts().createUser ?? 0;
    const hire = readExample('merge/01-hire.json');

    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await fetch(`${stack.endpoints.webhookBaseUrl}/${hire.source}`, {
        method: 'POST',
        headers: hire.headers,
        body: hire.body,
      });
      expect(response.status).toBe(202);
    }
    await stack.drainRoster();

    expect(stack.simulator.users()).toHaveLength(usersBefore);
    expect(stack.simulator.counts().createUser ?? 0).toBe(createsBefore);
    expect(user('zoe.angstrom@district.example.org')?.groups).toEqual(['School: Cedar Middle']);
  });

  it('rejects a wrong signature with 401 and queues nothing', async () => {
    const hire = readExample('merge/01-hire.json');
    const forged = hire.body.replace('Maple Elementary', 'Birch High');
    await stack.drainRoster();
    const talentRequestsBefore = stack.simulator.requestLog().length;

    const response = await fetch(`${stack.endpoints.webhookBaseUrl}/${hire.source}`, {
      method: 'POST',
      headers: hire.headers,
      body: forged,
    });

    expect(response.status).toBe(401);
    expect(((await response.json()) as { message: string }).message).toMatch(/signature/i);
    expect(await stack.deadLetterCount()).toBe(0);
    await stack.drainRoster(5_000);
    expect(stack.simulator.requestLog()).toHaveLength(talentRequestsBefore);
    expect(stack.simulator.groups().map((group) => group.name)).not.toContain('School: Birch High');
  });
});

describe('report delivery through the local stack', () => {
  it('runs every configured schedule to a saved report', () => {
    expect(reports.map((report) => report.schedule)).toEqual(['coaching-weekly', 'observations-export']);
    for (const report of reports) expect(report.error, report.schedule).toBeUndefined();
    for (const report of reports) expect(report.ok, report.schedule).toBe(true);
  });

  it.each([
    ['coaching-weekly', 'coachingFrequency'],
    ['observations-export', 'reportBuilder'],
  ])('writes the %s CSV with a manifest that matches it', async (schedule, reportType) => {
    const output = reports.find((report) => report.schedule === schedule)?.output ?? {};
    const key = String(output.key);
    expect(key).toMatch(
      new RegExp(`^reports/${schedule}/date=\\d{4}-\\d{2}-\\d{2}/${schedule}_\\d{8}T\\d{6}Z_.+\\.csv$`),
    );

    const csv = await objectBytes(key);
    const manifest = JSON.parse((await objectBytes(String(output.manifestKey))).toString('utf8'));
    expect(manifest.report).toBe(reportType);
    expect(manifest.key).toBe(key);
    expect(manifest.bytes).toBe(csv.length);
    expect(manifest.sha256).toBe(createHash('sha256').update(csv).digest('hex'));
    expect(manifest.rows).toBeGreaterThan(0);
    expect(csv.toString('utf8').split('\r\n').filter(Boolean).length).toBeGreaterThan(1);
  });

  it('publishes no alert when every run succeeds', () => {
    expect(stack.alerts).toEqual([]);
  });
});
