import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PayloadError } from '../../../lib/hris/errors';
import { MERGE_SIGNATURE_HEADER, mergeAdapter, signMergeBody } from '../../../lib/hris/merge';
import type { RawDelivery } from '../../../lib/hris/types';

const NOW = new Date('2026-01-01T00:00:00Z');
const RECEIVED_AT = new Date('2026-01-02T03:04:05.678Z');

/** The self-computed Merge vector: one line, no trailing newline, signed as exact bytes. */
const VECTOR_KEY = 'test_merge_signature_key';
const VECTOR_BODY =
  '{"hook":{"id":"0b7f3c1e-1111-4a2b-9c3d-000000000001","event":"Employee.changed","target":"https://hooks.example.org/merge"},"linked_account":{"id":"5e1f0a2b-2222-4c3d-8e4f-000000000002","end_user_origin_id":"district-042"},"data":{"id":"9a8b7c6d-3333-4e5f-a1b2-000000000003","work_email":"ava.example@example.org"}}';
const VECTOR_SIGNATURE = '4F3_B3RCf7r60bqxAfEE8BWNoRS-ooLfOzzc376xObE=';
const VECTOR_SIGNATURE_STANDARD_BASE64 = '4F3/B3RCf7r60bqxAfEE8BWNoRS+ooLfOzzc376xObE=';

function delivery(body: string | Buffer, signature?: string): RawDelivery {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature !== undefined) headers[MERGE_SIGNATURE_HEADER] = signature;
  return { headers, body: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8') };
}

function verify(body: string | Buffer, signature: string | undefined, secrets: string[] = [VECTOR_KEY]) {
  return mergeAdapter.verify(delivery(body, signature), secrets, NOW);
}

function payload(event: string, data: Record<string, unknown>): Record<string, unknown> {
  return {
    hook: { id: 'hook-1', event, target: 'https://hooks.example.org/merge' },
    linked_account: { id: 'account-1', end_user_origin_id: 'district-042' },
    data,
  };
}

function normalize(value: unknown, body = JSON.stringify(value)) {
  return mergeAdapter.normalize(value, {
    source: 'merge',
    delivery: delivery(body),
    receivedAt: RECEIVED_AT,
  });
}

function normalizeOne(value: unknown) {
  const result = normalize(value);
  expect(result.events).toHaveLength(1);
  const [event] = result.events;
  if (!event) throw new Error('no event');
  return event;
}

describe('mergeAdapter.verify', () => {
  it('accepts the reference vector', () => {
    expect(verify(VECTOR_BODY, VECTOR_SIGNATURE)).toEqual({ ok: true });
  });

  it('signMergeBody reproduces the reference vector', () => {
    expect(signMergeBody(VECTOR_KEY, VECTOR_BODY)).toBe(VECTOR_SIGNATURE);
  });

  it('rejects the standard base64 form of the vector', () => {
    const result = verify(VECTOR_BODY, VECTOR_SIGNATURE_STANDARD_BASE64);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toContain('base64url');
  });

  it('accepts the signature without padding', () => {
    expect(verify(VECTOR_BODY, VECTOR_SIGNATURE.replace(/=$/, ''))).toEqual({ ok: true });
  });

  it('rejects a tampered body', () => {
    const tampered = VECTOR_BODY.replace('ava.example@example.org', 'eve.example@example.org');
    expect(verify(tampered, VECTOR_SIGNATURE).ok).toBe(false);
  });

  it('rejects a body with a trailing newline added', () => {
    expect(verify(`${VECTOR_BODY}\n`, VECTOR_SIGNATURE).ok).toBe(false);
  });

  it('rejects a wrong key', () => {
    expect(verify(VECTOR_BODY, VECTOR_SIGNATURE, ['some_other_key']).ok).toBe(false);
  });

  it('accepts the previous key during rotation', () => {
    expect(verify(VECTOR_BODY, VECTOR_SIGNATURE, ['new_rotated_key', VECTOR_KEY])).toEqual({ ok: true });
  });

  it('rejects a missing signature header', () => {
    const result = verify(VECTOR_BODY, undefined);
    expect(result.ok ? '' : result.reason).toBe(`missing ${MERGE_SIGNATURE_HEADER} header`);
  });

  it('rejects a signature of the wrong length', () => {
    expect(verify(VECTOR_BODY, VECTOR_SIGNATURE.slice(0, 20)).ok).toBe(false);
  });

  it('never puts the expected signature in the reason', () => {
    const result = verify(VECTOR_BODY, signMergeBody('some_other_key', VECTOR_BODY));
    expect(result.ok ? '' : result.reason).not.toContain(VECTOR_SIGNATURE.slice(0, 20));
  });

  it('verifies pretty-printed non-ASCII bodies', () => {
    const body = Buffer.from(
      JSON.stringify(
        payload('Employee.added', { id: 'm-1', first_name: 'Zoë', last_name: 'Ångström' }),
        null,
        2,
      ),
      'utf8',
    );
    expect(verify(body, signMergeBody(VECTOR_KEY, body))).toEqual({ ok: true });
  });

  it('rejects non-ASCII names re-encoded as Latin-1', () => {
    const text = JSON.stringify(payload('Employee.added', { id: 'm-1', first_name: 'Zoë' }));
    const signature = signMergeBody(VECTOR_KEY, Buffer.from(text, 'utf8'));
    expect(verify(Buffer.from(text, 'latin1'), signature).ok).toBe(false);
  });
});

describe('mergeAdapter.handshake', () => {
  it('acknowledges the test POST body', () => {
    const reply = mergeAdapter.handshake?.(delivery('{"response": "Success! This URL will be notified."}'));
    expect(reply).toEqual({ statusCode: 200, body: { status: 'ok', handshake: true } });
  });

  it('acknowledges any JSON without hook', () => {
    expect(mergeAdapter.handshake?.(delivery('{"test": true}'))?.statusCode).toBe(200);
  });

  it('leaves event bodies to normalization', () => {
    expect(mergeAdapter.handshake?.(delivery(VECTOR_BODY))).toBeUndefined();
  });

  it('leaves invalid JSON to the parser', () => {
    expect(mergeAdapter.handshake?.(delivery('{"response":'))).toBeUndefined();
  });
});

describe('mergeAdapter.normalize', () => {
  const fullEmployee = {
    id: '9a8b7c6d-3333-4e5f-a1b2-000000000003',
    remote_id: '48213',
    first_name: 'Zoë',
    last_name: 'Ångström',
    preferred_name: null,
    display_full_name: 'Zoë Ångström',
    work_email: 'Zoe.Angstrom@District.Example.org',
    employment_status: 'ACTIVE',
    start_date: '2025-08-11T00:00:00Z',
    termination_date: null,
    employments: [{ id: 'emp-1', job_title: 'Teacher', employment_type: 'FULL_TIME' }],
    groups: [
      { id: 'g-1', name: 'Grade 3 Team', type: 'TEAM' },
      { id: 'g-2', name: 'Elementary Education', type: 'DEPARTMENT' },
    ],
    work_location: { id: 'loc-1', name: 'Maple Elementary' },
    modified_at: '2025-08-04T10:10:00-05:00',
  };

  it('maps an expanded Employee.added to an upsert', () => {
    const event = normalizeOne(payload('Employee.added', fullEmployee));
    expect(event).toEqual({
      eventId: expect.stringMatching(/^[0-9a-f]{64}$/),
      source: 'merge',
      employeeId: '48213',
      action: 'upsert',
      occurredAt: '2025-08-04T15:10:00.000Z',
      receivedAt: '2026-01-02T03:04:05.678Z',
      person: {
        email: 'zoe.angstrom@district.example.org',
        firstName: 'Zoë',
        lastName: 'Ångström',
        displayName: 'Zoë Ångström',
        jobTitle: 'Teacher',
        department: 'Elementary Education',
        school: 'Maple Elementary',
        location: 'Maple Elementary',
        employeeType: 'FULL_TIME',
        status: 'active',
        startDate: '2025-08-11',
      },
    });
  });

  it('uses the body SHA-256 as event id', () => {
    const body = VECTOR_BODY;
    const [event] = normalize(JSON.parse(body), body).events;
    expect(event?.eventId).toBe(createHash('sha256').update(body).digest('hex'));
  });

  it('gives different bodies different event ids', () => {
    const first = normalizeOne(
      payload('Employee.changed', { ...fullEmployee, modified_at: '2025-09-01T00:00:00Z' }),
    );
    const second = normalizeOne(
      payload('Employee.changed', { ...fullEmployee, modified_at: '2025-09-02T00:00:00Z' }),
    );
    expect(first.eventId).not.toBe(second.eventId);
  });

  it('falls back to the Merge id', () => {
    const event = normalizeOne(payload('Employee.changed', { ...fullEmployee, remote_id: null }));
    expect(event.employeeId).toBe(fullEmployee.id);
  });

  it('treats an empty remote id as absent', () => {
    const event = normalizeOne(payload('Employee.changed', { ...fullEmployee, remote_id: '' }));
    expect(event.employeeId).toBe(fullEmployee.id);
  });

  it('maps INACTIVE to a termination', () => {
    const event = normalizeOne(
      payload('Employee.changed', {
        ...fullEmployee,
        employment_status: 'INACTIVE',
        termination_date: '2025-12-19T00:00:00Z',
      }),
    );
    expect(event.action).toBe('terminate');
    expect(event.person.status).toBe('inactive');
    expect(event.person.terminationDate).toBe('2025-12-19');
  });

  it('maps PENDING to a pending upsert', () => {
    const event = normalizeOne(payload('Employee.added', { ...fullEmployee, employment_status: 'PENDING' }));
    expect(event.action).toBe('upsert');
    expect(event.person.status).toBe('pending');
  });

  it('reads employment_status case-insensitively', () => {
    const event = normalizeOne(
      payload('Employee.changed', { ...fullEmployee, employment_status: 'inactive' }),
    );
    expect(event.action).toBe('terminate');
  });

  it('maps ACTIVE to an active upsert', () => {
    const event = normalizeOne(payload('Employee.changed', { ...fullEmployee, employment_status: 'ACTIVE' }));
    expect(event.person.status).toBe('active');
  });

  it('maps Employee.removed to a delete', () => {
    const event = normalizeOne(payload('Employee.removed', { id: fullEmployee.id, remote_id: '48213' }));
    expect(event.action).toBe('delete');
    expect(event.person).toEqual({ status: 'inactive' });
  });

  it('maps remote_was_deleted to a delete', () => {
    const event = normalizeOne(payload('Employee.changed', { ...fullEmployee, remote_was_deleted: true }));
    expect(event.action).toBe('delete');
  });

  it.each([
    ['Employee.added', 'upsert'],
    ['employee.created', 'upsert'],
    ['EMPLOYEE.CHANGED', 'upsert'],
    ['employee.updated', 'upsert'],
    ['Employee.Removed', 'delete'],
    ['employee.deleted', 'delete'],
  ])('maps event name %s to %s', (name, action) => {
    expect(normalizeOne(payload(name, { id: 'm-1' })).action).toBe(action);
  });

  it.each([
    'LinkedAccount.synced',
    'Group.changed',
    'Employment.changed',
    'Issue.created',
    'Employee.merged',
  ])('ignores %s with a reason', (name) => {
    const result = normalize(payload(name, { id: 'm-1' }));
    expect(result.events).toEqual([]);
    expect(result.ignored[0]?.reason).toContain(name);
  });

  it('uses the receive time without modified_at', () => {
    const event = normalizeOne(payload('Employee.changed', { id: 'm-1' }));
    expect(event.occurredAt).toBe(RECEIVED_AT.toISOString());
  });

  it('composes a display name from preferred_name', () => {
    const event = normalizeOne(
      payload('Employee.changed', {
        id: 'm-1',
        preferred_name: 'Zee',
        last_name: 'Ångström',
        display_full_name: null,
      }),
    );
    expect(event.person.displayName).toBe('Zee Ångström');
  });

  it('leaves related objects sent as ids unresolved', () => {
    const event = normalizeOne(
      payload('Employee.changed', {
        id: 'm-1',
        employments: ['emp-1'],
        groups: ['g-1'],
        work_location: 'loc-1',
      }),
    );
    expect(event.person).toEqual({ status: 'active' });
  });

  it('ignores expanded groups that are not departments', () => {
    const event = normalizeOne(
      payload('Employee.changed', { id: 'm-1', groups: [{ id: 'g-1', name: 'Grade 3 Team', type: 'TEAM' }] }),
    );
    expect(event.person.department).toBeUndefined();
  });

  it('keeps a missing work e-mail absent', () => {
    const event = normalizeOne(payload('Employee.added', { id: 'm-1', work_email: null }));
    expect(event.person.email).toBeUndefined();
  });

  it('rejects an invalid work e-mail naming the field', () => {
    expect(() => normalize(payload('Employee.changed', { id: 'm-1', work_email: 'not-an-address' }))).toThrow(
      new PayloadError('data.work_email: must be an e-mail address'),
    );
  });

  it('rejects a missing employee id naming the field', () => {
    expect(() => normalize(payload('Employee.changed', { work_email: 'a@example.org' }))).toThrow(
      /^data\.id: is required/,
    );
  });

  it('rejects an unknown employment status naming the field', () => {
    expect(() => normalize(payload('Employee.changed', { id: 'm-1', employment_status: 'RETIRED' }))).toThrow(
      /^data\.employment_status: must be one of "ACTIVE", "PENDING", "INACTIVE"$/,
    );
  });

  it('rejects a remote id with spaces naming the field', () => {
    expect(() => normalize(payload('Employee.changed', { id: 'm-1', remote_id: 'A 1' }))).toThrow(
      /^data\.remote_id: must be printable ASCII without spaces$/,
    );
  });

  it('rejects a malformed expanded employment naming its path', () => {
    expect(() =>
      normalize(payload('Employee.changed', { id: 'm-1', employments: [{ job_title: 42 }] })),
    ).toThrow(/^data\.employments\[0\]\.job_title: must be a string/);
  });

  it('rejects a payload without data', () => {
    expect(() => normalize({ hook: { event: 'Employee.changed' } })).toThrow(
      new PayloadError('data: is required'),
    );
  });

  it('rejects a hook without an event name', () => {
    expect(() => normalize({ hook: {}, data: { id: 'm-1' } })).toThrow(/^hook\.event: is required/);
  });

  it('never puts field values in the error', () => {
    let message = '';
    try {
      normalize(payload('Employee.changed', { id: 'm-1', work_email: 'secret-person@@example.org' }));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toContain('secret-person');
  });
});
