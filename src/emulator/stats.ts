import { SlidingWindow } from './rate-limit';

export type HostName = 'primary' | 'alternate';

export interface LogEntry {
  op: string | null;
  appId: string | null;
  cname: string | null;
  uid: string | null;
  sid: string | null;
  /** 0 when the emulator never answered (a "hang" fault). */
  httpStatus: number;
  code: number | null;
  host: HostName;
  /** Arrival time, epoch ms. */
  at: number;
}

interface AppStats {
  requests: Record<string, Record<string, number>>;
  maxPerSecond: number;
  rateLimited: number;
  seen: SlidingWindow;
}

export const LOG_CAPACITY = 20_000;

/** Per-App-ID counters plus a bounded request log, so tests can assert "which host" and "no hammering". */
export class Stats {
  private readonly apps = new Map<string, AppStats>();
  private log: LogEntry[] = [];
  private next = 0;

  private app(appId: string): AppStats {
    let s = this.apps.get(appId);
    if (!s) this.apps.set(appId, (s = { requests: {}, maxPerSecond: 0, rateLimited: 0, seen: new SlidingWindow() }));
    return s;
  }

  /** Called for every authenticated request before the rate limiter decides, so rejected ones count too. */
  seen(appId: string, at: number): void {
    const s = this.app(appId);
    s.maxPerSecond = Math.max(s.maxPerSecond, s.seen.add(at));
  }

  record(entry: LogEntry): void {
    if (entry.appId !== null && entry.op !== null) {
      const s = this.app(entry.appId);
      const byStatus = (s.requests[entry.op] ??= {});
      byStatus[entry.httpStatus] = (byStatus[entry.httpStatus] ?? 0) + 1;
      if (entry.httpStatus === 429) s.rateLimited++;
    }
    if (this.log.length < LOG_CAPACITY) this.log.push(entry);
    else this.log[this.next] = entry;
    this.next = (this.next + 1) % LOG_CAPACITY;
  }

  snapshot(live: (appId: string) => number) {
    const apps: Record<string, { requests: AppStats['requests']; maxPerSecond: number; rateLimited: number; live: number }> = {};
    for (const [appId, s] of this.apps) {
      apps[appId] = { requests: s.requests, maxPerSecond: s.maxPerSecond, rateLimited: s.rateLimited, live: live(appId) };
    }
    return { apps };
  }

  /** Log entries with `at >= since`, oldest first. */
  requests(since: number): LogEntry[] {
    const ordered = this.log.length < LOG_CAPACITY ? this.log : [...this.log.slice(this.next), ...this.log.slice(0, this.next)];
    return ordered.filter((e) => e.at >= since);
  }

  reset(): void {
    this.apps.clear();
    this.log = [];
    this.next = 0;
  }
}
