import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { toRawDelivery } from '../../../functions/roster-webhook/http';
import { DeliveryRejectedError, PayloadError } from '../../../lib/hris/errors';
import { HIBOB_SIGNATURE_HEADER, hibobAdapter, signHiBobBody } from '../../../lib/hris/hibob';
import { checkContentType } from '../../../lib/hris/intake';
import type { RawDelivery } from '../../../lib/hris/types';

/** The self-computed HiBob vector: one line, no trailing newline, signed as exact bytes. */
const VECTOR_SECRET = 'hibob-test-webhook-secret';
const VECTOR_BODY =
  '{"companyId":601234,"type":"employee.updated","triggeredBy":"3332883804594373380","triggeredAt":"2026-01-01T00:00:00.000000","version":"v2","data":{"employeeId":"3332883854254932743"}}';
const VECTOR_SIGNATURE =
  'vOEmObZGOghuIaC8MM6YegD8j40mFBYuDrfSx9w8qL53QCzzWPVc74utriDuCdboik3tQVDzQPDy4gjIbfDDVg==';

const NOW = new Date('2026-01-01T00:00:05Z');
const RECEIVED_AT = new Date('2026-01-01T00:00:05.000Z');

function delivery(body: string | Buffer, signature?: string, contentType = 'application/json'): RawDelivery {
  const headers: Record<string, string> = { 'content-type': contentType };
  if (signature !== undefined) headers[HIBOB_SIGNATURE_HEADER] = signature;
  return { headers, body: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8') };
}

function verify(body: string | Buffer, signature: string | undefined, secrets = [VECTOR_SECRET]) {
  return hibobAdapter.verify(delivery(body, signature), secrets, NOW);
}

function reasonOf(result: { ok: true } | { ok: false; reason: string }): string {
  return result.ok ? '' : result.reason;
}

function normalize(payload: unknown, tenantIds?: string[]) {
  return hibobAdapter.normalize(payload, {
    source: 'bob',
    delivery: delivery(JSON.stringify(payload)),
    receivedAt: RECEIVED_AT,
    tenantIds,
  });
}

function bobEvent(type: string, data: Record<string, unknown> = { employeeId: '3332883854254932743' }) {
  return {
    companyId: 601234,
    type,
    triggeredBy: 'system',
    triggeredAt: '2026-03-02T00:00:00.123456',
    version: 'v2',
    data,
  };
}

describe('hibobAdapter.verify', () => {
  it('accepts the reference vector', () => {
    expect(verify(VECTOR_BODY, VECTOR_SIGNATURE)).toEqual({ ok: true });
  });

  it('signHiBobBody reproduces the reference vector', () => {
    expect(signHiBobBody(VECTOR_SECRET, VECTOR_BODY)).toBe(VECTOR_SIGNATURE);
  });

  it('rejects a tampered body', () => {
    expect(verify(VECTOR_BODY.replace('601234', '601235'), VECTOR_SIGNATURE).ok).toBe(false);
  });

  it('rejects a wrong secret', () => {
    expect(reasonOf(verify(VECTOR_BODY, VECTOR_SIGNATURE, ['another-secret']))).toContain('HMAC-SHA512');
  });

  it('accepts the previous secret during rotation', () => {
    expect(verify(VECTOR_BODY, VECTOR_SIGNATURE, ['rotated-secret', VECTOR_SECRET])).toEqual({ ok: true });
  });

  it('rejects an HMAC-SHA256 signature', () => {
    const sha256Length = Buffer.alloc(32).toString('base64');
    expect(reasonOf(verify(VECTOR_BODY, sha256Length))).toContain('88 characters');
  });

  it('rejects a missing signature header', () => {
    expect(reasonOf(verify(VECTOR_BODY, undefined))).toBe(`missing ${HIBOB_SIGNATURE_HEADER} header`);
  });

  it('verifies pretty-printed bodies with non-ASCII names', () => {
    const body = Buffer.from(JSON.stringify({ ...bobEvent('employee.updated'), note: 'Zoë' }, null, 2));
    expect(verify(body, signHiBobBody(VECTOR_SECRET, body))).toEqual({ ok: true });
  });

  it('rejects a non-ASCII body re-encoded as Latin-1', () => {
    const text = JSON.stringify({ ...bobEvent('employee.updated'), note: 'Zoë' });
    const signature = signHiBobBody(VECTOR_SECRET, Buffer.from(text, 'utf8'));
    expect(verify(Buffer.from(text, 'latin1'), signature).ok).toBe(false);
  });

  it('verifies the decoded bytes of a base64-encoded gateway event', () => {
    const body = Buffer.from(JSON.stringify({ ...bobEvent('employee.updated'), note: 'Zoë' }), 'utf8');
    const event = {
      headers: { 'Content-Type': 'application/json', 'Bob-Signature': signHiBobBody(VECTOR_SECRET, body) },
      body: body.toString('base64'),
      isBase64Encoded: true,
    } as unknown as APIGatewayProxyEventV2;
    expect(hibobAdapter.verify(toRawDelivery(event), [VECTOR_SECRET], NOW)).toEqual({ ok: true });
  });

  it.each([
    ['the plain-text ping', 'Ping test'],
    ['the JSON ping', '{"text":"Ping test"}'],
  ])('accepts %s without a signature', (_name, body) => {
    expect(verify(body, undefined)).toEqual({ ok: true });
  });

  it('requires a signature beyond the ping', () => {
    expect(verify('{"text":"Ping test","type":"employee.deleted"}', undefined).ok).toBe(false);
  });
});

describe('hibobAdapter.handshake', () => {
  it.each(['Ping test', 'Ping test\n', '{"text":"Ping test"}', '{ "text": "Ping test" }'])(
    'answers %j with 200',
    (body) => {
      expect(hibobAdapter.handshake?.(delivery(body, undefined, 'text/plain'))?.statusCode).toBe(200);
    },
  );

  it('returns nothing for an event', () => {
    expect(hibobAdapter.handshake?.(delivery(VECTOR_BODY, VECTOR_SIGNATURE))).toBeUndefined();
  });

  it('passes the text/plain content type check', () => {
    expect(() =>
      checkContentType(delivery('Ping test', undefined, 'text/plain'), hibobAdapter.contentTypes),
    ).not.toThrow();
  });
});

describe('hibobAdapter.normalize', () => {
  it('turns the vector into a lookup of the employee', () => {
    const [event] = normalize(JSON.parse(VECTOR_BODY)).events;
    expect(event).toMatchObject({
      source: 'bob',
      employeeId: '3332883854254932743',
      action: 'upsert',
      occurredAt: '2026-01-01T00:00:00.000Z',
      lookup: { personId: '3332883854254932743' },
    });
  });

  it.each([
    'employee.created',
    'employee.joined',
    'employee.left',
    'employee.inactivated',
    'employee.activated',
    'employee.temporaryLeave',
  ])('looks up the employee for %s', (type) => {
    expect(normalize(bobEvent(type)).events[0]?.lookup).toEqual({ personId: '3332883854254932743' });
  });

  it('turns employee.deleted into a delete without lookup', () => {
    const [event] = normalize(bobEvent('employee.deleted')).events;
    expect([event?.action, event?.lookup]).toEqual(['delete', undefined]);
  });

  it('reads triggeredAt without a zone as UTC', () => {
    expect(normalize(bobEvent('employee.updated')).events[0]?.occurredAt).toBe('2026-03-02T00:00:00.123Z');
  });

  it('ignores table events', () => {
    const result = normalize(bobEvent('table.entry.created', { employeeId: '1', tableId: 'lifecycle' }));
    expect(result.events).toEqual([]);
    expect(result.ignored).toHaveLength(1);
  });

  it('derives different ids for different changed fields', () => {
    const first = normalize(bobEvent('employee.updated', { employeeId: '1', fieldUpdates: ['root.email'] }));
    const second = normalize(bobEvent('employee.updated', { employeeId: '1', fieldUpdates: ['work.site'] }));
    expect(first.events[0]?.eventId).not.toBe(second.events[0]?.eventId);
  });

  it('rejects an event without data.employeeId', () => {
    expect(() => normalize(bobEvent('employee.updated', {}))).toThrow(PayloadError);
  });

  it('accepts a listed numeric companyId', () => {
    expect(normalize(bobEvent('employee.updated'), ['601234']).events).toHaveLength(1);
  });

  it('rejects another companyId with 403', () => {
    expect(() => normalize(bobEvent('employee.updated'), ['999'])).toThrow(DeliveryRejectedError);
  });
});
