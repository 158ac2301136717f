import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LOCAL_SECRETS_DIR_ENV } from '../lib/hris/verification';
import { ENV } from '../lib/runtime/environment';

/**
 * The contents of `.local/endpoints.json`, which `npm start` writes. The first five keys are the
 * documented contract for people and tools, and the rest let the CLI's `--local` mode reach the same
 * local resources.
 */
export interface LocalEndpoints {
  webhookBaseUrl: string;
  talentApiUrl: string;
  talentToken: string;
  s3Endpoint: string;
  reportBucket: string;
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  rosterQueueUrl: string;
  rosterDeadLetterQueueUrl: string;
  stateTable: string;
  /** The roster audit table, beside the state table. */
  auditTable: string;
  /** The derived config, pointed at the simulator. */
  configFile: string;
  secretsFile: string;
  /**
   * The provider API fakes, when the config has sources that look people up; seed a person with
   * `PUT {providerFakesUrl}/__admin/people/{provider}/{personId}`.
   */
  providerFakesUrl?: string;
  /**
   * The directory the functions write secrets to, because Secrets Manager has no local server. A Gusto
   * verification token goes to `<localSecretsDir>/<pending-verification secret name>.json`.
   */
  localSecretsDir?: string;
}

export const LOCAL_REGION = 'us-east-1';
export const ENDPOINTS_FILE = 'endpoints.json';

/**
 * Points the AWS SDK and the handlers' settings at the local servers, through the SDK's standard
 * service-specific endpoint variables, so handler code runs unchanged.
 */
export function applyLocalEnvironment(endpoints: LocalEndpoints): void {
  Object.assign(process.env, {
    AWS_REGION: LOCAL_REGION,
    // s3rver accepts only this key pair; the other servers accept any.
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_ENDPOINT_URL_S3: endpoints.s3Endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodbEndpoint,
    AWS_ENDPOINT_URL_SQS: endpoints.sqsEndpoint,
    // s3rver stores a streamed body with a checksum corrupted, so checksums stay off locally.
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    [ENV.reportS3Checksums]: 'false',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    POWERTOOLS_METRICS_DISABLED: 'true',
    [ENV.configFile]: endpoints.configFile,
    [ENV.secretsFile]: endpoints.secretsFile,
    [ENV.rosterQueueUrl]: endpoints.rosterQueueUrl,
    [ENV.stateTableName]: endpoints.stateTable,
    [ENV.auditTableName]: endpoints.auditTable,
    [ENV.reportBucket]: endpoints.reportBucket,
    ...(endpoints.localSecretsDir ? { [LOCAL_SECRETS_DIR_ENV]: endpoints.localSecretsDir } : {}),
  });
}

/** Reads the endpoints of a running `npm start`, or throws an error that explains how to start one. */
export function readLocalEndpoints(stateDir = '.local'): LocalEndpoints {
  const file = join(resolve(stateDir), ENDPOINTS_FILE);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LocalEndpoints;
  } catch (error) {
    throw new Error(
      `Cannot read ${file}: ${(error as Error).message}. Start the local stack first with "npm start".`,
      { cause: error },
    );
  }
}
