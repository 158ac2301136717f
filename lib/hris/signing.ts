import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { SigningSecretError } from './errors';

/** Computes HMAC-SHA256 over the concatenation of `parts`; strings are taken as UTF-8. */
export function hmacSha256(key: string, ...parts: (Buffer | string)[]): Buffer {
  const hmac = createHmac('sha256', key);
  for (const part of parts) hmac.update(part);
  return hmac.digest();
}

/** Returns the SHA-256 digest of the bytes as 64 lower-case hex characters. */
export function sha256Hex(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Returns true when any presented signature equals any expected one. Each comparison is constant-time
 * over equal-length buffers; a presented value of another length cannot match and is skipped.
 */
export function matchesAnySignature(presented: readonly Buffer[], expected: readonly Buffer[]): boolean {
  let matched = false;
  for (const candidate of presented) {
    for (const digest of expected) {
      if (candidate.length === digest.length && timingSafeEqual(candidate, digest)) matched = true;
    }
  }
  return matched;
}

/**
 * Parses a signing secret's stored value into the keys to try, current first. The value is either the key
 * itself or, during a rotation, a JSON object `{"current": "...", "previous": "..."}`. A plain key is used
 * byte for byte, so a trailing newline stored by mistake becomes part of the key.
 */
export function parseSigningSecret(value: string): string[] {
  if (value.length === 0) {
    throw new SigningSecretError('The signing secret is empty: store the provider key as its value.');
  }

  const parsed = parseJsonObject(value);
  if (parsed === undefined) return [value];

  const unknownKeys = Object.keys(parsed).filter((key) => key !== 'current' && key !== 'previous');
  if (unknownKeys.length > 0) {
    throw new SigningSecretError(
      `The signing secret object has unknown keys ${unknownKeys.map((key) => `"${key}"`).join(', ')}: ` +
        'only "current" and "previous" are read.',
    );
  }
  const { current, previous } = parsed;
  if (typeof current !== 'string' || current.length === 0) {
    throw new SigningSecretError(
      'The signing secret object has no "current" key: set "current" to the key the provider signs with now.',
    );
  }
  if (previous !== undefined && previous !== null && typeof previous !== 'string') {
    throw new SigningSecretError(
      'The signing secret\'s "previous" key must be a string: remove it or fix it.',
    );
  }
  if (!previous || previous === current) return [current];
  return [current, previous];
}

/** Returns the value as an object when it is a JSON object, otherwise undefined. */
function parseJsonObject(value: string): Record<string, unknown> | undefined {
  if (!value.trimStart().startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // A key that merely starts with "{" is still a plain key.
  }
  return undefined;
}
