/**
 * The seam between the workflow and a provider's adapter: the activities every provider
 * implements, on a task queue per provider account. Inputs and outcomes carry no secrets.
 */
import type { DescribeOutcome, PrepareOutcome, StartOutcome, StopOutcome, UpdateOutcome } from './outcomes';
import type { RecorderRef } from './recorder-ref';
import type { RecordingInputBase } from './request';

export type { RecorderRef };

/** Settings a recording keeps and re-applies to every recorder; providers without one ignore it. */
export interface Settings {
  subscriptions?: Record<string, unknown>;
  layout?: Record<string, unknown>;
}
export type SettingName = keyof Settings;

export interface PrepareRequest {
  recording: RecordingInputBase;
  identity: string;
}

export interface StartRequest {
  recording: RecordingInputBase;
  identity: string;
  lease?: string;
  /** The whole desired state at the time of the start. */
  settings: Settings;
}

export interface UpdateRequest {
  recorder: RecorderRef;
  /** The setting that changed; the whole desired state rides along for vendors whose update overwrites. */
  changed: SettingName;
  settings: Settings;
}

export interface RecorderActivities {
  prepareRecorder(req: PrepareRequest): Promise<PrepareOutcome>;
  startRecorder(req: StartRequest): Promise<StartOutcome>;
  describeRecorder(ref: RecorderRef): Promise<DescribeOutcome>;
  updateRecorder(req: UpdateRequest): Promise<UpdateOutcome>;
  stopRecorder(ref: RecorderRef): Promise<StopOutcome>;
}

/** One activity task queue per provider account: the server's per-queue rate limit then bounds QPS for all workers together. */
export function activityTaskQueue(provider: string, account: string): string {
  return `${provider}-${account}`;
}

/** Activities throw this (as an ApplicationFailure type) when the worker lacks config for a request. */
export const CONFIG_ERROR = 'RecorderConfigError';

const WORKFLOW_ID_PREFIX = 'recording-';

/** One workflow per recording: its id is derived from the recording id, so a start is idempotent. */
export const workflowIdFor = (recordingId: string): string => `${WORKFLOW_ID_PREFIX}${recordingId}`;

/** The recording id back from a workflow id (activities know only their workflow's id). */
export const recordingIdOf = (workflowId: string): string =>
  workflowId.startsWith(WORKFLOW_ID_PREFIX) ? workflowId.slice(WORKFLOW_ID_PREFIX.length) : workflowId;

export const isRecordingWorkflowId = (workflowId: string): boolean => workflowId.startsWith(WORKFLOW_ID_PREFIX);
