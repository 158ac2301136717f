import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditEntry, createAuditStore, emailAuditKey } from '../../../lib/roster/audit';
import { personKey } from '../../../lib/roster/state';
import { type LocalStateTable, startStateTable } from './support';

let table: LocalStateTable;

beforeAll(async () => {
  table = await startStateTable('audit-test');
});

afterAll(async () => {
  await table.close();
});

function entry(overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    personKey: personKey('hr-generic', 'E1'),
    at: '2026-01-10T09:00:00.000Z',
    origin: { kind: 'event', source: 'hr-generic', eventId: 'evt-1' },
    action: 'created',
    after: { email: 'ada.lovelace@district.example.org', role: 'Teacher', groups: ['School: Lincoln'] },
    outcome: 'applied',
    ...overrides,
  };
}

describe('createAuditStore', () => {
  const now = () => new Date('2026-01-10T09:00:00.000Z');

  it('returns a recorded entry with the full e-mail address', async () => {
    const store = createAuditStore({ tableName: table.auditTableName, client: table.client, now });
    await store.record(entry({ personKey: personKey('hr-generic', 'full') }));

    const [listed] = await store.listForPerson(personKey('hr-generic', 'full'));
    expect(listed).toEqual(entry({ personKey: personKey('hr-generic', 'full') }));
  });

  it('lists the entries of one person newest first', async () => {
    const store = createAuditStore({ tableName: table.auditTableName, client: table.client, now });
    const key = personKey('hr-generic', 'order');
    await store.record(entry({ personKey: key, at: '2026-01-10T09:00:00.000Z', action: 'created' }));
    await store.record(entry({ personKey: key, at: '2026-01-12T09:00:00.000Z', action: 'deactivated' }));
    await store.record(entry({ personKey: key, at: '2026-01-11T09:00:00.000Z', action: 'updated' }));

    const actions = (await store.listForPerson(key)).map((listed) => listed.action);
    expect(actions).toEqual(['deactivated', 'updated', 'created']);
  });

  it('keeps two entries of different origins at the same time', async () => {
    const store = createAuditStore({ tableName: table.auditTableName, client: table.client, now });
    const key = emailAuditKey('Kim@District.example.org');
    await store.record(entry({ personKey: key, origin: { kind: 'reconcile', runId: 'run-1', row: 2 } }));
    await store.record(entry({ personKey: key, origin: { kind: 'reconcile', runId: 'run-2', row: 2 } }));

    expect(await store.listForPerson(key)).toHaveLength(2);
  });

  it('limits the listed entries', async () => {
    const store = createAuditStore({ tableName: table.auditTableName, client: table.client, now });
    const key = personKey('hr-generic', 'limit');
    for (const day of ['10', '11', '12'])
      await store.record(entry({ personKey: key, at: `2026-01-${day}T09:00:00.000Z` }));

    expect(await store.listForPerson(key, 2)).toHaveLength(2);
  });

  it('sets expiresAt to the retention period in epoch seconds', async () => {
    const store = createAuditStore({
      tableName: table.auditTableName,
      client: table.client,
      now,
      retentionDays: 30,
    });
    const key = personKey('hr-generic', 'ttl');
    await store.record(entry({ personKey: key }));

    const { Item } = await table.client.send(
      new GetCommand({
        TableName: table.auditTableName,
        Key: { pk: key, sk: '2026-01-10T09:00:00.000Z#event#hr-generic#evt-1#created' },
      }),
    );
    expect(Item?.expiresAt).toBe(Date.parse('2026-02-09T09:00:00.000Z') / 1000);
  });
});

describe('emailAuditKey', () => {
  it('lower-cases and trims the address', () => {
    expect(emailAuditKey(' Kim@District.example.org ')).toBe('email#kim@district.example.org');
  });
});
