import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureGroups, KnownGroups } from '../../../lib/roster/groups';
import { createTalentClient } from '../../../lib/talent/client';
import { TalentApiError } from '../../../lib/talent/errors';
import { startTalentSimulator, type TalentSimulator } from '../../../local/talent-simulator/server';
import { SIMULATOR_TOKEN } from './support';

let simulator: TalentSimulator;

beforeAll(async () => {
  simulator = await startTalentSimulator();
});

afterAll(async () => {
  await simulator.close();
});

/** A client of its own, as each concurrent apply function has. */
function worker() {
  return createTalentClient({ baseUrl: simulator.url, token: SIMULATOR_TOKEN, requestsPerSecond: 100 });
}

describe('ensureGroups', () => {
  it('creates one group when two workers create it at the same time', async () => {
    await Promise.all([
      ensureGroups(['School: Race Elementary'], worker(), new KnownGroups()),
      ensureGroups(['School: Race Elementary'], worker(), new KnownGroups()),
    ]);

    const named = simulator.groups().filter((group) => group.name === 'School: Race Elementary');
    expect(named).toHaveLength(1);
  });

  it('accepts the 409 of a group another worker created after the lookup', async () => {
    const talent = worker();
    const lagging = { findGroup: async () => undefined, createGroup: talent.createGroup.bind(talent) };
    await talent.createGroup('School: Late Middle');

    await expect(ensureGroups(['School: Late Middle'], lagging)).resolves.toBe(false);
  });

  it('makes one call for a missing group', async () => {
    const before = simulator.requestLog().length;
    await ensureGroups(['School: One Call High'], worker());

    expect(simulator.requestLog().length - before).toBe(1);
  });

  it('accepts an existing group when the create is rejected', async () => {
    const talent = { findGroup: async () => ({ _id: 'g1', name: 'School: Kept' }), createGroup: reject };

    await expect(ensureGroups(['School: Kept'], talent)).resolves.toBe(false);
  });

  it('raises the rejection for a missing group', async () => {
    const talent = { findGroup: async () => undefined, createGroup: reject };

    await expect(ensureGroups(['School: Missing'], talent)).rejects.toBeInstanceOf(TalentApiError);
  });
});

async function reject(): Promise<never> {
  throw new TalentApiError('Talent createGroup returned 403', 'createGroup', false, 403, 'forbidden', 1);
}
