import { z } from 'zod';
import type { InvalidApps } from './apps';
import { faultSchema, type FaultSpec } from './faults';
import type { RateLimiter } from './rate-limit';
import type { Store, Task } from './state';
import type { HostName, Stats } from './stats';
import { timelineRoute } from './timeline';
import { isValidUid } from './validation';
import type { FaultQueue } from './shared/fault-queue';
import { answer, controlError, faultRoutes, parseControl, stateRoutes, type ControlResult } from './shared/control';

export interface ControlDeps {
  store: Store;
  faults: FaultQueue<FaultSpec>;
  stats: Stats;
  limiter: RateLimiter;
  apps: InvalidApps;
  /** Takes a listener down; runs after the control reply is sent, since that reply may travel on the same listener. */
  hostDown(host: HostName, ms: number): void;
}

const channelSchema = z.strictObject({
  appId: z.string().min(1).optional(),
  cname: z.string().min(1),
  empty: z.boolean().optional(),
  users: z.array(z.string().refine(isValidUid, 'must be a decimal uid string in 1..2^32-1')).optional(),
});

const downSchema = z.strictObject({ ms: z.int().min(1).max(3_600_000) });

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
    subscriptions: t.subscriptions,
    layout: t.layout,
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

  const exit = /^\/__emulator\/tasks\/([^/]+)\/exit$/.exec(path);
  if (exit && method === 'POST') {
    const task = store.findTask(decodeURIComponent(exit[1]));
    if (!task) return controlError(404, 'no task with this sid');
    store.end(task, 'killed');
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

  const shared = stateRoutes(route, query, { ...deps, store });
  if (shared) return shared;

  return answer(404, { message: 'no Route matched with those values' });
}
