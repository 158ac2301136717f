import { describe, expect, it } from 'vitest';
import { SigningSecretError } from '../../../lib/hris/errors';
import { matchesAnySignature, parseSigningSecret } from '../../../lib/hris/signing';

describe('parseSigningSecret', () => {
  it('returns a plain key as the only key', () => {
    expect(parseSigningSecret('whsec_plain-key')).toEqual(['whsec_plain-key']);
  });

  it('keeps a plain key byte for byte', () => {
    expect(parseSigningSecret(' key with spaces\n')).toEqual([' key with spaces\n']);
  });

  it('returns current then previous during a rotation', () => {
    expect(parseSigningSecret('{"current": "new-key", "previous": "old-key"}')).toEqual([
      'new-key',
      'old-key',
    ]);
  });

  it('accepts a rotation object without previous', () => {
    expect(parseSigningSecret('{"current": "new-key"}')).toEqual(['new-key']);
  });

  it('treats a null or empty previous key as absent', () => {
    expect(parseSigningSecret('{"current": "new-key", "previous": ""}')).toEqual(['new-key']);
  });

  it('drops a previous key equal to the current one', () => {
    expect(parseSigningSecret('{"current": "same", "previous": "same"}')).toEqual(['same']);
  });

  it('treats brace-prefixed non-JSON as plain', () => {
    expect(parseSigningSecret('{not json')).toEqual(['{not json']);
  });

  it('rejects an empty value', () => {
    expect(() => parseSigningSecret('')).toThrow(SigningSecretError);
  });

  it('rejects an object without current', () => {
    expect(() => parseSigningSecret('{"previous": "old-key"}')).toThrow(/no "current" key/);
  });

  it('rejects unknown keys', () => {
    expect(() => parseSigningSecret('{"current": "a", "next": "b"}')).toThrow(/unknown keys "next"/);
  });

  it('never puts key values in the error', () => {
    let message = '';
    try {
      parseSigningSecret('{"current": "topsecret-current", "next": "topsecret-next"}');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('"next"');
    expect(message).not.toContain('topsecret');
  });
});

describe('matchesAnySignature', () => {
  const digest = Buffer.alloc(32, 7);

  it('finds an equal digest among several', () => {
    expect(matchesAnySignature([Buffer.alloc(32, 1), Buffer.alloc(32, 7)], [digest])).toBe(true);
  });

  it('skips presented values of another length', () => {
    expect(matchesAnySignature([Buffer.alloc(31, 7)], [digest])).toBe(false);
  });

  it('returns false without presented values', () => {
    expect(matchesAnySignature([], [digest])).toBe(false);
  });
});
