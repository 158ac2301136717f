import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createStateStore,
  type PersonState,
  personKey,
  type RosterStateStore,
  toUtcTimestamp,
} from '../../../lib/roster/state';
import { type LocalStateTable, startStateTable } from './support';

let table: LocalStateTable;
let store: RosterStateStore;

beforeAll(async () => {
  table = await startStateTable();
  store = createStateStore({ tableName: table.tableName, client: table.client });
});

afterAll(async () => {
  await table.close();
});

function state(employeeId: string, overrides: Partial<PersonState> = {}): PersonState {
  return {
    source: 'hr-generic',
    employeeId,
    email: 'ada.lovelace@district.example.org',
    lastEventId: 'evt-1',
    lastOccurredAt: '2026-01-10T09:00:00.000Z',
    status: 'active',
    managedGroups: ['School: Lincoln'],
    updatedAt: '2026-01-10T09:00:06.000Z',
    ...overrides,
  };
}

describe('createStateStore', () => {
  it('returns undefined for an unknown person', async () => {
    expect(await store.getPerson('hr-generic', 'nobody')).toBeUndefined();
  });

  it('reads back what it recorded', async () => {
    const written = state('S1');
    await store.recordApplied(written);
    expect(await store.getPerson('hr-generic', 'S1')).toEqual(written);
  });

  it('stores the item under the person key', async () => {
    await store.recordApplied(state('S2'));
    const { Item } = await table.client.send(
      new GetCommand({ TableName: table.tableName, Key: { pk: personKey('hr-generic', 'S2') } }),
    );
    expect(Item?.pk).toBe('person#hr-generic#S2');
  });

  it('stores an empty group list', async () => {
    await store.recordApplied(state('S3', { managedGroups: [] }));
    expect((await store.getPerson('hr-generic', 'S3'))?.managedGroups).toEqual([]);
  });

  it('stores a person without an e-mail', async () => {
    await store.recordApplied(state('S4', { email: undefined }));
    expect((await store.getPerson('hr-generic', 'S4'))?.email).toBeUndefined();
  });

  it('records a newer event over an older one', async () => {
    await store.recordApplied(state('S5'));
    const newer = state('S5', { lastEventId: 'evt-2', lastOccurredAt: '2026-01-11T09:00:00.000Z' });
    expect(await store.recordApplied(newer)).toBe(true);
  });

  it('rejects an older event after a newer one', async () => {
    await store.recordApplied(
      state('S6', { lastEventId: 'evt-2', lastOccurredAt: '2026-01-11T09:00:00.000Z' }),
    );
    expect(await store.recordApplied(state('S6'))).toBe(false);
  });

  it('keeps the newer item when it rejects an older event', async () => {
    const newer = state('S7', { lastEventId: 'evt-2', lastOccurredAt: '2026-01-11T09:00:00.000Z' });
    await store.recordApplied(newer);
    await store.recordApplied(state('S7', { status: 'inactive' }));
    expect(await store.getPerson('hr-generic', 'S7')).toEqual(newer);
  });

  it('rejects the same event twice', async () => {
    await store.recordApplied(state('S8'));
    expect(await store.recordApplied(state('S8'))).toBe(false);
  });

  it('records another event with the same time', async () => {
    await store.recordApplied(state('S9'));
    expect(await store.recordApplied(state('S9', { lastEventId: 'evt-2' }))).toBe(true);
  });

  it('lets one of two concurrent writers of an event win', async () => {
    await store.recordApplied(state('S10'));
    const next = state('S10', { lastEventId: 'evt-2', lastOccurredAt: '2026-01-11T09:00:00.000Z' });
    const results = await Promise.all([store.recordApplied(next), store.recordApplied(next)]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});

describe('toUtcTimestamp', () => {
  it('converts an offset to UTC', () => {
    expect(toUtcTimestamp('2026-01-10T10:00:00+01:00')).toBe('2026-01-10T09:00:00.000Z');
  });

  it('orders timestamps with different offsets as strings', () => {
    const earlier = toUtcTimestamp('2026-01-10T10:30:00+02:00');
    const later = toUtcTimestamp('2026-01-10T09:00:00Z');
    expect(earlier < later).toBe(true);
  });

  it('rejects an invalid timestamp', () => {
    expect(() => toUtcTimestamp('yesterday')).toThrow(RangeError);
  });
});
