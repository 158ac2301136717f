import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ENV } from '../../../lib/runtime/environment';
import { getSecretValue } from '../../../lib/runtime/secrets';

describe('getSecretValue from the local secrets file', () => {
  const saved = process.env[ENV.secretsFile];
  let file: string;

  beforeEach(() => {
    file = join(mkdtempSync(join(tmpdir(), 'local-secrets-')), 'secrets.json');
    process.env[ENV.secretsFile] = file;
  });

  afterEach(() => {
    if (saved === undefined) delete process.env[ENV.secretsFile];
    else process.env[ENV.secretsFile] = saved;
  });

  it('returns a string secret', async () => {
    writeFileSync(file, JSON.stringify({ signing: 'first-value' }));
    expect(await getSecretValue('signing')).toBe('first-value');
  });

  it('returns a JSON object secret as its JSON string', async () => {
    writeFileSync(file, JSON.stringify({ credential: { token: 'abc' } }));
    expect(await getSecretValue('credential')).toBe('{"token":"abc"}');
  });

  it('reads the file again after an edit of the same size', async () => {
    writeFileSync(file, JSON.stringify({ signing: 'first-value' }));
    await getSecretValue('signing');
    writeFileSync(file, JSON.stringify({ signing: 'other-value' }));
    expect(await getSecretValue('signing')).toBe('other-value');
  });

  it('names the file and the fix for a missing secret', async () => {
    writeFileSync(file, JSON.stringify({ signing: 'first-value' }));
    await expect(getSecretValue('absent')).rejects.toThrow(/absent is not in the local secrets file/);
  });

  it('names the file when it is not JSON', async () => {
    writeFileSync(file, '{ not json');
    await expect(getSecretValue('signing')).rejects.toThrow(/Cannot read the local secrets file/);
  });
});
