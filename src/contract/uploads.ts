import type { Segment, SegmentUploadState } from './messages';

/** The recording's word for its files: the worst state of any ended segment that may have files. */
export function overallUpload(segments: Segment[]): SegmentUploadState {
  const order: SegmentUploadState[] = ['failed', 'unknown', 'pending', 'untracked', 'backuped', 'uploaded'];
  const states = segments.filter((s) => s.upload && s.endedAt !== undefined).map((s) => s.upload!.state);
  if (!states.length) return 'untracked';
  return order.find((o) => states.includes(o))!;
}
