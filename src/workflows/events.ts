/**
 * Vendor callbacks, as the guide wants them used (Agora seed 000, checklist item 8): an auxiliary
 * signal. An event about a live recorder wakes its lane to run a describe now; the describe still
 * decides. Upload events settle the ended segments. Every event acts once, whatever the vendor
 * resends or delivers twice, and an event for a recorder this recording does not own is ignored.
 */
import { log } from '@temporalio/workflow';
import type { RecorderEvent } from '../contract/events';
import type { Evidence, RecordingState, Segment } from '../contract/messages';
import { countEvent } from './metrics';
import { settleStage } from './uploads';

/** Enough to absorb the vendors' resend windows (Agora 3 retries, TRTC 1 minute) many times over. */
const SEEN_EVENTS = 256;

/** Events that end a recorder by the vendor's word; a fatal error only may (its describe decides). */
const ENDING: ReadonlySet<string> = new Set(['start-failed', 'exited', 'left']);

const WAKING: ReadonlySet<string> = new Set(['started', 'start-failed', 'exited', 'left', 'fatal', 'failover']);

export type EventEffect = 'duplicate' | 'foreign' | 'woke' | 'noted' | 'upload' | 'ignored';

export function applyEvent(state: RecordingState, ev: RecorderEvent, logFields: Record<string, unknown>): EventEffect {
  const effect = apply(state, ev);
  countEvent(ev.kind, effect);
  if (effect !== 'duplicate' && effect !== 'ignored') log.info('vendor event', { ...logFields, recorderId: ev.recorderId, vendorEvent: ev.vendorEvent, kind: ev.kind, effect, reason: ev.reason });
  return effect;
}

function apply(state: RecordingState, ev: RecorderEvent): EventEffect {
  const seen = (state.seenEvents ??= []);
  if (seen.includes(ev.eventId)) return 'duplicate';
  seen.push(ev.eventId);
  if (seen.length > SEEN_EVENTS) seen.splice(0, seen.length - SEEN_EVENTS);

  if (ev.provider !== state.provider || (ev.account && ev.account !== state.account)) return 'foreign';
  const seg = state.segments.find((s) => s.recorderId === ev.recorderId);
  if (!seg) return 'foreign';

  if (ev.kind === 'upload' && ev.upload) {
    settleStage(seg, ev.upload.stage, ev.upload.state, ev.at, ev.vendorEvent, ev.files);
    return 'upload';
  }
  if (!WAKING.has(ev.kind) || seg.endedAt) return 'ignored';
  if (ev.kind === 'failover') {
    (seg.failovers ??= []).push({ at: ev.at, ...(ev.newIdentity ? { newIdentity: ev.newIdentity } : {}) });
  } else if (isOldProcess(seg, ev)) {
    // After a failover the original process may still report its own exit; the recorder goes on.
    return 'noted';
  }
  seg.evidence = { kind: ev.kind as Evidence['kind'], vendorEvent: ev.vendorEvent, at: ev.at, ...(ev.identity ? { identity: ev.identity } : {}), ...(ev.reason ? { reason: ev.reason } : {}) };
  const slot = state.slots.find((s) => s.lane === seg.lane);
  if (slot) slot.wake = `${ev.kind} event (${ev.vendorEvent})${ev.reason ? `: ${ev.reason}` : ''}`;
  return 'woke';
}

function isOldProcess(seg: Segment, ev: RecorderEvent): boolean {
  return !!seg.failovers?.length && ev.identity !== undefined && ev.identity === seg.identity;
}

/**
 * What the lane's describe may take as given from the events (and the recorder's known end of life): a death event confirms a 404 at once
 * (no ladder of confirmations); a failover in progress makes a 404 the vendor's recovery.
 */
export interface EventEvidence {
  /** The recorder ended by the vendor's own word (exit, leave, fatal error, start failure). */
  ended?: string;
  /** Until this time a 404 is the vendor's own failover, not a death. */
  failoverUntil?: number;
}

export function evidenceFor(seg: Segment, failoverGraceMs: number, now: number): EventEvidence {
  const out: EventEvidence = {};
  // Past its credential's expiry the vendor has put the recorder out (Agora code 109): a 404 then needs no ladder.
  if (seg.credentialExpiresAt && now >= Date.parse(seg.credentialExpiresAt)) out.ended = `credential expiry at ${seg.credentialExpiresAt}`;
  const lastFailover = seg.failovers?.at(-1);
  if (lastFailover) out.failoverUntil = Date.parse(lastFailover.at) + failoverGraceMs;
  const e = seg.evidence;
  if (e && ENDING.has(e.kind)) out.ended = `${e.kind} event ${e.vendorEvent}${e.reason ? ` (${e.reason})` : ''}`;
  return out;
}
