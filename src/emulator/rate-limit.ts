/** Timestamps inside a trailing window; amortised O(1) so a high --qps bench stays cheap. */
export class SlidingWindow {
  private times: number[] = [];
  private head = 0;

  constructor(private readonly windowMs = 1000) {}

  count(now: number): number {
    while (this.head < this.times.length && this.times[this.head] <= now - this.windowMs) this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }

  add(now: number): number {
    this.times.push(now);
    return this.count(now);
  }
}

/**
 * The gateway's per-App-ID QPS limit. Only admitted requests fill the window, so a client that
 * backs off gets through as soon as the oldest accepted request is a second old.
 */
export class RateLimiter {
  private readonly windows = new Map<string, SlidingWindow>();

  constructor(private readonly qps: number) {}

  admit(appId: string, now: number): boolean {
    let w = this.windows.get(appId);
    if (!w) this.windows.set(appId, (w = new SlidingWindow()));
    if (w.count(now) >= this.qps) return false;
    w.add(now);
    return true;
  }

  reset(): void {
    this.windows.clear();
  }
}
