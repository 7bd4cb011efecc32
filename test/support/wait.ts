/** Poll-based waiting for tests against real servers: no fixed sleeps that race. */

const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Calls `probe` until it returns something other than undefined/false, then returns that value.
 * Throws after `timeoutMs`, naming `what` and the last value seen.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  opts: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const { timeoutMs = 20_000, intervalMs = 100, what = 'condition' } = opts;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      last = v;
      if (v !== undefined && v !== false) return v as T;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const detail = lastError ? `; last error: ${(lastError as Error).message}` : `; last: ${JSON.stringify(last)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    }
    await pause(intervalMs);
  }
}

/** Rejects with a named error when `p` takes longer than `ms`. */
export async function withTimeout<T>(p: Promise<T>, ms: number, what = 'operation'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/**
 * Samples `probe` every `intervalMs` in the background until `stop()` is called; `stop()` returns
 * every sample taken (at least one, taken after stop was requested).
 */
export function sampler<T>(probe: () => Promise<T>, intervalMs = 50): { stop: () => Promise<T[]> } {
  const samples: T[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        samples.push(await probe());
      } catch {
        // a failed sample is simply missing
      }
      if (running) await pause(intervalMs);
    }
    samples.push(await probe());
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return samples;
    },
  };
}
