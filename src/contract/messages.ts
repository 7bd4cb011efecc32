/**
 * What a backend reads from and sends to a recording workflow: its state, its result and its
 * messages. JSON-safe and secret-free; times are ISO strings (readable in the UI, and absolute,
 * so they survive continue-as-new).
 */
import type { QueryDefinition, SignalDefinition, UpdateDefinition } from '@temporalio/common';
import type { Coverage } from './coverage';
import type { VendorDetail } from './detail';
import type { EventFile, RecorderEventKind, UploadStage, UploadState } from './events';
import type { RecordingInputBase } from './request';
import type { Notification } from '../notifications/types';

export const PHASES = ['acquiring', 'starting', 'confirming', 'recording', 'idle', 'degraded', 'restarting', 'handover', 'stopping', 'uploading', 'stopped', 'failed'] as const;
export type Phase = (typeof PHASES)[number];

export const WORKFLOW_TYPE = 'recordingWorkflow';
export const DEFAULT_TASK_QUEUE = 'recordings';

/** One recorder attempt on one lane: prepare → start → confirm → … → end. */
export interface Segment {
  index: number;
  /** Which recorder slot it filled (one lane today; redundant recording runs several). */
  lane: number;
  /** Who the recorder is in the channel (Agora uid, TRTC robot UserId). */
  identity: string;
  /** The lease it was started with (Agora resourceId). */
  lease?: string;
  /** The vendor's id for the recorder (Agora sid, TRTC TaskId). */
  recorderId?: string;
  requestedAt: string;
  startedAt?: string;
  confirmedAt?: string;
  /** Last describe that proved recording: where a restart's gap begins. */
  lastAliveAt?: string;
  endedAt?: string;
  endReason?: string;
  /** The vendor runs a recorder it would not name: it cannot be stopped by us. */
  unmanageable?: boolean;
  adopted?: boolean;
  files: string[];
  /** A playlist whose name is known as soon as the recorder id is (Agora mix mode's m3u8). */
  playlist?: string;
  uploadingStatus?: string;
  credentialExpiresAt?: string;
  manageableUntil?: string;
  vendor?: Record<string, string>;
  /** The earliest of the recorder's credential expiry, resource expiry and maxRecorderLifetimeMs. */
  endOfLife?: string;
  /** When its successor is due (handoverLeadMs before endOfLife). */
  handoverAt?: string;
  /** A planned handover's successor: the index of the recorder it took over from. */
  successorOf?: number;
  /** The successor this recorder handed over to (their times overlap). */
  handedOverTo?: number;
  /** Where this recorder's files go; each stage settles on its own callback. */
  uploadStages?: UploadStage[];
  /** The latest vendor event about this recorder that bears on whether it runs (callbacks). */
  evidence?: Evidence;
  /** Identities the vendor moved the recorder to in its own failover (Agora 12 newUid). */
  failovers?: { at: string; newIdentity?: string }[];
  /** Set once the recorder has ended: where its files are. */
  upload?: SegmentUpload;
  /** The stop answer could not be confirmed; the recorder exits on its own at its idle timeout. */
  stopUncertain?: string;
  /** The vendor said the recorder recorded nothing. */
  nothingRecorded?: boolean;
  /** The version of each desired setting this recorder has. */
  subscriptionsVersion: number;
  layoutVersion: number;
}

/** A vendor callback that bears on a recorder's life; a describe still decides. */
export interface Evidence {
  kind: Extract<RecorderEventKind, 'started' | 'start-failed' | 'exited' | 'left' | 'fatal' | 'failover'>;
  vendorEvent: string;
  at: string;
  /** The identity the event came from (after a failover the old process may still report). */
  identity?: string;
  reason?: string;
}

/**
 * pending: awaiting the vendor's upload callbacks until `deadline`. untracked: the recording did
 * not ask to track uploads (no callbacks), so nothing is known beyond the stop answer. unknown: the
 * deadline passed without the vendor saying. uploaded / backuped / failed: as the vendor said.
 */
export type SegmentUploadState = UploadState | 'pending' | 'untracked' | 'unknown';

export interface SegmentUpload {
  state: SegmentUploadState;
  /** Each stage as its callback reported it. */
  stages: Partial<Record<UploadStage, { state: UploadState; at: string; vendorEvent: string }>>;
  settledAt?: string;
  /** Files with the times the vendor gives (Agora sliceStartTime, TRTC begin/end). */
  files?: EventFile[];
}

/** One recorder slot: the lane's restart bookkeeping. */
export interface Slot {
  lane: number;
  /** Identity changes so far; the lane's next identity follows from it. */
  switches: number;
  /** Attempts in a row that never proved recording. */
  consecutiveFailures: number;
  nextPollAt?: string;
  /** A vendor event asks for a describe now rather than at nextPollAt. */
  wake?: string;
  /** A planned handover of recorder #of that has not succeeded yet: attempts, last error, next try. */
  handover?: { of: number; attempts: number; lastError?: string; nextAt?: string };
}

export interface RecordingState {
  recordingId: string;
  provider: string;
  /** The provider account (Agora App ID, TRTC SdkAppId). */
  account: string;
  channel: string;
  phase: Phase;
  /** The identity pool: lane l alternates between identities[2l] and identities[2l+1]. */
  identities: string[];
  slots: Slot[];
  segments: Segment[];
  restarts: number;
  /** Planned handovers started (successors opened); not restarts. */
  handovers?: number;
  lastStatus?: string | number;
  lastError?: string;
  lastVendorDetail?: VendorDetail;
  /** What the workflow waits for now and until when. */
  waiting?: { reason: string; until: string };
  stopRequestedAt?: string;
  stopReason?: string;
  /** Every recorder stopped; uploads may still be pending. */
  stoppedAt?: string;
  /** The segments the final stop ended (indexes): their stop answers make the result's stop fields. */
  stoppedSegments?: number[];
  /** Uploads still pending at this time become 'unknown'. */
  uploadDeadlineAt?: string;
  /** Recent callback event ids, so resends and redundant deliveries act once (bounded). */
  seenEvents?: string[];
  desired: { subscriptions?: Record<string, unknown>; subscriptionsVersion: number; layout?: Record<string, unknown>; layoutVersion: number };
  runs: number;
  /** Backend notifications not yet delivered, oldest first (src/workflows/notify.ts). */
  outbox?: Notification[];
  /** Notifications emitted so far: the sequence in their ids. */
  notifySeq?: number;
  /** Covered stretches and gaps so far (src/contract/coverage.ts), kept current as segments change. */
  coverage?: Coverage;
}

export interface RecordingSummary {
  recordingId: string;
  provider: string;
  account: string;
  channel: string;
  status: 'stopped';
  stopReason?: string;
  segments: Segment[];
  /** Each lane's segments (indexes), in order; one lane unless `redundancy` asked for more. */
  lanes: Array<{ lane: number; segments: number[] }>;
  restarts: number;
  handovers?: number;
  files: string[];
  uploadingStatus?: string;
  /** Where the files are, over every segment: the worst state of any segment that recorded. */
  upload: SegmentUploadState;
  nothingRecorded: boolean;
  /** Set when stop could not be confirmed with the vendor; the recorder exits on its own at its idle timeout. */
  stopUncertain?: string;
  /** Was the whole session recorded: from the first requested start to the stop. */
  coverage?: Coverage;
}

/** The details of the RecordingFailed failure. */
export interface RecordingFailureDetails extends VendorDetail {
  segments: Segment[];
}

export interface UpdateResult {
  /** true: the live recorder took it. false: kept, and applied when a recorder next starts. */
  applied: boolean;
  recorderId?: string;
  detail: string;
}

export interface StopRequest {
  reason?: string;
}

export interface RecordingWorkflowArgs<I extends RecordingInputBase = RecordingInputBase> {
  input: I;
  /** Set by continue-as-new only. */
  carried?: RecordingState;
}

/** The workflow's signature, for typed handles without importing workflow code. */
export type RecordingWorkflow = (args: RecordingWorkflowArgs) => Promise<RecordingSummary>;

// The objects @temporalio/workflow's define* functions return, written out so the client package
// (packages/client) loads no workflow library; the brands exist only in the types.
export const stopSignal = { type: 'signal', name: 'stop' } as SignalDefinition<[StopRequest?], 'stop'>;
export const updateSubscriptionsUpdate = { type: 'update', name: 'updateSubscriptions' } as UpdateDefinition<UpdateResult, [Record<string, unknown>], 'updateSubscriptions'>;
export const updateLayoutUpdate = { type: 'update', name: 'updateLayout' } as UpdateDefinition<UpdateResult, [Record<string, unknown>], 'updateLayout'>;
/** null in the first moments of a run, while the request is still being checked: there is no recording yet. */
export const stateQuery = { type: 'query', name: 'state' } as QueryDefinition<RecordingState | null, [], 'state'>;
/** Completes once every recorder is stopped (before uploads settle) with the summary so far. */
export const awaitStoppedUpdate = { type: 'update', name: 'awaitStopped' } as UpdateDefinition<RecordingSummary, [], 'awaitStopped'>;
