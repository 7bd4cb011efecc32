/**
 * Domain metrics emitted from workflow code through the SDK's replay-safe meter: nothing is
 * counted twice when a worker replays a history. They leave through the worker's Prometheus
 * endpoint with Temporal's own metrics (prefix `temporal_`, see docs/metrics.md).
 */
import { metricMeter } from '@temporalio/workflow';

/** Why a recorder was replaced: the coarse label of `recording_restarts`. */
export type RestartReason = 'not-found' | 'exited' | 'status-left' | 'unconfirmed' | 'start-rejected' | 'acquire-failed';

export function countRestart(reason: RestartReason): void {
  metricMeter.createCounter('recording_restarts', 'restarts', 'Recorders replaced, by reason').add(1, { reason });
}

/** sid → first status 4/5 (spec §7.2 allows 90 s). */
export function recordConfirmLatency(seconds: number): void {
  metricMeter.createHistogram('recording_confirm_latency', 'float', 's', 'From the start answer (sid) to the first status 4/5').record(Math.max(0, seconds));
}

/** The longest the channel can have gone unrecorded across one restart: last seen alive → successor confirmed. */
export function recordRestartGap(seconds: number): void {
  metricMeter.createHistogram('recording_restart_gap', 'float', 's', 'Last status 4/5 of a lost recorder to its successor\'s first').record(Math.max(0, seconds));
}

/** Vendor callbacks that reached the recording, by kind and what they did (duplicate, woke a lane, settled an upload...). */
export function countEvent(kind: string, effect: string): void {
  metricMeter.createCounter('recording_vendor_events', 'events', 'Vendor callback events delivered to recordings, by kind and effect').add(1, { kind, effect });
}

/** One segment's upload settled (or given up on at its deadline), by the state it ended in. */
export function countUploadSettled(state: string): void {
  metricMeter.createCounter('recording_uploads_settled', 'segments', 'Segment uploads settled after stop, by state').add(1, { state });
}

/** Planned handovers before a recorder's end of life: completed, or a successor that did not confirm. */
export function countHandover(outcome: 'completed' | 'failed'): void {
  metricMeter.createCounter('recording_handovers', 'handovers', 'Planned handovers to a successor recorder, by outcome').add(1, { outcome });
}

/** A routine poll that waited monitorQueueWaitMs behind its account's budget and went ahead of everything else. */
export function countPollPromoted(): void {
  metricMeter.createCounter('recording_polls_promoted', 'polls', "Routine monitoring polls reissued first after waiting monitorQueueWaitMs in the account's queue").add(1);
}
