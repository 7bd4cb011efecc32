/**
 * Where each segment's files are, after its recorder ended: settled stage by stage by the vendor's
 * upload callbacks (or at once by a stop answer that already says so), 'unknown' past the deadline.
 * Pure functions over segments, so the rules are tested without a server.
 */
import type { EventFile, UploadStage, UploadState } from '../contract/events';
import type { Segment, SegmentUpload } from '../contract/messages';
export { overallUpload } from '../contract/uploads';

const DEFAULT_STAGES: UploadStage[] = ['storage'];

/** Whether the recorder may have produced files: it got a recorder id and the vendor did not say "nothing recorded". */
export function mayHaveFiles(seg: Segment): boolean {
  return seg.recorderId !== undefined && !seg.nothingRecorded;
}

/**
 * Starts a segment's upload record when its recorder has ended. Agora's stop answer says
 * `uploaded` or `backuped` when it already knows; anything else waits for the callbacks.
 */
export function beginUpload(seg: Segment, tracked: boolean, at: string): void {
  // Called when the segment ends; an upload record made by early callbacks keeps its stages.
  if (!mayHaveFiles(seg) || (seg.upload && seg.upload.state !== 'pending')) return;
  seg.upload = { ...(seg.upload ?? { stages: {} }), state: tracked ? 'pending' : 'untracked' };
  const said = seg.uploadingStatus;
  if (said === 'uploaded' || said === 'backuped') {
    for (const stage of stagesOf(seg)) seg.upload.stages[stage] ??= { state: said, at, vendorEvent: 'stop' };
  }
  settleIfComplete(seg, at);
}

/** A stage's callback; early callbacks (before the recorder ended) are kept until beginUpload. */
export function settleStage(seg: Segment, stage: UploadStage, state: UploadState, at: string, vendorEvent: string, files?: EventFile[]): void {
  seg.upload ??= { state: 'pending', stages: {} };
  const upload = seg.upload;
  const prior = upload.stages[stage];
  // backuped → uploaded is progress (TRTC 305 Status 2: the stranded files arrived); anything else keeps the first word.
  if (!prior || (prior.state === 'backuped' && state === 'uploaded')) upload.stages[stage] = { state, at, vendorEvent };
  if (files?.length) upload.files = mergeFiles(upload.files ?? [], files);
  settleIfComplete(seg, at);
}

/** Past the deadline what was not settled is unknown: said honestly, never assumed uploaded. */
export function expireUpload(seg: Segment, at: string): void {
  if (seg.upload?.state !== 'pending') return;
  seg.upload.state = 'unknown';
  seg.upload.settledAt = at;
}

export function isPending(seg: Segment): boolean {
  return seg.upload?.state === 'pending' && seg.endedAt !== undefined;
}

function stagesOf(seg: Segment): UploadStage[] {
  return seg.uploadStages?.length ? seg.uploadStages : DEFAULT_STAGES;
}

function settleIfComplete(seg: Segment, at: string): void {
  const upload = seg.upload!;
  if (seg.endedAt === undefined || (upload.state !== 'pending' && upload.state !== 'untracked')) return;
  const stages = stagesOf(seg).map((s) => upload.stages[s]);
  if (stages.some((s) => !s)) return;
  const states = stages.map((s) => s!.state);
  upload.state = states.includes('failed') ? 'failed' : states.includes('backuped') ? 'backuped' : 'uploaded';
  upload.settledAt = at;
}

function mergeFiles(have: EventFile[], more: EventFile[]): EventFile[] {
  const byName = new Map(have.map((f) => [f.name, f]));
  for (const f of more) byName.set(f.name, { ...byName.get(f.name), ...f });
  return [...byName.values()];
}

export type { SegmentUpload };
