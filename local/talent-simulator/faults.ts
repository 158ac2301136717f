/**
 * A fault the simulator can inject in place of a normal response. `stall` affects only report requests:
 * the request succeeds, but the report stays `pending` for ever, as a report that Talent never finishes.
 * On any other operation a drawn `stall` changes nothing.
 */
export type FaultKind = '429' | '500' | '502' | '503' | 'slow' | 'drop' | 'stall';

export const FAULT_KINDS: readonly FaultKind[] = ['429', '500', '502', '503', 'slow', 'drop', 'stall'];

/** The kinds random draws use when `kinds` is absent: the transient ones, which a retry gets past. */
export const DEFAULT_FAULT_KINDS: readonly FaultKind[] = ['429', '500', '502', '503', 'slow', 'drop'];

/** The operation name that targets CSV downloads, which are not API operations. */
export const DOWNLOAD_OPERATION = 'downloadCsv';

export interface FaultOptions {
  /** Share of requests that fail, from 0 to 1. Default 0. */
  rate?: number;
  /** Faults to draw from, evenly. Default DEFAULT_FAULT_KINDS, every kind except `stall`. */
  kinds?: FaultKind[];
  /** Retry-After seconds sent with 429 responses. Default 1. */
  retryAfterSeconds?: number;
  /** Milliseconds a `slow` fault delays the response. Default 15000, more than the client's 10 s timeout. */
  slowMs?: number;
  /**
   * OperationIds to affect; default every API operation. CSV downloads are affected only when
   * `downloadCsv` is listed.
   */
  operations?: string[];
  /** Seed of the pseudo-random draws, so a run with the same requests fails the same ones. Default 1. */
  seed?: number;
}

/** A fault picked for one request. */
export interface InjectedFault {
  kind: FaultKind;
  retryAfterSeconds: number;
  slowMs: number;
}

interface QueuedFault {
  remaining: number;
  kind: FaultKind;
  operationId: string | undefined;
}

const DEFAULT_RETRY_AFTER_SECONDS = 1;
const DEFAULT_SLOW_MS = 15_000;

/** Decides which requests fail: queued faults first, in order, then random draws at the configured rate. */
export class FaultInjector {
  private options: FaultOptions = {};
  private random: () => number = mulberry32(1);
  private queue: QueuedFault[] = [];

  constructor(options?: FaultOptions) {
    this.configure(options);
  }

  configure(options: FaultOptions | undefined): void {
    validateFaultOptions(options ?? {});
    this.options = { ...options };
    this.random = mulberry32(options?.seed ?? 1);
  }

  current(): FaultOptions {
    return { ...this.options };
  }

  /** Fails the next `count` requests to `operationId` (any API operation when absent) with `kind`. */
  failNext(count: number, kind: FaultKind, operationId?: string): void {
    if (!Number.isInteger(count) || count < 1)
      throw new RangeError(`failNext count must be a positive integer, got ${count}`);
    if (!FAULT_KINDS.includes(kind))
      throw new RangeError(`unknown fault kind "${kind}": use one of ${FAULT_KINDS.join(', ')}`);
    this.queue.push({ remaining: count, kind, operationId });
  }

  reset(options?: FaultOptions): void {
    this.queue = [];
    this.configure(options);
  }

  /** Returns the fault for this request, if any; each call consumes a queued fault or a random draw. */
  pick(operationId: string): InjectedFault | undefined {
    const isDownload = operationId === DOWNLOAD_OPERATION;
    const queued = this.queue.find((entry) =>
      entry.operationId === undefined ? !isDownload : entry.operationId === operationId,
    );
    if (queued) {
      queued.remaining -= 1;
      if (queued.remaining === 0) this.queue.splice(this.queue.indexOf(queued), 1);
      return this.fault(queued.kind);
    }

    const { rate = 0, kinds = DEFAULT_FAULT_KINDS, operations } = this.options;
    if (rate <= 0 || kinds.length === 0) return undefined;
    const targeted = operations ? operations.includes(operationId) : !isDownload;
    if (!targeted) return undefined;
    if (this.random() >= rate) return undefined;

    const kind = kinds[Math.floor(this.random() * kinds.length)] ?? kinds[0];
    return kind ? this.fault(kind) : undefined;
  }

  private fault(kind: FaultKind): InjectedFault {
    return {
      kind,
      retryAfterSeconds: this.options.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS,
      slowMs: this.options.slowMs ?? DEFAULT_SLOW_MS,
    };
  }
}

function validateFaultOptions(options: FaultOptions): void {
  if (options.rate !== undefined && !(options.rate >= 0 && options.rate <= 1)) {
    throw new RangeError(`faults.rate must be between 0 and 1, got ${options.rate}`);
  }
  for (const kind of options.kinds ?? []) {
    if (!FAULT_KINDS.includes(kind)) {
      throw new RangeError(
        `unknown fault kind "${kind}" in faults.kinds: use one of ${FAULT_KINDS.join(', ')}`,
      );
    }
  }
  for (const [name, value] of [
    ['retryAfterSeconds', options.retryAfterSeconds],
    ['slowMs', options.slowMs],
  ] as const) {
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
      throw new RangeError(`faults.${name} must be a number of at least 0, got ${value}`);
    }
  }
}

/** Creates a small seeded PRNG (mulberry32) that returns the same sequence in [0, 1) for the same seed. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
