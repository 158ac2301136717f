import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { parseConfig } from '../../../lib/config/load';
import { resetRuntimeConfig } from '../../../lib/config/runtime';
import type { Config } from '../../../lib/config/schema';
import { ENV } from '../../../lib/runtime/environment';
import { type LocalServer, startS3Server } from '../../../local/servers';
import {
  type SimulatorOptions,
  startTalentSimulator,
  type TalentSimulator,
} from '../../../local/talent-simulator/server';
import { EXPORT, POLL, WEEKLY } from './fixtures';

/** Shared set-up of the report tests: the Talent simulator, s3rver, a bucket and a config file. */

export const BUCKET = 'report-tests';
export const TOKEN_SECRET = 'talent-sync/talent-token';
const SECRETS_FILE = resolve('examples/secrets.local.json');

/** A clock for the simulator that tests move forward, so a report completes without real waiting. */
export class TestClock {
  private offsetMs = 0;

  readonly now = (): number => Date.now() + this.offsetMs;

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export interface ReportEnvironment {
  simulator: TalentSimulator;
  clock: TestClock;
  s3Server: LocalServer;
  s3: S3Client;
  config: Config;
  /** Replaces the simulator (for other report outcomes) and rewrites the config file to point at it. */
  restartSimulator(options?: SimulatorOptions): Promise<void>;
  /** Rewrites the config file with changed report settings. */
  writeConfig(reports?: Partial<Config['reports']>, talent?: Partial<Config['talent']>): void;
  close(): Promise<void>;
}

/**
 * Starts the simulator and s3rver on loopback and sets the environment the report handlers read:
 * config and secrets files, bucket, and the standard AWS variables that point the SDK at s3rver.
 * Call it before importing a handler, because the save handler creates its S3 client on import.
 */
export async function startReportEnvironment(options: SimulatorOptions = {}): Promise<ReportEnvironment> {
  const workDir = mkdtempSync(join(tmpdir(), 'talent-sync-report-test-'));
  const configFile = join(workDir, 'config.json');
  const s3Server = await startS3Server();

  const s3 = new S3Client({
    endpoint: s3Server.url,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));

  Object.assign(process.env, {
    [ENV.configFile]: configFile,
    [ENV.secretsFile]: SECRETS_FILE,
    [ENV.reportBucket]: BUCKET,
    [ENV.reportS3Checksums]: 'true',
    AWS_ENDPOINT_URL_S3: s3Server.url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });

  let clock = new TestClock();
  let simulator = await startTalentSimulator({ now: clock.now, ...options });
  let reports: Partial<Config['reports']> = {};
  let talent: Partial<Config['talent']> = {};

  const environment: ReportEnvironment = {
    simulator,
    clock,
    s3Server,
    s3,
    config: buildConfig(simulator.url, reports, talent),

    async restartSimulator(nextOptions = {}) {
      await simulator.close();
      clock = new TestClock();
      simulator = await startTalentSimulator({ now: clock.now, ...nextOptions });
      Object.assign(environment, { simulator, clock });
      environment.writeConfig(reports, talent);
    },

    writeConfig(nextReports = {}, nextTalent = {}) {
      reports = nextReports;
      talent = nextTalent;
      environment.config = buildConfig(simulator.url, reports, talent);
      writeFileSync(configFile, JSON.stringify(environment.config));
      resetRuntimeConfig();
    },

    async close() {
      await simulator.close();
      await s3Server.close();
      s3.destroy();
      rmSync(workDir, { recursive: true, force: true });
      resetRuntimeConfig();
    },
  };
  environment.writeConfig();
  return environment;
}

function buildConfig(
  baseUrl: string,
  reports: Partial<Config['reports']>,
  talent: Partial<Config['talent']>,
): Config {
  return parseConfig({
    talent: {
      baseUrl,
      tokenSecretName: TOKEN_SECRET,
      requestsPerSecond: 100,
      timeoutMs: 5000,
      maxRetries: 0,
      ...talent,
    },
    reports: { poll: POLL, schedules: [WEEKLY, EXPORT], ...reports },
  });
}

/** Returns an object's bytes, or undefined when the key does not exist. */
export async function readObject(s3: S3Client, key: string): Promise<Buffer | undefined> {
  try {
    const result = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return Buffer.from(
      await (result.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
    );
  } catch (error) {
    if ((error as Error).name === 'NoSuchKey') return undefined;
    throw error;
  }
}

/** Returns whether an object exists under the key. */
export async function objectExists(s3: S3Client, key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'NotFound') return false;
    throw error;
  }
}
