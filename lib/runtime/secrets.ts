import { readFileSync, statSync } from 'node:fs';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { ENV } from './environment';

/** Seconds a secret value is cached in a warm function before Secrets Manager is asked again. */
const SECRET_CACHE_SECONDS = 300;

/**
 * Returns a secret's string value. Deployed functions read Secrets Manager through the Powertools
 * cache; local mode reads the JSON file named by TALENT_SYNC_SECRETS_FILE, which has no server.
 */
export async function getSecretValue(name: string): Promise<string> {
  const localFile = process.env[ENV.secretsFile];
  if (localFile) return readLocalSecret(localFile, name);

  const value = await getSecret(name, { maxAge: SECRET_CACHE_SECONDS });
  if (typeof value !== 'string' || value.length === 0) {
    throw new Error(
      `Secret ${name} has no string value: store the value as a plain string in Secrets Manager.`,
    );
  }
  return value;
}

/** The parsed local secrets file, with the modification time and size it was read at. */
let localCache: { file: string; mtimeMs: number; size: number; secrets: unknown } | undefined;

/**
 * Returns the parsed local secrets file, read again when its modification time or size changes. An
 * operator edits the file while the local stack runs, for a rotation test or a Gusto token. Between
 * edits the parsed copy serves, as the Powertools cache does in a deployed function.
 */
function readLocalSecrets(file: string): unknown {
  try {
    const { mtimeMs, size } = statSync(file);
    if (localCache?.file === file && localCache.mtimeMs === mtimeMs && localCache.size === size) {
      return localCache.secrets;
    }
    const secrets: unknown = JSON.parse(readFileSync(file, 'utf8'));
    localCache = { file, mtimeMs, size, secrets };
    return secrets;
  } catch (error) {
    throw new Error(`Cannot read the local secrets file ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

function readLocalSecret(file: string, name: string): string {
  const secrets = readLocalSecrets(file);
  const value = (secrets as Record<string, unknown>)[name];
  // Secrets Manager stores a JSON secret (rotation pairs, API credentials) as a string; the local
  // file may hold it as an object, which is passed on as that string.
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  if (typeof value !== 'string' || value.length === 0) {
    throw new Error(
      `Secret ${name} is not in the local secrets file ${file}: add it as a string, or a JSON object for a JSON secret.`,
    );
  }
  return value;
}
