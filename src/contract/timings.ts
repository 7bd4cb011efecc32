/**
 * Every timing the lifecycle uses, named once (their schema and the meaning of each key:
 * ./timing-schemas). Defaults come from the vendors' specs (the common ones below; a provider
 * overrides what its spec says differently) and every one of them is overridable per recording
 * through `timings`. No zod here: the workflow sandbox imports this module.
 */
import type { z } from 'zod';
import type { timingsSchema } from './timing-schemas';

export type Timings = z.infer<typeof timingsSchema>;
export type TimingOverrides = Partial<Timings>;

/** Agora's spec values (seed 000, spec §7.2–7.3); a provider spec replaces what its vendor says otherwise. */
export const commonTimings: Timings = {
  startRetryDelaysMs: [3_000, 6_000, 9_000],
  acquireRetryDelaysMs: [1_000, 3_000, 6_000],
  firstQueryDelayMs: 5_000,
  confirmPollDelaysMs: [10_000, 15_000, 15_000, 15_000, 15_000, 15_000],
  confirmTimeoutMs: 90_000,
  monitorIntervalMs: 120_000,
  monitorQueueWaitMs: 50_000,
  notFoundConfirmDelaysMs: [5_000, 10_000, 15_000],
  serverErrorRetryDelaysMs: [5_000, 10_000, 15_000, 30_000],
  rateLimitDelaysMs: [1_000, 3_000, 6_000],
  requestRetryDelaysMs: [3_000, 6_000, 9_000],
  restartBackoffInitialMs: 5_000,
  restartBackoffMaxMs: 300_000,
  maxConsecutiveFailedAttempts: 20,
  continueAsNewAfterEvents: 5_000,
  activityTimeoutMs: 60_000,
  activityScheduleTimeoutMs: 600_000,
  failoverGraceMs: 90_000,
  handoverLeadMs: 600_000,
  maxRecorderLifetimeMs: 0,
  uploadDeadlineMs: 48 * 3600 * 1000,
  notificationDeadlineMs: 24 * 3600 * 1000,
};

/** Every query interval must stay below the recorder's idle timeout, or a quiet channel looks like a dead recorder. */
export function resolveTimings(defaults: Timings, overrides: TimingOverrides | undefined, maxIdleTimeSec: number, idleField: string): Timings {
  const t: Timings = { ...defaults, ...overrides };
  const idleMs = maxIdleTimeSec * 1000;
  const problems: string[] = [];
  const below = (what: string, value: number) => {
    if (value >= idleMs) problems.push(`${what} (${value}) must be below ${idleField} (${idleMs} ms)`);
  };
  below('timings.monitorIntervalMs', t.monitorIntervalMs);
  if (overrides?.monitorQueueWaitMs === undefined) t.monitorQueueWaitMs = Math.max(1_000, Math.min(t.monitorQueueWaitMs, idleMs - t.monitorIntervalMs - 1_000));
  else below('timings.monitorIntervalMs + timings.monitorQueueWaitMs', t.monitorIntervalMs + t.monitorQueueWaitMs);
  below('timings.firstQueryDelayMs', t.firstQueryDelayMs);
  for (const key of ['confirmPollDelaysMs', 'notFoundConfirmDelaysMs', 'serverErrorRetryDelaysMs'] as const) {
    t[key].forEach((d, i) => below(`timings.${key}[${i}]`, d));
  }
  if (t.firstQueryDelayMs >= t.confirmTimeoutMs) problems.push('timings.firstQueryDelayMs must be below timings.confirmTimeoutMs');
  if (t.restartBackoffInitialMs > t.restartBackoffMaxMs) problems.push('timings.restartBackoffInitialMs must not exceed timings.restartBackoffMaxMs');
  if (problems.length) throw new RangeError(problems.join('; '));
  return t;
}
