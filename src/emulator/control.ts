import { z } from 'zod';
import type { InvalidApps } from './apps';
import { faultSchema, type FaultSpec } from './faults';
import type { RateLimiter } from './rate-limit';
import type { Store, Task } from './state';
import type { HostName, Stats } from './stats';
import { timelineRoute } from './timeline';
import { isValidUid } from './validation';
import type { FaultQueue } from './shared/fault-queue';
import { callbackRoutes } from './shared/callback-control';
import type { CallbackLoop } from './shared/callback-loop';
import type { CallbackSender } from './shared/callback-sender';
import { answer, controlError, faultRoutes, parseControl, stateRoutes, type ControlResult } from './shared/control';

export interface ControlDeps {
  store: Store;
  faults: FaultQueue<FaultSpec>;
  stats: Stats;
  limiter: RateLimiter;
  apps: InvalidApps;
  /** Takes a listener down; runs after the control reply is sent, since that reply may travel on the same listener. */
  hostDown(host: HostName, ms: number): void;
  callbacks: { sender: CallbackSender; loop: CallbackLoop; reset(): void };
}

const channelSchema = z.strictObject({
  appId: z.string().min(1).optional(),
  cname: z.string().min(1),
  empty: z.boolean().optional(),
  users: z.array(z.string().refine(isValidUid, 'must be a decimal uid string in 1..2^32-1')).optional(),
});

/** How long an emulated failover keeps the recorder unreachable when the request names no time. */
export const DEFAULT_FAILOVER_MS = 1000;

const expireSchema = z.strictObject({ what: z.enum(['token', 'resource']) });
const downSchema = z.strictObject({ ms: z.int().min(1).max(3_600_000) });
const failoverSchema = z.strictObject({ ms: z.int().min(1).max(3_600_000).default(DEFAULT_FAILOVER_MS) });

/** A task as GET /__emulator/tasks lists it (tests, chaos and benchmarks read it). */
export type TaskView = ReturnType<typeof taskView>;

/** Public view of a task: never storage keys or tokens. Times are epoch ms. */
export function taskView(store: Store, t: Task) {
  return {
    appId: t.appId,
    cname: t.cname,
    uid: t.uid,
    resourceId: t.resourceId,
    sid: t.sid,
    mode: t.mode,
    status: store.status(t),
    live: t.endedAt === null,
    startedAt: t.startedAt,
    endedAt: t.endedAt,
    endReason: t.endReason,
    stuck: t.stuck,
    hasToken: t.hasToken,
    tokenExpiresAt: t.tokenExpiresAt,
    manageableUntil: t.expiresAt,
    subscriptions: t.subscriptions,
    layout: t.layout,
    effectiveLayout: effectiveLayout(t),
    effectiveSubscriptions: effectiveSubscriptions(t),
    callbackUid: store.uidAt(t),
    failovers: t.failovers.map((f) => ({ ...f })),
    updateCount: t.updateCount,
    layoutCount: t.layoutCount,
  };
}

/** The unauthenticated `/__emulator/*` API used by tests and demos to observe and steer the emulator. */
export function handleControl(deps: ControlDeps, method: string, path: string, query: URLSearchParams, body: unknown): ControlResult {
  const { store } = deps;
  const route = `${method} ${path}`;

  if (route === 'GET /__emulator/health') return answer(200, { ok: true });
  const timeline = timelineRoute(store, method, path, query);
  if (timeline) return timeline;

  if (route === 'GET /__emulator/tasks') {
    store.refresh();
    return answer(200, { tasks: [...store.tasks.values()].map((t) => taskView(store, t)) });
  }

  const failover = /^\/__emulator\/tasks\/([^/]+)\/failover$/.exec(path);
  if (failover && method === 'POST') {
    const task = store.findTask(decodeURIComponent(failover[1]));
    if (!task) return controlError(404, 'no task with this sid');
    const p = parseControl(failoverSchema, body, 'failover request');
    if (!p.ok) return p.result;
    const f = store.failover(task, p.value.ms);
    if (!f) return controlError(409, 'the recorder has ended or is already failing over', 'sid');
    return answer(200, { failover: f, task: taskView(store, task) });
  }

  const callbacks = callbackRoutes(method, path, body, deps.callbacks.sender, () => deps.callbacks.loop.configured());
  if (callbacks) return callbacks;

  const exit = /^\/__emulator\/tasks\/([^/]+)\/exit$/.exec(path);
  if (exit && method === 'POST') {
    const task = store.findTask(decodeURIComponent(exit[1]));
    if (!task) return controlError(404, 'no task with this sid');
    store.end(task, 'killed');
    return answer(200, { task: taskView(store, task) });
  }

  const expire = /^\/__emulator\/tasks\/([^/]+)\/expire$/.exec(path);
  if (expire && method === 'POST') {
    const task = store.findTask(decodeURIComponent(expire[1]));
    if (!task) return controlError(404, 'no task with this sid');
    const p = parseControl(expireSchema, body, 'expire request');
    if (!p.ok) return p.result;
    store.expire(task, p.value.what);
    return answer(200, { task: taskView(store, task) });
  }

  if (path === '/__emulator/faults') {
    const r = faultRoutes(method, deps.faults, faultSchema, body);
    if (r) return r;
  }

  if (path === '/__emulator/channels') {
    if (method === 'GET') return answer(200, { channels: store.listChannels() });
    if (method === 'POST') {
      const p = parseControl(channelSchema, body, 'channel');
      if (!p.ok) return p.result;
      const { appId, cname, empty, users } = p.value;
      return answer(200, { channel: store.setChannel(appId ?? null, cname, { empty, users }) });
    }
  }

  if (route === 'GET /__emulator/apps/invalid') return answer(200, { invalidAppIds: deps.apps.list() });

  const app = /^\/__emulator\/apps\/([^/]+)\/invalid$/.exec(path);
  if (app && (method === 'POST' || method === 'DELETE')) {
    let appId: string;
    try {
      appId = decodeURIComponent(app[1]);
    } catch {
      return controlError(400, 'malformed %-escape', 'appId');
    }
    if (method === 'POST') deps.apps.mark(appId);
    else deps.apps.unmark(appId);
    return answer(200, { appId, invalid: method === 'POST' });
  }

  const down = /^\/__emulator\/hosts\/([^/]+)\/down$/.exec(path);
  if (down && method === 'POST') {
    const host = down[1];
    if (host !== 'primary' && host !== 'alternate') return controlError(404, 'host must be "primary" or "alternate"', 'host');
    const p = parseControl(downSchema, body, 'host down request');
    if (!p.ok) return p.result;
    const ms = p.value.ms;
    return { ...answer(200, { host, downForMs: ms }), after: () => deps.hostDown(host, ms) };
  }

  const shared = stateRoutes(route, query, deps);
  if (shared) return shared;

  return answer(404, { message: 'no Route matched with those values' });
}

/** The mix layout in effect: the latest updateLayout, else start's transcodingConfig, else the vendor default (floating). */
function effectiveLayout(t: Task): Record<string, unknown> | null {
  if (t.mode !== 'mix') return null;
  return (t.layout as Record<string, unknown> | null) ?? t.startLayout ?? { mixedVideoLayout: 0 };
}

type Subscription = { mode: 'all' } | { mode: 'only'; uids: string[] } | { mode: 'except'; uids: string[] } | { mode: 'none' };

/** What the recorder subscribes now, per media: the vendor rule is that with only one media list set, the other media is off. */
function effectiveSubscriptions(t: Task): { audio: Subscription; video: Subscription } | null {
  if (t.mode === 'web') return null;
  const subs = t.subscriptions;
  const one = (kind: 'Audio' | 'Video'): Subscription => {
    if ((kind === 'Audio' && t.streamTypes === 1) || (kind === 'Video' && t.streamTypes === 0)) return { mode: 'none' };
    if (!subs) return { mode: 'all' };
    const list = subs[`${kind.toLowerCase()}UidList`] as Record<string, string[]> | undefined;
    if (!list) return subs[kind === 'Audio' ? 'videoUidList' : 'audioUidList'] ? { mode: 'none' } : { mode: 'all' };
    const allow = list[`subscribe${kind}Uids`];
    const deny = list[`unsubscribe${kind}Uids`] ?? list[`unSubscribe${kind}Uids`];
    if (allow) return allow.includes('#allstream#') ? { mode: 'all' } : { mode: 'only', uids: [...allow] };
    if (deny) return { mode: 'except', uids: [...deny] };
    return { mode: 'all' };
  };
  return { audio: one('Audio'), video: one('Video') };
}
