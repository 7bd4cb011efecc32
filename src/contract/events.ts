/**
 * What a vendor's callback tells a running recording, in neutral words. The callback receiver
 * (src/services/callbacks) verifies and translates the vendor's event (providers/<vendor>/
 * callbacks.ts) into one RecorderEvent and signals the recording that owns the recorder. Events are
 * auxiliary (Agora's best practice, checklist item 8): they wake the workflow early and settle
 * uploads; a describe stays the truth about whether a recorder runs.
 */
import type { SignalDefinition } from '@temporalio/common';

export const RECORDER_EVENT_KINDS = [
  /** The recorder joined and records (Agora 40, TRTC 301 Status 0): early evidence only. */
  'started',
  /** The recorder could not start (TRTC 301 Status 1). */
  'start-failed',
  /** The recording session ended (Agora 11 session_exit, TRTC 302 recorder stop). */
  'exited',
  /** The recorder left the channel (Agora 41 recorder_leave). */
  'left',
  /** A fatal error; the recorder may exit (Agora 1 with errorLevel 5). */
  'fatal',
  /** The vendor moves the recorder to another node (Agora 12, TRTC 306): wait for its own recovery. */
  'failover',
  /** An upload stage settled (Agora 31/32, TRTC 305/310, 312 for VOD): see `upload`. */
  'upload',
  /** A file or slice began (Agora 4/42, TRTC 304/307), or one VOD file is in (TRTC 311): see `files`. */
  'file',
  /** Anything else the vendor sends; logged and kept out of decisions. */
  'other',
] as const;
export type RecorderEventKind = (typeof RECORDER_EVENT_KINDS)[number];

/**
 * Where a file goes. Agora has one stage (its uploader → your storage); TRTC reports object storage
 * (305), the MP4 conversion (310) and VOD (312; each 311 names one file) apart. A segment's upload is settled when every
 * stage its recording uses has settled (ProviderSpec.uploadStages).
 */
export const UPLOAD_STAGES = ['storage', 'mp4', 'vod'] as const;
export type UploadStage = (typeof UPLOAD_STAGES)[number];

/**
 * uploaded: every file is in the customer's storage. backuped: some went to the vendor's backup
 * and arrive later without further notice (Agora 32, TRTC Status 1). failed: the vendor gave up.
 */
export const UPLOAD_STATES = ['uploaded', 'backuped', 'failed'] as const;
export type UploadState = (typeof UPLOAD_STATES)[number];

export interface EventFile {
  name: string;
  /** ISO times the vendor gives (Agora sliceStartTime; TRTC StartTimeStamp/EndTimeStamp). */
  startedAt?: string;
  endedAt?: string;
}

export interface RecorderEvent {
  provider: string;
  /** The account when the callback names it (TRTC SdkAppId header); '' when it does not (Agora NCS). */
  account: string;
  /** Dedupe key, stable across the vendor's resends and redundant deliveries. */
  eventId: string;
  /** The vendor's own event type, e.g. '11', '302'. */
  vendorEvent: string;
  kind: RecorderEventKind;
  /** The vendor's recorder id (Agora sid, TRTC TaskId). */
  recorderId: string;
  channel: string;
  /** The recorder's identity in the channel as the event names it (Agora uid, TRTC robot UserId). */
  identity?: string;
  /** When the vendor says the event happened (ISO). */
  at: string;
  /** The vendor's words, readable: "session_exit exitStatus 1", "LeaveCode 100 (room timed out)". */
  reason?: string;
  /** Failover: the identity the recorder continues under (Agora 12 newUid). */
  newIdentity?: string;
  /** Set when kind is 'upload'. */
  upload?: { stage: UploadStage; state: UploadState };
  files?: EventFile[];
}

/** Written out like the other message definitions (./messages), so no workflow library is loaded to send it. */
export const recorderEventSignal = { type: 'signal', name: 'recorderEvent' } as SignalDefinition<[RecorderEvent], 'recorderEvent'>;
