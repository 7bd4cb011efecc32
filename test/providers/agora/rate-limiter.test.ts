import { RequestPacer } from '../../../src/providers/agora/rate-limiter';

/** The largest number of timestamps inside any window of `windowMs` (the emulator's measure). */
function maxInAnyWindow(times: number[], windowMs: number): number {
  let best = 0;
  for (let i = 0; i < times.length; i++) {
    let n = 0;
    for (let j = i; j < times.length && times[j] - times[i] < windowMs; j++) n++;
    best = Math.max(best, n);
  }
  return best;
}

describe('RequestPacer', () => {
  it('spaces sends evenly, first come first served, so no window holds more than rate × window', async () => {
    const pacer = new RequestPacer(20); // one per 50 ms
    const order: number[] = [];
    const times: number[] = [];
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        pacer.take('app').then(() => {
          order.push(i);
          times.push(Date.now());
        }),
      ),
    );
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    // Measured after each release's callback ran, so allow a few ms of event-loop delay on the earlier one.
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(45);
    // 200 ms at one per 50 ms: 4, plus one for that measuring delay at the window's edge.
    expect(maxInAnyWindow(times, 200)).toBeLessThanOrEqual(5);
    expect(times[11] - times[0]).toBeGreaterThanOrEqual(11 * 50 - 5);
  });

  it('paces each key (App ID) on its own', async () => {
    const pacer = new RequestPacer(0.1); // one per 10 s
    const started = Date.now();
    await Promise.all([pacer.take('a'), pacer.take('b'), pacer.take('c')]);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('an aborted waiter rejects with the abort reason', async () => {
    const pacer = new RequestPacer(1);
    await pacer.take('app');
    const ac = new AbortController();
    const waiting = pacer.take('app', ac.signal);
    ac.abort(new Error('activity cancelled'));
    await expect(waiting).rejects.toThrow('activity cancelled');
  });

  it('rejects a rate that is not a positive number', () => {
    expect(() => new RequestPacer(0)).toThrow('ratePerSecond must be a positive number');
    expect(() => new RequestPacer(Number.NaN)).toThrow('ratePerSecond must be a positive number');
  });
});
