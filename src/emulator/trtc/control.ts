import { z } from 'zod';
import type { InvalidApps } from '../apps';
import type { RateLimiter } from '../rate-limit';
import { trtcFaultSchema, type TrtcFaultSpec } from './faults';
import type { Task, TrtcStore } from './state';
import type { TrtcStats } from './stats';
import type { FaultQueue } from '../shared/fault-queue';
import { answer, controlError, faultRoutes, parseControl, stateRoutes, type ControlResult } from '../shared/control';
import { USER_ID_RE } from './validation';
import { callbackRoutes } from '../shared/callback-control';
import type { CallbackLoop } from '../shared/callback-loop';
import type { CallbackSender } from '../shared/callback-sender';

/** The layout a mixed task uses when none was given: the grid (MixLayoutMode 3, spec §2.1). */
const DEFAULT_LAYOUT = { MixLayoutMode: 3 };

type Subscription = { mode: 'all' } | { mode: 'only'; userIds: string[] } | { mode: 'except'; userIds: string[] } | { mode: 'none' };

/** What the robot subscribes now, per media (list entries ending in `.*$` are prefixes, as the vendor reads them). */
function effectiveSubscriptions(t: Task): { audio: Subscription; video: Subscription } {
  const one = (kind: 'Audio' | 'Video'): Subscription => {
    if ((kind === 'Audio' && t.streamType === 2) || (kind === 'Video' && t.streamType === 1)) return { mode: 'none' };
    const allow = t.subscribe?.[`Subscribe${kind}UserIds`];
    const deny = t.subscribe?.[`UnSubscribe${kind}UserIds`];
    if (allow) return { mode: 'only', userIds: [...allow] };
    if (deny) return { mode: 'except', userIds: [...deny] };
    return { mode: 'all' };
  };
  return { audio: one('Audio'), video: one('Video') };
}

export interface TrtcControlDeps {
  store: TrtcStore;
  faults: FaultQueue<TrtcFaultSpec>;
  stats: TrtcStats;
  limiter: RateLimiter;
  apps: InvalidApps;
  /** Takes the listener down; runs after the control reply is sent, since that reply travels on it. */
  hostDown(ms: number): void;
  callbacks: { sender: CallbackSender; loop: CallbackLoop; reset(): void };
}

const userList = z.array(z.string().regex(USER_ID_RE, 'must be a TRTC UserId (≤32 of a-zA-Z0-9_-)')).max(1000);
const roomSchema = z.strictObject({
  sdkAppId: z.int().min(1).optional(),
  roomId: z.string().min(1),
  publishers: userList.optional(),
  silentAnchors: userList.optional(),
});
const exitSchema = z.strictObject({ leaveCode: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(100)]).optional() });
const expireSchema = z.strictObject({ what: z.enum(['userSig', 'resource']) });
const downSchema = z.strictObject({ ms: z.int().min(1).max(3_600_000) });

export type TrtcTaskView = ReturnType<typeof trtcTaskView>;

/** Public view of a task: never the UserSig or storage keys. Times are epoch ms. */
export function trtcTaskView(store: TrtcStore, t: Task) {
  return {
    taskId: t.taskId,
    sdkAppId: t.sdkAppId,
    roomId: t.roomId,
    roomIdType: t.roomIdType,
    userId: t.userId,
    status: store.status(t),
    live: t.endedAt === null,
    recordMode: t.recordMode,
    streamType: t.streamType,
    storage: t.storage,
    maxIdleTime: t.maxIdleTime,
    createdAt: t.createdAt,
    joinAt: t.joinAt,
    controlExpiresAt: t.controlExpiresAt,
    userSigExpiresAt: t.userSigExpiresAt,
    endedAt: t.endedAt,
    endReason: t.endReason,
    leaveCode: t.leaveCode,
    ha: t.ha,
    subscribe: t.subscribe,
    layout: t.layout,
    effectiveLayout: t.layout ?? (t.recordMode === 2 ? DEFAULT_LAYOUT : null),
    effectiveSubscriptions: effectiveSubscriptions(t),
    outputFormat: t.outputFormat,
    modifyCount: t.modifyCount,
    files: t.files.map((f) => ({ ...f })),
  };
}

function taskFrom(store: TrtcStore, encoded: string): Task | undefined {
  try {
    return store.tasks.get(decodeURIComponent(encoded));
  } catch {
    return undefined;
  }
}

/** The unauthenticated `/__emulator/*` API, shaped like the Agora emulator's. */
export function handleTrtcControl(deps: TrtcControlDeps, method: string, path: string, query: URLSearchParams, body: unknown): ControlResult {
  const { store } = deps;
  const route = `${method} ${path}`;

  if (route === 'GET /__emulator/health') return answer(200, { ok: true, vendor: 'trtc' });

  if (route === 'GET /__emulator/tasks') {
    store.refresh();
    return answer(200, { tasks: [...store.tasks.values()].map((t) => trtcTaskView(store, t)) });
  }

  const exit = /^\/__emulator\/tasks\/([^/]+)\/exit$/.exec(path);
  if (exit && method === 'POST') {
    const task = taskFrom(store, exit[1]);
    if (!task) return controlError(404, 'no task with this taskId', 'taskId');
    const p = parseControl(exitSchema, body, 'exit request');
    if (!p.ok) return p.result;
    store.refresh();
    if (task.endedAt !== null) return controlError(409, 'task has already ended', 'taskId');
    store.end(task, 'kicked', store.now(), p.value.leaveCode ?? 3);
    return answer(200, { task: trtcTaskView(store, task) });
  }

  const expire = /^\/__emulator\/tasks\/([^/]+)\/expire$/.exec(path);
  if (expire && method === 'POST') {
    const task = taskFrom(store, expire[1]);
    if (!task) return controlError(404, 'no task with this taskId', 'taskId');
    const p = parseControl(expireSchema, body, 'expire request');
    if (!p.ok) return p.result;
    store.expire(task, p.value.what);
    return answer(200, { task: trtcTaskView(store, task) });
  }

  const failover = /^\/__emulator\/tasks\/([^/]+)\/failover$/.exec(path);
  if (failover && method === 'POST') {
    const task = taskFrom(store, failover[1]);
    if (!task) return controlError(404, 'no task with this taskId', 'taskId');
    const r = store.failover(task);
    return answer(r.ok ? 200 : 409, { ...(r.ok ? {} : { error: r.reason }), task: trtcTaskView(store, task) });
  }

  const callbacks = callbackRoutes(method, path, body, deps.callbacks.sender, () => deps.callbacks.loop.configured());
  if (callbacks) return callbacks;

  if (path === '/__emulator/faults') {
    const r = faultRoutes(method, deps.faults, trtcFaultSchema, body);
    if (r) return r;
  }

  if (path === '/__emulator/rooms') {
    if (method === 'GET') return answer(200, { rooms: store.listRooms() });
    if (method === 'POST') {
      const p = parseControl(roomSchema, body, 'room');
      if (!p.ok) return p.result;
      const { sdkAppId, roomId, publishers, silentAnchors } = p.value;
      return answer(200, { room: store.setRoom(sdkAppId ?? null, roomId, { publishers, silentAnchors }) });
    }
  }

  if (route === 'GET /__emulator/apps/invalid') return answer(200, { invalidSdkAppIds: deps.apps.list() });
  const app = /^\/__emulator\/apps\/(\d+)\/invalid$/.exec(path);
  if (app && (method === 'POST' || method === 'DELETE')) {
    if (method === 'POST') deps.apps.mark(app[1]);
    else deps.apps.unmark(app[1]);
    return answer(200, { sdkAppId: Number(app[1]), invalid: method === 'POST' });
  }

  const down = /^\/__emulator\/hosts\/([^/]+)\/down$/.exec(path);
  if (down && method === 'POST') {
    if (down[1] !== 'primary') return controlError(404, 'the TRTC emulator has one host: "primary"', 'host');
    const p = parseControl(downSchema, body, 'host down request');
    if (!p.ok) return p.result;
    const ms = p.value.ms;
    return { ...answer(200, { host: 'primary', downForMs: ms }), after: () => deps.hostDown(ms) };
  }

  const shared = stateRoutes(route, query, deps);
  if (shared) return shared;

  return controlError(404, 'no such control route');
}
