/**
 * The recording's waits, each shown in state and the Web UI while it lasts. A wakeable wait ends
 * early when stop is requested (later: a vendor event or a deadline); a plain sleep does not
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

  async waitUntil(at: number, reason: string): Promise<boolean> {
    const ms = at - Date.now();
    return this.showing(reason, at, () => (ms > 0 ? condition(this.woken, ms, { summary: reason }) : Promise.resolve(this.woken())));
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
