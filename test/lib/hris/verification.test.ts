import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SourceConfig } from '../../../lib/config/schema';
import type { DeliveryRejectedError } from '../../../lib/hris/errors';
import {
  LOCAL_SECRETS_DIR_ENV,
  localSecretWriter,
  pendingVerificationSecretName,
  secretsManagerWriter,
  secretWriterFromEnvironment,
  storeVerificationToken,
} from '../../../lib/hris/verification';
import { ENV } from '../../../lib/runtime/environment';

const SOURCE = {
  name: 'gusto',
  provider: 'gusto',
  signingSecretName: 'talent-sync/gusto-verification-token',
  apiSecretName: 'talent-sync/gusto-access-token',
  toleranceSeconds: 300,
} as SourceConfig;

const TOKEN = { token: '6590f590-3dba-495e-9bea-c361e1e2efc0', subscriptionUuid: 'sub-1' };
const RECEIVED_AT = new Date('2026-01-10T12:00:00Z');

const secretsManager = mockClient(SecretsManagerClient);
let directory: string;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'talent-sync-verification-'));
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe('pendingVerificationSecretName', () => {
  it('derives the default from signingSecretName', () => {
    expect(pendingVerificationSecretName(SOURCE)).toBe(
      'talent-sync/gusto-verification-token-pending-verification',
    );
  });

  it('uses verificationSecretName when set', () => {
    const source = { ...SOURCE, verificationSecretName: 'talent-sync/gusto-pending' };
    expect(pendingVerificationSecretName(source)).toBe('talent-sync/gusto-pending');
  });
});

describe('localSecretWriter', () => {
  it('writes the value under the secret name path', async () => {
    const file = await localSecretWriter(directory).putSecretValue('talent-sync/a-secret', '{"a":1}');
    expect(file).toBe(join(directory, 'talent-sync', 'a-secret.json'));
    expect(readFileSync(file, 'utf8')).toBe('{"a":1}\n');
  });

  it('makes the file readable by the owner only', async () => {
    const file = await localSecretWriter(directory).putSecretValue('private', 'value');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('replaces an earlier value', async () => {
    const writer = localSecretWriter(directory);
    await writer.putSecretValue('rewritten', 'first');
    const file = await writer.putSecretValue('rewritten', 'second');
    expect(readFileSync(file, 'utf8')).toBe('second\n');
  });

  it('rejects a name that leaves the directory', async () => {
    await expect(localSecretWriter(directory).putSecretValue('../outside', 'x')).rejects.toThrow(
      /"\.\." segment/,
    );
  });
});

describe('secretsManagerWriter', () => {
  afterEach(() => {
    secretsManager.reset();
  });

  it('puts the value as the secret string', async () => {
    secretsManager.on(PutSecretValueCommand).resolves({ ARN: 'arn:aws:secretsmanager:eu-west-1:1:secret:x' });
    await secretsManagerWriter(new SecretsManagerClient({})).putSecretValue('x', 'value');
    expect(secretsManager.commandCalls(PutSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: 'x',
      SecretString: 'value',
    });
  });

  it('returns the ARN as the location', async () => {
    secretsManager.on(PutSecretValueCommand).resolves({ ARN: 'arn:aws:secretsmanager:eu-west-1:1:secret:x' });
    const location = await secretsManagerWriter(new SecretsManagerClient({})).putSecretValue('x', 'v');
    expect(location).toBe('arn:aws:secretsmanager:eu-west-1:1:secret:x');
  });
});

describe('storeVerificationToken', () => {
  afterEach(() => {
    secretsManager.reset();
  });

  it('stores token, subscription uuid, source and time as JSON', async () => {
    const stored = await storeVerificationToken(localSecretWriter(directory), SOURCE, TOKEN, RECEIVED_AT);
    expect(JSON.parse(readFileSync(stored.location, 'utf8'))).toEqual({
      verification_token: TOKEN.token,
      webhook_subscription_uuid: 'sub-1',
      source: 'gusto',
      receivedAt: '2026-01-10T12:00:00.000Z',
    });
  });

  it('returns the secret name and subscription uuid without the token', async () => {
    const stored = await storeVerificationToken(localSecretWriter(directory), SOURCE, TOKEN, RECEIVED_AT);
    expect(stored).toEqual({
      secretName: 'talent-sync/gusto-verification-token-pending-verification',
      location: join(directory, 'talent-sync', 'gusto-verification-token-pending-verification.json'),
      subscriptionUuid: 'sub-1',
    });
  });

  it('stores null for a missing subscription uuid', async () => {
    const stored = await storeVerificationToken(
      localSecretWriter(directory),
      SOURCE,
      { token: 'tok-2' },
      RECEIVED_AT,
    );
    expect(JSON.parse(readFileSync(stored.location, 'utf8')).webhook_subscription_uuid).toBeNull();
  });

  it('writes to Secrets Manager under the pending secret name', async () => {
    secretsManager.on(PutSecretValueCommand).resolves({ ARN: 'arn:pending' });
    await storeVerificationToken(
      secretsManagerWriter(new SecretsManagerClient({})),
      SOURCE,
      TOKEN,
      RECEIVED_AT,
    );
    expect(secretsManager.commandCalls(PutSecretValueCommand)[0]?.args[0].input.SecretId).toBe(
      'talent-sync/gusto-verification-token-pending-verification',
    );
  });

  /** Stores the token while Secrets Manager rejects the write, and returns the error. */
  async function failedStore(): Promise<DeliveryRejectedError> {
    secretsManager.on(PutSecretValueCommand).rejects(new Error('AccessDeniedException'));
    const writer = secretsManagerWriter(new SecretsManagerClient({}));
    const failure = await storeVerificationToken(writer, SOURCE, TOKEN, RECEIVED_AT).catch(
      (error: unknown) => error,
    );
    return failure as DeliveryRejectedError;
  }

  it('rejects with 500 when the write fails', async () => {
    expect((await failedStore()).statusCode).toBe(500);
  });

  it('keeps the token out of the failure message', async () => {
    expect((await failedStore()).message).not.toContain(TOKEN.token);
  });
});

describe('secretWriterFromEnvironment', () => {
  const saved = { secretsFile: process.env[ENV.secretsFile], directory: process.env[LOCAL_SECRETS_DIR_ENV] };

  afterEach(() => {
    secretsManager.reset();
    restore(ENV.secretsFile, saved.secretsFile);
    restore(LOCAL_SECRETS_DIR_ENV, saved.directory);
  });

  it('writes a local file in local mode', async () => {
    process.env[ENV.secretsFile] = join(directory, 'secrets.json');
    process.env[LOCAL_SECRETS_DIR_ENV] = join(directory, 'local');
    const location = await secretWriterFromEnvironment().putSecretValue('from-env', 'v');
    expect(location).toBe(join(directory, 'local', 'from-env.json'));
  });

  it('writes Secrets Manager outside local mode', async () => {
    delete process.env[ENV.secretsFile];
    secretsManager.on(PutSecretValueCommand).resolves({ ARN: 'arn:deployed' });
    expect(await secretWriterFromEnvironment().putSecretValue('deployed', 'v')).toBe('arn:deployed');
  });
});

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
