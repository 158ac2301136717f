import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PayloadError } from '../../../lib/hris/errors';
import { GENERIC_HEADERS, genericAdapter, signGenericDelivery } from '../../../lib/hris/generic';
import type { RawDelivery } from '../../../lib/hris/types';

const SECRET = 'generic-test-secret';
const NOW_SECONDS = 1_767_225_600;
const NOW = new Date(NOW_SECONDS * 1000);
const RECEIVED_AT = new Date('2026-01-01T00:00:01.250Z');

const HIRE = {
  type: 'employee.hired',
  occurredAt: '2025-08-04T09:00:00-05:00',
  employee: {
    id: 'E1001',
    workEmail: 'Ava.Lindqvist@District.Example.org',
    firstName: 'Ava',
    lastName: 'Lindqvist',
    jobTitle: 'Teacher',
    department: 'Elementary Education',
    school: 'Maple Elementary',
    location: 'Maple Elementary',
    employeeType: 'Full-time',
    status: 'active',
    startDate: '2025-08-11',
  },
};

function signed(body: string | Buffer, timestamp = NOW_SECONDS, secret = SECRET): RawDelivery {
  return {
    headers: { 'content-type': 'application/json', ...signGenericDelivery(secret, body, timestamp) },
    body: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'),
  };
}

function verify(delivery: RawDelivery, secrets: string[] = [SECRET], toleranceSeconds?: number) {
  return genericAdapter.verify(delivery, secrets, NOW, toleranceSeconds ? { toleranceSeconds } : undefined);
}

function reasonOf(result: ReturnType<typeof verify>): string {
  return result.ok ? '' : result.reason;
}

function normalize(payload: unknown, headers: Record<string, string> = {}) {
  const body = Buffer.from(JSON.stringify(payload), 'utf8');
  return genericAdapter.normalize(payload, {
    source: 'hr-generic',
    delivery: { headers, body },
    receivedAt: RECEIVED_AT,
  });
}

function normalizeOne(event: unknown) {
  const result = normalize({ events: [event] });
  expect(result.events).toHaveLength(1);
  const [normalized] = result.events;
  if (!normalized) throw new Error('no event');
  return normalized;
}

function withEmployee(fields: Record<string, unknown>, type = 'employee.updated') {
  return { ...HIRE, type, employee: { ...HIRE.employee, ...fields } };
}

describe('signGenericDelivery', () => {
  it('signs "<timestamp>.<raw body>" with HMAC-SHA256 in hex', () => {
    const body = '{"events":[]}';
    const expected = createHmac('sha256', SECRET).update(`${NOW_SECONDS}.${body}`).digest('hex');
    expect(signGenericDelivery(SECRET, body, NOW_SECONDS)).toEqual({
      'x-talent-sync-timestamp': String(NOW_SECONDS),
      'x-talent-sync-signature': `v1=${expected}`,
    });
  });
});

describe('genericAdapter.verify', () => {
  const body = JSON.stringify({ events: [HIRE] });

  it('accepts a valid signature', () => {
    expect(verify(signed(body))).toEqual({ ok: true });
  });

  it('rejects a stale timestamp', () => {
    const result = verify(signed(body, NOW_SECONDS - 301));
    expect(reasonOf(result)).toContain('301 seconds old');
  });

  it('rejects a future timestamp', () => {
    const result = verify(signed(body, NOW_SECONDS + 301));
    expect(reasonOf(result)).toContain('301 seconds in the future');
  });

  it('accepts a timestamp at the edge of the tolerance', () => {
    expect(verify(signed(body, NOW_SECONDS - 300))).toEqual({ ok: true });
  });

  it('applies the configured tolerance', () => {
    expect(verify(signed(body, NOW_SECONDS - 301), [SECRET], 600)).toEqual({ ok: true });
  });

  it('accepts several space- or comma-separated signatures', () => {
    const delivery = signed(body);
    const valid = delivery.headers[GENERIC_HEADERS.signature];
    const other = signGenericDelivery('old-secret', body, NOW_SECONDS)[GENERIC_HEADERS.signature];
    for (const header of [`${other} ${valid}`, `${other},${valid}`, `${other}, ${valid}`]) {
      delivery.headers[GENERIC_HEADERS.signature] = header;
      expect(verify(delivery), header).toEqual({ ok: true });
    }
  });

  it('skips signatures of unknown versions', () => {
    const delivery = signed(body);
    delivery.headers[GENERIC_HEADERS.signature] = `v0=abc ${delivery.headers[GENERIC_HEADERS.signature]}`;
    expect(verify(delivery)).toEqual({ ok: true });
  });

  it('rejects more than ten signatures', () => {
    const delivery = signed(body);
    delivery.headers[GENERIC_HEADERS.signature] = Array(11)
      .fill(delivery.headers[GENERIC_HEADERS.signature])
      .join(' ');
    expect(reasonOf(verify(delivery))).toContain('more than 10 signatures');
  });

  it('rejects a wrong secret', () => {
    expect(reasonOf(verify(signed(body, NOW_SECONDS, 'wrong-secret')))).toContain('signature does not match');
  });

  it('accepts the previous secret during rotation', () => {
    expect(verify(signed(body, NOW_SECONDS, 'old-secret'), [SECRET, 'old-secret'])).toEqual({ ok: true });
  });

  it('rejects a tampered body', () => {
    const delivery = signed(body);
    delivery.body = Buffer.from(body.replace('Teacher', 'Principal'), 'utf8');
    expect(verify(delivery).ok).toBe(false);
  });

  it('rejects a timestamp changed after signing', () => {
    const delivery = signed(body);
    delivery.headers[GENERIC_HEADERS.timestamp] = String(NOW_SECONDS + 1);
    expect(verify(delivery).ok).toBe(false);
  });

  it('verifies pretty-printed non-ASCII bodies', () => {
    const pretty = JSON.stringify(
      { events: [withEmployee({ firstName: 'Zoë', lastName: 'Ångström', displayName: 'Zoë Ångström' })] },
      null,
      4,
    );
    const delivery = signed(Buffer.from(pretty, 'utf8'));
    expect(verify(delivery)).toEqual({ ok: true });
    const event = normalizeOne(JSON.parse(delivery.body.toString('utf8')).events[0]);
    expect(event.person.displayName).toBe('Zoë Ångström');
  });

  it('rejects a body re-serialized after signing', () => {
    const pretty = JSON.stringify({ events: [HIRE] }, null, 2);
    const delivery = signed(pretty);
    delivery.body = Buffer.from(JSON.stringify(JSON.parse(pretty)), 'utf8');
    expect(verify(delivery).ok).toBe(false);
  });

  it.each([
    ['a missing timestamp', { [GENERIC_HEADERS.timestamp]: undefined }, 'missing x-talent-sync-timestamp'],
    ['a non-numeric timestamp', { [GENERIC_HEADERS.timestamp]: '2026-01-01T00:00:00Z' }, 'Unix seconds'],
    ['a missing signature', { [GENERIC_HEADERS.signature]: undefined }, 'missing x-talent-sync-signature'],
    ['a signature without v1=', { [GENERIC_HEADERS.signature]: 'sha256=abc' }, 'no "v1=" value'],
  ])('rejects %s', (_case, changes, reason) => {
    const delivery = signed(body);
    for (const [name, value] of Object.entries(changes)) {
      if (value === undefined) delete delivery.headers[name];
      else delivery.headers[name] = value;
    }
    expect(reasonOf(verify(delivery))).toContain(reason);
  });

  it('never puts the expected signature in the reason', () => {
    const expected = signGenericDelivery(SECRET, body, NOW_SECONDS)[GENERIC_HEADERS.signature].slice(3);
    const reason = reasonOf(verify(signed(body, NOW_SECONDS, 'wrong-secret')));
    expect(reason).not.toContain(expected.slice(0, 16));
  });
});

describe('genericAdapter.normalize', () => {
  it('maps a hire to an upsert', () => {
    expect(normalizeOne(HIRE)).toEqual({
      eventId: expect.stringMatching(/^[0-9a-f]{64}$/),
      source: 'hr-generic',
      employeeId: 'E1001',
      action: 'upsert',
      occurredAt: '2025-08-04T14:00:00.000Z',
      receivedAt: '2026-01-01T00:00:01.250Z',
      person: {
        email: 'ava.lindqvist@district.example.org',
        firstName: 'Ava',
        lastName: 'Lindqvist',
        jobTitle: 'Teacher',
        department: 'Elementary Education',
        school: 'Maple Elementary',
        location: 'Maple Elementary',
        employeeType: 'Full-time',
        status: 'active',
        startDate: '2025-08-11',
      },
    });
  });

  it.each([
    ['employee.hired', 'upsert'],
    ['employee.created', 'upsert'],
    ['employee.added', 'upsert'],
    ['employee.updated', 'upsert'],
    ['employee.changed', 'upsert'],
    ['employee.rehired', 'upsert'],
    ['employee.terminated', 'terminate'],
    ['employee.deleted', 'delete'],
    ['employee.removed', 'delete'],
  ])('maps %s to %s', (type, action) => {
    expect(normalizeOne({ ...HIRE, type }).action).toBe(action);
  });

  it.each([
    ['Employee.Hired', 'upsert'],
    ['EMPLOYEE.TERMINATED', 'terminate'],
    ['employee.Removed', 'delete'],
  ])('reads %s case-insensitively', (type, action) => {
    expect(normalizeOne({ ...HIRE, type }).action).toBe(action);
  });

  it('marks terminations inactive', () => {
    const event = normalizeOne(
      withEmployee({ status: 'active', terminationDate: '2025-12-19' }, 'employee.terminated'),
    );
    expect(event.person.status).toBe('inactive');
    expect(event.person.terminationDate).toBe('2025-12-19');
  });

  it('accepts a deletion with only an id', () => {
    const event = normalizeOne({
      type: 'employee.deleted',
      occurredAt: HIRE.occurredAt,
      employee: { id: 'E1001' },
    });
    expect(event.person).toEqual({ status: 'inactive' });
  });

  it('keeps the sender status on an upsert', () => {
    expect(normalizeOne(withEmployee({ status: 'leave' })).person.status).toBe('leave');
  });

  it('derives pending from a future start', () => {
    expect(normalizeOne(withEmployee({ status: undefined, startDate: '2026-02-01' })).person.status).toBe(
      'pending',
    );
  });

  it('derives active from a past start', () => {
    expect(normalizeOne(withEmployee({ status: null, startDate: '2025-08-11' })).person.status).toBe(
      'active',
    );
  });

  it('accepts a numeric employee id', () => {
    expect(normalizeOne(withEmployee({ id: 1187 })).employeeId).toBe('1187');
  });

  it('treats null and blank optional fields as absent', () => {
    const event = normalizeOne(withEmployee({ workEmail: null, jobTitle: '  ', department: '' }));
    expect(event.person).not.toHaveProperty('email');
    expect(event.person).not.toHaveProperty('jobTitle');
    expect(event.person).not.toHaveProperty('department');
  });

  it('ignores unknown event types with a reason', () => {
    const result = normalize({ events: [{ type: 'group.changed', occurredAt: 'x' }, HIRE] });
    expect(result.ignored).toEqual([{ reason: 'events[0]: type "group.changed" is not an employee event' }]);
    expect(result.events).toHaveLength(1);
  });

  it('ignores an unknown verb', () => {
    expect(normalize({ events: [{ ...HIRE, type: 'employee.constructor' }] }).events).toEqual([]);
  });

  it('accepts an empty event list', () => {
    expect(normalize({ events: [] })).toEqual({ events: [], ignored: [] });
  });

  it('uses the body hash as event id', () => {
    const payload = { events: [HIRE] };
    const hash = createHash('sha256').update(JSON.stringify(payload)).digest('hex');
    expect(normalize(payload).events[0]?.eventId).toBe(hash);
  });

  it('uses the delivery id header as event id', () => {
    const result = normalize({ events: [HIRE] }, { [GENERIC_HEADERS.deliveryId]: 'delivery-42' });
    expect(result.events[0]?.eventId).toBe('delivery-42');
  });

  it('suffixes the index for several events', () => {
    const result = normalize(
      { events: [HIRE, { type: 'audit.logged' }, withEmployee({ id: 'E1002' })] },
      { [GENERIC_HEADERS.deliveryId]: 'delivery-42' },
    );
    expect(result.events.map((event) => event.eventId)).toEqual(['delivery-42:0', 'delivery-42:2']);
  });

  it('rejects a delivery id with spaces', () => {
    expect(() => normalize({ events: [HIRE] }, { [GENERIC_HEADERS.deliveryId]: 'delivery 42' })).toThrow(
      /^x-talent-sync-delivery-id: must be 1-100 printable ASCII/,
    );
  });

  it('rejects a missing employee id with its field path', () => {
    const { id: _id, ...employee } = HIRE.employee;
    expect(() => normalize({ events: [HIRE, { ...HIRE, employee }] })).toThrow(
      new PayloadError('events[1].employee.id: is required (expected a string)'),
    );
  });

  it('rejects an invalid work e-mail with its field path', () => {
    expect(() => normalize({ events: [withEmployee({ workEmail: 'ava at district' })] })).toThrow(
      new PayloadError('events[0].employee.workEmail: must be an e-mail address'),
    );
  });

  it('rejects an unknown employee field', () => {
    expect(() => normalize({ events: [withEmployee({ email: 'ava@district.example.org' })] })).toThrow(
      /^events\[0\]\.employee: unknown key "email"/,
    );
  });

  it('rejects an occurredAt without a time zone', () => {
    expect(() => normalize({ events: [{ ...HIRE, occurredAt: '2025-08-04T09:00:00' }] })).toThrow(
      /^events\[0\]\.occurredAt: must be an ISO 8601 date-time with a time zone/,
    );
  });

  it('rejects an invalid status with the allowed values', () => {
    expect(() => normalize({ events: [withEmployee({ status: 'retired' })] })).toThrow(
      /^events\[0\]\.employee\.status: must be one of "active", "pending", "leave", "inactive"$/,
    );
  });

  it('rejects a start date that is not YYYY-MM-DD', () => {
    expect(() => normalize({ events: [withEmployee({ startDate: '08/11/2025' })] })).toThrow(
      /^events\[0\]\.employee\.startDate: must be a date in the form YYYY-MM-DD$/,
    );
  });

  it('rejects a too-long job title', () => {
    expect(() => normalize({ events: [withEmployee({ jobTitle: 'x'.repeat(201) })] })).toThrow(
      /^events\[0\]\.employee\.jobTitle: must be at most 200 characters long$/,
    );
  });

  it('rejects more than 100 events', () => {
    expect(() => normalize({ events: Array(101).fill(HIRE) })).toThrow(
      /^events: must contain at most 100 items$/,
    );
  });

  it('rejects a body without events', () => {
    expect(() => normalize({ event: HIRE })).toThrow(/^events: is required/);
  });

  it('rejects an event without a type', () => {
    expect(() => normalize({ events: [{ employee: HIRE.employee }] })).toThrow(
      /^events\[0\]\.type: is required/,
    );
  });
});
