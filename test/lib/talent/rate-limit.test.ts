import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../../lib/talent/rate-limit';

function bucket(ratePerSecond: number, capacity?: number) {
  let now = 0;
  const waits: number[] = [];
  const limiter = new TokenBucket(
    ratePerSecond,
    {
      now: () => now,
      sleep: async (ms) => {
        waits.push(ms);
      },
    },
    capacity,
  );
  return { limiter, waits, advance: (ms: number) => (now += ms) };
}

describe('TokenBucket', () => {
  it('lets a burst of one second through at once', async () => {
    const { limiter, waits } = bucket(5);
    for (let index = 0; index < 5; index += 1) await limiter.acquire();
    expect(waits).toEqual([]);
  });

  it('spaces requests after the burst', async () => {
    const { limiter, waits } = bucket(5);
    for (let index = 0; index < 8; index += 1) await limiter.acquire();
    expect(waits).toEqual([200, 400, 600]);
  });

  it('refills while idle', async () => {
    const { limiter, waits, advance } = bucket(2, 1);
    await limiter.acquire();
    advance(500);
    await limiter.acquire();
    expect(waits).toEqual([]);
  });

  it('queues concurrent callers in call order', async () => {
    const { limiter, waits } = bucket(1, 1);
    await Promise.all([limiter.acquire(), limiter.acquire(), limiter.acquire()]);
    expect(waits).toEqual([1000, 2000]);
  });

  it('allows less than one request per second', async () => {
    const { limiter, waits } = bucket(0.5);
    await limiter.acquire();
    await limiter.acquire();
    expect(waits).toEqual([2000]);
  });

  it('rejects a rate of zero', () => {
    expect(() => bucket(0)).toThrow('requestsPerSecond must be greater than 0, got 0');
  });
});
