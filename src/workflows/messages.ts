import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Layout, RecordingInput, Subscriptions } from '../domain/input';

export const PHASES = ['acquiring', 'starting', 'confirming', 'recording', 'degraded', 'restarting', 'stopping', 'stopped', 'failed'] as const;
export type Phase = (typeof PHASES)[number];

/** One recorder attempt: acquire → start → confirm → … → end. Times are ISO strings (readable in the UI, JSON-safe). */
export interface Segment {
  index: number;
  uid: string;
  resourceId?: string;
  sid?: string;
  requestedAt: string;
  startedAt?: string;
  confirmedAt?: string;
  /** Last query that saw status 4/5: where a restart's gap begins. */
  lastAliveAt?: string;
  endedAt?: string;
  endReason?: string;
  /** 201 without a sid: a recorder may run that we cannot address. */
  unmanageable?: boolean;
  adopted?: boolean;
  files: string[];
  /** Mix mode's playlist, known as soon as the sid is (spec §5). */
  m3u8?: string;
  uploadingStatus?: string;
  subscriptionsVersion: number;
  layoutVersion: number;
}

export interface RecordingState {
  recordingId: string;
  provider: string;
  appId: string;
  channel: string;
  mode: RecordingInput['mode'];
  phase: Phase;
  uids: { primary: string; backup: string };
  uidSwitches: number;
  segments: Segment[];
  restarts: number;
  consecutiveFailures: number;
  lastStatus?: number;
  lastError?: string;
  /** What the workflow waits for now and until when (absolute, so it survives continue-as-new). */
  waiting?: { reason: string; until: string };
  nextPollAt?: string;
  stopRequestedAt?: string;
  stopReason?: string;
  desired: { subscriptions?: Subscriptions; subscriptionsVersion: number; layout?: Layout; layoutVersion: number };
  runs: number;
}

export interface RecordingSummary {
  recordingId: string;
  appId: string;
  channel: string;
  mode: RecordingInput['mode'];
  status: 'stopped';
  stopReason?: string;
  segments: Segment[];
  restarts: number;
  files: string[];
  uploadingStatus?: string;
  nothingRecorded: boolean;
  /** Set when stop could not be confirmed with the vendor; the recorder exits on its own at maxIdleTime. */
  stopUncertain?: string;
}

export interface UpdateResult {
  /** true: the live recorder took it. false: kept, and applied when a recorder next starts. */
  applied: boolean;
  sid?: string;
  detail: string;
}

export interface StopRequest {
  reason?: string;
}

export const stopSignal = defineSignal<[StopRequest?]>('stop');
export const updateSubscriptionsUpdate = defineUpdate<UpdateResult, [Subscriptions]>('updateSubscriptions');
export const updateLayoutUpdate = defineUpdate<UpdateResult, [Layout]>('updateLayout');
export const stateQuery = defineQuery<RecordingState>('state');

export interface RecordingWorkflowArgs {
  input: RecordingInput;
  /** Set by continue-as-new only. */
  carried?: RecordingState;
}
