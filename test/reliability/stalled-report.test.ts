import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTalentSimulator, type TalentSimulator } from '../../local/talent-simulator/server';
import { call } from '../local/talent-simulator/support';

// The `stall` fault: Talent accepts a report request and then never finishes the report. The report
// loop must end such a run through its poll timeout; here the simulator side is checked over HTTP.

let simulator: TalentSimulator;

beforeAll(async () => {
  simulator = await startTalentSimulator({ reportPendingMs: 0, validateResponses: true });
});

afterAll(async () => {
  await simulator.close();
});

const REPORT_REQUEST = { report: 'reportBuilder', reportId: 'savedReport-observations' };

async function requestAndPoll(): Promise<{ requestStatus: number; pollStatus: number; status: unknown }> {
  const requested = await call(simulator.url, 'POST', '/reports', { body: REPORT_REQUEST });
  const reportId = String(requested.body.insightsReportRequestId);
  const polled = await call(simulator.url, 'GET', `/reports/${reportId}`);
  return { requestStatus: requested.status, pollStatus: polled.status, status: polled.body.status };
}

describe('stall fault', () => {
  it('completes a report without the fault', async () => {
    simulator.reset();
    const result = await requestAndPoll();
    expect(result.status).toBe('complete');
  });

  it('keeps a report pending when set through setFaults', async () => {
    simulator.reset();
    simulator.setFaults({ rate: 1, kinds: ['stall'] });
    const result = await requestAndPoll();
    expect(result.requestStatus).toBe(200);
    expect(result.pollStatus).toBe(202);
    expect(result.status).toBe('pending');
  });

  it('keeps a report pending when set through the admin endpoint', async () => {
    simulator.reset();
    const origin = simulator.url.replace(/\/api\/v2$/, '');
    const admin = await fetch(`${origin}/__admin/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ failNext: [{ count: 1, kind: 'stall', operationId: 'requestReport' }] }),
    });
    expect(admin.status).toBe(200);

    const stalled = await requestAndPoll();
    expect(stalled.status).toBe('pending');
    const next = await requestAndPoll();
    expect(next.status).toBe('complete');
  });

  it('changes nothing on other operations', async () => {
    simulator.reset();
    simulator.setFaults({ rate: 1, kinds: ['stall'] });
    const groups = await call(simulator.url, 'GET', '/groups?pageNumber=1&limit=5');
    expect(groups.status).toBe(200);
  });

  it('is not drawn when no kinds are given', async () => {
    simulator.reset();
    simulator.setFaults({ rate: 1, seed: 3, slowMs: 1 });
    const faults: unknown[] = [];
    for (let index = 0; index < 30; index += 1) {
      await call(simulator.url, 'GET', '/groups?pageNumber=1&limit=5').catch(() => undefined);
    }
    for (const entry of simulator.requestLog()) faults.push(entry.fault);
    expect(faults).not.toContain('stall');
  });

  it('keeps a report pending when the test outcome says stalled', async () => {
    const stalling = await startTalentSimulator({ reportPendingMs: 0, reportOutcome: () => 'stalled' });
    try {
      const requested = await call(stalling.url, 'POST', '/reports', { body: REPORT_REQUEST });
      const polled = await call(stalling.url, 'GET', `/reports/${requested.body.insightsReportRequestId}`);
      expect(polled.body.status).toBe('pending');
    } finally {
      await stalling.close();
    }
  });
});
