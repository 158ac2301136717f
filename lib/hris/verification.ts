import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SourceConfig } from '../config/schema';
import { ENV } from '../runtime/environment';
import { DeliveryRejectedError } from './errors';

/**
 * Storage of a provider's subscription verification token, which the operator must read and send back
 * to the provider (Gusto: `PUT /v1/webhook_subscriptions/{uuid}/verify`). The token arrives unsigned and
 * becomes the signing key, so it is never logged and goes to a secret of its own that no signature
 * check reads. Deployed functions write Secrets Manager; local mode writes a file.
 */

/** Suffix of the default pending-verification secret name, appended to the source's `signingSecretName`. */
export const PENDING_VERIFICATION_SUFFIX = '-pending-verification';

/**
 * Environment variable with the directory where local mode writes secrets, because Secrets Manager has no
 * local server. The local stack sets it to `<state dir>/secrets`.
 */
export const LOCAL_SECRETS_DIR_ENV = 'TALENT_SYNC_LOCAL_SECRETS_DIR';

/** A verification token as the provider sent it. */
export interface VerificationToken {
  token: string;
  /** The provider's id of the subscription to verify, when the request carries it. */
  subscriptionUuid?: string;
}

/** A store of secret values, with one implementation per place that secrets live in. */
export interface SecretWriter {
  /** Stores `value` as the secret's current value and returns where it went (an ARN or a file path). */
  putSecretValue(name: string, value: string): Promise<string>;
}

/** Returns the source's pending-verification secret name: `verificationSecretName` or the derived default. */
export function pendingVerificationSecretName(
  source: Pick<SourceConfig, 'signingSecretName' | 'verificationSecretName'>,
): string {
  return source.verificationSecretName ?? `${source.signingSecretName}${PENDING_VERIFICATION_SUFFIX}`;
}

/** Writes through Secrets Manager `PutSecretValue`, which adds a version labelled AWSCURRENT. */
export function secretsManagerWriter(client: SecretsManagerClient): SecretWriter {
  return {
    async putSecretValue(name, value) {
      const output = await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: value }));
      return output.ARN ?? name;
    },
  };
}

/**
 * Writes each secret to `<directory>/<secret name>.json`, where each `/` of the name is a directory level,
 * readable by the owner only.
 */
export function localSecretWriter(directory: string): SecretWriter {
  return {
    async putSecretValue(name, value) {
      const segments = name.split('/');
      if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
        throw new Error(`secret name "${name}" has an empty, "." or ".." segment: rename the secret`);
      }
      const file = `${join(resolve(directory), ...segments)}.json`;
      await mkdir(resolve(file, '..'), { recursive: true, mode: 0o700 });
      await writeFile(file, `${value}\n`, { mode: 0o600 });
      return file;
    },
  };
}

/**
 * Returns the writer for where this function runs: a local file under LOCAL_SECRETS_DIR_ENV (default
 * `.local/secrets`) when TALENT_SYNC_SECRETS_FILE marks local mode, otherwise Secrets Manager.
 */
export function secretWriterFromEnvironment(): SecretWriter {
  if (process.env[ENV.secretsFile]) {
    return localSecretWriter(process.env[LOCAL_SECRETS_DIR_ENV] || join('.local', 'secrets'));
  }
  return secretsManagerWriter(new SecretsManagerClient({}));
}

/** The location of a stored verification token, for the log line; never the token itself. */
export interface StoredVerification {
  secretName: string;
  location: string;
  subscriptionUuid?: string;
}

/**
 * Writes the token, the subscription uuid and the receive time as a JSON object to the source's
 * pending-verification secret. A failed write rejects the delivery with 500, so that the provider sends
 * the token again (Gusto retries non-2xx responses), and the cause is kept for the log.
 */
export async function storeVerificationToken(
  writer: SecretWriter,
  source: SourceConfig,
  verification: VerificationToken,
  receivedAt: Date,
): Promise<StoredVerification> {
  const secretName = pendingVerificationSecretName(source);
  const value = JSON.stringify({
    verification_token: verification.token,
    webhook_subscription_uuid: verification.subscriptionUuid ?? null,
    source: source.name,
    receivedAt: receivedAt.toISOString(),
  });
  try {
    const location = await writer.putSecretValue(secretName, value);
    return { secretName, location, subscriptionUuid: verification.subscriptionUuid };
  } catch (error) {
    throw new DeliveryRejectedError(
      500,
      `the verification token of source "${source.name}" cannot be stored: the operator must check ` +
        'that its pending-verification secret exists and that the webhook function may write it',
      {},
      { cause: error },
    );
  }
}
