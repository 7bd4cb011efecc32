/** The contract between the workflow and the vendor activities. Inputs carry no secrets. */
import type { Layout, RecordingInput, Subscriptions } from './input';
import type { AcquireData, QueryData, StartData, StopData, VendorResult } from './vendor';

export type RecordingMode = RecordingInput['mode'];

export interface RecorderRef {
  appId: string;
  cname: string;
  uid: string;
  mode: RecordingMode;
  resourceId: string;
  sid: string;
}

export interface AcquireRequest {
  appId: string;
  cname: string;
  uid: string;
  mode: RecordingMode;
  resourceExpiredHour: number;
}

export interface StartRequest {
  appId: string;
  cname: string;
  uid: string;
  mode: RecordingMode;
  resourceId: string;
  /** Resolved to bucket and keys by the worker; only the name travels through history. */
  storageProfile: string;
  recordingConfig: RecordingInput['recordingConfig'];
  avFileType: RecordingInput['avFileType'];
  webRecorder?: RecordingInput['webRecorder'];
  subscriptions?: Subscriptions;
  layout?: Layout;
}

export interface RecorderActivities {
  acquire(req: AcquireRequest): Promise<VendorResult<AcquireData>>;
  start(req: StartRequest): Promise<VendorResult<StartData>>;
  query(ref: RecorderRef): Promise<VendorResult<QueryData>>;
  updateSubscriptions(ref: RecorderRef, subscriptions: Subscriptions): Promise<VendorResult<Record<string, never>>>;
  updateLayout(ref: RecorderRef, layout: Layout): Promise<VendorResult<Record<string, never>>>;
  stop(ref: RecorderRef): Promise<VendorResult<StopData>>;
}

/** One activity task queue per App ID: the server's per-queue rate limit then bounds QPS for all workers together. */
export function activityTaskQueue(provider: string, appId: string): string {
  return `${provider}-${appId}`;
}

/** Activities throw this (as an ApplicationFailure type) when the worker lacks config for a request. */
export const CONFIG_ERROR = 'RecorderConfigError';
