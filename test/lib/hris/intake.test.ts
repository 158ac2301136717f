import { describe, expect, it } from 'vitest';
import type { SourceConfig } from '../../../lib/config/schema';
import { DeliveryRejectedError } from '../../../lib/hris/errors';
import {
  checkBodySize,
  checkJsonContentType,
  findSource,
  MAX_BODY_BYTES,
  parseAndNormalize,
  verifyDelivery,
} from '../../../lib/hris/intake';
import { mergeAdapter, signMergeBody } from '../../../lib/hris/merge';
import type { RawDelivery } from '../../../lib/hris/types';

const SOURCES: SourceConfig[] = [
  { name: 'merge', provider: 'merge', signingSecretName: 'talent-sync/merge', toleranceSeconds: 300 },
];

function delivery(body: string | Buffer, headers: Record<string, string> = {}): RawDelivery {
  return {
    headers: { 'content-type': 'application/json', ...headers },
    body: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'),
  };
}

/** Runs `action` and returns the DeliveryRejectedError it throws. */
function rejection(action: () => unknown): DeliveryRejectedError {
  try {
    action();
  } catch (error) {
    if (error instanceof DeliveryRejectedError) return error;
    throw error;
  }
  throw new Error('expected a DeliveryRejectedError');
}

describe('findSource', () => {
  it('returns the configured source', () => {
    expect(findSource(SOURCES, 'merge').provider).toBe('merge');
  });

  it('rejects an unknown source with 404 and the fix', () => {
    const error = rejection(() => findSource(SOURCES, 'bamboo'));
    expect(error.statusCode).toBe(404);
    expect(error.message).toBe('unknown source "bamboo": configure it under roster.sources');
  });
});

describe('checkBodySize', () => {
  it('accepts a body of exactly the limit', () => {
    expect(() => checkBodySize(delivery(Buffer.alloc(MAX_BODY_BYTES, 0x20)))).not.toThrow();
  });

  it('rejects a larger body with 413', () => {
    expect(rejection(() => checkBodySize(delivery(Buffer.alloc(MAX_BODY_BYTES + 1, 0x20)))).statusCode).toBe(
      413,
    );
  });

  it('rejects an empty body with 400', () => {
    expect(rejection(() => checkBodySize(delivery(''))).statusCode).toBe(400);
  });
});

describe('checkJsonContentType', () => {
  it.each(['application/json', 'application/json; charset=utf-8', 'Application/JSON;charset="UTF-8"'])(
    'accepts %s',
    (contentType) => {
      expect(() => checkJsonContentType(delivery('{}', { 'content-type': contentType }))).not.toThrow();
    },
  );

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', ''])(
    'rejects "%s" with 415',
    (contentType) => {
      expect(
        rejection(() => checkJsonContentType(delivery('{}', { 'content-type': contentType }))).statusCode,
      ).toBe(415);
    },
  );
});

describe('verifyDelivery', () => {
  it('rejects a bad signature with 401 and the reason', () => {
    const error = rejection(() =>
      verifyDelivery(
        mergeAdapter,
        delivery('{}', { 'x-merge-webhook-signature': signMergeBody('other', '{}') }),
        ['key'],
        new Date(),
        SOURCES[0] as SourceConfig,
      ),
    );
    expect(error.statusCode).toBe(401);
    expect(error.message).toContain('signature does not match');
  });
});

describe('parseAndNormalize', () => {
  const context = (body: string) => ({ source: 'merge', delivery: delivery(body), receivedAt: new Date() });

  it('rejects invalid JSON with 400', () => {
    const error = rejection(() => parseAndNormalize(mergeAdapter, context('{"hook": ')));
    expect(error.statusCode).toBe(400);
    expect(error.message).toMatch(/^body is not valid JSON: /);
  });

  it('does not echo the body in a JSON error', () => {
    const error = rejection(() =>
      parseAndNormalize(mergeAdapter, context('{"work_email": ava@example.org}')),
    );
    expect(error.message).not.toContain('ava@example.org');
  });

  it('rejects a malformed payload with 400 and the field', () => {
    const error = rejection(() =>
      parseAndNormalize(mergeAdapter, context('{"hook": {"event": "Employee.added"}, "data": {}}')),
    );
    expect(error.statusCode).toBe(400);
    expect(error.message).toMatch(/^data\.id: is required/);
  });

  it('accepts a body with a byte order mark', () => {
    const body = '\uFEFF{"hook": {"event": "Group.changed"}, "data": {}}';
    expect(parseAndNormalize(mergeAdapter, context(body)).ignored).toHaveLength(1);
  });
});
