/**
 * Which vendor calls go first when an account's request budget is contended. The account's
 * activity queue is rate-limited by the server; with Temporal's task priority (priority keys,
 * 1 first, the server's default range 1–5; needs `matching.useNewMatcher`) the backlog drains in
 * this order, so a start is never stuck behind the monitoring polls of every running recording.
 *
 * Later steps of a start go ahead of earlier ones, so a burst of starts pipelines (each recording
 * acquires, starts and is confirmed in turn) instead of every recording acquiring before any starts.
 */
import type { RecorderActivities } from '../contract/recorder';

export const PRIORITY = {
  /** Finishing what is under way: confirming a start, stopping, updating, following up a doubtful or woken poll, a routine poll that waited its turn. */
  finish: 1,
  /** Starting a recorder on a lease already held. */
  start: 2,
  /** A new lease: admits one more recorder into the pipeline. */
  admit: 3,
  /** A routine monitoring poll: a few seconds late harms nothing; after monitorQueueWaitMs in the queue it is reissued as `finish`. */
  routine: 4,
} as const;

export type Urgency = keyof typeof PRIORITY;

/** The urgency of an operation unless its caller says otherwise (a routine poll). */
export const URGENCY_OF: Record<keyof RecorderActivities, Urgency> = {
  prepareRecorder: 'admit',
  startRecorder: 'start',
  describeRecorder: 'finish',
  updateRecorder: 'finish',
  stopRecorder: 'finish',
};
