import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateOneRoster, zipOneRoster } from '../../../examples/rosters/oneroster';
import { resetRuntimeConfig } from '../../../lib/config/runtime';
import type { ReconcileObjectResult } from '../../../lib/roster/reconcile/object';
import type { PlanDocument } from '../../../lib/roster/reconcile/s3';
import { ENV } from '../../../lib/runtime/environment';
import { lambdaContext } from '../../../local/lambda-context';
import { type LocalServer, startS3Server } from '../../../local/servers';
import {
  DEFAULT_TOKENS,
  startTalentSimulator,
  type TalentSimulator,
} from '../../../local/talent-simulator/server';

type Handler = (
  event: S3Event,
  context: ReturnType<typeof lambdaContext>,
) => Promise<ReconcileObjectResult[]>;

const BUCKET = 'roster-bucket';
const DOMAIN = 'district.example.org';
const TOKEN_SECRET = 'talent-sync/talent-token';
/** The key as S3 stores it, and as the event carries it (spaces as `+`). */
const ROSTER_KEY = 'roster/inbox/nightly export.zip';
const EVENT_KEY = 'roster/inbox/nightly+export.zip';

const roster = generateOneRoster({ people: 200, seed: 11, version: '1.1', domain: DOMAIN });

let simulator: TalentSimulator;
let s3Server: LocalServer;
let s3: S3Client;
let dir: string;
let handler: Handler;

/** Writes the config the handler reads, with the given reconcile settings. */
function useConfig(roster: Record<string, unknown>): void {
  const file = join(dir, 'config.json');
  writeFileSync(
    file,
    JSON.stringify({
      talent: { baseUrl: simulator.url, tokenSecretName: TOKEN_SECRET, requestsPerSecond: 100 },
      roster: { groupRules: [{ when: {}, groups: ['School: {school}'] }], suppressInvite: true, ...roster },
    }),
  );
  process.env[ENV.configFile] = file;
  resetRuntimeConfig();
}

function s3Event(key: string): S3Event {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'us-east-1',
        eventTime: '2026-01-10T09:00:00.000Z',
        eventName: 'ObjectCreated:Put',
        userIdentity: { principalId: 'local' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': 'local', 'x-amz-id-2': 'local' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'roster-inbox',
          bucket: { name: BUCKET, ownerIdentity: { principalId: 'local' }, arn: `arn:aws:s3:::${BUCKET}` },
          object: { key, size: 1, eTag: 'local', sequencer: '0' },
        },
      },
    ],
  };
}

async function readPlan(key: string): Promise<PlanDocument> {
  const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return JSON.parse(await (object.Body?.transformToString() ?? Promise.resolve('{}'))) as PlanDocument;
}

async function readText(key: string): Promise<string> {
  const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return (await object.Body?.transformToString()) ?? '';
}

beforeAll(async () => {
  simulator = await startTalentSimulator({
    seed: { users: Array.from({ length: 30 }, (_, index) => ({ email: `gone.${index}@${DOMAIN}` })) },
  });
  s3Server = await startS3Server();
  dir = mkdtempSync(join(tmpdir(), 'roster-reconcile-'));
  const secretsFile = join(dir, 'secrets.json');
  writeFileSync(secretsFile, JSON.stringify({ [TOKEN_SECRET]: DEFAULT_TOKENS.system }));
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_ENDPOINT_URL_S3: s3Server.url,
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    [ENV.secretsFile]: secretsFile,
  });

  s3 = new S3Client({ forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: ROSTER_KEY, Body: zipOneRoster(roster.files) }));
  handler = (await import('../../../functions/roster-reconcile/handler')).handler as unknown as Handler;
});

afterAll(async () => {
  await simulator?.close();
  await s3Server?.close();
});

beforeEach(() => {
  simulator.reset();
});

function writes() {
  return simulator.requestLog().filter((entry) => entry.method !== 'GET');
}

describe('roster-reconcile handler', () => {
  it('writes the plan as JSON and text in plan mode', async () => {
    useConfig({ reconcile: { domains: [DOMAIN] } });

    const [result] = await handler(s3Event(EVENT_KEY), lambdaContext('roster-reconcile'));

    expect(result?.status).toBe('planned');
    const plan = await readPlan(result?.planKeys?.json ?? '');
    expect(plan.roster).toBe(`s3://${BUCKET}/${ROSTER_KEY}`);
    expect(plan.plan.creates.length).toBeGreaterThan(100);
    expect(await readText(result?.planKeys?.text ?? '')).toMatch(/^Reconcile run /);
    expect(writes()).toEqual([]);
  });

  it('stops at the brake in apply mode without writing to Talent', async () => {
    useConfig({ reconcile: { domains: [DOMAIN], mode: 'apply' } });

    const [result] = await handler(s3Event(EVENT_KEY), lambdaContext('roster-reconcile'));

    expect(result?.status).toBe('braked');
    const plan = await readPlan(result?.planKeys?.json ?? '');
    expect(plan.plan.brake).toMatchObject({ deactivations: 30, tripped: true });
    expect(writes()).toEqual([]);
  });

  it('applies in apply mode when the brake allows', async () => {
    useConfig({ maxDeactivationShare: 1, reconcile: { domains: [DOMAIN], mode: 'apply' } });

    const [result] = await handler(s3Event(EVENT_KEY), lambdaContext('roster-reconcile'));

    expect(result?.status).toBe('applied');
    const plan = await readPlan(result?.planKeys?.json ?? '');
    expect(plan.result?.failures).toEqual([]);
    const created = simulator
      .users()
      .filter((user) => user.email.endsWith(`@${DOMAIN}`) && user.status !== 'Disabled');
    expect(created).toHaveLength(plan.plan.creates.length);
  });

  it('reports an unreadable roster without calling Talent', async () => {
    useConfig({ reconcile: { domains: [DOMAIN] } });
    await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'roster/inbox/bad.csv', Body: 'id,name\n1,Ada\n' }),
    );

    const [result] = await handler(s3Event('roster/inbox/bad.csv'), lambdaContext('roster-reconcile'));

    expect(result?.status).toBe('invalid');
    expect(result?.reason).toMatch(/no e-mail column/);
    expect(simulator.requestLog()).toEqual([]);
  });

  it('ignores an object outside the inbox', async () => {
    useConfig({});

    const [result] = await handler(s3Event('roster/plans/other.json'), lambdaContext('roster-reconcile'));

    expect(result?.status).toBe('ignored');
  });
});
