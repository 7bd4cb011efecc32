/**
 * Paces sends per key (App ID): one every 1000/rate ms, no bursts. The vendor counts QPS per App
 * ID in any second (spec §1.3). The Temporal server's per-queue rate is a token bucket that can
 * release about twice its rate in one second, and even a strict "N per second" window lets N
 * requests leave together at each window edge, where network jitter folds two windows into one
 * at the vendor. Evenly spaced sends leave a whole interval of jitter margin instead.
 */
/**
 * One process's share of an account's budget when `processes` share it: a whole number of requests
 * per second, rounded down. A process spacing n per second evenly can show the vendor n + 1 in one
 * second when a single request arrives late (network jitter, or a stall before it is read), so the
 * shares must add up to less than the vendor's limit by one per process: 9 for one process (the
 * default budget), 4 + 4 for two, where 4.5 + 4.5 showed 11 and drew a 429. Below one per second the
 * share stays fractional (each process then sends at most one in any second).
 */
export function processShare(budget: number, processes: number): number {
  const even = budget / processes;
  return even >= 1 ? Math.floor(even) : even;
}

export class RequestPacer {
  private readonly intervalMs: number;
  /** When each key's last send was released, measured when it happened (not when it was due). */
  private readonly lastSent = new Map<string, number>();
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    readonly ratePerSecond: number,
    private readonly clock: () => number = Date.now,
  ) {
    if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) throw new RangeError('RequestPacer: ratePerSecond must be a positive number');
    this.intervalMs = 1_000 / ratePerSecond;
  }

  /**
   * Resolves when this send may go (first come, first served), at least one interval after the
   * previous send was actually released: a timer that fires late never lets the next one catch up.
   * Rejects if `signal` aborts while waiting.
   */
  take(key: string, signal?: AbortSignal): Promise<void> {
    const mine = (this.queues.get(key) ?? Promise.resolve()).then(async () => {
      signal?.throwIfAborted();
      const wait = (this.lastSent.get(key) ?? -Infinity) + this.intervalMs - this.clock();
      if (wait > 0) await delay(Math.ceil(wait), signal);
      this.lastSent.set(key, this.clock());
    });
    this.queues.set(key, mine.catch(() => undefined));
    return mine;
  }
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      signal?.removeEventListener('abort', abort);
      resolve();
    }
    function abort(): void {
      clearTimeout(timer);
      reject(signal!.reason);
    }
    signal?.addEventListener('abort', abort, { once: true });
  });
}
