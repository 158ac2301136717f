import { describe, expect, it } from 'vitest';
import type { SourceConfig } from '../../../../lib/config/schema';
import {
  DirectoryRequestError,
  type ProviderDirectory,
  resolveThinEvent,
} from '../../../../lib/hris/directory';
import { personNotFoundError } from '../../../../lib/hris/directory/http';
import { gustoAdapter } from '../../../../lib/hris/gusto';
import { PermanentApplyError } from '../../../../lib/roster/errors';
import type { RosterEvent } from '../../../../lib/roster/event';

const SOURCE = {
  name: 'gusto',
  provider: 'merge',
  signingSecretName: 'talent-sync/gusto-signing',
  apiSecretName: 'talent-sync/gusto-api',
  toleranceSeconds: 300,
} as SourceConfig;

const THIN: RosterEvent = {
  eventId: 'evt-1',
  source: 'gusto',
  employeeId: 'emp-1',
  action: 'terminate',
  occurredAt: '2026-01-01T00:00:00.000Z',
  receivedAt: '2026-01-01T00:00:05.000Z',
  person: { status: 'inactive' },
  lookup: { personId: 'emp-1' },
};

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

function directoryReturning(fetchPerson: ProviderDirectory['fetchPerson']) {
  return () => ({ fetchPerson });
}

describe('resolveThinEvent', () => {
  it('returns an event without lookup unchanged', async () => {
    const { lookup: _lookup, ...full } = THIN;
    const resolved = await resolveThinEvent(full, [SOURCE], silent, () => {
      throw new Error('no lookup expected');
    });
    expect(resolved).toBe(full);
  });

  it('applies the fetched record instead of the webhook person', async () => {
    const person = { status: 'active' as const, email: 'ava@example.org', school: 'Cedar Middle' };
    const resolved = await resolveThinEvent(
      THIN,
      [SOURCE],
      silent,
      directoryReturning(async () => ({ person, employeeId: 'emp-1' })),
    );
    expect(resolved).toEqual({ ...THIN, lookup: undefined, action: 'upsert', person });
  });

  it('turns an inactive fetched record into a termination', async () => {
    const resolved = await resolveThinEvent(
      { ...THIN, action: 'upsert' },
      [SOURCE],
      silent,
      directoryReturning(async () => ({ person: { status: 'inactive' }, employeeId: 'emp-1' })),
    );
    expect(resolved.action).toBe('terminate');
  });

  it('fails permanently when the lookup returns 404', async () => {
    const connection = { baseUrl: 'https://api.gusto.example', credential: 'token', source: SOURCE };
    const notFound = personNotFoundError(connection, {
      provider: 'Gusto',
      personId: 'emp-1',
      method: 'GET',
      path: '/v1/employees/emp-1?token=hidden',
    });
    const attempt = resolveThinEvent(
      { ...THIN, action: 'upsert' },
      [SOURCE],
      silent,
      directoryReturning(async () => {
        throw notFound;
      }),
    );
    await expect(attempt).rejects.toThrow(PermanentApplyError);
  });

  it('names source, URL, employee and fix for a 404', async () => {
    const connection = { baseUrl: 'https://user:pw@api.gusto.example/', credential: 'token', source: SOURCE };
    const { message } = personNotFoundError(connection, {
      provider: 'Gusto',
      personId: 'emp-1',
      method: 'GET',
      path: '/v1/employees/emp-1?token=hidden',
    });
    expect(message).toBe(
      'source "gusto": Gusto API GET https://api.gusto.example/v1/employees/emp-1 returned 404 (not found) for ' +
        'employee emp-1: check apiBaseUrl / account or company fields in the source config (a person ' +
        'the provider deleted arrives as a deletion event, which needs no lookup)',
    );
  });

  it('applies a Gusto deletion event without a lookup', async () => {
    const body = JSON.stringify({
      uuid: 'evt-del',
      event_type: 'employee.deleted',
      resource_uuid: 'company-1',
      entity_type: 'Employee',
      entity_uuid: 'emp-1',
      timestamp: 1767225600,
    });
    const { events } = gustoAdapter.normalize(JSON.parse(body), {
      source: 'gusto',
      delivery: { headers: {}, body: Buffer.from(body) },
      receivedAt: new Date('2026-01-01T00:00:05Z'),
    });
    const [deletion] = events;
    if (!deletion) throw new Error('expected one event');
    const resolved = await resolveThinEvent(deletion, [SOURCE], silent, () => {
      throw new Error('no lookup expected');
    });
    expect(resolved.action).toBe('delete');
  });

  it('keeps the webhook employee id as the key', async () => {
    const resolved = await resolveThinEvent(
      THIN,
      [SOURCE],
      silent,
      directoryReturning(async () => ({ person: { status: 'active' }, employeeId: 'other' })),
    );
    expect(resolved.employeeId).toBe('emp-1');
  });

  it('rethrows a retryable failure so the message returns to the queue', async () => {
    const failure = new DirectoryRequestError('Gusto API failed with 503: it is retried', true, 503);
    const attempt = resolveThinEvent(
      THIN,
      [SOURCE],
      silent,
      directoryReturning(async () => {
        throw failure;
      }),
    );
    await expect(attempt).rejects.toBe(failure);
  });

  it('turns a refused credential into a permanent failure with the reason', async () => {
    const attempt = resolveThinEvent(
      THIN,
      [SOURCE],
      silent,
      directoryReturning(async () => {
        throw new DirectoryRequestError('Gusto API was refused with 401: check apiSecretName', false, 401);
      }),
    );
    await expect(attempt).rejects.toThrow(PermanentApplyError);
  });

  it('fails permanently for a source that is no longer configured', async () => {
    const attempt = resolveThinEvent(THIN, [], silent);
    await expect(attempt).rejects.toThrow(/not in the config/);
  });

  it('fails permanently for a fetched record with an invalid e-mail', async () => {
    const attempt = resolveThinEvent(
      THIN,
      [SOURCE],
      silent,
      directoryReturning(async () => ({
        person: { status: 'active', email: 'not-an-email' },
        employeeId: 'emp-1',
      })),
    );
    await expect(attempt).rejects.toThrow(/person\.email/);
  });
});
