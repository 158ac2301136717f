import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { METRIC_NAMES, rejectReason, webhookMetrics, withCallMetrics } from '../../../lib/runtime/metrics';

function recordingMetrics() {
  const metrics = new Metrics({ namespace: 'Test', serviceName: 'test' });
  const added = vi.spyOn(metrics, 'addMetric').mockImplementation(() => metrics);
  return { metrics, added };
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

/** Metrics whose EMF lines are collected instead of written to standard output. */
function emittingMetrics() {
  const lines: Record<string, unknown>[] = [];
  const metrics = new Metrics({ namespace: 'Test', serviceName: 'test' });
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
    return true;
  });
  return { metrics, lines };
}

/** Returns the dimension names of an EMF line. */
function dimensionsOf(line: Record<string, unknown> | undefined): unknown {
  const emf = line?._aws as { CloudWatchMetrics: { Dimensions: string[][] }[] } | undefined;
  return emf?.CloudWatchMetrics[0]?.Dimensions[0];
}

describe('webhookMetrics', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('counts a 202 as accepted', async () => {
    const { metrics, lines } = emittingMetrics();
    await webhookMetrics(metrics).after?.({ response: { statusCode: 202 } } as never);
    expect(lines[0]).toMatchObject({ Outcome: 'accepted', [METRIC_NAMES.webhookAccepted]: 1 });
  });

  it('counts a 200 as ignored', async () => {
    const { metrics, lines } = emittingMetrics();
    await webhookMetrics(metrics).after?.({ response: { statusCode: 200 } } as never);
    expect(lines[0]).toMatchObject({ Outcome: 'ignored' });
  });

  it('counts an error response as rejected by reason', async () => {
    const { metrics, lines } = emittingMetrics();
    await webhookMetrics(metrics).onError?.({ response: { statusCode: 401 } } as never);
    expect(lines[0]).toMatchObject({ Reason: 'signature', [METRIC_NAMES.webhookRejected]: 1 });
  });

  it('counts an unhandled error as internal', async () => {
    const { metrics, lines } = emittingMetrics();
    await webhookMetrics(metrics).onError?.({ response: undefined } as never);
    expect(lines[0]).toMatchObject({ Reason: 'internal' });
  });

  it('publishes one line per delivery', async () => {
    const { metrics, lines } = emittingMetrics();
    const middleware = webhookMetrics(metrics);
    await middleware.after?.({ response: { statusCode: 202 } } as never);
    await middleware.onError?.({ response: { statusCode: 401 } } as never);
    expect(lines).toHaveLength(2);
  });

  it('drops the dimension of the delivery before', async () => {
    const { metrics, lines } = emittingMetrics();
    const middleware = webhookMetrics(metrics);
    await middleware.after?.({ response: { statusCode: 202 } } as never);
    await middleware.onError?.({ response: { statusCode: 401 } } as never);
    expect(dimensionsOf(lines[1])).toEqual(['service', 'Reason']);
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
