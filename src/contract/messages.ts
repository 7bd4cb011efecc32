/**
 * What a backend reads from and sends to a recording workflow: its state, its result and its
 * messages. JSON-safe and secret-free; times are ISO strings (readable in the UI, and absolute,
 * so they survive continue-as-new).
 */
import type { QueryDefinition, SignalDefinition, UpdateDefinition } from '@temporalio/common';
import type { VendorDetail } from './detail';
import type { RecordingInputBase } from './request';

export const PHASES = ['acquiring', 'starting', 'confirming', 'recording', 'idle', 'degraded', 'restarting', 'stopping', 'stopped', 'failed'] as const;
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
  /** The version of each desired setting this recorder has. */
  subscriptionsVersion: number;
  layoutVersion: number;
}

/** One recorder slot: the lane's restart bookkeeping. */
export interface Slot {
  lane: number;
  /** Identity changes so far; the lane's next identity follows from it. */
  switches: number;
  /** Attempts in a row that never proved recording. */
  consecutiveFailures: number;
  nextPollAt?: string;
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
  lastStatus?: string | number;
  lastError?: string;
  lastVendorDetail?: VendorDetail;
  /** What the workflow waits for now and until when. */
  waiting?: { reason: string; until: string };
  stopRequestedAt?: string;
  stopReason?: string;
  desired: { subscriptions?: Record<string, unknown>; subscriptionsVersion: number; layout?: Record<string, unknown>; layoutVersion: number };
  runs: number;
}

export interface RecordingSummary {
  recordingId: string;
  provider: string;
  account: string;
  channel: string;
  status: 'stopped';
  stopReason?: string;
  segments: Segment[];
  restarts: number;
  files: string[];
  uploadingStatus?: string;
  nothingRecorded: boolean;
  /** Set when stop could not be confirmed with the vendor; the recorder exits on its own at its idle timeout. */
  stopUncertain?: string;
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
export const stateQuery = { type: 'query', name: 'state' } as QueryDefinition<RecordingState, [], 'state'>;
