import { describe, expect, it } from 'vitest';
import {
  apiError,
  isRetryable,
  TalentApiError,
  TalentError,
  TalentNetworkError,
  TalentTimeoutError,
} from '../../../lib/talent/errors';

describe('apiError', () => {
  it('builds the message from the server message', () => {
    const error = apiError({
      operation: 'createGroup',
      status: 409,
      body: { message: 'group exists' },
      retryable: false,
      attempts: 1,
    });
    expect(error.message).toBe('Talent createGroup failed with 409: group exists (not retried)');
  });

  it('masks e-mail addresses in the server message', () => {
    const error = apiError({
      operation: 'getUser',
      status: 404,
      body: { message: 'user not found: jane.doe@district.example.org' },
      retryable: false,
      attempts: 1,
    });
    expect(error.serverMessage).toBe('user not found: j***@district.example.org');
  });

  it('falls back to the status reason for an HTML body', () => {
    const error = apiError({
      operation: 'listUsers',
      status: 502,
      body: '<html>Bad Gateway</html>',
      retryable: true,
      attempts: 5,
    });
    expect(error.message).toBe('Talent listUsers failed with 502: bad gateway (gave up after 5 attempts)');
  });

  it('truncates a long server message', () => {
    const error = apiError({
      operation: 'listUsers',
      status: 400,
      body: { message: 'x'.repeat(1000) },
      retryable: false,
      attempts: 1,
    });
    expect(error.serverMessage).toHaveLength(301);
  });

  it('keeps the status and attempts', () => {
    const error = apiError({
      operation: 'listUsers',
      status: 503,
      body: undefined,
      retryable: true,
      attempts: 3,
    });
    expect(error).toMatchObject({ name: 'TalentApiError', status: 503, attempts: 3, retryable: true });
  });
});

describe('isRetryable', () => {
  it.each([
    ['a retryable API error', new TalentApiError('m', 'listUsers', true, 503, undefined, 5), true],
    ['a final API error', new TalentApiError('m', 'createUser', false, 409, undefined, 1), false],
    ['a timeout', new TalentTimeoutError('listUsers', 1000, 5), true],
    ['a network error', new TalentNetworkError('listUsers', 5, new Error('socket hang up')), true],
    ['a token provider failure', new TalentError('m', 'listUsers', false), false],
    ['a foreign error', new Error('other'), false],
  ])('returns the flag for %s', (_case, error, expected) => {
    expect(isRetryable(error)).toBe(expected);
  });
});

describe('TalentNetworkError', () => {
  it('names the socket error code', () => {
    const cause = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
    const error = new TalentNetworkError('getUser', 2, new TypeError('fetch failed', { cause }));
    expect(error.message).toBe(
      'Talent getUser failed: network error (fetch failed: other side closed [UND_ERR_SOCKET]) (gave up after 2 attempts)',
    );
  });
});
