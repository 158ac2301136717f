import { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it, vi } from 'vitest';
import { METRIC_NAMES, rejectReason, webhookMetrics, withCallMetrics } from '../../../lib/runtime/metrics';

function recordingMetrics() {
  const metrics = new Metrics({ namespace: 'Test', serviceName: 'test' });
  const single = { addDimension: vi.fn(), addMetric: vi.fn() };
  vi.spyOn(metrics, 'singleMetric').mockReturnValue(single as unknown as Metrics);
  const added = vi.spyOn(metrics, 'addMetric').mockImplementation(() => metrics);
  return { metrics, single, added };
}

describe('rejectReason', () => {
  it.each([
    [401, 'signature'],
    [403, 'tenant'],
    [404, 'unknown-source'],
    [502, 'internal'],
    [418, 'status-418'],
  ])('names status %i as %s', (status, reason) => {
    expect(rejectReason(status)).toBe(reason);
  });
});

describe('webhookMetrics', () => {
  it('counts a 202 as accepted', async () => {
    const { metrics, single } = recordingMetrics();
    await webhookMetrics(metrics).after?.({ response: { statusCode: 202 } } as never);
    expect(single.addDimension).toHaveBeenCalledWith('Outcome', 'accepted');
    expect(single.addMetric).toHaveBeenCalledWith(METRIC_NAMES.webhookAccepted, 'Count', 1);
  });

  it('counts an error response as rejected by reason', async () => {
    const { metrics, single } = recordingMetrics();
    await webhookMetrics(metrics).onError?.({ response: { statusCode: 401 } } as never);
    expect(single.addDimension).toHaveBeenCalledWith('Reason', 'signature');
    expect(single.addMetric).toHaveBeenCalledWith(METRIC_NAMES.webhookRejected, 'Count', 1);
  });

  it('counts an unhandled error as internal', async () => {
    const { metrics, single } = recordingMetrics();
    await webhookMetrics(metrics).onError?.({ response: undefined } as never);
    expect(single.addDimension).toHaveBeenCalledWith('Reason', 'internal');
  });
});

describe('withCallMetrics', () => {
  const client = {
    prefix: 'user-',
    async find(id: string) {
      return `${this.prefix}${id}`;
    },
    async fail() {
      throw new Error('Talent down');
    },
  };

  it('keeps results and this', async () => {
    const { metrics } = recordingMetrics();
    await expect(withCallMetrics(client, metrics).find('7')).resolves.toBe('user-7');
  });

  it('records the latency of a call', async () => {
    const { metrics, added } = recordingMetrics();
    await withCallMetrics(client, metrics).find('7');
    expect(added).toHaveBeenCalledWith(METRIC_NAMES.talentLatency, 'Milliseconds', expect.any(Number));
  });

  it('records an error and rethrows it', async () => {
    const { metrics, added } = recordingMetrics();
    await expect(withCallMetrics(client, metrics).fail()).rejects.toThrow('Talent down');
    expect(added).toHaveBeenCalledWith(METRIC_NAMES.talentErrors, 'Count', 1);
  });

  it('leaves plain properties alone', () => {
    const { metrics } = recordingMetrics();
    expect(withCallMetrics(client, metrics).prefix).toBe('user-');
  });
});
