import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RosterEvent } from '../../../lib/roster/event';
import { createParkedEventStore, type ParkedEventStore, startOfDay } from '../../../lib/roster/parked';
import { type LocalStateTable, rosterEvent, startStateTable } from './support';

let table: LocalStateTable;
let store: ParkedEventStore;

beforeAll(async () => {
  table = await startStateTable('parked-test');
  store = createParkedEventStore({ tableName: table.tableName, client: table.client });
});

afterAll(async () => {
  await table.close();
});

function event(
  employeeId: string,
  occurredAt: string,
  person: Partial<RosterEvent['person']> = {},
): RosterEvent {
  return rosterEvent({ employeeId, occurredAt, person: { startDate: '2026-02-02', ...person } });
}

describe('startOfDay', () => {
  it('returns midnight UTC for UTC', () => {
    expect(startOfDay('2026-02-02', 'UTC')).toBe('2026-02-02T00:00:00.000Z');
  });

  it('returns local midnight in a zone west of Greenwich', () => {
    expect(startOfDay('2026-02-02', 'America/Chicago')).toBe('2026-02-02T06:00:00.000Z');
  });

  it('follows daylight saving time', () => {
    expect(startOfDay('2026-07-01', 'America/Chicago')).toBe('2026-07-01T05:00:00.000Z');
  });

  it('returns the previous UTC day in a zone east of Greenwich', () => {
    expect(startOfDay('2026-02-02', 'Asia/Tokyo')).toBe('2026-02-01T15:00:00.000Z');
  });
});

describe('createParkedEventStore', () => {
  it('returns a parked event', async () => {
    const parked = event('P1', '2026-01-10T09:00:00Z');
    await store.park({
      event: parked,
      reason: 'future-start',
      releaseAt: '2026-02-02T00:00:00.000Z',
      parkedAt: 'x',
    });

    expect((await store.get('hr-generic', 'P1'))?.event).toEqual(parked);
  });

  it('keeps a newer parked event when an older one arrives', async () => {
    const newer = event('P2', '2026-01-11T09:00:00Z');
    await store.park({ event: newer, reason: 'no-email', parkedAt: 'x' });

    const stored = await store.park({
      event: event('P2', '2026-01-10T09:00:00Z'),
      reason: 'no-email',
      parkedAt: 'x',
    });

    expect(stored).toBe(false);
  });

  it('clears a parked event up to a time', async () => {
    await store.park({ event: event('P3', '2026-01-10T09:00:00Z'), reason: 'no-email', parkedAt: 'x' });
    await store.clear('hr-generic', 'P3', '2026-01-10T09:00:00.000Z');

    expect(await store.get('hr-generic', 'P3')).toBeUndefined();
  });

  it('keeps a parked event newer than the clearing time', async () => {
    await store.park({ event: event('P4', '2026-01-12T09:00:00Z'), reason: 'no-email', parkedAt: 'x' });
    const cleared = await store.clear('hr-generic', 'P4', '2026-01-11T09:00:00.000Z');

    expect(cleared).toBeUndefined();
  });

  it('clears by event id only when the id still matches', async () => {
    await store.park({ event: event('P5', '2026-01-12T09:00:00Z'), reason: 'no-email', parkedAt: 'x' });

    expect(await store.clearEvent('hr-generic', 'P5', 'another-event')).toBe(false);
  });

  it('lists only events due at the time', async () => {
    await store.park({
      event: event('P6', '2026-01-10T09:00:00Z'),
      reason: 'future-start',
      releaseAt: '2026-03-01T06:00:00.000Z',
      parkedAt: 'x',
    });
    await store.park({
      event: event('P7', '2026-01-10T09:00:00Z'),
      reason: 'future-start',
      releaseAt: '2026-04-01T05:00:00.000Z',
      parkedAt: 'x',
    });

    const due = await store.listDue(new Date('2026-03-15T00:00:00Z'));
    const ids = due.map((parked) => parked.event.employeeId);
    expect(ids).toContain('P6');
    expect(ids).not.toContain('P7');
  });

  it('never lists an event parked without a release time', async () => {
    await store.park({ event: event('P8', '2026-01-10T09:00:00Z'), reason: 'no-email', parkedAt: 'x' });

    const due = await store.listDue(new Date('2099-01-01T00:00:00Z'));
    expect(due.map((parked) => parked.event.employeeId)).not.toContain('P8');
  });
});
