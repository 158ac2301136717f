import { describe, expect, it } from 'vitest';
import { DeliveryRejectedError } from '../../../lib/hris/errors';
import { GUSTO_SIGNATURE_HEADER, gustoAdapter, signGustoBody } from '../../../lib/hris/gusto';
import type { NormalizeContext, RawDelivery } from '../../../lib/hris/types';

// The signature vector computed with Python's hmac for the documented Gusto scheme.
const VECTOR = {
  token: '6590f590-0000-4000-8000-000000000000',
  body: '{"uuid":"0c3e8f9a-1b2c-4d5e-8f70-112233445566","event_type":"employee.terminated","resource_type":"Company","resource_uuid":"5df911a0-0000-4000-8000-000000000001","entity_type":"Employee","entity_uuid":"bcfc9744-0000-4000-8000-000000000002","timestamp":1767225600}',
  signature: '5771895777657c27b78d2adf5cb19a56d7368f873ef43dff2a3338064cde6cc4',
};
const OLD_TOKEN = 'old-verification-token';
const COMPANY = '5df911a0-0000-4000-8000-000000000001';
const EMPLOYEE = 'bcfc9744-0000-4000-8000-000000000002';
const NOW = new Date('2026-01-01T00:00:30Z');

function delivery(body: string, signature?: string): RawDelivery {
  return {
    headers: {
      'content-type': 'application/json',
      ...(signature === undefined ? {} : { [GUSTO_SIGNATURE_HEADER]: signature }),
    },
    body: Buffer.from(body, 'utf8'),
  };
}

function verify(target: RawDelivery, secrets = [VECTOR.token]) {
  return gustoAdapter.verify(target, secrets, NOW);
}

function event(eventType: string, extra: Record<string, unknown> = {}) {
  return {
    uuid: 'evt-1',
    event_type: eventType,
    resource_type: 'Company',
    resource_uuid: COMPANY,
    entity_type: 'Employee',
    entity_uuid: EMPLOYEE,
    timestamp: 1_767_225_600,
    ...extra,
  };
}

function normalize(payload: Record<string, unknown>, tenantIds?: string[]) {
  const body = JSON.stringify(payload);
  const context: NormalizeContext = {
    source: 'gusto',
    delivery: delivery(body, signGustoBody(VECTOR.token, body)),
    receivedAt: NOW,
    tenantIds,
  };
  return gustoAdapter.normalize(payload, context);
}

describe('gustoAdapter.verify', () => {
  it('accepts the signature vector', () => {
    expect(verify(delivery(VECTOR.body, VECTOR.signature))).toEqual({ ok: true });
  });

  it('produces the signature vector', () => {
    expect(signGustoBody(VECTOR.token, VECTOR.body)).toBe(VECTOR.signature);
  });

  it('accepts an upper-case hex signature', () => {
    expect(verify(delivery(VECTOR.body, VECTOR.signature.toUpperCase()))).toEqual({ ok: true });
  });

  it('rejects a tampered body', () => {
    const tampered = VECTOR.body.replace('employee.terminated', 'employee.rehired');
    expect(verify(delivery(tampered, VECTOR.signature)).ok).toBe(false);
  });

  it('rejects a signature made with another token', () => {
    expect(verify(delivery(VECTOR.body, signGustoBody(OLD_TOKEN, VECTOR.body))).ok).toBe(false);
  });

  it('accepts the previous token during a rotation', () => {
    const signedWithOld = delivery(VECTOR.body, signGustoBody(OLD_TOKEN, VECTOR.body));
    expect(verify(signedWithOld, [VECTOR.token, OLD_TOKEN])).toEqual({ ok: true });
  });

  it('rejects an event without a signature', () => {
    expect(verify(delivery(VECTOR.body))).toMatchObject({
      ok: false,
      reason: 'missing x-gusto-signature header',
    });
  });

  it('accepts the unsigned verification request', () => {
    expect(verify(delivery('{"verification_token": "6590f590-3dba-495e-9bea-c361e1e2efc0"}'))).toEqual({
      ok: true,
    });
  });

  it('accepts the unsigned verification request with a subscription uuid', () => {
    const body = JSON.stringify({ verification_token: 'tok-1', webhook_subscription_uuid: 'sub-1' });
    expect(verify(delivery(body))).toEqual({ ok: true });
  });

  it('rejects an unsigned body that carries more than the verification token', () => {
    const body = JSON.stringify({ verification_token: 'x', ...event('employee.created') });
    expect(verify(delivery(body)).ok).toBe(false);
  });
});

describe('gustoAdapter.handshake', () => {
  it('acknowledges the verification request with 200 and a notice', () => {
    const reply = gustoAdapter.handshake?.(
      delivery('{"verification_token":"6590f590-3dba-495e-9bea-c361e1e2efc0"}'),
    );
    expect([reply?.statusCode, reply?.notice]).toEqual([200, expect.stringContaining('/verify')]);
  });

  it('keeps the verification token out of the notice', () => {
    const reply = gustoAdapter.handshake?.(
      delivery('{"verification_token":"6590f590-3dba-495e-9bea-c361e1e2efc0"}'),
    );
    expect(reply?.notice).not.toContain('6590f590-3dba');
  });

  it('keeps the verification token out of the response body', () => {
    const reply = gustoAdapter.handshake?.(
      delivery('{"verification_token":"6590f590-3dba-495e-9bea-c361e1e2efc0"}'),
    );
    expect(JSON.stringify(reply?.body)).not.toContain('6590f590-3dba');
  });

  it('returns the token and subscription uuid for storage', () => {
    const body = JSON.stringify({
      verification_token: '6590f590-3dba-495e-9bea-c361e1e2efc0',
      webhook_subscription_uuid: 'be28a6e6-0000-4000-8000-000000000009',
    });
    expect(gustoAdapter.handshake?.(delivery(body))?.verification).toEqual({
      token: '6590f590-3dba-495e-9bea-c361e1e2efc0',
      subscriptionUuid: 'be28a6e6-0000-4000-8000-000000000009',
    });
  });

  it('returns the token alone without a subscription uuid', () => {
    const reply = gustoAdapter.handshake?.(delivery('{"verification_token":"tok-1"}'));
    expect(reply?.verification).toEqual({ token: 'tok-1' });
  });

  it('treats a token with spaces as no verification request', () => {
    expect(gustoAdapter.handshake?.(delivery('{"verification_token":"a b"}'))).toBeUndefined();
  });

  it('leaves an event to normalize', () => {
    expect(gustoAdapter.handshake?.(delivery(VECTOR.body, VECTOR.signature))).toBeUndefined();
  });
});

describe('gustoAdapter.normalize', () => {
  it('turns the vector event into a lookup keyed by uuid', () => {
    const [normalized] = normalize(JSON.parse(VECTOR.body)).events;
    expect(normalized).toEqual({
      eventId: '0c3e8f9a-1b2c-4d5e-8f70-112233445566',
      source: 'gusto',
      employeeId: EMPLOYEE,
      action: 'upsert',
      occurredAt: '2026-01-01T00:00:00.000Z',
      receivedAt: NOW.toISOString(),
      person: { status: 'active' },
      lookup: { personId: EMPLOYEE },
    });
  });

  it.each([
    'employee.created',
    'Employee.Updated',
    'employee.terminated_effective',
    'employee.termination_effective',
    'employee.rehired',
    'employee.rehire_effective',
  ])('looks up the employee on %s', (type) => {
    expect(normalize(event(type)).events[0]?.lookup).toEqual({ personId: EMPLOYEE });
  });

  it('turns employee.deleted into a deletion without lookup', () => {
    const [deleted] = normalize(event('employee.deleted')).events;
    expect([deleted?.action, deleted?.lookup]).toEqual(['delete', undefined]);
  });

  it('acknowledges a payroll event without a roster event', () => {
    const result = normalize(event('payroll.submitted', { entity_type: 'Payroll' }));
    expect([result.events.length, result.ignored.length]).toEqual([0, 1]);
  });

  it('derives a stable id for a payload without uuid', () => {
    const first = normalize(event('employee.updated', { uuid: undefined })).events[0]?.eventId;
    const second = normalize(event('employee.updated', { uuid: undefined })).events[0]?.eventId;
    expect([first?.startsWith('gusto:'), first]).toEqual([true, second]);
  });

  it('rejects an unlisted company with 403', () => {
    expect(() => normalize(event('employee.updated'), ['another-company'])).toThrow(DeliveryRejectedError);
  });

  it('accepts a listed company', () => {
    expect(normalize(event('employee.updated'), [COMPANY]).events).toHaveLength(1);
  });

  it('rejects an employee event without entity_uuid naming the field', () => {
    expect(() => normalize(event('employee.updated', { entity_uuid: null }))).toThrow(/entity_uuid/);
  });
});
