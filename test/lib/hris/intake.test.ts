import { describe, expect, it } from 'vitest';
import type { SourceConfig } from '../../../lib/config/schema';
import { DeliveryRejectedError } from '../../../lib/hris/errors';
import {
  checkBodySize,
  checkContentType,
  checkJsonContentType,
  checkTenant,
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

describe('checkContentType', () => {
  it('accepts a form body where the adapter lists the form media type', () => {
    const form = delivery('a=1', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(() =>
      checkContentType(form, ['application/json', 'application/x-www-form-urlencoded']),
    ).not.toThrow();
  });

  it('rejects a form body with 415 by default', () => {
    const form = delivery('a=1', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(rejection(() => checkContentType(form)).statusCode).toBe(415);
  });
});

describe('checkTenant', () => {
  const context = { source: 'finch', delivery: delivery('{}'), receivedAt: new Date(), tenantIds: ['t-1'] };

  it('accepts a listed tenant', () => {
    expect(() => checkTenant(context, 't-1', 'connection_id')).not.toThrow();
  });

  it('rejects another tenant with 403 naming the field', () => {
    const error = rejection(() => checkTenant(context, 't-2', 'connection_id'));
    expect([error.statusCode, error.message]).toEqual([403, expect.stringContaining('connection_id')]);
  });

  it('shows the received tenant id in the reason', () => {
    expect(rejection(() => checkTenant(context, 't-2', 'connection_id')).message).toContain(
      'connection_id "t-2"',
    );
  });

  it('rejects a delivery without a tenant id with 403', () => {
    expect(rejection(() => checkTenant(context, undefined, 'connection_id')).statusCode).toBe(403);
  });

  it('accepts any tenant when the source lists none', () => {
    expect(() => checkTenant({ ...context, tenantIds: undefined }, 't-2', 'connection_id')).not.toThrow();
  });
});

describe('parseAndNormalize with a form body', () => {
  it('passes the form fields to the adapter as an object', () => {
    let seen: unknown;
    const adapter = {
      ...mergeAdapter,
      normalize: (payload: unknown) => {
        seen = payload;
        return { events: [], ignored: [] };
      },
    };
    const form = delivery('event_name=employee.updated&id=e%201', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    parseAndNormalize(adapter, { source: 'rippling', delivery: form, receivedAt: new Date() });
    expect(seen).toEqual({ event_name: 'employee.updated', id: 'e 1' });
  });
});
