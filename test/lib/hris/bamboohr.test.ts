import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { toRawDelivery } from '../../../functions/roster-webhook/http';
import { BAMBOOHR_HEADERS, bamboohrAdapter, signBambooHrBody } from '../../../lib/hris/bamboohr';
import { DeliveryRejectedError, PayloadError } from '../../../lib/hris/errors';
import type { RawDelivery } from '../../../lib/hris/types';

/** The self-computed BambooHR vector: one line, no trailing newline, signed as exact bytes. */
const VECTOR_KEY = 'bamboo-test-private-key';
const VECTOR_TIMESTAMP = '1767225600';
const VECTOR_BODY =
  '{"type":"employee.updated","timestamp":"2026-01-01T00:00:00+0000","data":{"companyId":"4242","employeeId":"1187","changedFields":["workEmail","department"]}}';
const VECTOR_SIGNATURE = 'cc362cd427d138ff7f477630b42c40853c9615077edb0617fe4a16e08e4e673c';

/** "Now" frozen at the vector's timestamp, because of the replay window. */
const NOW = new Date(Number(VECTOR_TIMESTAMP) * 1000);
const RECEIVED_AT = new Date('2026-01-01T00:00:07.000Z');

function delivery(body: string | Buffer, headers: Record<string, string | undefined> = {}): RawDelivery {
  const all: Record<string, string> = { 'content-type': 'application/json' };
  const signed = {
    [BAMBOOHR_HEADERS.timestamp]: VECTOR_TIMESTAMP,
    [BAMBOOHR_HEADERS.signature]: VECTOR_SIGNATURE,
    ...headers,
  };
  for (const [name, value] of Object.entries(signed)) if (value !== undefined) all[name] = value;
  return { headers: all, body: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8') };
}

function verify(
  body: string | Buffer,
  headers: Record<string, string | undefined> = {},
  secrets = [VECTOR_KEY],
  now = NOW,
) {
  return bamboohrAdapter.verify(delivery(body, headers), secrets, now, { toleranceSeconds: 300 });
}

function reasonOf(result: { ok: true } | { ok: false; reason: string }): string {
  return result.ok ? '' : result.reason;
}

function normalize(payload: unknown, tenantIds?: string[]) {
  const body = JSON.stringify(payload);
  return bamboohrAdapter.normalize(payload, {
    source: 'bamboo-district',
    delivery: delivery(body),
    receivedAt: RECEIVED_AT,
    tenantIds,
  });
}

function eventPayload(type: string, data: Record<string, unknown>, timestamp = '2026-01-31T18:42:00+0000') {
  return { type, timestamp, data: { companyId: '4242', ...data } };
}

describe('bamboohrAdapter.verify', () => {
  it('accepts the reference vector', () => {
    expect(verify(VECTOR_BODY)).toEqual({ ok: true });
  });

  it('signBambooHrBody reproduces the reference vector', () => {
    expect(signBambooHrBody(VECTOR_KEY, VECTOR_BODY, VECTOR_TIMESTAMP)).toBe(VECTOR_SIGNATURE);
  });

  it('accepts an upper-case hex signature', () => {
    expect(verify(VECTOR_BODY, { [BAMBOOHR_HEADERS.signature]: VECTOR_SIGNATURE.toUpperCase() })).toEqual({
      ok: true,
    });
  });

  it('rejects a tampered body', () => {
    expect(verify(VECTOR_BODY.replace('1187', '1188')).ok).toBe(false);
  });

  it('rejects a trailing newline added to the body', () => {
    expect(verify(`${VECTOR_BODY}\n`).ok).toBe(false);
  });

  it('rejects a tampered timestamp header', () => {
    expect(verify(VECTOR_BODY, { [BAMBOOHR_HEADERS.timestamp]: '1767225601' }).ok).toBe(false);
  });

  it('rejects a wrong key', () => {
    expect(reasonOf(verify(VECTOR_BODY, {}, ['an-api-key']))).toContain('private key');
  });

  it('accepts the previous key during rotation', () => {
    expect(verify(VECTOR_BODY, {}, ['rotated-private-key', VECTOR_KEY])).toEqual({ ok: true });
  });

  it('rejects a timestamp older than the tolerance', () => {
    const later = new Date(NOW.getTime() + 301_000);
    expect(reasonOf(verify(VECTOR_BODY, {}, [VECTOR_KEY], later))).toContain('301 seconds old');
  });

  it('names the catch-up for a stale timestamp', () => {
    const later = new Date(NOW.getTime() + 301_000);
    expect(reasonOf(verify(VECTOR_BODY, {}, [VECTOR_KEY], later))).toContain('a reconcile run');
  });

  it('accepts a timestamp at the edge of the tolerance', () => {
    const later = new Date(NOW.getTime() + 300_000);
    expect(verify(VECTOR_BODY, {}, [VECTOR_KEY], later)).toEqual({ ok: true });
  });

  it('rejects a timestamp in the future beyond the tolerance', () => {
    const earlier = new Date(NOW.getTime() - 400_000);
    expect(reasonOf(verify(VECTOR_BODY, {}, [VECTOR_KEY], earlier))).toContain('in the future');
  });

  it('signs and accepts an ISO 8601 timestamp as sent', () => {
    const timestamp = '2026-01-01T00:00:00+0000';
    const headers = {
      [BAMBOOHR_HEADERS.timestamp]: timestamp,
      [BAMBOOHR_HEADERS.signature]: signBambooHrBody(VECTOR_KEY, VECTOR_BODY, timestamp),
    };
    expect(verify(VECTOR_BODY, headers)).toEqual({ ok: true });
  });

  it('rejects an unreadable timestamp', () => {
    expect(reasonOf(verify(VECTOR_BODY, { [BAMBOOHR_HEADERS.timestamp]: 'yesterday' }))).toContain(
      'Unix seconds',
    );
  });

  it('rejects a missing timestamp header', () => {
    expect(reasonOf(verify(VECTOR_BODY, { [BAMBOOHR_HEADERS.timestamp]: undefined }))).toBe(
      `missing ${BAMBOOHR_HEADERS.timestamp} header`,
    );
  });

  it('rejects a missing signature header', () => {
    expect(reasonOf(verify(VECTOR_BODY, { [BAMBOOHR_HEADERS.signature]: undefined }))).toBe(
      `missing ${BAMBOOHR_HEADERS.signature} header`,
    );
  });

  it('rejects a signature that is not 64 hex digits', () => {
    expect(reasonOf(verify(VECTOR_BODY, { [BAMBOOHR_HEADERS.signature]: 'sha256=abc' }))).toContain(
      '64 hex digits',
    );
  });

  it('verifies pretty-printed bodies with non-ASCII names', () => {
    const body = Buffer.from(
      JSON.stringify(
        { ...eventPayload('employee.updated', { employeeId: '7' }), note: 'Zoë Ångström' },
        null,
        2,
      ),
      'utf8',
    );
    const signature = signBambooHrBody(VECTOR_KEY, body, VECTOR_TIMESTAMP);
    expect(verify(body, { [BAMBOOHR_HEADERS.signature]: signature })).toEqual({ ok: true });
  });

  it('verifies the decoded bytes of a base64-encoded gateway event', () => {
    const body = Buffer.from(JSON.stringify({ name: 'Zoë' }), 'utf8');
    const event = {
      headers: {
        'Content-Type': 'application/json',
        'X-BambooHR-Timestamp': VECTOR_TIMESTAMP,
        'X-BambooHR-Signature': signBambooHrBody(VECTOR_KEY, body, VECTOR_TIMESTAMP),
      },
      body: body.toString('base64'),
      isBase64Encoded: true,
    } as unknown as APIGatewayProxyEventV2;
    expect(bamboohrAdapter.verify(toRawDelivery(event), [VECTOR_KEY], NOW)).toEqual({ ok: true });
  });
});

describe('bamboohrAdapter.normalize', () => {
  it('turns employee.updated into a lookup of the employee', () => {
    const [event] = normalize(JSON.parse(VECTOR_BODY)).events;
    expect(event).toMatchObject({
      source: 'bamboo-district',
      employeeId: '1187',
      action: 'upsert',
      occurredAt: '2026-01-01T00:00:00.000Z',
      receivedAt: RECEIVED_AT.toISOString(),
      lookup: { personId: '1187' },
    });
  });

  it('derives the same event id for a repeated event', () => {
    const first = normalize(JSON.parse(VECTOR_BODY)).events[0]?.eventId;
    const second = normalize(JSON.parse(VECTOR_BODY)).events[0]?.eventId;
    expect(first).toMatch(/^bamboohr:[0-9a-f]{64}$/);
    expect(second).toBe(first);
  });

  it('gives employee.created and the following employee.updated different ids', () => {
    const created = normalize(eventPayload('employee.created', { employeeId: '9' })).events[0]?.eventId;
    const updated = normalize(eventPayload('employee.updated', { employeeId: '9' })).events[0]?.eventId;
    expect(created).not.toBe(updated);
  });

  it('turns employee.deleted into a delete without lookup', () => {
    const [event] = normalize(eventPayload('employee.deleted', { employeeId: '9' })).events;
    expect(event?.action).toBe('delete');
    expect(event?.lookup).toBeUndefined();
  });

  it('reads a numeric employee id', () => {
    expect(normalize(eventPayload('employee.updated', { employeeId: 9 })).events[0]?.employeeId).toBe('9');
  });

  it('ignores other event types', () => {
    const result = normalize(eventPayload('company_integrations.updated', { employeeId: '9' }));
    expect(result.events).toEqual([]);
    expect(result.ignored[0]?.reason).toContain('company_integrations.updated');
  });

  it('uses the receive time when the envelope has no timestamp', () => {
    const payload = { type: 'employee.updated', data: { companyId: '4242', employeeId: '9' } };
    expect(normalize(payload).events[0]?.occurredAt).toBe(RECEIVED_AT.toISOString());
  });

  it('rejects an event without employeeId naming the field', () => {
    expect(() => normalize(eventPayload('employee.updated', {}))).toThrow(PayloadError);
    expect(() => normalize(eventPayload('employee.updated', {}))).toThrow(/data\.employeeId/);
  });

  it('accepts a listed companyId', () => {
    expect(normalize(JSON.parse(VECTOR_BODY), ['4242']).events).toHaveLength(1);
  });

  it('rejects a companyId outside tenantIds with 403', () => {
    const error = (() => {
      try {
        normalize(JSON.parse(VECTOR_BODY), ['1111']);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(DeliveryRejectedError);
    expect((error as DeliveryRejectedError).statusCode).toBe(403);
  });
});

describe('bamboohrAdapter.normalize with legacy field-based payloads', () => {
  const legacy = {
    employees: [
      { id: '31', action: 'Created', timestamp: '2026-02-01T10:00:00+00:00', changedFields: [], fields: {} },
      {
        id: '32',
        action: 'Updated',
        timestamp: '2026-02-01T10:00:01+00:00',
        changedFields: ['Work Email'],
        fields: { 'Work Email': 'ava@district.example.org' },
      },
      { id: '33', action: 'Deleted', timestamp: '2026-02-01T10:00:02+00:00', changedFields: [], fields: {} },
      { id: '34', action: 'Archived', timestamp: '2026-02-01T10:00:03+00:00' },
    ],
  };

  it('turns each employee into an event', () => {
    const result = normalize(legacy);
    expect(result.events.map((event) => [event.employeeId, event.action])).toEqual([
      ['31', 'upsert'],
      ['32', 'upsert'],
      ['33', 'delete'],
    ]);
  });

  it('looks up instead of using posted fields', () => {
    const updated = normalize(legacy).events[1];
    expect(updated?.lookup).toEqual({ personId: '32' });
    expect(updated?.person).toEqual({ status: 'active' });
  });

  it('ignores an unknown action', () => {
    expect(normalize(legacy).ignored[0]?.reason).toContain('"Archived"');
  });

  it('reads each employee timestamp', () => {
    expect(normalize(legacy).events[2]?.occurredAt).toBe('2026-02-01T10:00:02.000Z');
  });

  function legacyRejection(tenantIds?: string[]): DeliveryRejectedError {
    try {
      normalize(legacy, tenantIds);
    } catch (caught) {
      return caught as DeliveryRejectedError;
    }
    throw new Error('expected a rejection');
  }

  it('rejects a legacy payload under tenantIds with 403', () => {
    expect(legacyRejection(['4242']).statusCode).toBe(403);
  });

  it('says the legacy format carries no company id', () => {
    expect(legacyRejection(['4242']).message).toContain('legacy field-based format');
  });

  it('tells the operator to remove tenantIds or switch formats', () => {
    const { message } = legacyRejection(['4242']);
    expect(message).toContain('remove tenantIds from the source');
    expect(message).toContain('recreate the webhook as an event-based webhook');
  });

  it('checks a legacy payload that carries a companyId', () => {
    expect(normalize({ ...legacy, companyId: '4242' }, ['4242']).events).toHaveLength(3);
  });
});
