/**
 * What a recorder operation came to, as the lifecycle sees it. Each provider's adapter maps its
 * vendor's answers onto these kinds (its table lives beside its client, on the activity side), so
 * the workflow branches on meanings only and a changed table never changes workflow commands.
 * Every outcome is JSON-safe and secret-free: it is written to history as the activity's result.
 */
import type { VendorDetail } from './detail';
import type { RecorderRef } from './recorder-ref';

interface Said {
  detail?: VendorDetail;
}

/** Common to every operation: the vendor asked us to slow down (never counted as a failure). */
type RateLimited = { kind: 'rate-limited' } & Said;
/** The operation may or may not have happened (a 206, a 50x, no answer): the same request is safe to repeat. */
type Ambiguous = { kind: 'ambiguous'; error?: string } & Said;
/** The vendor refused the request as wrong: repeating it cannot help. */
type Rejected = { kind: 'rejected' } & Said;

/** A lease the vendor hands out before a start (Agora's resourceId); providers without one skip this step. */
export type PrepareOutcome =
  | ({ kind: 'prepared'; lease: string; leaseExpiresAt?: string } & Said)
  /** The account is at its capacity (Agora 406): a later attempt may succeed. */
  | ({ kind: 'unavailable' } & Said)
  | RateLimited
  | Ambiguous
  | Rejected;

export type StartOutcome =
  | ({ kind: 'started'; recorder: RecorderRef; playlist?: string } & Said)
  /** The vendor already runs this recorder (an earlier try did start): take it over, never start twice. */
  | ({ kind: 'adopted'; recorder: RecorderRef; playlist?: string } & Said)
  /** A recorder runs that the vendor will not name: it cannot be managed, so the next attempt uses another identity. */
  | ({ kind: 'unaddressable' } & Said)
  /** The identity already records in this channel. */
  | ({ kind: 'identity-conflict' } & Said)
  /** The lease cannot start a recorder (expired, used up): prepare a new one. */
  | ({ kind: 'lease-unusable' } & Said)
  /** This attempt cannot go on, but another attempt may. */
  | ({ kind: 'unavailable' } & Said)
  | RateLimited
  | Ambiguous
  | Rejected;

/** Files the vendor reports, and whether they have reached the customer's storage. */
export interface RecordedFiles {
  files: string[];
  uploadingStatus?: string;
}

export type DescribeOutcome =
  /** The only proof a recorder works (Agora status 4/5, TRTC InProgress). */
  | ({ kind: 'recording'; status?: string | number } & RecordedFiles & Said)
  /** In the channel with nobody to record (TRTC Idle): alive, not a failure. */
  | ({ kind: 'idle'; status?: string | number } & RecordedFiles & Said)
  | ({ kind: 'starting'; status?: string | number } & RecordedFiles & Said)
  /** Stopping or gone by the vendor's own word; it may still hold resources, so it is stopped explicitly. */
  | ({ kind: 'exited'; status?: string | number } & RecordedFiles & Said)
  /** The vendor does not know it (needs confirming: a recorder in failover can answer so for a while). */
  | ({ kind: 'not-found' } & Said)
  | RateLimited
  | Ambiguous
  | Rejected;

export type UpdateOutcome = ({ kind: 'applied' } & Said) | RateLimited | Ambiguous | Rejected;

export type StopOutcome =
  | ({ kind: 'stopped' } & RecordedFiles & Said)
  /** Stopped, and the vendor says nothing was recorded. */
  | ({ kind: 'nothing-recorded' } & Said)
  /** It had already exited or is exiting. */
  | ({ kind: 'already-gone' } & Said)
  | RateLimited
  | Ambiguous
  | Rejected;

export type AnyOutcome = PrepareOutcome | StartOutcome | DescribeOutcome | UpdateOutcome | StopOutcome;
