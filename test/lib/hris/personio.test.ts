import { describe, expect, it } from 'vitest';
import { DeliveryRejectedError, PayloadError } from '../../../lib/hris/errors';
import { verifyDelivery } from '../../../lib/hris/intake';
import { personioAdapter } from '../../../lib/hris/personio';
import type { RawDelivery } from '../../../lib/hris/types';

const TOKEN = 'Bearer personio-webhook-token-0001';
const NOW = new Date('2026-01-01T00:00:00Z');
const RECEIVED_AT = new Date('2026-01-05T08:00:01.000Z');

function delivery(headers: Record<string, string>, body = '{}'): RawDelivery {
  return { headers: { 'content-type': 'application/json', ...headers }, body: Buffer.from(body, 'utf8') };
}

function verify(headers: Record<string, string>, secrets = [TOKEN], tokenHeader?: string) {
  return personioAdapter.verify(delivery(headers), secrets, NOW, { tokenHeader });
}

function reasonOf(result: { ok: true } | { ok: false; reason: string }): string {
  return result.ok ? '' : result.reason;
}

function envelope(eventName: string, payload: Record<string, unknown>) {
  return { company_id: '77001', event_name: eventName, occurred_at: '2026-01-05T08:00:00Z', payload };
}

function normalize(value: unknown, tenantIds?: string[]) {
  return personioAdapter.normalize(value, {
    source: 'personio',
    delivery: delivery({ authorization: TOKEN }, JSON.stringify(value)),
    receivedAt: RECEIVED_AT,
    tenantIds,
  });
}

describe('personioAdapter.verify', () => {
  it('accepts the configured token in Authorization', () => {
    expect(verify({ authorization: TOKEN })).toEqual({ ok: true });
  });

  it('rejects a different token', () => {
    expect(reasonOf(verify({ authorization: 'Bearer another-token' }))).toContain('does not match');
  });

  it('rejects the token without its Bearer prefix', () => {
    expect(verify({ authorization: 'personio-webhook-token-0001' }).ok).toBe(false);
  });

  it('rejects a longer token that starts with the configured one', () => {
    expect(verify({ authorization: `${TOKEN}0` }).ok).toBe(false);
  });

  it('rejects a missing header', () => {
    expect(reasonOf(verify({}))).toContain('missing authorization header');
  });

  it('accepts the previous token during rotation', () => {
    expect(verify({ authorization: TOKEN }, ['Bearer new-token', TOKEN])).toEqual({ ok: true });
  });

  it('reads a configured custom header', () => {
    expect(verify({ 'x-personio-token': 'custom-0001' }, ['custom-0001'], 'X-Personio-Token')).toEqual({
      ok: true,
    });
  });

  it('ignores Authorization when a custom header is configured', () => {
    expect(verify({ authorization: 'custom-0001' }, ['custom-0001'], 'X-Personio-Token').ok).toBe(false);
  });

  it('gets the custom header name from the source', () => {
    const source = {
      name: 'personio',
      provider: 'personio' as const,
      signingSecretName: 'talent-sync/personio-token',
      toleranceSeconds: 300,
      tokenHeader: 'X-Personio-Token',
    };
    expect(() =>
      verifyDelivery(
        personioAdapter,
        delivery({ 'x-personio-token': 'custom-0001' }),
        ['custom-0001'],
        NOW,
        source,
      ),
    ).not.toThrow();
  });
});

describe('personioAdapter.normalize', () => {
  it('looks up the person of person.created', () => {
    const [event] = normalize(envelope('person.created', { id: '4711' })).events;
    expect(event).toMatchObject({
      employeeId: '4711',
      action: 'upsert',
      occurredAt: '2026-01-05T08:00:00.000Z',
      lookup: { personId: '4711' },
    });
  });

  it('reads a numeric person id', () => {
    expect(normalize(envelope('person.updated', { id: 4711 })).events[0]?.employeeId).toBe('4711');
  });

  it('looks up the person, not the employment', () => {
    const payload = { id: 'eb3f5858-0000-4000-8000-000000000001', person: { id: '4711' } };
    expect(normalize(envelope('employment.terminated', payload)).events[0]?.lookup).toEqual({
      personId: '4711',
    });
  });

  it.each(['employment.started', 'employment.updated', 'employment.created'])(
    'looks up the person for %s',
    (name) => {
      expect(normalize(envelope(name, { person_id: '4711' })).events[0]?.employeeId).toBe('4711');
    },
  );

  it('rejects an employment event without a person id', () => {
    const value = envelope('employment.updated', { id: 'eb3f5858-0000-4000-8000-000000000001' });
    expect(() => normalize(value)).toThrow(PayloadError);
    expect(() => normalize(value)).toThrow(/payload\.person\.id/);
  });

  it('turns person.deleted into a delete without lookup', () => {
    const [event] = normalize(envelope('person.deleted', { id: '4711' })).events;
    expect([event?.action, event?.lookup]).toEqual(['delete', undefined]);
  });

  it('ignores absence events', () => {
    const result = normalize(envelope('absence_period.created', { id: 'a-1' }));
    expect(result.events).toEqual([]);
    expect(result.ignored[0]?.reason).toContain('absence_period.created');
  });

  it('derives the same id for a retried event', () => {
    const first = normalize(envelope('person.updated', { id: '4711' })).events[0]?.eventId;
    expect(normalize(envelope('person.updated', { id: '4711' })).events[0]?.eventId).toBe(first);
  });

  it('rejects an envelope without company_id', () => {
    expect(() => normalize({ event_name: 'person.updated', payload: { id: '1' } })).toThrow(/company_id/);
  });

  it('rejects another company_id with 403', () => {
    expect(() => normalize(envelope('person.updated', { id: '1' }), ['99'])).toThrow(DeliveryRejectedError);
  });
});
