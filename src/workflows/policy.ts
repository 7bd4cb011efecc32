/**
 * The vendor's reliability rules as pure functions: every timing and every decision the
 * RecordingWorkflow takes about a vendor answer lives here, so it is testable without a server.
 *
 * Sources: Agora's integration best practices (shared/seeds/000, spec §7.2–7.3) and the
 * status-code table (spec §7.1). Every timing is a default that a recording may override.
 */
import { z } from 'zod';
import type { QueryData, VendorResult } from '../domain/vendor';

const ms = z.number().int().min(0).max(24 * 3600 * 1000);
const delays = z.array(ms).min(1).max(50);

export const timingsSchema = z.strictObject({
  /** start answered 206/50x/unavailable: retry the same start after 3 s, 6 s, 9 s (spec §7.2). */
  startRetryDelaysMs: delays,
  /** acquire answered 50x/unavailable: back off 1 s, 3 s, 6 s (spec §1.1 failover backoff). */
  acquireRetryDelaysMs: delays,
  /** First query 5 s after the sid (spec §7.2 step 2). */
  firstQueryDelayMs: ms,
  /** Later confirmation queries back off; each below maxIdleTime. Offsets 5, 15, 30, 45 … 90 s. */
  confirmPollDelaysMs: delays,
  /** No status 4/5 within 90 s of the sid: the start failed (spec §7.2 step 3). */
  confirmTimeoutMs: ms,
  /** Monitoring query cadence (spec §7.3: every 2 minutes). */
  monitorIntervalMs: ms.min(1),
  /** A 404 is confirmed by queries after 5, 10 and 15 s before the recorder is declared gone. */
  notFoundConfirmDelaysMs: delays,
  /** query 206/50x: retry after 5, 10, 15, 30 s, then keep monitoring as degraded. */
  serverErrorRetryDelaysMs: delays,
  /** 429: wait and retry, not counted as a failure; the last value repeats. */
  rateLimitDelaysMs: delays,
  /** stop / update 206 code 65 or 50x: retry the same request. */
  requestRetryDelaysMs: delays,
  /** Restart backoff: first restart after a healthy recorder is immediate; consecutive failed attempts wait initial·2^(n-1), capped. */
  restartBackoffInitialMs: ms,
  restartBackoffMaxMs: ms,
  /** Consecutive attempts that never reached status 4/5 before the recording fails. */
  maxConsecutiveFailedAttempts: z.number().int().min(1).max(1000),
  /** Continue-as-new past this many history events (or when the server suggests it). */
  continueAsNewAfterEvents: z.number().int().min(100).max(50_000),
  /**
   * One vendor call may try the primary twice and the alternate once (spec §1.1), each within the
   * worker's client timeout; past this the activity is retried (e.g. its worker died mid-call).
   */
  activityTimeoutMs: ms.min(1_000),
  /** Nobody polling the App ID's queue this long means no worker is configured for it: fail loudly. */
  activityScheduleTimeoutMs: ms.min(1_000),
});
export type Timings = z.infer<typeof timingsSchema>;

export const defaultTimings: Timings = {
  startRetryDelaysMs: [3_000, 6_000, 9_000],
  acquireRetryDelaysMs: [1_000, 3_000, 6_000],
  firstQueryDelayMs: 5_000,
  confirmPollDelaysMs: [10_000, 15_000, 15_000, 15_000, 15_000, 15_000],
  confirmTimeoutMs: 90_000,
  monitorIntervalMs: 120_000,
  notFoundConfirmDelaysMs: [5_000, 10_000, 15_000],
  serverErrorRetryDelaysMs: [5_000, 10_000, 15_000, 30_000],
  rateLimitDelaysMs: [1_000, 3_000, 6_000],
  requestRetryDelaysMs: [3_000, 6_000, 9_000],
  restartBackoffInitialMs: 5_000,
  restartBackoffMaxMs: 300_000,
  maxConsecutiveFailedAttempts: 20,
  continueAsNewAfterEvents: 5_000,
  activityTimeoutMs: 60_000,
  activityScheduleTimeoutMs: 120_000,
};

/** Every query interval must stay below maxIdleTime, or a quiet channel looks like a dead recorder. */
export function resolveTimings(overrides: Partial<Timings> | undefined, maxIdleTimeSec: number): Timings {
  const t: Timings = { ...defaultTimings, ...overrides };
  const idleMs = maxIdleTimeSec * 1000;
  const problems: string[] = [];
  if (t.monitorIntervalMs >= idleMs) problems.push(`timings.monitorIntervalMs (${t.monitorIntervalMs}) must be below recordingConfig.maxIdleTime (${idleMs} ms)`);
  if (t.firstQueryDelayMs >= idleMs) problems.push(`timings.firstQueryDelayMs (${t.firstQueryDelayMs}) must be below recordingConfig.maxIdleTime (${idleMs} ms)`);
  for (const key of ['confirmPollDelaysMs', 'notFoundConfirmDelaysMs', 'serverErrorRetryDelaysMs'] as const) {
    t[key].forEach((d, i) => {
      if (d >= idleMs) problems.push(`timings.${key}[${i}] (${d}) must be below recordingConfig.maxIdleTime (${idleMs} ms)`);
    });
  }
  if (t.firstQueryDelayMs >= t.confirmTimeoutMs) problems.push('timings.firstQueryDelayMs must be below timings.confirmTimeoutMs');
  if (t.restartBackoffInitialMs > t.restartBackoffMaxMs) problems.push('timings.restartBackoffInitialMs must not exceed timings.restartBackoffMaxMs');
  if (problems.length) throw new RangeError(problems.join('; '));
  return t;
}

/** The n-th delay of a schedule; past its end the last one repeats. */
export function nth(schedule: readonly number[], n: number): number {
  return schedule[Math.min(n, schedule.length - 1)];
}

export function restartBackoffMs(t: Timings, consecutiveFailures: number): number {
  if (consecutiveFailures <= 0) return 0;
  return Math.min(t.restartBackoffMaxMs, t.restartBackoffInitialMs * 2 ** (consecutiveFailures - 1));
}

/** Status 4 (all components ready) or 5 (in progress) is the only proof a recorder works (spec §6). */
export function isRecordingStatus(status: number | undefined): boolean {
  return status === 4 || status === 5;
}

/** Statuses 6..8 and 20 mean the recorder is stopping or gone; 0..3 mean still starting. */
export function isExitedStatus(status: number | undefined): boolean {
  return status !== undefined && (status >= 6 || status < 0);
}

// ---------------------------------------------------------------- acquire

export type AcquireDecision =
  | { action: 'acquired'; resourceId: string }
  | { action: 'wait'; delayMs: number; why: string; counts: boolean }
  | { action: 'give-up-attempt'; why: string }
  | { action: 'fail'; why: string };

export function decideAcquire(r: VendorResult<{ resourceId: string }>, retries: number, rateLimited: number, t: Timings): AcquireDecision {
  switch (r.kind) {
    case 'ok':
      return { action: 'acquired', resourceId: r.data.resourceId };
    case 'rate-limited':
      return { action: 'wait', delayMs: nth(t.rateLimitDelaysMs, rateLimited), why: 'acquire rate-limited (429)', counts: false };
    case 'client-error':
      // 406 vendor_over_load: the App ID is at its concurrency cap; a later attempt may succeed.
      if (r.code === 406) return { action: 'give-up-attempt', why: 'acquire: vendor_over_load (406), concurrency limit reached' };
      return { action: 'fail', why: 'acquire rejected' };
    default:
      if (retries < t.acquireRetryDelaysMs.length) {
        return { action: 'wait', delayMs: t.acquireRetryDelaysMs[retries], why: `acquire retry ${retries + 1}`, counts: true };
      }
      return { action: 'give-up-attempt', why: 'acquire kept failing' };
  }
}

// ---------------------------------------------------------------- start (spec §7.2 step 1)

export type StartDecision =
  | { action: 'started'; sid: string; adopted: boolean }
  | { action: 'retry'; delayMs: number; why: string }
  | { action: 'wait'; delayMs: number; why: string }
  | { action: 'switch-uid'; why: string }
  | { action: 'reacquire'; why: string }
  | { action: 'fail'; why: string };

export function decideStart(r: VendorResult<{ sid: string }>, retries: number, rateLimited: number, t: Timings): StartDecision {
  switch (r.kind) {
    case 'ok':
      return { action: 'started', sid: r.data.sid, adopted: false };
    case 'already-started':
      // 201 code 7: this resourceId already runs a recorder. Take it over; never start twice.
      if (r.sid) return { action: 'started', sid: r.sid, adopted: true };
      return { action: 'switch-uid', why: 'start answered 201 (already started) without a sid: that recorder cannot be managed' };
    case 'rate-limited':
      return { action: 'wait', delayMs: nth(t.rateLimitDelaysMs, rateLimited), why: 'start rate-limited (429)' };
    case 'client-error':
      if (r.code === 53) return { action: 'switch-uid', why: 'uid already records in this channel (code 53)' };
      if (r.code === 433 || r.code === 432 || r.code === 1001) return { action: 'reacquire', why: `resource unusable (code ${r.code})` };
      return { action: 'fail', why: 'start rejected' };
    case 'not-found':
      return { action: 'switch-uid', why: 'start answered 404' };
    default:
      // 206 (code 65), 50x, or no answer: the start may or may not have happened. Retrying the
      // same resourceId is safe: if it did start, the retry answers 201 with the sid.
      if (retries < t.startRetryDelaysMs.length) {
        return { action: 'retry', delayMs: t.startRetryDelaysMs[retries], why: `start retry ${retries + 1} after ${r.kind}` };
      }
      return { action: 'switch-uid', why: `start kept failing (${r.kind})` };
  }
}

// ---------------------------------------------------------------- query (spec §7.2 step 2, §7.3)

export type QueryVerdict =
  | { verdict: 'recording'; status: number }
  | { verdict: 'not-yet'; status?: number }
  | { verdict: 'exited'; status: number }
  | { verdict: 'not-found' }
  | { verdict: 'rate-limited' }
  | { verdict: 'transient' }
  | { verdict: 'rejected' };

export function judgeQuery(r: VendorResult<QueryData>): QueryVerdict {
  switch (r.kind) {
    case 'ok': {
      const status = r.data.status;
      if (isRecordingStatus(status)) return { verdict: 'recording', status: status! };
      if (isExitedStatus(status)) return { verdict: 'exited', status: status! };
      return { verdict: 'not-yet', status };
    }
    case 'not-found':
      return { verdict: 'not-found' };
    case 'rate-limited':
      return { verdict: 'rate-limited' };
    case 'client-error':
      return { verdict: 'rejected' };
    default:
      return { verdict: 'transient' };
  }
}

// ---------------------------------------------------------------- stop (spec §4.6, §7.1)

export type StopDecision =
  | { action: 'stopped'; files: string[]; uploadingStatus?: string; nothingRecorded: boolean }
  | { action: 'gone'; why: string }
  | { action: 'retry'; delayMs: number; why: string }
  | { action: 'wait'; delayMs: number; why: string }
  | { action: 'give-up'; why: string };

export function decideStop(
  r: VendorResult<{ files: string[]; uploadingStatus?: string }>,
  retries: number,
  rateLimited: number,
  t: Timings,
): StopDecision {
  switch (r.kind) {
    case 'ok':
      return { action: 'stopped', files: r.data.files, uploadingStatus: r.data.uploadingStatus, nothingRecorded: false };
    case 'partial':
      if (r.code === 435) return { action: 'stopped', files: [], nothingRecorded: true };
      break;
    case 'not-found':
      return { action: 'gone', why: 'stop answered 404: the recorder had already exited' };
    case 'client-error':
      if (r.code === 49) return { action: 'gone', why: 'stop answered code 49: the recorder is already exiting' };
      return { action: 'give-up', why: 'stop rejected' };
    case 'rate-limited':
      return { action: 'wait', delayMs: nth(t.rateLimitDelaysMs, rateLimited), why: 'stop rate-limited (429)' };
    default:
      break;
  }
  if (retries < t.requestRetryDelaysMs.length) {
    return { action: 'retry', delayMs: t.requestRetryDelaysMs[retries], why: `stop retry ${retries + 1} after ${r.kind}` };
  }
  return { action: 'give-up', why: `stop kept failing (${r.kind})` };
}

// ---------------------------------------------------------------- uids (spec §7.2 step 4, §10)

export const MAX_UID = 4_294_967_295;

export function isValidUid(uid: string): boolean {
  return /^[1-9]\d{0,9}$/.test(uid) && Number(uid) <= MAX_UID;
}

/**
 * Deterministic recorder uids for a recording id, in 3.0e9..4.0e9 where client apps rarely put
 * their users (a recorder uid must not collide with a user in the channel).
 */
export function deriveUids(recordingId: string): { primary: string; backup: string } {
  let h = 0x811c9dc5; // FNV-1a 32-bit
  for (let i = 0; i < recordingId.length; i++) {
    h ^= recordingId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  const primary = 3_000_000_000 + (h % 500_000_000);
  return { primary: String(primary), backup: String(primary + 500_000_000) };
}

/** Restarts alternate primary and backup, so a recorder that may still linger never meets its successor's uid. */
export function uidForAttempt(uids: { primary: string; backup: string }, attempt: number): string {
  return attempt % 2 === 0 ? uids.primary : uids.backup;
}
