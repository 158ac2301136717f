/**
 * A token bucket that refills at `ratePerSecond` and contains up to `capacity` tokens. It is written
 * as a schedule of theoretical arrival times (GCRA). Each `acquire` reserves the next free slot at
 * once and then sleeps until it, so concurrent callers queue in call order without a timer loop.
 * The waits come only from `now` and `sleep`, which makes the limiter exact under a fake clock.
 */
export class TokenBucket {
  private readonly intervalMs: number;
  private readonly burstMs: number;
  private nextSlotMs = Number.NEGATIVE_INFINITY;

  constructor(
    ratePerSecond: number,
    private readonly clock: { now: () => number; sleep: (ms: number) => Promise<void> },
    /** Requests that may start at once after an idle period; defaults to one second's worth. */
    capacity = Math.max(1, Math.floor(ratePerSecond)),
  ) {
    if (!(ratePerSecond > 0)) {
      throw new RangeError(`requestsPerSecond must be greater than 0, got ${ratePerSecond}`);
    }
    this.intervalMs = 1000 / ratePerSecond;
    this.burstMs = (Math.max(1, capacity) - 1) * this.intervalMs;
  }

  /** Waits until a request may start. */
  async acquire(): Promise<void> {
    const now = this.clock.now();
    const slot = Math.max(this.nextSlotMs, now);
    this.nextSlotMs = slot + this.intervalMs;

    const waitMs = slot - this.burstMs - now;
    if (waitMs > 0) await this.clock.sleep(waitMs);
  }
}
