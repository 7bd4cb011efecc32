import { randomBytes } from 'node:crypto';
import { mixedM3u8, objectKey, singleStreamM3u8, type TrackType } from './naming';
import type { CreateRequest, SubscribeLists } from './validation';

export type EndReason = 'deleted' | 'idle' | 'kicked' | 'replaced' | 'ha-failed';
export type TaskStatus = 'Idle' | 'InProgress' | 'Exited';

/** LeaveCode of callback 302 (spec §5.5) for each way a task ends. */
export const LEAVE_CODES: Record<EndReason, number> = { deleted: 0, idle: 99, kicked: 3, replaced: 101, 'ha-failed': 3 };
/** High-availability re-pulls per task (spec §3.1: ha1…ha3). */
export const MAX_HA = 3;
/** Streams one task subscribes at once (spec §3.1). */
export const MAX_STREAMS = 25;
export const DEFAULT_PUBLISHERS = ['anchor1'];

export interface StateOptions {
  /** Create → robot in the room and pulling (also after an HA re-pull). */
  startDelayMs: number;
  /** How long an ended task still answers Describe with Status "Exited" before it is gone. */
  exitingMs: number;
  /** Length of one vendor hour: ResourceExpiredHour and UserSig lifetimes are measured in these (tests shrink it). */
  hourMs: number;
}

export interface StorageFile {
  UserId: string;
  FileName: string;
  TrackType: TrackType;
  BeginTimeStamp: number;
  /** Object key in the bucket (prefix/TaskId/FileName); not part of the vendor's Describe answer. */
  key: string;
  ha: number;
}

export interface Room {
  sdkAppId: number | null;
  roomId: string;
  /** Anchors sending media, with the time each started. */
  publishers: Map<string, number>;
  /** Anchors in the room without sending data: they keep a task alive (no MaxIdleTime countdown) but give no files. */
  silentAnchors: string[];
}

export interface Task {
  taskId: string;
  secretId: string;
  sdkAppId: number;
  roomId: string;
  roomIdType: 0 | 1;
  userId: string;
  /** Epoch ms when the robot's UserSig expires, when the emulator could read it. */
  userSigExpiresAt: number | null;
  recordMode: 1 | 2;
  streamType: 0 | 1 | 2;
  avMerge: 0 | 1;
  /** RecordParams.OutputFormat (0 hls, 1 hls+mp4, 2 hls+aac, 3 mp4, 4 aac): 1 brings callback 310. */
  outputFormat: number;
  maxIdleTime: number;
  storage: 'cos' | 'vod';
  fileNamePrefix: string[];
  subscribe: SubscribeLists | null;
  layout: Record<string, unknown> | null;
  modifyCount: number;
  createdAt: number;
  /** When the robot (re)joined and starts pulling: create + startDelay, or failover + startDelay. */
  joinAt: number;
  /** End of the ResourceExpiredHour window for Describe/Modify/Delete. */
  controlExpiresAt: number;
  ha: number;
  emptySince: number | null;
  endedAt: number | null;
  endReason: EndReason | null;
  leaveCode: number | null;
  files: StorageFile[];
}

const roomKey = (sdkAppId: number | null, roomId: string) => `${sdkAppId ?? '*'}\u0000${roomId}`;

/** Opaque id shaped like the vendor's (base64 with `/`→`-`, `=`→`.`; spec §2.5). */
function newTaskId(): string {
  return `-${randomBytes(50).toString('base64').replace(/\//g, '-').replace(/=/g, '.')}`;
}

/** `.*$` at the end of a list entry is a prefix match, unless a user's id is literally that text (spec §2.1). */
function matches(list: readonly string[], user: string): boolean {
  return list.some((e) => e === user || (e.endsWith('.*$') && user.startsWith(e.slice(0, -3))));
}

export function subscribed(task: Pick<Task, 'streamType' | 'subscribe'>, kind: 'audio' | 'video', user: string): boolean {
  if (kind === 'audio' && task.streamType === 2) return false;
  if (kind === 'video' && task.streamType === 1) return false;
  const K = kind === 'audio' ? 'Audio' : 'Video';
  const allow = task.subscribe?.[`Subscribe${K}UserIds`];
  const deny = task.subscribe?.[`UnSubscribe${K}UserIds`];
  if (allow) return matches(allow, user);
  if (deny) return !matches(deny, user);
  return true;
}

/** All emulator state; time-driven changes (joining, files, idle exits) are applied lazily by refresh(). */
export class TrtcStore {
  readonly tasks = new Map<string, Task>();
  private readonly rooms = new Map<string, Room>();

  constructor(
    private readonly opts: StateOptions,
    readonly now: () => number = Date.now,
  ) {}

  reset(): void {
    this.tasks.clear();
    this.rooms.clear();
  }

  room(sdkAppId: number, roomId: string): Room {
    return (
      this.rooms.get(roomKey(sdkAppId, roomId)) ??
      this.rooms.get(roomKey(null, roomId)) ?? {
        sdkAppId: null,
        roomId,
        // Default: someone is publishing since long ago, so a fresh task starts recording once joined.
        publishers: new Map(DEFAULT_PUBLISHERS.map((u) => [u, 0])),
        silentAnchors: [],
      }
    );
  }

  listRooms() {
    return [...this.rooms.values()].map((r) => ({
      sdkAppId: r.sdkAppId,
      roomId: r.roomId,
      publishers: [...r.publishers.keys()],
      silentAnchors: r.silentAnchors,
    }));
  }

  /** Replaces a room's publishers (keeping the start time of those who stay) and/or silent anchors. */
  setRoom(sdkAppId: number | null, roomId: string, patch: { publishers?: string[]; silentAnchors?: string[] }) {
    this.refresh();
    const now = this.now();
    const before = sdkAppId === null ? this.rooms.get(roomKey(null, roomId)) : this.room(sdkAppId, roomId);
    const prev = before ?? this.room(0, roomId);
    const publishers = new Map<string, number>();
    for (const u of patch.publishers ?? [...prev.publishers.keys()]) publishers.set(u, prev.publishers.get(u) ?? now);
    const room: Room = { sdkAppId, roomId, publishers, silentAnchors: patch.silentAnchors ?? [...prev.silentAnchors] };
    this.rooms.set(roomKey(sdkAppId, roomId), room);
    for (const t of this.live()) {
      if (t.roomId !== roomId || (sdkAppId !== null && t.sdkAppId !== sdkAppId)) continue;
      const r = this.room(t.sdkAppId, roomId);
      const empty = r.publishers.size === 0 && r.silentAnchors.length === 0;
      if (empty && t.emptySince === null) t.emptySince = now;
      if (!empty) t.emptySince = null;
    }
    return this.listRooms().find((r) => r.sdkAppId === sdkAppId && r.roomId === roomId)!;
  }

  *live(): Iterable<Task> {
    for (const t of this.tasks.values()) if (t.endedAt === null) yield t;
  }

  liveCount(secretId: string): number {
    this.refresh();
    let n = 0;
    for (const t of this.live()) if (t.secretId === secretId) n++;
    return n;
  }

  liveByIdentity(sdkAppId: number, roomId: string, userId: string): Task | undefined {
    this.refresh();
    for (const t of this.live()) if (t.sdkAppId === sdkAppId && t.roomId === roomId && t.userId === userId) return t;
    return undefined;
  }

  create(req: CreateRequest, secretId: string, userSigExpiresAt: number | null): Task {
    this.refresh();
    const now = this.now();
    let taskId = newTaskId();
    while (this.tasks.has(taskId)) taskId = newTaskId();
    const room = this.room(req.sdkAppId, req.roomId);
    const task: Task = {
      taskId,
      secretId,
      sdkAppId: req.sdkAppId,
      roomId: req.roomId,
      roomIdType: req.roomIdType,
      userId: req.userId,
      // A UserSig's remaining life is counted in vendor hours, so a scaled clock shortens it too.
      userSigExpiresAt: userSigExpiresAt === null ? null : now + Math.max(0, userSigExpiresAt - now) * (this.opts.hourMs / 3_600_000),
      recordMode: req.recordMode,
      streamType: req.streamType,
      avMerge: req.avMerge,
      outputFormat: req.outputFormat,
      maxIdleTime: req.maxIdleTime,
      storage: req.storage,
      fileNamePrefix: req.fileNamePrefix,
      subscribe: req.subscribe,
      layout: req.layout,
      modifyCount: 0,
      createdAt: now,
      joinAt: now + this.opts.startDelayMs,
      controlExpiresAt: now + req.resourceExpiredHour * this.opts.hourMs,
      ha: 0,
      emptySince: room.publishers.size === 0 && room.silentAnchors.length === 0 ? now : null,
      endedAt: null,
      endReason: null,
      leaveCode: null,
      files: [],
    };
    this.tasks.set(taskId, task);
    return task;
  }

  end(task: Task, reason: EndReason, at = this.now(), leaveCode = LEAVE_CODES[reason]): void {
    if (task.endedAt !== null) return;
    this.collectFiles(task, at);
    task.endedAt = at;
    task.endReason = reason;
    task.leaveCode = leaveCode;
  }

  /** Applies joins, new files and MaxIdleTime exits up to now, each stamped with the time it happened. */
  refresh(): void {
    const now = this.now();
    for (const t of [...this.live()]) {
      const idleAt = t.emptySince === null ? Infinity : t.emptySince + t.maxIdleTime * 1000;
      if (idleAt <= now) this.end(t, 'idle', idleAt);
      else this.collectFiles(t, now);
    }
  }

  /**
   * Control API: the robot's UserSig, or its task's ResourceExpiredHour, expires now. A robot in the
   * room stays (the UserSig is checked on entering, spec §6 best practice 4); only a re-pull fails.
   */
  expire(task: Task, what: 'userSig' | 'resource'): void {
    const now = this.now();
    if (what === 'resource') task.controlExpiresAt = Math.min(task.controlExpiresAt, now);
    else task.userSigExpiresAt = Math.min(task.userSigExpiresAt ?? now, now);
  }

  /** A high-availability re-pull: the robot rejoins with the same UserSig, and new files get the `ha<N>_` prefix. */
  failover(task: Task): { ok: true } | { ok: false; reason: string } {
    this.refresh();
    if (task.endedAt !== null) return { ok: false, reason: 'task has already ended' };
    const now = this.now();
    this.collectFiles(task, now);
    if (task.ha >= MAX_HA) {
      this.end(task, 'ha-failed', now);
      return { ok: false, reason: `task was already re-pulled ${MAX_HA} times; it ended (LeaveCode 3)` };
    }
    // Best practice 4 (spec §6): a robot whose UserSig expired cannot rejoin, so the task dies.
    if (task.userSigExpiresAt !== null && task.userSigExpiresAt <= now) {
      this.end(task, 'ha-failed', now);
      return { ok: false, reason: "the robot's UserSig has expired, so it could not rejoin; the task ended (LeaveCode 3)" };
    }
    task.ha++;
    task.joinAt = now + this.opts.startDelayMs;
    return { ok: true };
  }

  status(task: Task, at = this.now()): TaskStatus | 'Gone' {
    if (task.endedAt !== null) return at < task.endedAt + this.opts.exitingMs ? 'Exited' : 'Gone';
    if (at < task.joinAt) return 'Idle';
    const room = this.room(task.sdkAppId, task.roomId);
    for (const user of room.publishers.keys()) {
      if (subscribed(task, 'audio', user) || subscribed(task, 'video', user)) return 'InProgress';
    }
    return 'Idle';
  }

  /** Records the files that publishers present now have produced since the robot joined (up to `at`). */
  private collectFiles(task: Task, at: number): void {
    if (at < task.joinAt) return;
    const room = this.room(task.sdkAppId, task.roomId);
    const parts = { sdkAppId: task.sdkAppId, roomId: task.roomId, roomIdType: task.roomIdType, ha: task.ha };
    const add = (FileName: string, UserId: string, TrackType: TrackType, begin: number) => {
      if (task.files.some((f) => f.FileName === FileName)) return;
      task.files.push({ UserId, FileName, TrackType, BeginTimeStamp: begin, key: objectKey(task.fileNamePrefix, task.taskId, FileName), ha: task.ha });
    };
    const users = [...room.publishers.entries()]
      .filter(([u]) => subscribed(task, 'audio', u) || subscribed(task, 'video', u))
      .sort((a, b) => a[1] - b[1])
      .slice(0, MAX_STREAMS);
    if (task.recordMode === 2) {
      if (users.length === 0) return;
      const begin = Math.max(task.joinAt, Math.min(...users.map(([, since]) => since)));
      const track: TrackType = task.streamType === 1 ? 'audio' : task.streamType === 2 ? 'video' : 'audio_video';
      add(mixedM3u8(parts), '', track, begin);
      return;
    }
    for (const [user, since] of users) {
      const begin = Math.max(task.joinAt, since);
      const audio = subscribed(task, 'audio', user);
      const video = subscribed(task, 'video', user);
      if (task.avMerge === 1 && audio && video) add(singleStreamM3u8(parts, user, 'audio_video'), user, 'audio_video', begin);
      else {
        if (audio) add(singleStreamM3u8(parts, user, 'audio'), user, 'audio', begin);
        if (video) add(singleStreamM3u8(parts, user, 'video'), user, 'video', begin);
      }
    }
  }
}
