import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_TOKENS,
  startTalentSimulator,
  type TalentSimulator,
} from '../../../local/talent-simulator/server';

let simulator: TalentSimulator;
let clockMs = 0;

beforeAll(async () => {
  simulator = await startTalentSimulator({
    rateLimit: { requestsPerSecond: 2, burst: 2 },
    now: () => clockMs,
  });
});

afterAll(async () => {
  await simulator.close();
});

function listGroups(): Promise<Response> {
  return fetch(`${simulator.url}/groups?pageNumber=1&limit=5`, {
    headers: { Authorization: `Bearer ${DEFAULT_TOKENS.system}` },
  });
}

describe('simulator rate limit', () => {
  it('answers 429 beyond the burst, then serves again after the refill', async () => {
    simulator.reset();
    clockMs = 1_000_000;
    const statuses = [];
    for (let index = 0; index < 3; index++) statuses.push((await listGroups()).status);
    clockMs += 500;
    statuses.push((await listGroups()).status);

    expect(statuses).toEqual([200, 200, 429, 200]);
  });

  it('sends Retry-After with the 429', async () => {
    simulator.reset();
    clockMs = 2_000_000;
    await listGroups();
    await listGroups();

    expect((await listGroups()).headers.get('retry-after')).toBe('1');
  });

  it('logs the 429 as the rate-limit fault', async () => {
    simulator.reset();
    clockMs = 3_000_000;
    for (let index = 0; index < 3; index++) await listGroups();

    expect(simulator.requestLog().at(-1)?.fault).toBe('rate-limit');
  });
});
