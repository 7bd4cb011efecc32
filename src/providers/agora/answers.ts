/**
 * What each Agora answer means for the lifecycle (spec §7.1, §4.6; seed 000): the one table of
 * Agora codes and statuses. Activity side, so changing a row never changes workflow commands.
 */
import type { VendorDetail } from '../../contract/detail';
import type { DescribeOutcome, PrepareOutcome, StartOutcome, StopOutcome, UpdateOutcome } from '../../contract/outcomes';
import type { RecorderRef } from '../../contract/recorder';
import type { AgoraOutcome } from './types';
import { AgoraCode, describeOutcome, serverResponseView } from './outcome';
import type { AcquireResponse, QueryResponse, StartResponse, StopResponse } from './schemas';

/** The answers that are neither expected nor retryable by the lifecycle: the adapter throws on them. */
export type Unexpected = Extract<AgoraOutcome<unknown>, { kind: 'invalid-request' | 'invalid-response' }>;
type Expected<T> = Exclude<AgoraOutcome<T>, Unexpected>;

export function detailOf(o: Expected<unknown>): VendorDetail | undefined {
  if (o.kind === 'network') return undefined;
  const x = o as { httpStatus?: number; code?: number; reason?: string; message?: string; requestId?: string; host?: string };
  const d: VendorDetail = {};
  if (x.httpStatus !== undefined) d.httpStatus = x.httpStatus;
  if (x.code !== undefined) d.code = String(x.code);
  const reason = x.reason ?? x.message;
  if (reason !== undefined) d.reason = reason;
  if (x.requestId !== undefined) d.requestId = x.requestId;
  if (x.host !== undefined) d.host = x.host;
  return d;
}

/** 206, 50x or no answer: the request may or may not have taken effect. */
function ambiguous(op: string, o: Expected<unknown>): { kind: 'ambiguous'; error?: string; detail?: VendorDetail } {
  return o.kind === 'network' ? { kind: 'ambiguous', error: describeOutcome(op, o) } : { kind: 'ambiguous', detail: detailOf(o) };
}

export function acquireAnswer(o: Expected<AcquireResponse>): PrepareOutcome {
  const detail = detailOf(o);
  switch (o.kind) {
    case 'ok':
      return { kind: 'prepared', lease: o.body.resourceId, detail };
    case 'rate-limited':
      return { kind: 'rate-limited', detail };
    case 'client-error':
      // 406 vendor_over_load: the App ID is at its concurrency cap; a later attempt may succeed.
      return o.code === AgoraCode.VendorOverload ? { kind: 'unavailable', detail } : { kind: 'rejected', detail };
    default:
      return ambiguous('acquire', o);
  }
}

export function startAnswer(o: Expected<StartResponse>, ref: Omit<RecorderRef, 'recorderId'>, mode: string, cname: string): StartOutcome {
  const detail = detailOf(o);
  // Mix mode's playlist is named after the sid (spec §5), so it is known before any file exists.
  const playlist = (sid: string) => (mode === 'mix' ? `${sid}_${cname}.m3u8` : undefined);
  switch (o.kind) {
    case 'ok':
      return { kind: 'started', recorder: { ...ref, recorderId: o.body.sid }, playlist: playlist(o.body.sid), detail };
    case 'already-started':
      // 201 code 7: this resourceId already runs a recorder. Take it over; never start twice.
      return o.sid ? { kind: 'adopted', recorder: { ...ref, recorderId: o.sid }, playlist: playlist(o.sid), detail } : { kind: 'unaddressable', detail };
    case 'rate-limited':
      return { kind: 'rate-limited', detail };
    case 'client-error':
      if (o.code === AgoraCode.TaskConflict) return { kind: 'identity-conflict', detail };
      if (o.code === AgoraCode.ResourceExpired || o.code === 432 || o.code === 1001) return { kind: 'lease-unusable', detail };
      return { kind: 'rejected', detail };
    case 'not-found':
      return { kind: 'unavailable', detail };
    default:
      // 206 (code 65), 50x, or no answer. Retrying the same resourceId is safe: a start that did
      // happen answers 201 with its sid.
      return ambiguous('start', o);
  }
}

/** Status 4 (all components ready) or 5 (in progress) is the only proof a recorder works (spec §6). */
export function isRecordingStatus(status: number | undefined): boolean {
  return status === 4 || status === 5;
}

/** Statuses 6..8 and 20 mean the recorder is stopping or gone; 0..3 mean still starting. */
export function isExitedStatus(status: number | undefined): boolean {
  return status !== undefined && (status >= 6 || status < 0);
}

export function queryAnswer(o: Expected<QueryResponse>): DescribeOutcome {
  const detail = detailOf(o);
  switch (o.kind) {
    case 'ok': {
      const view = serverResponseView(o.body.serverResponse);
      const seen = { status: view.status, files: view.files.map((f) => f.fileName), detail };
      if (isRecordingStatus(view.status)) return { kind: 'recording', ...seen };
      if (isExitedStatus(view.status)) return { kind: 'exited', ...seen };
      return { kind: 'starting', ...seen };
    }
    case 'not-found':
      return { kind: 'not-found', detail };
    case 'rate-limited':
      return { kind: 'rate-limited', detail };
    case 'client-error':
      return { kind: 'rejected', detail };
    default:
      return ambiguous('query', o);
  }
}

export function updateAnswer(op: string, o: Expected<unknown>): UpdateOutcome {
  const detail = detailOf(o);
  switch (o.kind) {
    case 'ok':
      return { kind: 'applied', detail };
    case 'rate-limited':
      return { kind: 'rate-limited', detail };
    case 'partial':
    case 'server-error':
    case 'network':
      return ambiguous(op, o);
    default:
      return { kind: 'rejected', detail };
  }
}

export function stopAnswer(o: Expected<StopResponse>): StopOutcome {
  const detail = detailOf(o);
  switch (o.kind) {
    case 'ok': {
      const view = serverResponseView(o.body.serverResponse);
      return { kind: 'stopped', files: view.files.map((f) => f.fileName), uploadingStatus: view.uploadingStatus, detail };
    }
    case 'partial':
      // 435: the recorder stopped and never recorded anything; other 206s (65) are worth a retry.
      return o.code === AgoraCode.NoRecordedData ? { kind: 'nothing-recorded', detail } : ambiguous('stop', o);
    case 'not-found':
      return { kind: 'already-gone', detail };
    case 'client-error':
      return o.code === AgoraCode.AlreadyExiting ? { kind: 'already-gone', detail } : { kind: 'rejected', detail };
    case 'rate-limited':
      return { kind: 'rate-limited', detail };
    default:
      return ambiguous('stop', o);
  }
}
