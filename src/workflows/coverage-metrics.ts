/**
 * What a finished recording amounts to, for dashboards and alerts: how it ended and how much of
 * its session went unrecorded. Through the replay-safe meter like ./metrics.ts, once per
 * recording (when its phase becomes stopped or failed).
 */
import { metricMeter } from '@temporalio/workflow';
import type { RecordingState } from '../contract/messages';

/** Coarse on purpose: an alert needs "failed because restarts ran out" apart from the rest. */
function failureReason(lastError: string | undefined): string {
  return lastError?.startsWith('restart budget exhausted') ? 'restart-budget' : 'other';
}

export function recordFinished(state: RecordingState): void {
  const outcome = state.phase === 'failed' ? 'failed' : 'stopped';
  metricMeter.createCounter('recordings_finished', 'recordings', 'Recordings finished, by outcome (stopped, failed) and reason').add(1, { outcome, reason: outcome === 'failed' ? failureReason(state.lastError) : 'stop' });
  const c = state.coverage;
  if (!c) return;
  metricMeter.createHistogram('recording_coverage_gap', 'float', 's', 'Per finished recording: seconds of its session not proven recorded (gaps, unknown stretches included)').record(c.gapSeconds);
  metricMeter.createHistogram('recording_coverage_ratio', 'float', '1', 'Per finished recording: covered / session').record(c.ratio);
}
