import { createHmac, randomUUID } from 'node:crypto';
import type { CallbackSender, Outgoing, VendorPolicy } from './shared/callback-sender';
import { CallbackObserver } from './shared/callback-observer';
import type { FileItem, Store, Task } from './state';

/** Agora NCS delivery (spec §9.1, §9.5): 10 s to answer; resent at once, then at growing intervals, three resends at most. */
export const AGORA_RESEND_DELAYS_MS = [0, 3_000, 9_000];

export const agoraPolicy: VendorPolicy = {
  deadlineMs: 10_000,
  resendDelayMs: (n, _age, scale) => (n <= AGORA_RESEND_DELAYS_MS.length ? AGORA_RESEND_DELAYS_MS[n - 1] * scale : null),
  sign: agoraSignatures,
};

/** `Agora-Signature` (HMAC-SHA1) and `Agora-Signature-V2` (HMAC-SHA256), lowercase hex over the raw body. */
export function agoraSignatures(body: string, secret: string): Record<string, string> {
  return {
    'Agora-Signature': createHmac('sha1', secret).update(body, 'utf8').digest('hex'),
    'Agora-Signature-V2': createHmac('sha256', secret).update(body, 'utf8').digest('hex'),
  };
}

/** serviceType of each event (spec §9.4): 0 the service, 1 recorder, 2 uploader, 6 web recorder. */
const SERVICE_TYPE: Record<number, number> = { 1: 0, 4: 0, 11: 0, 12: 0, 30: 2, 31: 2, 32: 2, 33: 2, 40: 1, 41: 1, 42: 1, 70: 6, 71: 6 };

/** recorder_leave bit flags (spec §9.4). */
export const LEAVE_CODE = { initFailed: 0, sigint: 2, noUsers: 4 } as const;
/** Our choice for the fatal error a crashed recorder reports (the spec lists no codes for event 1). */
export const CRASH_ERROR_CODE = 50;
/** The vendor's code for an expired RTC token (spec §8: "obtain new token, new task"). */
export const TOKEN_EXPIRED_CODE = 109;
const PROGRESS_EVERY_MS = 60_000;

interface Track {
  seq: number;
  started: boolean;
  files: Set<string>;
  left: boolean;
  uploadAt: number | null;
  hasFiles: boolean;
  progressSent: number;
  failovers: number;
  done: boolean;
}

interface Pending {
  eventType: number;
  at: number;
  details: Record<string, unknown>;
}

/** Turns the Agora emulator's state changes into NCS events (productId 3). */
export class AgoraCallbacks extends CallbackObserver<Task, Track> {
  constructor(
    protected override readonly store: Store,
    sender: CallbackSender,
  ) {
    super(store, sender);
  }

  protected newTrack(task: Task, since: number): Track {
    return { seq: 0, started: false, files: new Set(), left: false, uploadAt: null, hasFiles: false, progressSent: 0, failovers: 0, done: task.startedAt < since };
  }

  protected eventsDue(task: Task, tr: Track, now: number): Outgoing[] {
    return this.due(task, tr, now)
      .sort((a, b) => a.at - b.at)
      .map((e) => this.outgoing(task, tr.seq++, e));
  }

  private due(task: Task, tr: Track, now: number): Pending[] {
    const out: Pending[] = [];
    const push = (eventType: number, at: number, details: Record<string, unknown>) => out.push({ eventType, at, details });
    const ready = this.store.readyAt(task);
    const end = task.endedAt;
    const web = task.mode === 'web';

    if (!tr.started && ready <= now && (end === null || end >= ready)) {
      tr.started = true;
      if (web) push(70, ready, { msgName: 'web_recorder_started', recorderStartTime: ready });
      else push(40, ready, { msgName: 'recorder_started', status: 0 });
      push(30, ready, { msgName: 'uploader_started', status: 0 });
    }

    if (tr.started && !web && !task.screenshotOnly) {
      const seenAt = Math.min(end ?? now, Math.max(ready, task.nonEmptySince ?? ready));
      for (const item of this.items(task, end ?? now)) {
        if (!item.fileName.endsWith('.m3u8') || tr.files.has(item.fileName)) continue;
        tr.files.add(item.fileName);
        const { sliceStartTime: startUtcMs, mixedAllUser, uid: streamUid, trackType } = item;
        push(42, seenAt, { msgName: 'recorder_slice_start', startUtcMs, discontinueUtcMs: startUtcMs, mixedAllUser, streamUid, trackType });
        push(4, seenAt, { msgName: 'cloud_recording_file_infos', fileList: item.fileName });
      }
    }

    for (; tr.failovers < task.failovers.length && task.failovers[tr.failovers].until <= now; tr.failovers++) {
      const f = task.failovers[tr.failovers];
      push(12, f.until, { msgName: 'session_failover', newUid: Number(f.newUid) });
    }

    if (end !== null && !tr.left) {
      tr.left = true;
      const killed = task.endReason === 'killed';
      if (killed) {
        if (!tr.started && !web) push(41, end, { msgName: 'recorder_leave', leaveCode: LEAVE_CODE.initFailed });
        const errorMsg = tr.started ? 'recorder exited unexpectedly' : 'recorder was kicked out while joining (uid in use)';
        push(1, end, { msgName: 'cloud_recording_error', module: web ? 6 : 0, errorLevel: 5, errorCode: CRASH_ERROR_CODE, stat: 0, errorMsg });
      } else if (task.endReason === 'token-expired') {
        push(1, end, { msgName: 'cloud_recording_error', module: web ? 6 : 0, errorLevel: 5, errorCode: TOKEN_EXPIRED_CODE, stat: 0, errorMsg: 'RTC token expired' });
      } else if (web) {
        push(71, end, { msgName: 'web_recorder_stopped', code: 0, message: 'ok', details: '', fileList: this.store.webFiles(task, end) });
      } else {
        push(41, end, { msgName: 'recorder_leave', leaveCode: task.endReason === 'idle' ? LEAVE_CODE.noUsers : LEAVE_CODE.sigint });
      }
      tr.hasFiles = tr.started && this.store.recorded(task, end) && !task.screenshotOnly;
      tr.uploadAt = tr.hasFiles ? end + this.sender.settings.uploadDelayMs : end;
    }

    if (end !== null && tr.uploadAt !== null) {
      const delay = tr.uploadAt - end;
      for (let at = end + (tr.progressSent + 1) * PROGRESS_EVERY_MS; tr.hasFiles && at < tr.uploadAt && at <= now; at += PROGRESS_EVERY_MS) {
        tr.progressSent++;
        push(33, at, { msgName: 'uploading_progress', progress: Math.min(9999, Math.round(((at - end) * 10_000) / delay)) });
      }
      if (tr.uploadAt <= now) {
        const killed = task.endReason === 'killed';
        if (tr.hasFiles) {
          // A crashed recorder's files are rescued through the vendor's backup; otherwise every Nth upload is.
          const every = this.sender.settings.backupEvery;
          const backup = killed || (every > 0 && ++this.uploads % every === 0);
          push(33, tr.uploadAt, { msgName: 'uploading_progress', progress: 10_000 });
          const fileList = web ? undefined : this.items(task, end);
          push(backup ? 32 : 31, tr.uploadAt, { msgName: backup ? 'backuped' : 'uploaded', status: 0, ...(fileList ? { fileList } : {}) });
        }
        push(11, tr.uploadAt, { msgName: 'session_exit', exitStatus: killed || task.endReason === 'token-expired' ? 1 : 0 });
        tr.done = true;
      }
    }
    return out;
  }

  /** The recorder's files as NCS lists them (a string-mode list becomes one item). */
  private items(task: Task, at: number): FileItem[] {
    const fl = this.store.fileList(task, at);
    if (fl.fileListMode === 'json') return fl.fileList;
    if (fl.fileList === '') return [];
    const trackType = task.streamTypes === 0 ? 'audio' : task.streamTypes === 1 ? 'video' : 'audio_and_video';
    return [{ fileName: fl.fileList, trackType, uid: '0', mixedAllUser: true, isPlayable: true, sliceStartTime: this.store.readyAt(task) }];
  }

  private outgoing(task: Task, sequence: number, e: Pending): Outgoing {
    const noticeId = randomUUID();
    const payload = {
      cname: task.cname,
      uid: this.store.uidAt(task, e.at),
      sid: task.sid,
      sequence,
      sendts: e.at,
      serviceType: SERVICE_TYPE[e.eventType],
      details: e.details,
    };
    return {
      eventType: e.eventType,
      ref: task.sid,
      at: e.at,
      render: (notifyMs) => JSON.stringify({ noticeId, productId: 3, eventType: e.eventType, notifyMs, payload }),
    };
  }
}
