import { describe, expect, it } from 'vitest';
import { DeliveryRejectedError } from '../../../lib/hris/errors';
import { FINCH_HEADERS, finchAdapter, signFinchBody } from '../../../lib/hris/finch';
import type { NormalizeContext, RawDelivery } from '../../../lib/hris/types';

// The signature vector computed with Python's hmac for the documented Finch scheme.
const VECTOR = {
  secret: 'ZmluY2gtdGVzdC1zZWNyZXQtMDEyMzQ1Njc4OWFiY2Q=',
  eventId: 'msg_2TestFinchEvent0000000001',
  timestamp: 1_767_225_600,
  body: '{"company_id":"514aa2b7-898f-4ce7-bc05-c2fe993713e8","account_id":"e4bb3e4b-7b2a-4ff3-9a1b-6f0c0e0b1a2c","connection_id":"7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f","event_type":"employment.updated","data":{"individual_id":"6b2d1c9e-5f4a-4b3c-9d8e-7f6a5b4c3d2e"}}',
  signature: 'v1,gnIGMegQ0GOksogDzwmfjGs7Tda6262q63T/NzTn574=',
};
const OLD_SECRET = 'b2xkLWZpbmNoLXNlY3JldC0wMTIzNDU2Nzg5YWJjZA==';
// "Now" is frozen a minute after the vector's timestamp, inside Finch's 5-minute window.
const NOW = new Date((VECTOR.timestamp + 60) * 1000);
const CONNECTION_ID = '7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f';
const INDIVIDUAL_ID = '6b2d1c9e-5f4a-4b3c-9d8e-7f6a5b4c3d2e';

function delivery(body: string, signature: string, timestamp = VECTOR.timestamp): RawDelivery {
  return {
    headers: {
      'content-type': 'application/json',
      [FINCH_HEADERS.id]: VECTOR.eventId,
      [FINCH_HEADERS.timestamp]: String(timestamp),
      [FINCH_HEADERS.signature]: signature,
    },
    body: Buffer.from(body, 'utf8'),
  };
}

function signed(body: string, secret = VECTOR.secret, timestamp = VECTOR.timestamp): RawDelivery {
  return delivery(body, signFinchBody(secret, VECTOR.eventId, timestamp, body), timestamp);
}

function verify(target: RawDelivery, secrets = [VECTOR.secret]) {
  return finchAdapter.verify(target, secrets, NOW, { toleranceSeconds: 300 });
}

function context(body: string, tenantIds?: string[]): NormalizeContext {
  return { source: 'finch', delivery: signed(body), receivedAt: NOW, tenantIds };
}

function normalize(payload: Record<string, unknown>, tenantIds?: string[]) {
  return finchAdapter.normalize(payload, context(JSON.stringify(payload), tenantIds));
}

function event(eventType: string, extra: Record<string, unknown> = {}) {
  return {
    connection_id: CONNECTION_ID,
    event_type: eventType,
    data: { individual_id: INDIVIDUAL_ID },
    ...extra,
  };
}

describe('finchAdapter.verify', () => {
  it('accepts the signature vector', () => {
    expect(verify(delivery(VECTOR.body, VECTOR.signature))).toEqual({ ok: true });
  });

  it('produces the signature vector', () => {
    expect(signFinchBody(VECTOR.secret, VECTOR.eventId, VECTOR.timestamp, VECTOR.body)).toBe(
      VECTOR.signature,
    );
  });

  it('accepts the secret with a whsec_ prefix', () => {
    expect(verify(delivery(VECTOR.body, VECTOR.signature), [`whsec_${VECTOR.secret}`])).toEqual({ ok: true });
  });

  it('rejects a tampered body', () => {
    const tampered = VECTOR.body.replace('employment.updated', 'employment.deleted');
    expect(verify(delivery(tampered, VECTOR.signature)).ok).toBe(false);
  });

  it('rejects a signature made with another secret', () => {
    expect(verify(signed(VECTOR.body, OLD_SECRET)).ok).toBe(false);
  });

  it('accepts the previous secret during a rotation', () => {
    expect(verify(signed(VECTOR.body, OLD_SECRET), [VECTOR.secret, OLD_SECRET])).toEqual({ ok: true });
  });

  it('accepts the matching one of several signatures', () => {
    const old = signFinchBody(OLD_SECRET, VECTOR.eventId, VECTOR.timestamp, VECTOR.body);
    expect(verify(delivery(VECTOR.body, `${old} ${VECTOR.signature}`))).toEqual({ ok: true });
  });

  it('rejects a timestamp more than five minutes old', () => {
    const expired = signed(VECTOR.body, VECTOR.secret, VECTOR.timestamp - 241);
    expect(verify(expired)).toMatchObject({ ok: false, reason: expect.stringContaining('finch-timestamp') });
  });

  it('rejects a delivery without Finch-Event-Id', () => {
    const target = delivery(VECTOR.body, VECTOR.signature);
    delete target.headers[FINCH_HEADERS.id];
    expect(verify(target).ok).toBe(false);
  });
});

describe('finchAdapter.normalize', () => {
  it('turns employment.updated into a lookup keyed by Finch-Event-Id', () => {
    const [normalized] = finchAdapter.normalize(JSON.parse(VECTOR.body), context(VECTOR.body)).events;
    expect(normalized).toEqual({
      eventId: VECTOR.eventId,
      source: 'finch',
      employeeId: INDIVIDUAL_ID,
      action: 'upsert',
      occurredAt: '2026-01-01T00:00:00.000Z',
      receivedAt: NOW.toISOString(),
      person: { status: 'active' },
      lookup: { personId: INDIVIDUAL_ID },
    });
  });

  it.each(['directory.created', 'Individual.Updated', 'EMPLOYMENT.CREATED'])(
    'looks up the person on %s',
    (type) => {
      expect(normalize(event(type)).events[0]?.lookup).toEqual({ personId: INDIVIDUAL_ID });
    },
  );

  it('turns individual.deleted into a deletion without lookup', () => {
    const [deleted] = normalize(event('individual.deleted')).events;
    expect([deleted?.action, deleted?.lookup]).toEqual(['delete', undefined]);
  });

  it('acknowledges a payroll event without a roster event', () => {
    const result = normalize({ connection_id: CONNECTION_ID, event_type: 'pay_statement.created', data: {} });
    expect([result.events.length, result.ignored.length]).toEqual([0, 1]);
  });

  it('accepts a listed connection id', () => {
    expect(normalize(event('employment.updated'), [CONNECTION_ID]).events).toHaveLength(1);
  });

  it('rejects an unlisted connection id with 403', () => {
    expect(() => normalize(event('employment.updated'), ['another-connection'])).toThrow(
      DeliveryRejectedError,
    );
  });

  it('falls back to the company id without a connection id', () => {
    const payload = event('employment.updated', { connection_id: null, company_id: 'company-1' });
    expect(normalize(payload, ['company-1']).events).toHaveLength(1);
  });

  it('rejects a data event without individual_id naming the field', () => {
    expect(() => normalize(event('employment.updated', { data: {} }))).toThrow(/data\.individual_id/);
  });
});
