import { SlidingWindow } from '../rate-limit';

export interface TrtcLogEntry {
  /** X-TC-Action as sent (null when absent). */
  action: string | null;
  /** SecretId of an authenticated request (never the key). */
  secretId: string | null;
  sdkAppId: number | null;
  roomId: string | null;
  userId: string | null;
  taskId: string | null;
  /** 0 when the emulator never answered (a "hang" fault). */
  httpStatus: number;
  /** Error.Code of the envelope; null on success. */
  code: string | null;
  requestId: string | null;
  /** Arrival time, epoch ms. */
  at: number;
}

interface AccountStats {
  /** action → outcome ("ok" or the error code) → count */
  requests: Record<string, Record<string, number>>;
  maxPerSecond: number;
  rateLimited: number;
  seen: SlidingWindow;
}

export const LOG_CAPACITY = 20_000;

/** Per-account counters and a bounded request log, so tests can assert "no hammering" and what was answered. */
export class TrtcStats {
  private readonly accounts = new Map<string, AccountStats>();
  private log: TrtcLogEntry[] = [];
  private next = 0;

  private account(id: string): AccountStats {
    let s = this.accounts.get(id);
    if (!s) this.accounts.set(id, (s = { requests: {}, maxPerSecond: 0, rateLimited: 0, seen: new SlidingWindow() }));
    return s;
  }

  /** Every authenticated request, before the QPS limiter decides, so rejected ones count too. */
  seen(secretId: string, at: number): void {
    const s = this.account(secretId);
    s.maxPerSecond = Math.max(s.maxPerSecond, s.seen.add(at));
  }

  record(e: TrtcLogEntry): void {
    if (e.secretId !== null && e.action !== null) {
      const s = this.account(e.secretId);
      const byOutcome = (s.requests[e.action] ??= {});
      const key = e.code ?? (e.httpStatus === 200 ? 'ok' : `http ${e.httpStatus}`);
      byOutcome[key] = (byOutcome[key] ?? 0) + 1;
      if (e.code?.startsWith('RequestLimitExceeded')) s.rateLimited++;
    }
    if (this.log.length < LOG_CAPACITY) this.log.push(e);
    else this.log[this.next] = e;
    this.next = (this.next + 1) % LOG_CAPACITY;
  }

  snapshot(live: (secretId: string) => number) {
    const accounts: Record<string, { requests: AccountStats['requests']; maxPerSecond: number; rateLimited: number; live: number }> = {};
    for (const [id, s] of this.accounts) accounts[id] = { requests: s.requests, maxPerSecond: s.maxPerSecond, rateLimited: s.rateLimited, live: live(id) };
    return { accounts };
  }

  requests(since: number): TrtcLogEntry[] {
    const ordered = this.log.length < LOG_CAPACITY ? this.log : [...this.log.slice(this.next), ...this.log.slice(0, this.next)];
    return ordered.filter((e) => e.at >= since);
  }

  reset(): void {
    this.accounts.clear();
    this.log = [];
    this.next = 0;
  }
}
