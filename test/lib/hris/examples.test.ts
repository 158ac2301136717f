import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../../lib/config/load';
import { adapterFor, GENERIC_HEADERS, signGenericDelivery } from '../../../lib/hris';
import type { RawDelivery } from '../../../lib/hris/types';

/** The signed example deliveries must verify with the example secrets and tell the documented story. */

const EXAMPLES = join(import.meta.dirname, '../../../examples');
const secrets = JSON.parse(readFileSync(join(EXAMPLES, 'secrets.local.json'), 'utf8')) as Record<
  string,
  string
>;
const config = loadConfigFile(join(EXAMPLES, 'talent-sync.config.json'));

interface ExampleFile {
  source: string;
  headers: Record<string, string>;
  body: string;
}

function readExamples(folder: string): [string, ExampleFile][] {
  const dir = join(EXAMPLES, 'webhooks', folder);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => [name, JSON.parse(readFileSync(join(dir, name), 'utf8')) as ExampleFile]);
}

function sourceOf(example: ExampleFile) {
  const source = config.roster.sources.find((candidate) => candidate.name === example.source);
  if (!source) throw new Error(`example source ${example.source} is not in the example config`);
  return source;
}

/** Verifies an example at `now` and returns its normalized events. */
async function replay(example: ExampleFile, now: Date, headers = example.headers) {
  const source = sourceOf(example);
  const adapter = await adapterFor(source.provider);
  const delivery: RawDelivery = { headers, body: Buffer.from(example.body, 'utf8') };
  const secret = secrets[source.signingSecretName] ?? '';
  expect(adapter.verify(delivery, [secret], now, { toleranceSeconds: source.toleranceSeconds })).toEqual({
    ok: true,
  });
  return adapter.normalize(JSON.parse(example.body), { source: source.name, delivery, receivedAt: now });
}

async function summary(example: ExampleFile, now: Date) {
  return (await replay(example, now)).events.map((event) => ({
    employeeId: event.employeeId,
    action: event.action,
    jobTitle: event.person.jobTitle,
    school: event.person.school,
  }));
}

describe('generic example deliveries', () => {
  const examples = readExamples('generic');

  it('verify at their placeholder signing time', async () => {
    for (const [name, example] of examples) {
      const signedAt = new Date(Number(example.headers[GENERIC_HEADERS.timestamp]) * 1000);
      expect((await replay(example, signedAt)).events.length, name).toBeGreaterThan(0);
    }
  });

  it('verify after signing again with the current time', async () => {
    const now = new Date();
    for (const [, example] of examples) {
      const secret = secrets[sourceOf(example).signingSecretName] ?? '';
      const headers = {
        ...example.headers,
        ...signGenericDelivery(secret, example.body, now.getTime() / 1000),
      };
      expect((await replay(example, now, headers)).events.length).toBeGreaterThan(0);
    }
  });

  it('hire, move and terminate people', async () => {
    const stories = await Promise.all(
      examples.map(([, example]) =>
        summary(example, new Date(Number(example.headers[GENERIC_HEADERS.timestamp]) * 1000)),
      ),
    );
    expect(stories).toEqual([
      [
        { employeeId: 'E1001', action: 'upsert', jobTitle: 'Teacher', school: 'Maple Elementary' },
        { employeeId: 'E1002', action: 'upsert', jobTitle: 'Teacher', school: 'Cedar Middle' },
      ],
      [{ employeeId: 'E1001', action: 'upsert', jobTitle: 'Instructional Coach', school: 'Cedar Middle' }],
      [{ employeeId: 'E1002', action: 'terminate', jobTitle: 'Teacher', school: 'Cedar Middle' }],
    ]);
  });
});

describe('Merge example deliveries', () => {
  const examples = readExamples('merge');

  it('hire, move and terminate people', async () => {
    const now = new Date();
    expect(await Promise.all(examples.map(([, example]) => summary(example, now)))).toEqual([
      [{ employeeId: '48213', action: 'upsert', jobTitle: 'Teacher', school: 'Maple Elementary' }],
      [{ employeeId: '48213', action: 'upsert', jobTitle: 'Teacher', school: 'Cedar Middle' }],
      [{ employeeId: '47750', action: 'terminate', jobTitle: undefined, school: undefined }],
    ]);
  });
});
