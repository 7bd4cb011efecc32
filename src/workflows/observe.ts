/**
 * What people see of a recording while it runs: the phase, log lines that name it, the Web UI's
 * "Current Details", and search attributes to list and filter by. None of it adds commands to
 * the recording's logic; search attributes are upserted only when they change.
 */
import { log, patched, setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import { PATCH } from './patches';
import { computeCoverage, formatSeconds } from '../contract/coverage';
import { recordFinished } from './coverage-metrics';
import type { Phase, RecordingState, Segment } from '../contract/messages';
import {
  RecordingAppId,
  RecordingChannel,
  RecordingCoverage,
  RecordingGapSeconds,
  RecordingPhase,
  RecordingProvider,
  RecordingRestarts,
  RecordingSid,
  RecordingUid,
  RecorderIds,
} from '../contract/search-attributes';
import { isPending } from './uploads';

export function currentDetails(s: RecordingState): string {
  const seg = s.segments[s.segments.length - 1];
  const lines = [`**${s.phase}** · ${s.provider} · channel \`${s.channel}\` · account \`${s.account}\``];
  if (seg) {
    const recorder = [`identity \`${seg.identity}\``, seg.recorderId ? `recorder \`${seg.recorderId}\`` : 'no recorder id yet', s.lastStatus !== undefined ? `status ${s.lastStatus}` : undefined];
    lines.push(`Recorder #${seg.index}: ${recorder.filter(Boolean).join(' · ')}${seg.confirmedAt ? ` · confirmed ${seg.confirmedAt}` : ''}`);
  }
  const failures = s.slots.reduce((n, slot) => n + slot.consecutiveFailures, 0);
  lines.push(`Restarts: ${s.restarts}${failures ? ` · failed attempts in a row: ${failures}` : ''}`);
  const c = s.coverage;
  if (c?.sessionSeconds) lines.push(`Coverage: ${(c.ratio * 100).toFixed(1)}% of ${formatSeconds(c.sessionSeconds)} · gaps ${formatSeconds(c.gapSeconds)}${c.unknownSeconds ? ` (${formatSeconds(c.unknownSeconds)} unknown)` : ''}`);
  const nextPoll = s.slots.find((slot) => slot.nextPollAt)?.nextPollAt;
  if (s.waiting) lines.push(`Waiting: ${s.waiting.reason} until ${s.waiting.until}`);
  else if (nextPoll && s.phase === 'recording') lines.push(`Next query: ${nextPoll}`);
  if (s.lastError) lines.push(`Last error: ${s.lastError}`);
  if (s.stopRequestedAt) lines.push(`Stop requested ${s.stopRequestedAt}${s.stopReason ? `: ${s.stopReason}` : ''}`);
  return lines.join('\n\n');
}

export class Observer {
  private lastUpserted?: string;

  constructor(private readonly state: RecordingState) {}

  setPhase(phase: Phase): void {
    const changed = phase !== this.state.phase;
    if (changed) log.info(`phase ${this.state.phase} → ${phase}`, { ...this.logFields(), phase });
    this.state.phase = phase;
    this.publish();
    if (changed && (phase === 'stopped' || phase === 'failed')) recordFinished(this.state);
  }

  /** The fields every log line about this recording carries (the SDK adds workflowId and runId). */
  logFields(seg: Segment | undefined = this.state.segments[this.state.segments.length - 1]): Record<string, string | number | undefined> {
    const s = this.state;
    return { recordingId: s.recordingId, provider: s.provider, account: s.account, channel: s.channel, lane: seg?.lane, identity: seg?.identity, recorderId: seg?.recorderId };
  }

  /** The Web UI's "Current Details": no command, no history event, just what the UI reads. */
  show(): void {
    setCurrentDetails(currentDetails(this.state));
  }

  /** Search attributes follow every phase change, so the Web UI lists and filters recordings. */
  publish(initial = false): void {
    const s = this.state;
    // Derived from the segments, so it is recomputed rather than carried; the session ends at the stop.
    s.coverage = computeCoverage(s.segments, { stoppedAt: s.stopRequestedAt });
    this.show();
    const seg = s.segments[s.segments.length - 1];
    // The callback receiver routes by these: every recorder still running or owing an upload callback.
    const recorderIds = patched(PATCH.recorderIdsSearchAttribute) ? s.segments.filter((x) => x.recorderId && (!x.endedAt || isPending(x))).map((x) => x.recorderId!) : undefined;
    // Histories recorded before these attributes existed replay without their upserts.
    const coverage = patched(PATCH.coverageSearchAttributes);
    const gapSeconds = Math.round(s.coverage.gapSeconds);
    const ratio = Math.round(s.coverage.ratio * 1000) / 1000;
    // Coverage creeps up with every query of a healthy recorder; whole percents bound the upserts.
    const snapshot = JSON.stringify([s.phase, seg?.recorderId, seg?.identity, s.restarts, recorderIds, ...(coverage ? [gapSeconds, Math.floor(ratio * 100)] : [])]);
    if (snapshot === this.lastUpserted) return;
    this.lastUpserted = snapshot;
    upsertSearchAttributes([
      ...(recorderIds ? [{ key: RecorderIds, value: recorderIds }] : []),
      { key: RecordingPhase, value: s.phase },
      { key: RecordingRestarts, value: s.restarts },
      ...(seg?.identity ? [{ key: RecordingUid, value: seg.identity }] : []),
      ...(seg?.recorderId ? [{ key: RecordingSid, value: seg.recorderId }] : []),
      ...(coverage ? [{ key: RecordingGapSeconds, value: gapSeconds }, { key: RecordingCoverage, value: ratio }] : []),
      ...(initial
        ? [
            { key: RecordingChannel, value: s.channel },
            { key: RecordingAppId, value: s.account },
            { key: RecordingProvider, value: s.provider },
          ]
        : []),
    ]);
  }
}
