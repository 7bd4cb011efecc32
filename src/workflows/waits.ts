/**
 * The recording's waits, each shown in state and the Web UI while it lasts. A wakeable wait ends
 * early when stop is requested (or on the caller's own wake-up, e.g. a vendor event); a plain sleep does not
 * (a retry that may reveal a running recorder must happen whatever else arrives).
 */
import { condition, sleep } from '@temporalio/workflow';
import type { RecordingState } from '../contract/messages';

const iso = (t: number): string => new Date(t).toISOString();

export class Waits {
  constructor(
    private readonly state: RecordingState,
    private readonly show: () => void,
    private readonly woken: () => boolean,
  ) {}

  /** Waits `ms` unless woken first; true when woken. */
  wait(ms: number, reason: string): Promise<boolean> {
    return this.waitUntil(Date.now() + ms, reason);
  }

  /** `alsoWake`: the caller's own reason to end the wait early (stop always is one). */
  async waitUntil(at: number, reason: string, alsoWake?: () => boolean): Promise<boolean> {
    const ms = at - Date.now();
    const woken = alsoWake ? () => this.woken() || alsoWake() : this.woken;
    return this.showing(reason, at, () => (ms > 0 ? condition(woken, ms, { summary: reason }) : Promise.resolve(woken())));
  }

  /** Waits for `done` until `at`, whatever else happens (stop included); true when `done` came first. */
  async until(done: () => boolean, at: number, reason: string): Promise<boolean> {
    const ms = at - Date.now();
    return this.showing(reason, at, () => (ms > 0 ? condition(done, ms, { summary: reason }) : Promise.resolve(done())));
  }

  async sleep(ms: number, reason: string): Promise<void> {
    await this.showing(reason, Date.now() + ms, () => sleep(ms, { summary: reason }));
  }

  private async showing<T>(reason: string, until: number, fn: () => Promise<T>): Promise<T> {
    this.state.waiting = { reason, until: iso(until) };
    this.show();
    const r = await fn();
    this.state.waiting = undefined;
    this.show();
    return r;
  }
}
