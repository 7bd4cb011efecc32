/** Small facts about segments (recorder attempts), shared by the lanes, settings and the recording. */
import type { RecordingState, Segment } from '../contract/messages';
import type { RecorderRef } from '../contract/recorder';

export const iso = (t: number): string => new Date(t).toISOString();

/** The recorder a segment names, as the adapter handed it out at start. */
export function refOf(state: RecordingState, seg: Segment): RecorderRef {
  return {
    provider: state.provider,
    account: state.account,
    channel: state.channel,
    identity: seg.identity,
    recorderId: seg.recorderId!,
    ...(seg.lease ? { lease: seg.lease } : {}),
    ...(seg.credentialExpiresAt ? { credentialExpiresAt: seg.credentialExpiresAt } : {}),
    ...(seg.manageableUntil ? { manageableUntil: seg.manageableUntil } : {}),
    ...(seg.vendor ? { vendor: seg.vendor } : {}),
  };
}

/** Running as far as we know: it has a recorder id and has not ended. */
export const isLive = (seg: Segment | undefined): seg is Segment => !!seg && !!seg.recorderId && !seg.endedAt;

export function endSegment(seg: Segment, reason: string): void {
  if (seg.endedAt) return;
  seg.endedAt = iso(Date.now());
  seg.endReason = reason;
}
