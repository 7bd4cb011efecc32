/**
 * What each TRTC answer means for the lifecycle (TRTC spec §4.1–4.2, §6, and the choices of
 * docs/emulator.md where §8 is silent): the one table of TRTC error classes and task statuses.
 * Activity side, so changing a row never changes workflow commands.
 */
import type { VendorDetail } from '../../contract/detail';
import type { DescribeOutcome, StartOutcome, StopOutcome, UpdateOutcome } from '../../contract/outcomes';
import type { RecorderRef } from '../../contract/recorder';
import { describeOutcome } from './outcome';
import type { CreateCloudRecordingResponse, DescribeCloudRecordingResponse } from './schemas';
import type { TrtcOutcome } from './types';

/** Unexpected answers: the adapter throws on them. */
export type Unexpected = Extract<TrtcOutcome<unknown>, { kind: 'invalid-request' | 'invalid-response' }>;
type Expected<T> = Exclude<TrtcOutcome<T>, Unexpected>;

export function detailOf(o: Expected<unknown>): VendorDetail | undefined {
  switch (o.kind) {
    case 'ok':
      return { httpStatus: 200, requestId: o.requestId };
    case 'error':
      return { httpStatus: 200, code: o.code, reason: o.message, requestId: o.requestId };
    case 'http-error':
      return { httpStatus: o.httpStatus, reason: o.message };
    case 'network':
      return undefined;
  }
}

/** The answers every action reads the same way; undefined for the ones it decides itself. */
function common(action: string, o: Expected<unknown>): { kind: 'rate-limited' | 'ambiguous' | 'rejected'; detail?: VendorDetail; error?: string } | undefined {
  const detail = detailOf(o);
  if (o.kind === 'network') return { kind: 'ambiguous', error: describeOutcome(action, o) };
  // Something in front of the API answered (a gateway, a proxy): the call may or may not have arrived.
  if (o.kind === 'http-error') return { kind: 'ambiguous', detail };
  if (o.kind !== 'error') return undefined;
  if (o.errorClass === 'rate-limited') return { kind: 'rate-limited', detail };
  // InternalError.*: retry with the same parameters (spec §4.2).
  if (o.errorClass === 'internal') return { kind: 'ambiguous', detail };
  return undefined;
}

export function createAnswer(o: Expected<CreateCloudRecordingResponse>, ref: Omit<RecorderRef, 'recorderId'>): StartOutcome {
  if (o.kind === 'ok') return { kind: 'started', recorder: { ...ref, recorderId: o.body.TaskId }, detail: detailOf(o) };
  const c = common('CreateCloudRecording', o);
  if (c) return c;
  const e = o as Extract<Expected<unknown>, { kind: 'error' }>;
  // 100 live tasks per account: this attempt cannot start, a later one may once tasks end; the
  // restart backoff bounds the wait and the restart budget ends it (our choice, spec §4.2).
  if (e.errorClass === 'restricted-concurrency') return { kind: 'unavailable', detail: detailOf(e) };
  // InvalidParameter.* / MissingParameter.* / AuthFailure.* and the rest: the recording fails with the code and message.
  return { kind: 'rejected', detail: detailOf(e) };
}

export function describeAnswer(o: Expected<DescribeCloudRecordingResponse>): DescribeOutcome {
  if (o.kind === 'ok') {
    const seen = { status: o.body.Status, files: o.body.StorageFileList.map((f) => f.FileName), detail: detailOf(o) };
    if (o.body.Status === 'InProgress') return { kind: 'recording', ...seen };
    // The robot is in the room and nobody publishes: alive, visible as its own phase (spec §6).
    if (o.body.Status === 'Idle') return { kind: 'idle', ...seen };
    return { kind: 'exited', ...seen };
  }
  const c = common('DescribeCloudRecording', o);
  if (c) return c;
  const e = o as Extract<Expected<unknown>, { kind: 'error' }>;
  // ResourceNotFound: exited, unknown, or past ResourceExpiredHour; confirmed by further describes.
  if (e.errorClass === 'not-found') return { kind: 'not-found', detail: detailOf(e) };
  return { kind: 'rejected', detail: detailOf(e) };
}

export function modifyAnswer(o: Expected<unknown>): UpdateOutcome {
  if (o.kind === 'ok') return { kind: 'applied', detail: detailOf(o) };
  return common('ModifyCloudRecording', o) ?? { kind: 'rejected', detail: detailOf(o) };
}

export function deleteAnswer(o: Expected<unknown>): StopOutcome {
  // Delete answers only the TaskId; the files come from the describes before it (StorageFileList).
  if (o.kind === 'ok') return { kind: 'stopped', files: [], detail: detailOf(o) };
  const c = common('DeleteCloudRecording', o);
  if (c) return c;
  const e = o as Extract<Expected<unknown>, { kind: 'error' }>;
  if (e.errorClass === 'not-found') return { kind: 'already-gone', detail: detailOf(e) };
  return { kind: 'rejected', detail: detailOf(e) };
}
