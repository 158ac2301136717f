import { describe, expect, it } from 'vitest';
import { toRawDelivery } from '../../../functions/roster-webhook/http';
import { DeliveryRejectedError } from '../../../lib/hris/errors';
import {
  decodeBase64Secret,
  STANDARD_WEBHOOK_HEADERS,
  signStandardWebhook,
  standardWebhooksAdapter,
} from '../../../lib/hris/standard-webhooks';
import type { RawDelivery } from '../../../lib/hris/types';

// The published Standard Webhooks example: secret, id, timestamp and body with its expected signature.
const SPEC = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1_614_265_330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

const SECRET = 'whsec_c3RhbmRhcmQtd2ViaG9va3MtdGVzdC1zZWNyZXQ=';
const OLD_SECRET = 'whsec_b2xkLXN0YW5kYXJkLXdlYmhvb2tzLXNlY3JldA==';
const NOW_SECONDS = 1_767_225_600;
const NOW = new Date(NOW_SECONDS * 1000);

const PRETTY_BODY = `{
  "events": [
    {
      "type": "employee.hired",
      "occurredAt": "2026-01-01T00:00:00Z",
      "employee": { "id": "E-7", "workEmail": "zoe.angstrom@example.org", "firstName": "Zoë", "status": "active" }
    }
  ]
}`;

function delivery(body: string, headers: Record<string, string>): RawDelivery {
  return { headers: { 'content-type': 'application/json', ...headers }, body: Buffer.from(body, 'utf8') };
}

function signed(body = PRETTY_BODY, secret = SECRET, timestamp = NOW_SECONDS): RawDelivery {
  return delivery(body, signStandardWebhook(secret, 'msg_1', timestamp, body));
}

function verify(target: RawDelivery, secrets = [SECRET], now = NOW) {
  return standardWebhooksAdapter.verify(target, secrets, now, { toleranceSeconds: 300 });
}

describe('standardWebhooksAdapter.verify', () => {
  it('accepts the published example signature', () => {
    const example = delivery(SPEC.body, {
      [STANDARD_WEBHOOK_HEADERS.id]: SPEC.id,
      [STANDARD_WEBHOOK_HEADERS.timestamp]: String(SPEC.timestamp),
      [STANDARD_WEBHOOK_HEADERS.signature]: SPEC.signature,
    });
    expect(verify(example, [SPEC.secret], new Date(SPEC.timestamp * 1000))).toEqual({ ok: true });
  });

  it('produces the published example signature', () => {
    const headers = signStandardWebhook(SPEC.secret, SPEC.id, SPEC.timestamp, SPEC.body);
    expect(headers[STANDARD_WEBHOOK_HEADERS.signature]).toBe(SPEC.signature);
  });

  it('accepts a pretty-printed body with non-ASCII text', () => {
    expect(verify(signed())).toEqual({ ok: true });
  });

  it('accepts a body that the gateway passed base64-encoded', () => {
    const headers = signStandardWebhook(SECRET, 'msg_1', NOW_SECONDS, PRETTY_BODY);
    const raw = toRawDelivery({
      headers,
      body: Buffer.from(PRETTY_BODY, 'utf8').toString('base64'),
      isBase64Encoded: true,
    } as never);
    expect(verify(raw)).toEqual({ ok: true });
  });

  it('rejects a tampered body', () => {
    const target = signed();
    const tampered = { ...target, body: Buffer.from(PRETTY_BODY.replace('Zoë', 'Zoe'), 'utf8') };
    expect(verify(tampered)).toMatchObject({ ok: false, reason: expect.stringContaining('does not match') });
  });

  it('rejects a signature made with another secret', () => {
    expect(verify(signed(PRETTY_BODY, OLD_SECRET)).ok).toBe(false);
  });

  it('accepts the previous secret during a rotation', () => {
    expect(verify(signed(PRETTY_BODY, OLD_SECRET), [SECRET, OLD_SECRET])).toEqual({ ok: true });
  });

  it('accepts a header with an old and a new signature', () => {
    const old = signed(PRETTY_BODY, OLD_SECRET).headers[STANDARD_WEBHOOK_HEADERS.signature];
    const current = signed().headers[STANDARD_WEBHOOK_HEADERS.signature];
    const both = signed();
    both.headers[STANDARD_WEBHOOK_HEADERS.signature] = `${old} ${current}`;
    expect(verify(both)).toEqual({ ok: true });
  });

  it('rejects a timestamp older than the tolerance', () => {
    const result = verify(signed(PRETTY_BODY, SECRET, NOW_SECONDS - 301));
    expect(result).toMatchObject({ ok: false, reason: expect.stringContaining('301 seconds old') });
  });

  it('rejects a timestamp in the future beyond the tolerance', () => {
    expect(verify(signed(PRETTY_BODY, SECRET, NOW_SECONDS + 301)).ok).toBe(false);
  });

  it('rejects a delivery without webhook-id', () => {
    const target = signed();
    delete target.headers[STANDARD_WEBHOOK_HEADERS.id];
    expect(verify(target)).toMatchObject({ ok: false, reason: 'missing webhook-id header' });
  });

  it('ignores signatures of other versions', () => {
    const target = signed();
    const value = target.headers[STANDARD_WEBHOOK_HEADERS.signature]?.slice(3) ?? '';
    target.headers[STANDARD_WEBHOOK_HEADERS.signature] = `v1a,${value}`;
    expect(verify(target).ok).toBe(false);
  });
});

describe('decodeBase64Secret', () => {
  it('accepts a secret without the whsec_ prefix', () => {
    expect(decodeBase64Secret('c2VjcmV0').toString()).toBe('secret');
  });

  it('rejects a secret that is not base64 with 500', () => {
    expect(() => decodeBase64Secret('whsec_not base64!')).toThrow(DeliveryRejectedError);
  });
});

describe('standardWebhooksAdapter.normalize', () => {
  it('maps the generic body and keys the event by webhook-id', () => {
    const target = signed();
    const result = standardWebhooksAdapter.normalize(JSON.parse(PRETTY_BODY), {
      source: 'hr-standard',
      delivery: target,
      receivedAt: NOW,
    });
    expect(result.events.map((event) => [event.eventId, event.employeeId, event.person.firstName])).toEqual([
      ['msg_1', 'E-7', 'Zoë'],
    ]);
  });

  it('acknowledges an unknown event type without an event', () => {
    const body = { events: [{ type: 'Payroll.Completed', occurredAt: '2026-01-01T00:00:00Z' }] };
    const result = standardWebhooksAdapter.normalize(body, {
      source: 'hr-standard',
      delivery: signed(JSON.stringify(body)),
      receivedAt: NOW,
    });
    expect([result.events.length, result.ignored.length]).toEqual([0, 1]);
  });
});
