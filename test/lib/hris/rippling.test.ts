import { describe, expect, it } from 'vitest';
import { DeliveryRejectedError } from '../../../lib/hris/errors';
import { checkContentType, parseAndNormalize } from '../../../lib/hris/intake';
import { ripplingAdapter } from '../../../lib/hris/rippling';
import type { RawDelivery } from '../../../lib/hris/types';

const TOKEN = 'rippling-webhook-token';
const OLD_TOKEN = 'rippling-old-token';
const COMPANY = '5f0c1a2b3c4d5e6f7a8b9c0d';
const NOW = new Date('2026-01-01T00:00:00Z');
const FORM = 'application/x-www-form-urlencoded';

function form(fields: Record<string, string>, token = TOKEN): RawDelivery {
  return {
    headers: { 'content-type': FORM, authorization: `Bearer ${token}` },
    body: Buffer.from(new URLSearchParams(fields).toString(), 'utf8'),
  };
}

function hire(eventName = 'employee.hired') {
  return {
    event_name: eventName,
    id: 'worker-1',
    company_id: COMPANY,
    company_primary_email: 'hr@district.example.org',
  };
}

function normalize(target: RawDelivery, tenantIds?: string[], receivedAt = NOW) {
  return parseAndNormalize(ripplingAdapter, { source: 'rippling', delivery: target, receivedAt, tenantIds });
}

describe('ripplingAdapter.verify', () => {
  it('accepts the configured bearer token', () => {
    expect(ripplingAdapter.verify(form(hire()), [TOKEN], NOW)).toEqual({ ok: true });
  });

  it('rejects another token', () => {
    expect(ripplingAdapter.verify(form(hire(), 'guess'), [TOKEN], NOW).ok).toBe(false);
  });

  it('accepts the previous token during a rotation', () => {
    expect(ripplingAdapter.verify(form(hire(), OLD_TOKEN), [TOKEN, OLD_TOKEN], NOW)).toEqual({ ok: true });
  });

  it('rejects a delivery without authorization', () => {
    const target = form(hire());
    delete target.headers.authorization;
    expect(ripplingAdapter.verify(target, [TOKEN], NOW)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('missing authorization'),
    });
  });

  it('rejects a token sent without the Bearer scheme', () => {
    const target = form(hire());
    target.headers.authorization = TOKEN;
    expect(ripplingAdapter.verify(target, [TOKEN], NOW).ok).toBe(false);
  });
});

describe('ripplingAdapter content types', () => {
  it('accepts a form-encoded body', () => {
    expect(() => checkContentType(form(hire()), ripplingAdapter.contentTypes)).not.toThrow();
  });

  it('rejects plain text with 415', () => {
    const target = { ...form(hire()), headers: { 'content-type': 'text/plain' } };
    expect(() => checkContentType(target, ripplingAdapter.contentTypes)).toThrow(DeliveryRejectedError);
  });
});

describe('ripplingAdapter.normalize', () => {
  it('turns employee.hired into a lookup of the worker', () => {
    const [normalized] = normalize(form(hire())).events;
    expect([normalized?.employeeId, normalized?.action, normalized?.lookup]).toEqual([
      'worker-1',
      'upsert',
      { personId: 'worker-1' },
    ]);
  });

  it.each(['employee.created', 'Employee.Updated', 'EMPLOYEE.TERMINATED'])(
    'looks up the worker on %s',
    (name) => {
      expect(normalize(form(hire(name))).events[0]?.lookup).toEqual({ personId: 'worker-1' });
    },
  );

  it('turns employee.deleted into a deletion without lookup', () => {
    const [deleted] = normalize(form(hire('employee.deleted'))).events;
    expect([deleted?.action, deleted?.lookup]).toEqual(['delete', undefined]);
  });

  it('gives the same body received later a new event id', () => {
    const first = normalize(form(hire('employee.updated'))).events[0]?.eventId;
    const later = normalize(form(hire('employee.updated')), undefined, new Date('2026-01-01T00:10:00Z'))
      .events[0]?.eventId;
    expect(first).not.toBe(later);
  });

  it('reads a JSON body as well', () => {
    const target: RawDelivery = {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: Buffer.from(JSON.stringify(hire()), 'utf8'),
    };
    expect(normalize(target).events).toHaveLength(1);
  });

  it('acknowledges a group event without a roster event', () => {
    const result = normalize(form({ event_name: 'group.updated', id: 'g-1', company_id: COMPANY }));
    expect([result.events.length, result.ignored.length]).toEqual([0, 1]);
  });

  it('rejects an unlisted company with 403', () => {
    expect(() => normalize(form(hire()), ['another-company'])).toThrow(DeliveryRejectedError);
  });

  it('accepts a listed company', () => {
    expect(normalize(form(hire()), [COMPANY]).events).toHaveLength(1);
  });

  it('rejects an employee event without id naming the field', () => {
    expect(() => normalize(form({ event_name: 'employee.updated', company_id: COMPANY }))).toThrow(/\bid\b/);
  });
});
