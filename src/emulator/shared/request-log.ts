import { SlidingWindow } from '../rate-limit';

export const LOG_CAPACITY = 20_000;

/** How one log entry counts: who sent it, what it asked, and how it was answered. null: it counts for nobody. */
export interface Tally {
  caller: string;
  op: string;
  outcome: string;
  rateLimited: boolean;
}

interface CallerStats {
  /** op → outcome → count */
  requests: Record<string, Record<string, number>>;
  maxPerSecond: number;
  rateLimited: number;
  seen: SlidingWindow;
}

export interface CallerSnapshot {
  requests: CallerStats['requests'];
  maxPerSecond: number;
  rateLimited: number;
  live: number;
}

/** Per-caller counters plus a bounded request log, so tests can assert what was answered and "no hammering". */
export class RequestLog<E extends { at: number }> {
  private readonly callers = new Map<string, CallerStats>();
  private log: E[] = [];
  private next = 0;

  constructor(private readonly tally: (entry: E) => Tally | null) {}

  private caller(id: string): CallerStats {
    let s = this.callers.get(id);
    if (!s) this.callers.set(id, (s = { requests: {}, maxPerSecond: 0, rateLimited: 0, seen: new SlidingWindow() }));
    return s;
  }

  /** Called for every authenticated request before the rate limiter decides, so rejected ones count too. */
  seen(caller: string, at: number): void {
    const s = this.caller(caller);
    s.maxPerSecond = Math.max(s.maxPerSecond, s.seen.add(at));
  }

  record(entry: E): void {
    const t = this.tally(entry);
    if (t) {
      const s = this.caller(t.caller);
      const byOutcome = (s.requests[t.op] ??= {});
      byOutcome[t.outcome] = (byOutcome[t.outcome] ?? 0) + 1;
      if (t.rateLimited) s.rateLimited++;
    }
    if (this.log.length < LOG_CAPACITY) this.log.push(entry);
    else this.log[this.next] = entry;
    this.next = (this.next + 1) % LOG_CAPACITY;
  }

  byCaller(live: (caller: string) => number): Record<string, CallerSnapshot> {
    const out: Record<string, CallerSnapshot> = {};
    for (const [id, s] of this.callers) out[id] = { requests: s.requests, maxPerSecond: s.maxPerSecond, rateLimited: s.rateLimited, live: live(id) };
    return out;
  }

  /** Log entries with `at >= since`, oldest first. */
  requests(since: number): E[] {
    const ordered = this.log.length < LOG_CAPACITY ? this.log : [...this.log.slice(this.next), ...this.log.slice(0, this.next)];
    return ordered.filter((e) => e.at >= since);
  }

  reset(): void {
    this.callers.clear();
    this.log = [];
    this.next = 0;
  }
}
