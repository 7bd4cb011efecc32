/** Building blocks of the load benchmarks (scale, start-burst): a ramp that never asks more than the budget, and poll lateness from the emulator's request log. */
import type { LogEntry } from '../../src/emulator/stats';
import { progress, loadavg } from './results';
import type { Rig } from './rig';
import { sleep } from './stats';

export interface Ramp {
  /** cname → when its startRecording was called (epoch ms). */
  launched: Map<string, number>;
  errors: string[];
}

/**
 * Starts `perApp` recordings on each App ID at (budget·utilization − started/interval)/3 per
 * second (3 requests per start: acquire, start, query), at most `maxPerSecond`: starts use only
 * what the monitoring of the recordings already started leaves free. Resolves once every start
 * call has returned.
 */
export async function ramp(
  rig: Rig,
  o: { apps: string[]; perApp: number; total: number; intervalMs: number; budget: number; utilization: number; maxPerSecond: number; prefix: string; request?: Record<string, unknown> },
  into: Ramp = { launched: new Map(), errors: [] },
): Promise<Ramp> {
  const started = o.apps.map(() => 0);
  const credit = o.apps.map(() => 0);
  const inflight: Promise<void>[] = [];
  const rate = (k: number) => Math.min(o.maxPerSecond, Math.max(0.1, (o.budget * o.utilization - started[k] / (o.intervalMs / 1000)) / 3));
  let last = Date.now();
  let lastReport = Date.now();
  while (started.some((s) => s < o.perApp) && started.reduce((a, b) => a + b, 0) < o.total) {
    await sleep(100);
    const now = Date.now();
    const dt = (now - last) / 1000;
    last = now;
    o.apps.forEach((appId, k) => {
      credit[k] += rate(k) * dt;
      while (credit[k] >= 1 && started[k] < o.perApp) {
        credit[k] -= 1;
        const cname = `${o.prefix}${k}_${started[k]++}`;
        into.launched.set(cname, Date.now());
        inflight.push(
          rig.client.startRecording({ recordingId: cname, appId, channel: cname, mode: 'mix', timings: { monitorIntervalMs: o.intervalMs }, ...o.request }).then(
            () => undefined,
            (err: Error) => void into.errors.push(`${cname}: ${err.message}`),
          ),
        );
      }
    });
    if (now - lastReport > 30_000) {
      lastReport = now;
      progress(`started ${started.reduce((a, b) => a + b, 0)}/${o.total} (${o.apps.map((_, k) => rate(k).toFixed(2)).join(', ')} starts/s), load ${loadavg().join(' ')}`);
    }
  }
  await Promise.all(inflight);
  return into;
}

/** Query arrival times per recorder id (sid), sorted. */
export function queriesBySid(log: readonly LogEntry[]): Map<string, number[]> {
  const by = new Map<string, number[]>();
  for (const e of log) if (e.op === 'query' && e.sid) (by.get(e.sid) ?? by.set(e.sid, []).get(e.sid)!).push(e.at);
  for (const times of by.values()) times.sort((a, b) => a - b);
  return by;
}

/**
 * Lateness of monitoring polls: for every recorder, consecutive query arrivals at least half an
 * interval apart are a monitor poll, late by gap − interval (an upper bound on "fired vs due" that
 * also holds the previous query's own round trip). Only polls arriving inside `within` count.
 */
export function pollLateness(bySid: Map<string, number[]>, intervalMs: number, within: (at: number) => boolean = () => true): number[] {
  const late: number[] = [];
  for (const times of bySid.values()) {
    for (let i = 1; i < times.length; i++) {
      const gap = times[i] - times[i - 1];
      if (gap >= intervalMs / 2 && within(times[i])) late.push(gap - intervalMs);
    }
  }
  return late;
}
