/**
 * Paces sends per key (App ID): one every 1000/rate ms, no bursts. The vendor counts QPS per App
 * ID in any second (spec §1.3). The Temporal server's per-queue rate is a token bucket that can
 * release about twice its rate in one second, and even a strict "N per second" window lets N
 * requests leave together at each window edge, where network jitter folds two windows into one
 * at the vendor. Evenly spaced sends leave a whole interval of jitter margin instead.
 */
export class RequestPacer {
  private readonly intervalMs: number;
  private readonly next = new Map<string, number>();

  constructor(
    readonly ratePerSecond: number,
    private readonly clock: () => number = Date.now,
  ) {
    if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) throw new RangeError('RequestPacer: ratePerSecond must be a positive number');
    this.intervalMs = 1_000 / ratePerSecond;
  }

  /** Resolves at this send's slot (first come, first served); rejects if `signal` aborts first. */
  async take(key: string, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const now = this.clock();
    const slot = Math.max(now, this.next.get(key) ?? now);
    this.next.set(key, slot + this.intervalMs);
    if (slot > now) await delay(slot - now, signal);
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
