import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FaultInjector, mulberry32 } from '../../../local/talent-simulator/faults';
import { startTalentSimulator, type TalentSimulator } from '../../../local/talent-simulator/server';
import { call } from './support';

let simulator: TalentSimulator;

beforeAll(async () => {
  simulator = await startTalentSimulator({ validateResponses: true, reportPendingMs: 0 });
});

afterEach(() => {
  expect(simulator.responseViolations()).toEqual([]);
  simulator.reset();
});

afterAll(async () => {
  await simulator.close();
});

const listGroups = () => call(simulator.url, 'GET', '/groups?pageNumber=1&limit=5');

describe('failNext', () => {
  it('answers 429 with Retry-After', async () => {
    simulator.setFaults({ retryAfterSeconds: 3 });
    simulator.failNext(1, '429');
    const result = await listGroups();
    expect(result.status).toBe(429);
    expect(result.headers.get('retry-after')).toBe('3');
  });

  it.each(['500', '502', '503'] as const)('returns %s with a message', async (kind) => {
    simulator.failNext(1, kind);
    const result = await listGroups();
    expect(result.status).toBe(Number(kind));
    expect(result.body.message).toMatch(/^injected fault/);
  });

  it('fails only the named operation', async () => {
    simulator.failNext(1, '503', 'createGroup');
    const listed = await listGroups();
    const created = await call(simulator.url, 'POST', '/groups', { body: { name: 'New' } });
    expect(listed.status).toBe(200);
    expect(created.status).toBe(503);
  });

  it('fails the given number of requests, then none', async () => {
    simulator.failNext(2, '502');
    const statuses = [];
    for (let index = 0; index < 3; index += 1) statuses.push((await listGroups()).status);
    expect(statuses).toEqual([502, 502, 200]);
  });

  it('does not apply a faulted write', async () => {
    simulator.failNext(1, '503', 'createGroup');
    await call(simulator.url, 'POST', '/groups', { body: { name: 'New' } });
    expect(simulator.groups().map((group) => group.name)).toEqual(['Default Group']);
  });

  it('drops the connection without an answer', async () => {
    simulator.failNext(1, 'drop');
    await expect(listGroups()).rejects.toThrow(/fetch failed/);
    expect(simulator.requestLog()[0]).toMatchObject({ status: 0, fault: 'drop', operationId: 'listGroups' });
  });

  it('holds a slow answer past a client timeout', async () => {
    simulator.setFaults({ slowMs: 30_000 });
    simulator.failNext(1, 'slow');
    const response = fetch(`${simulator.url}/groups?pageNumber=1&limit=5`, {
      headers: { Authorization: 'Bearer local-system-token' },
      signal: AbortSignal.timeout(50),
    });
    await expect(response).rejects.toThrow(/abort|timeout/i);
  });

  it('counts faulted requests', async () => {
    simulator.failNext(1, '503');
    await listGroups();
    expect(simulator.counts()).toEqual({ listGroups: 1 });
  });

  it('cuts a CSV download part-way when asked', async () => {
    const requested = await call(simulator.url, 'POST', '/reports', {
      body: { report: 'reportBuilder', reportId: 'r' },
    });
    const status = await call(simulator.url, 'GET', `/reports/${requested.body.insightsReportRequestId}`);
    simulator.failNext(1, 'drop', 'downloadCsv');
    const response = await fetch(status.body.csvDownloadUrl);
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
  });

  it('leaves downloads alone unless named', async () => {
    const requested = await call(simulator.url, 'POST', '/reports', {
      body: { report: 'reportBuilder', reportId: 'r' },
    });
    const status = await call(simulator.url, 'GET', `/reports/${requested.body.insightsReportRequestId}`);
    simulator.failNext(1, '503');
    const response = await fetch(status.body.csvDownloadUrl);
    expect(response.status).toBe(200);
  });
});

describe('random faults', () => {
  it('fails every request at rate 1', async () => {
    simulator.setFaults({ rate: 1, kinds: ['503'] });
    const statuses = [(await listGroups()).status, (await listGroups()).status];
    expect(statuses).toEqual([503, 503]);
  });

  it('affects only the listed operations', async () => {
    simulator.setFaults({ rate: 1, kinds: ['500'], operations: ['createGroup'] });
    const result = await listGroups();
    expect(result.status).toBe(200);
  });

  it('repeats the same failures for the same seed', async () => {
    const run = async () => {
      simulator.reset();
      simulator.setFaults({ rate: 0.5, kinds: ['500', '503'], seed: 42 });
      const statuses = [];
      for (let index = 0; index < 12; index += 1) statuses.push((await listGroups()).status);
      return statuses;
    };
    const first = await run();
    const second = await run();
    expect(second).toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(1);
  });

  it('is off after reset', async () => {
    simulator.setFaults({ rate: 1, kinds: ['503'] });
    simulator.reset();
    const result = await listGroups();
    expect(result.status).toBe(200);
  });
});

describe('FaultInjector', () => {
  it('rejects a rate above 1', () => {
    expect(() => new FaultInjector({ rate: 1.5 })).toThrow('faults.rate must be between 0 and 1, got 1.5');
  });

  it('rejects an unknown kind', () => {
    const injector = new FaultInjector();
    expect(() => injector.failNext(1, 'teapot' as never)).toThrow(/unknown fault kind "teapot"/);
  });
});

describe('mulberry32', () => {
  it('returns the same sequence for the same seed', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });

  it('returns numbers in [0, 1)', () => {
    const random = mulberry32(99);
    const values = Array.from({ length: 1000 }, () => random());
    expect(values.every((value) => value >= 0 && value < 1)).toBe(true);
  });
});
