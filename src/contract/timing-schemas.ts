/**
 * The timings' schema (./timings has the defaults and the rules): every key documented once,
 * validated with zod in the client and the input check. Kept apart from ./timings so the workflow
 * sandbox, which reads only the defaults, never builds it (docs/benchmarks.md, "cache-cost").
 */
import { z } from 'zod';

const ms = z.number().int().min(0).max(24 * 3600 * 1000);
const delays = z.array(ms).min(1).max(50);

/** zod's own wording, plus the keys a user may write: they are named nowhere else the user is looking. */
const listValidKeys = (issue: { code?: string; keys?: string[] }): string | undefined =>
  issue.code === 'unrecognized_keys' && issue.keys
    ? `Unrecognized key${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.map((k) => `"${k}"`).join(', ')}; valid keys: ${TIMING_KEYS.join(', ')}`
    : undefined;

const timingsShape = {
  /** start answered ambiguously (Agora 206/50x, TRTC InternalError, no answer): retry the same start (Agora 3, 6, 9 s). */
  startRetryDelaysMs: delays,
  /** A lease request (Agora acquire) failed transiently: back off 1 s, 3 s, 6 s (Agora spec §1.1). */
  acquireRetryDelaysMs: delays,
  /** First describe this long after the recorder id (Agora spec §7.2 step 2: 5 s). */
  firstQueryDelayMs: ms,
  /** Later confirmation queries back off; each below maxIdleTime. Offsets 5, 15, 30, 45 … 90 s. */
  confirmPollDelaysMs: delays,
  /** No proof of recording this long after the recorder id: the start failed (Agora spec §7.2 step 3: 90 s). */
  confirmTimeoutMs: ms,
  /** Monitoring cadence (every 2 minutes in both vendors' guides). */
  monitorIntervalMs: ms.min(1),
  /**
   * A routine monitoring poll waits at most this long behind its account's request budget (starts,
   * stops and updates go first), then goes ahead of everything. Longer lets a burst of starts take
   * more of the budget; shorter keeps polls closer to due. Unset, 50 s (a poll about a minute late
   * at worst), shortened so the interval plus the wait stays below maxIdleTime; set, that sum must
   * stay below it.
   */
  monitorQueueWaitMs: ms.min(1_000),
  /** A not-found is confirmed by queries after 5, 10 and 15 s before the recorder is declared gone. */
  notFoundConfirmDelaysMs: delays,
  /** An ambiguous describe: retry after 5, 10, 15, 30 s, then keep monitoring as degraded. */
  serverErrorRetryDelaysMs: delays,
  /** Rate-limited: wait and retry, not counted as a failure; the last value repeats. */
  rateLimitDelaysMs: delays,
  /** stop / update answered ambiguously: retry the same request. */
  requestRetryDelaysMs: delays,
  /** Restart backoff: the first restart after a healthy recorder is immediate; consecutive failed attempts wait initial·2^(n-1), capped. */
  restartBackoffInitialMs: ms,
  restartBackoffMaxMs: ms,
  /** Consecutive attempts that never proved recording before the recording fails. */
  maxConsecutiveFailedAttempts: z.number().int().min(1).max(1000),
  /** Continue-as-new past this many history events (or when the server suggests it). */
  continueAsNewAfterEvents: z.number().int().min(100).max(50_000),
  /** One vendor call (failover and pacing included); past this the activity is retried (e.g. its worker died mid-call). */
  activityTimeoutMs: ms.min(1_000),
  /**
   * A start, stop or update not picked up from the account's queue this long is treated as
   * unanswered and retried (no worker serves the account, or a burst far beyond its budget:
   * 10 min holds 5,400 requests at 9/s).
   */
  activityScheduleTimeoutMs: ms.min(1_000),
  /** After a failover event (Agora 12, TRTC 306) a 404 is the vendor's own recovery for this long, not a death (Agora: up to 90 s). */
  failoverGraceMs: ms,
  /**
   * Start a successor this long before a recorder's end of life (token / UserSig expiry, resource
   * expiry, maxRecorderLifetimeMs), so it is confirmed before the predecessor stops: enough for the
   * worst confirm (90 s) and its retries.
   */
  handoverLeadMs: ms,
  /** A recorder's own life limit set by the recording (0: none beyond the vendor's); handed over before it ends. */
  maxRecorderLifetimeMs: z.number().int().min(0).max(30 * 24 * 3600 * 1000),
  /** Uploads not settled by a callback this long after the stop are reported 'unknown' (Agora: uploads may take 24 h and more). */
  uploadDeadlineMs: z.number().int().min(0).max(30 * 24 * 3600 * 1000),
  /** A backend notification still undelivered this long after its event is dropped (retries back off up to 5 min). */
  notificationDeadlineMs: ms.min(1_000),
};
const TIMING_KEYS = Object.keys(timingsShape);
export const timingsSchema = z.strictObject(timingsShape, { error: listValidKeys });
export const timingOverridesSchema = timingsSchema.partial();

