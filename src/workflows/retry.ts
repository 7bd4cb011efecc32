/**
 * The call → decide → wait loop, written once: every vendor operation (prepare, start, describe,
 * update, stop) runs through it with its own decision table from ./decisions.
 */

/** A decision's verdict: finished with a result, or call again after a pause. */
export type Step<R> = { done: R } | { again: { delayMs: number; why: string } };

export const done = <R>(r: R): Step<R> => ({ done: r });
export const again = <R>(delayMs: number, why: string): Step<R> => ({ again: { delayMs, why } });

/** How far each of an operation's schedules has been used; one per loop. */
export class Counts {
  private readonly used: Record<string, number> = {};

  /** The next delay of a bounded schedule, or undefined once it is spent. */
  next(key: string, schedule: readonly number[]): number | undefined {
    const i = this.used[key] ?? 0;
    if (i >= schedule.length) return undefined;
    this.used[key] = i + 1;
    return schedule[i];
  }

  /** The next delay of a schedule whose last value repeats (rate limits are waited out, never given up on). */
  repeat(key: string, schedule: readonly number[]): number {
    const i = this.used[key] ?? 0;
    this.used[key] = i + 1;
    return schedule[Math.min(i, schedule.length - 1)];
  }

  of(key: string): number {
    return this.used[key] ?? 0;
  }
}

/**
 * Calls until the decision is done. `pause` waits between calls and answers true when the wait
 * was cut short (by stop), in which case `interrupted` gives the result.
 */
export async function retrying<O, R>(
  call: () => Promise<O>,
  decide: (outcome: O, counts: Counts) => Step<R>,
  pause: (ms: number, why: string) => Promise<boolean>,
  interrupted: () => R,
): Promise<R> {
  const counts = new Counts();
  for (;;) {
    const step = decide(await call(), counts);
    if ('done' in step) return step.done;
    if (await pause(step.again.delayMs, step.again.why)) return interrupted();
  }
}
