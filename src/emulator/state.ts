import { randomBytes } from 'node:crypto';

export type Mode = 'individual' | 'mix' | 'web';
export const MODES: readonly Mode[] = ['individual', 'mix', 'web'];
/** token-expired: the recorder's RTC token expired and it was put out of the channel (code 109). */
export type EndReason = 'stopped' | 'killed' | 'idle' | 'token-expired';

export interface StateOptions {
  startDelayMs: number;
  resourceTtlMs: number;
  /** How long a stopped or idle-exited recorder stays "exiting" (status 6, then 7) before it is gone (8). */
  exitingMs: number;
  /** Length of one vendor hour: resourceExpiredHour and token lifetimes are measured in these (tests shrink it). */
  hourMs: number;
}

export interface Resource {
  id: string;
  appId: string;
  cname: string;
  uid: string;
  scene: number;
  resourceExpiredHour: number;
  acquiredAt: number;
  sid: string | null;
}

/** What start's clientRequest decides about a task (already validated). */
export interface TaskConfig {
  hasToken: boolean;
  /** Epoch ms the RTC token expires, read from the token itself (null: no token, or not an AccessToken2). */
  tokenExpiresAt: number | null;
  maxIdleTime: number;
  streamTypes: number;
  avFileType: string[];
  screenshotOnly: boolean;
  subscriptions: Record<string, unknown> | null;
  /** The layout fields of start's transcodingConfig (mix), in effect until an updateLayout replaces them. */
  startLayout: Record<string, unknown> | null;
  web: { recorder: boolean; onhold: boolean; rtmpUrls: string[] } | null;
}

export interface Task extends TaskConfig {
  appId: string;
  cname: string;
  uid: string;
  resourceId: string;
  sid: string;
  mode: Mode;
  startedAt: number;
  /** resourceExpiredHour after the sid: past it query/update/stop answer 404 (the recorder runs on). */
  expiresAt: number;
  endedAt: number | null;
  endReason: EndReason | null;
  stuck: boolean;
  layout: unknown;
  updateCount: number;
  layoutCount: number;
  /** Channel presence as this recorder experienced it; drives idle exit and "no recorded data". */
  emptySince: number | null;
  nonEmptySince: number | null;
  sawMedia: boolean;
  /** Set when the recorder's uid collides with a user in the channel: it gets kicked while joining. */
  killAt: number | null;
  /** Emulated failovers: the recorder answers 404 from `at` until `until`, then carries on as `newUid`. */
  failovers: Failover[];
}

export interface Failover {
  at: number;
  until: number;
  newUid: string;
}

export interface Channel {
  appId: string | null;
  cname: string;
  empty: boolean;
  users: string[];
}

export interface FileItem {
  fileName: string;
  trackType: 'audio' | 'video' | 'audio_and_video';
  uid: string;
  mixedAllUser: boolean;
  isPlayable: boolean;
  sliceStartTime: number;
}

export const DEFAULT_CHANNEL_USERS = ['10001'];

const channelKey = (appId: string | null, cname: string) => `${appId ?? '*'}\u0000${cname}`;
const taskKey = (appId: string, cname: string, uid: string) => `${appId}\u0000${cname}\u0000${uid}`;

/** All emulator state. Time-driven transitions are applied lazily by refresh(), so no timers need cleaning up. */
export class Store {
  readonly resources = new Map<string, Resource>();
  readonly tasks = new Map<string, Task>();
  private readonly liveByKey = new Map<string, Task>();
  private readonly channels = new Map<string, Channel>();

  constructor(
    private readonly opts: StateOptions,
    readonly now: () => number = Date.now,
  ) {}

  reset(): void {
    this.resources.clear();
    this.tasks.clear();
    this.liveByKey.clear();
    this.channels.clear();
  }

  acquire(appId: string, cname: string, uid: string, scene: number, resourceExpiredHour: number): Resource {
    // Long and random like the vendor's token, so clients can't rely on its structure.
    const id = randomBytes(96).toString('base64url');
    const res: Resource = { id, appId, cname, uid, scene, resourceExpiredHour, acquiredAt: this.now(), sid: null };
    this.resources.set(id, res);
    return res;
  }

  resourceExpired(res: Resource): boolean {
    return this.now() - res.acquiredAt > this.opts.resourceTtlMs;
  }

  liveTask(appId: string, cname: string, uid: string): Task | undefined {
    this.refresh();
    return this.liveByKey.get(taskKey(appId, cname, uid));
  }

  liveCount(appId: string): number {
    this.refresh();
    let n = 0;
    for (const t of this.liveByKey.values()) if (t.appId === appId) n++;
    return n;
  }

  start(res: Resource, mode: Mode, config: TaskConfig, stuck: boolean): Task {
    this.refresh();
    const now = this.now();
    const sid = randomBytes(16).toString('hex');
    const channel = this.channel(res.appId, res.cname);
    const empty = mode !== 'web' && channel.empty;
    // A token's remaining life is counted in vendor hours, so a scaled clock shortens it too.
    const tokenExpiresAt = config.tokenExpiresAt === null ? null : now + Math.max(0, config.tokenExpiresAt - now) * (this.opts.hourMs / 3_600_000);
    const task: Task = {
      ...config,
      tokenExpiresAt,
      appId: res.appId,
      cname: res.cname,
      uid: res.uid,
      resourceId: res.id,
      sid,
      mode,
      startedAt: now,
      expiresAt: now + res.resourceExpiredHour * this.opts.hourMs,
      endedAt: null,
      endReason: null,
      stuck,
      layout: null,
      updateCount: 0,
      layoutCount: 0,
      emptySince: empty ? now : null,
      nonEmptySince: empty ? null : now,
      sawMedia: false,
      killAt: mode !== 'web' && channel.users.includes(res.uid) ? now + (this.opts.startDelayMs * 2) / 5 : null,
      failovers: [],
    };
    res.sid = sid;
    this.tasks.set(sid, task);
    this.liveByKey.set(taskKey(task.appId, task.cname, task.uid), task);
    return task;
  }

  findTask(sid: string): Task | undefined {
    this.refresh();
    return this.tasks.get(sid);
  }

  end(task: Task, reason: EndReason, at = this.now()): void {
    if (task.endedAt !== null) return;
    this.presence(task, true, at); // latch sawMedia for the final interval
    task.endedAt = at;
    task.endReason = reason;
    this.liveByKey.delete(taskKey(task.appId, task.cname, task.uid));
  }

  /** Moves a live recorder to another worker: unreachable (404) for `ms`, then the same recording under a random new uid. */
  failover(task: Task, ms: number): Failover | null {
    this.refresh();
    if (task.endedAt !== null || this.failingOver(task)) return null;
    const taken = new Set([task.uid, ...this.channel(task.appId, task.cname).users, ...task.failovers.map((f) => f.newUid)]);
    let newUid: string;
    do newUid = String(1 + (randomBytes(4).readUInt32BE() % 0xfffffffe));
    while (taken.has(newUid));
    const at = this.now();
    const f = { at, until: at + ms, newUid };
    task.failovers.push(f);
    return f;
  }

  failingOver(task: Task, at = this.now()): boolean {
    return task.failovers.some((f) => f.at <= at && at < f.until);
  }

  /** The uid the recorder uses in the channel at `at` (a new one after each failover). */
  uidAt(task: Task, at = this.now()): string {
    let uid = task.uid;
    for (const f of task.failovers) if (f.until <= at) uid = f.newUid;
    return uid;
  }

  /** Applies idle exits, kicks and token expiries whose time has come, stamping them with the time they happened. */
  refresh(): void {
    const now = this.now();
    for (const task of this.liveByKey.values()) {
      const ends: Array<[number, EndReason]> = [
        [task.killAt ?? Infinity, 'killed'],
        [task.emptySince === null ? Infinity : task.emptySince + task.maxIdleTime * 1000, 'idle'],
        // No API renews a recorder's token: when it expires the recorder is out of the channel (spec §10).
        [task.tokenExpiresAt ?? Infinity, 'token-expired'],
      ];
      const [at, reason] = ends.reduce((a, b) => (b[0] < a[0] ? b : a));
      if (at <= now) this.end(task, reason, at);
    }
  }

  /** Control API: the recorder's token, or its resource (resourceExpiredHour), expires now. */
  expire(task: Task, what: 'token' | 'resource'): void {
    const now = this.now();
    if (what === 'resource') task.expiresAt = Math.min(task.expiresAt, now);
    else if (task.endedAt === null) {
      task.tokenExpiresAt = now;
      this.refresh();
    }
  }

  /** Time the task reached status 5 (never, if stuck). */
  readyAt(task: Task): number {
    return task.stuck ? Infinity : task.startedAt + this.opts.startDelayMs;
  }

  /**
   * True while a task that was stopped or left by itself (idle) is still shutting down: the first half of
   * `exitingMs` is status 6 (stop requested), the second half 7 (all components stopped). Killed recorders
   * die at once (status 20) and never exit this way.
   */
  exiting(task: Task, at = this.now()): boolean {
    return task.endedAt !== null && task.endReason !== 'killed' && at < task.endedAt + this.opts.exitingMs;
  }

  /** `at` is passed by callers building one response, so status and files agree on a single instant. */
  status(task: Task, at = this.now()): number {
    if (task.endedAt !== null) {
      if (task.endReason === 'killed') return 20;
      if (!this.exiting(task, at)) return 8;
      return at < task.endedAt + this.opts.exitingMs / 2 ? 6 : 7;
    }
    const delay = this.opts.startDelayMs;
    const climbed = delay <= 0 ? 5 : Math.min(5, Math.floor(((at - task.startedAt) * 5) / delay));
    return task.stuck ? Math.min(2, climbed) : climbed;
  }

  /** True once the recorder has been in a non-empty channel while fully running: only then do files exist. */
  recorded(task: Task, at = task.endedAt ?? this.now()): boolean {
    const ready = this.readyAt(task);
    if (task.mode === 'web') return at >= ready;
    return task.sawMedia || (task.nonEmptySince !== null && at >= ready);
  }

  sliceStartTime(task: Task, at?: number): number {
    return this.recorded(task, at) ? this.readyAt(task) : 0;
  }

  fileList(task: Task, at?: number): { fileListMode: 'string'; fileList: string } | { fileListMode: 'json'; fileList: FileItem[] } {
    const recorded = this.recorded(task, at);
    const start = this.readyAt(task);
    const item = (fileName: string, trackType: FileItem['trackType'], uid: string, mixedAllUser: boolean): FileItem => ({
      fileName,
      trackType,
      uid,
      mixedAllUser,
      isPlayable: true,
      sliceStartTime: start,
    });
    const stem = `${task.sid}_${task.cname}`;
    if (task.mode === 'mix') {
      if (!task.avFileType.includes('mp4')) return { fileListMode: 'string', fileList: recorded ? `${stem}.m3u8` : '' };
      const track = mixTrack(task.streamTypes);
      return {
        fileListMode: 'json',
        fileList: recorded ? [item(`${stem}.m3u8`, track, '0', true), item(`${stem}_0.mp4`, track, '0', true)] : [],
      };
    }
    const files: FileItem[] = [];
    if (recorded) {
      const users = this.channel(task.appId, task.cname).users.filter((u) => u !== task.uid);
      for (const user of users) {
        for (const kind of ['audio', 'video'] as const) {
          if (subscribed(task, kind, user)) files.push(item(`${stem}__uid_s_${user}__uid_e_${kind}.m3u8`, kind, user, false));
        }
      }
    }
    return { fileListMode: 'json', fileList: files };
  }

  webFiles(task: Task, at?: number): Array<{ filename: string; sliceStartTime: number }> {
    if (!this.recorded(task, at)) return [];
    // Web recordings name files after the cname with special characters replaced by '-'.
    const stem = `${task.sid}_${task.cname.replace(/[^A-Za-z0-9_]/g, '-')}`;
    const start = this.readyAt(task);
    const files = [{ filename: `${stem}.m3u8`, sliceStartTime: start }];
    if (task.avFileType.includes('mp4')) files.push({ filename: `${stem}_0.mp4`, sliceStartTime: start });
    return files;
  }

  channel(appId: string, cname: string): Channel {
    return (
      this.channels.get(channelKey(appId, cname)) ??
      this.channels.get(channelKey(null, cname)) ?? { appId: null, cname, empty: false, users: [...DEFAULT_CHANNEL_USERS] }
    );
  }

  listChannels(): Channel[] {
    return [...this.channels.values()];
  }

  setChannel(appId: string | null, cname: string, patch: { empty?: boolean; users?: string[] }): Channel {
    this.refresh();
    const current = appId === null ? this.channels.get(channelKey(null, cname)) : this.channels.get(channelKey(appId, cname));
    const base = current ?? (appId === null ? undefined : this.channels.get(channelKey(null, cname)));
    const next: Channel = {
      appId,
      cname,
      empty: patch.empty ?? base?.empty ?? false,
      users: patch.users ?? base?.users ?? [...DEFAULT_CHANNEL_USERS],
    };
    this.channels.set(channelKey(appId, cname), next);
    const now = this.now();
    for (const task of this.liveByKey.values()) {
      if (task.cname !== cname || task.mode === 'web') continue;
      if (appId !== null && task.appId !== appId) continue;
      this.presence(task, this.channel(task.appId, cname).empty, now);
    }
    return next;
  }

  private presence(task: Task, empty: boolean, at: number): void {
    if (empty && task.emptySince === null) {
      if (task.nonEmptySince !== null && at >= this.readyAt(task)) task.sawMedia = true;
      task.emptySince = at;
      task.nonEmptySince = null;
    } else if (!empty && task.emptySince !== null) {
      task.emptySince = null;
      task.nonEmptySince = at;
    }
  }
}

function mixTrack(streamTypes: number): FileItem['trackType'] {
  return streamTypes === 0 ? 'audio' : streamTypes === 1 ? 'video' : 'audio_and_video';
}

/** Mirrors the vendor rule: with only one media list set, the other media type is not subscribed at all. */
function subscribed(task: Task, kind: 'audio' | 'video', user: string): boolean {
  if (kind === 'audio' && task.streamTypes === 1) return false;
  if (kind === 'video' && task.streamTypes === 0) return false;
  const subs = task.subscriptions;
  if (!subs) return true;
  const key = kind === 'audio' ? 'audioUidList' : 'videoUidList';
  const other = kind === 'audio' ? 'videoUidList' : 'audioUidList';
  const list = subs[key] as Record<string, string[]> | undefined;
  if (!list) return !subs[other];
  const Kind = kind === 'audio' ? 'Audio' : 'Video';
  const allow = list[`subscribe${Kind}Uids`];
  const deny = list[`unsubscribe${Kind}Uids`] ?? list[`unSubscribe${Kind}Uids`];
  if (allow) return allow.includes('#allstream#') || allow.includes(user);
  if (deny) return !deny.includes(user);
  return true;
}
