import { createHmac, randomInt } from 'node:crypto';
import type { CallbackSender, Outgoing, VendorPolicy } from '../shared/callback-sender';
import { CallbackObserver } from '../shared/callback-observer';
import type { StorageFile, Task, TrtcStore } from './state';

/** TRTC delivery (spec §5.1): 5 s to answer; the first failure resent at once, later ones every 10 s, until the message is a minute old. */
export const TRTC_RESEND_EVERY_MS = 10_000;
export const TRTC_MAX_AGE_MS = 60_000;

export const trtcPolicy: VendorPolicy = {
  deadlineMs: 5_000,
  maxAgeMs: TRTC_MAX_AGE_MS,
  resendDelayMs: (n, ageMs, scale) => {
    const delay = n === 1 ? 0 : TRTC_RESEND_EVERY_MS * scale;
    return ageMs + delay > TRTC_MAX_AGE_MS * scale ? null : delay;
  },
  sign: (body, secret) => ({ Sign: trtcSign(body, secret) }),
};

/** `Sign` = base64(HMAC-SHA256(callback key, raw body)) (spec §5.2). */
export function trtcSign(body: string, key: string): string {
  return createHmac('sha256', key).update(body, 'utf8').digest('base64');
}

/** Where emulated VOD playback URLs point: a reserved name, so nothing ever resolves it. */
const VOD_HOST = 'https://vod.trtc-emulator.invalid';

interface Track {
  firstJoinAt: number;
  started: boolean;
  ha: number;
  files: Set<string>;
  left: boolean;
  uploadAt: number | null;
  done: boolean;
}

interface Pending {
  eventType: number;
  at: number;
  payload: Record<string, unknown>;
}

/** Turns the TRTC emulator's state changes into recording callbacks (event group 3). */
export class TrtcCallbacks extends CallbackObserver<Task, Track> {
  constructor(
    protected override readonly store: TrtcStore,
    sender: CallbackSender,
  ) {
    super(store, sender);
  }

  // Each request is observed right after it, so a task is first seen before any failover moves its joinAt.
  protected newTrack(task: Task, since: number): Track {
    return { firstJoinAt: task.ha === 0 ? task.joinAt : task.createdAt, started: false, ha: task.ha, files: new Set(), left: false, uploadAt: null, done: task.createdAt < since };
  }

  protected eventsDue(task: Task, tr: Track, now: number): Outgoing[] {
    return this.due(task, tr, now)
      .sort((a, b) => a.at - b.at)
      .map((e) => this.outgoing(task, e));
  }

  private due(task: Task, tr: Track, now: number): Pending[] {
    const out: Pending[] = [];
    const push = (eventType: number, at: number, payload: Record<string, unknown>) => out.push({ eventType, at, payload });
    const end = task.endedAt;
    const cos = task.storage === 'cos';

    if (!tr.started && tr.firstJoinAt <= now && (end === null || end >= tr.firstJoinAt)) {
      tr.started = true;
      push(301, tr.firstJoinAt, { Status: 0 });
      if (cos) push(303, tr.firstJoinAt, { Status: 0 });
    }
    if (tr.ha < task.ha && task.joinAt <= now && (end === null || end >= task.joinAt)) {
      for (; tr.ha < task.ha; tr.ha++) push(306, task.joinAt, { Status: 0 });
    }
    for (const f of task.files) {
      if (tr.files.has(f.FileName)) continue;
      tr.files.add(f.FileName);
      // VOD tasks report their files only once they land in VOD (311).
      if (!cos) continue;
      push(307, f.BeginTimeStamp, { FileName: f.FileName, UserId: f.UserId, TrackType: f.TrackType, BeginTimeStamp: f.BeginTimeStamp });
      push(304, f.BeginTimeStamp, { FileList: f.FileName });
    }

    if (end !== null && !tr.left) {
      tr.left = true;
      // A robot kicked before it ever joined failed to start.
      if (!tr.started && (task.endReason === 'kicked' || task.endReason === 'ha-failed')) push(301, end, { Status: 1 });
      push(302, end, { LeaveCode: task.leaveCode });
      tr.uploadAt = tr.started ? end + this.sender.settings.uploadDelayMs : end;
    }

    if (end !== null && tr.uploadAt !== null && tr.uploadAt <= now) {
      tr.done = true;
      if (!tr.started) return out;
      const every = this.sender.settings.backupEvery;
      const backup = task.files.length > 0 && every > 0 && ++this.uploads % every === 0;
      const mp4s = mp4Files(task.files, end);
      if (cos) {
        push(305, tr.uploadAt, { Status: backup ? 1 : 0 });
        if (task.outputFormat === 1 && mp4s.length > 0)
          push(310, tr.uploadAt, { Status: backup ? 1 : 0, FileList: mp4s.map((m) => m.FileName), FileMessage: mp4s });
      } else {
        mp4s.forEach((m, i) => {
          const stranded = backup && i === 0;
          const FileId = String(randomInt(100_000_000, 999_999_999)) + String(randomInt(100_000_000, 999_999_999));
          const vod = stranded
            ? { UserId: m.UserId, TrackType: m.TrackType, CacheFile: m.FileName }
            : { UserId: m.UserId, TrackType: m.TrackType, MediaId: m.MediaId, FileId, VideoUrl: `${VOD_HOST}/${FileId}/${m.FileName}`, CacheFile: m.FileName, StartTimeStamp: m.StartTimeStamp, EndTimeStamp: m.EndTimeStamp };
          push(311, tr.uploadAt!, stranded ? { Status: 1, Errmsg: 'file stranded in backup storage', TencentVod: vod } : { Status: 0, TencentVod: vod });
        });
        push(312, tr.uploadAt, { Status: 0 });
      }
    }
    return out;
  }

  private outgoing(task: Task, e: Pending): Outgoing {
    const info = {
      RoomId: task.roomIdType === 1 ? Number(task.roomId) : task.roomId,
      EventTs: Math.floor(e.at / 1000),
      EventMsTs: e.at,
      UserId: task.userId,
      TaskId: task.taskId,
      Payload: e.payload,
    };
    return {
      eventType: e.eventType,
      ref: task.taskId,
      at: e.at,
      headers: { SdkAppId: String(task.sdkAppId) },
      // The service sends its bodies pretty-printed with tabs; receivers must hash them as received.
      render: (sentAt) => JSON.stringify({ EventGroupId: 3, EventType: e.eventType, CallbackTs: sentAt, EventInfo: info }, null, '\t'),
    };
  }
}

interface Mp4 {
  FileName: string;
  UserId: string;
  TrackType: string;
  MediaId: 'main';
  StartTimeStamp: number;
  EndTimeStamp: number;
}

/** The MP4 each recorded stream becomes (spec §3.4 mp4 names, unsplit): a user's audio and video share one. */
export function mp4Files(files: readonly StorageFile[], endedAt: number): Mp4[] {
  const out = new Map<string, Mp4>();
  for (const f of files) {
    const FileName = f.FileName.includes('__UserId_e_') ? f.FileName.replace(/_(audio|video|audio_video)\.m3u8$/, '.mp4') : f.FileName.replace(/\.m3u8$/, '.mp4');
    const prev = out.get(FileName);
    const TrackType = prev && prev.TrackType !== f.TrackType ? 'audio_video' : f.TrackType;
    out.set(FileName, { FileName, UserId: f.UserId, TrackType, MediaId: 'main', StartTimeStamp: Math.min(prev?.StartTimeStamp ?? Infinity, f.BeginTimeStamp), EndTimeStamp: endedAt });
  }
  return [...out.values()];
}
