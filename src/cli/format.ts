/** Human-readable output. Machine output is plain JSON.stringify of the client's objects. */
import { overallUpload } from '../contract/uploads';
import type { RecordingDescription, RecordingListItem, RecordingState, RecordingSummary, Segment, StartedRecording, UpdateResult } from '../client';

import { coverageLine, gapLines } from '../report/text';

export const json = (value: unknown): string => JSON.stringify(value, null, 2);

function rows(pairs: Array<[string, string | undefined]>): string {
  const shown = pairs.filter((p): p is [string, string] => p[1] !== undefined && p[1] !== '');
  const width = Math.max(...shown.map(([k]) => k.length));
  return shown.map(([k, v]) => `${(k + ':').padEnd(width + 2)}${v}`).join('\n');
}

/** "2025-01-01T10:00:05.000Z (in 4s)" */
function when(iso: string | undefined, now = Date.now()): string | undefined {
  if (!iso) return undefined;
  const delta = Math.round((Date.parse(iso) - now) / 1000);
  if (Number.isNaN(delta)) return iso;
  return `${iso} (${delta >= 0 ? `in ${delta}s` : `${-delta}s ago`})`;
}

export function formatStarted(s: StartedRecording): string {
  return `started recording ${s.recordingId} (workflow ${s.workflowId}, run ${s.runId})`;
}

function segmentLine(s: Segment): string {
  const parts = [`#${s.index}`, `lane ${s.lane}`, `identity ${s.identity}`, `recorder ${s.recorderId ?? '-'}`];
  if (s.startedAt) parts.push(`started ${s.startedAt}`);
  if (s.endedAt) parts.push(`ended ${s.endedAt}${s.endReason ? ` (${s.endReason})` : ''}`);
  parts.push(`${s.files.length} file(s)`);
  if (s.upload) parts.push(`upload ${s.upload.state}`);
  else if (s.uploadingStatus) parts.push(`upload ${s.uploadingStatus}`);
  if (s.unmanageable) parts.push('UNMANAGEABLE');
  return parts.join(', ');
}

export function formatSummary(s: RecordingSummary): string {
  const head = rows([
    ['Recording', s.recordingId],
    ['Status', s.status + (s.stopReason ? ` (${s.stopReason})` : '')],
    ['Channel', `${s.channel} (${s.provider} account ${s.account})`],
    ['Restarts', String(s.restarts)],
    ['Uploading', s.uploadingStatus ?? 'unknown'],
    ['Uploads', s.upload],
    ['Stop uncertain', s.stopUncertain],
    ['Recorded', s.nothingRecorded ? 'nothing' : undefined],
  ]);
  const segments = s.segments.length ? s.segments.map((seg) => `  ${segmentLine(seg)}`).join('\n') : '  (none)';
  const files = s.files.length ? s.files.map((f) => `  ${f}`).join('\n') : '  (none)';
  const coverage = s.coverage ? `\nCoverage: ${coverageLine(s.coverage)}${s.coverage.gaps.length ? `\n${gapLines(s.coverage).join('\n')}` : ''}` : '';
  return `${head}\nSegments (${s.segments.length}):\n${segments}\nFiles (${s.files.length}):\n${files}${coverage}`;
}

export function formatUpdate(r: UpdateResult): string {
  if (!r.applied) return `kept; applied when a recorder next starts: ${r.detail}`;
  return `applied to the live recorder: ${r.detail}${r.recorderId && !r.detail.includes(r.recorderId) ? ` (recorder ${r.recorderId})` : ''}`;
}

export function formatDescription(d: RecordingDescription): string {
  const s: RecordingState | undefined = d.state;
  const head: Array<[string, string | undefined]> = [
    ['Recording', d.recordingId],
    ['Workflow', `${d.workflowId} (${d.status})`],
    ['Web UI', d.webUiUrl],
  ];
  if (!s) return rows([...head, ['State', 'unavailable (the workflow has no queryable state)']]);
  const seg = s.segments[s.segments.length - 1];
  return rows([
    ...head,
    ['Phase', s.phase],
    ['Channel', `${s.channel} (${s.provider} account ${s.account})`],
    ['Identities', `${s.identities.join(', ')} (${s.slots.map((slot) => slot.switches).join('+')} switch(es))`],
    ['Segment', seg ? segmentLine(seg) : 'none yet'],
    ['Segments', String(s.segments.length)],
    ['Coverage', s.coverage ? coverageLine(s.coverage) : undefined],
    ['Restarts', `${s.restarts} (consecutive failures ${s.slots.map((slot) => slot.consecutiveFailures).join('+')})`],
    ['Last status', s.lastStatus === undefined ? '-' : String(s.lastStatus)],
    ['Last error', s.lastError ?? '-'],
    ['Waiting', s.waiting ? `${s.waiting.reason} until ${when(s.waiting.until)}` : '-'],
    ['Next poll', when(s.slots.find((slot) => slot.nextPollAt)?.nextPollAt) ?? '-'],
    ['Stop requested', s.stopRequestedAt ? `${s.stopRequestedAt}${s.stopReason ? ` (${s.stopReason})` : ''}` : undefined],
    ['Subscriptions', s.desired.subscriptions ? `v${s.desired.subscriptionsVersion} ${JSON.stringify(s.desired.subscriptions)}` : undefined],
    ['Layout', s.desired.layout ? `v${s.desired.layoutVersion} ${JSON.stringify(s.desired.layout)}` : undefined],
    ['Runs', s.runs > 1 ? String(s.runs) : undefined],
  ]);
}

export function formatList(items: RecordingListItem[]): string {
  if (!items.length) return 'no recordings';
  const header = ['RECORDING ID', 'STATUS', 'PHASE', 'CHANNEL', 'ACCOUNT', 'IDENTITY', 'RECORDER', 'RESTARTS', 'STARTED'];
  const table = items.map((i) => [i.recordingId, i.status, i.phase ?? '-', i.channel ?? '-', i.account ?? '-', i.identity ?? '-', i.recorderId ?? '-', String(i.restarts ?? 0), i.startTime]);
  const widths = header.map((h, c) => Math.max(h.length, ...table.map((r) => r[c].length)));
  return [header, ...table].map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ')).join('\n');
}

export interface UploadView {
  recordingId: string;
  phase: string;
  uploadDeadlineAt?: string;
  overall: string;
  segments: Array<{ index: number; lane: number; recorderId?: string; state: string; settledAt?: string; stages: Record<string, string>; files: string[] }>;
}

export function uploadView(s: RecordingState): UploadView {
  return {
    recordingId: s.recordingId,
    phase: s.phase,
    ...(s.uploadDeadlineAt ? { uploadDeadlineAt: s.uploadDeadlineAt } : {}),
    overall: overallUpload(s.segments),
    segments: s.segments
      .filter((seg) => seg.upload)
      .map((seg) => ({
        index: seg.index,
        lane: seg.lane,
        recorderId: seg.recorderId,
        state: seg.upload!.state,
        ...(seg.upload!.settledAt ? { settledAt: seg.upload!.settledAt } : {}),
        stages: Object.fromEntries(Object.entries(seg.upload!.stages).map(([k, v]) => [k, `${v!.state} (${v!.vendorEvent} at ${v!.at})`])),
        files: (seg.upload!.files ?? []).map((f) => f.name),
      })),
  };
}

export function formatUploads(v: UploadView): string {
  const head = rows([
    ['Recording', v.recordingId],
    ['Phase', v.phase],
    ['Uploads', v.overall],
    ['Deadline', v.uploadDeadlineAt],
  ]);
  const segs = v.segments.length
    ? v.segments.map((s) => `  #${s.index} lane ${s.lane} recorder ${s.recorderId ?? '-'}: ${s.state}${s.settledAt ? ` at ${s.settledAt}` : ''}${Object.keys(s.stages).length ? ` [${Object.entries(s.stages).map(([k, x]) => `${k} ${x}`).join('; ')}]` : ''}`).join('\n')
    : '  (no segment has ended yet)';
  return `${head}\nSegments:\n${segs}`;
}
