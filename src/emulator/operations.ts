import type { Op } from './faults';
import { reply, type Reply } from './http';
import { MODES, type Mode, type Store, type Task } from './state';
import {
  invalidMode,
  validateAcquire,
  validateStart,
  validateStop,
  validateUpdate,
  validateUpdateLayout,
  VendorError,
} from './validation';

export interface Route {
  op: Op;
  appId: string;
  resourceId?: string;
  sid?: string;
  mode?: string;
}

export interface OperationOptions {
  maxConcurrent: number;
  /**
   * Whether a stop answers before the upload is done: true while the emulator models the upload
   * (callbacks on, uploadDelayMs > 0). Then stop says `uploadingStatus: "unknown"` (spec §4.6, a
   * sync stop that did not see its upload finish) and the NCS 31/32 settles it, as with the vendor.
   */
  uploadOutlastsStop?: () => boolean;
}

/** The recording service behind the gateway: each method performs one vendor operation or throws a VendorError. */
export class Operations {
  constructor(
    private readonly store: Store,
    private readonly opts: OperationOptions,
  ) {}

  run(route: Route, body: unknown, stuck = false): Reply {
    switch (route.op) {
      case 'acquire':
        return this.acquire(route.appId, body);
      case 'start':
        return this.start(route, body, stuck);
      case 'query':
        return this.query(route);
      case 'update':
        return this.update(route, body);
      case 'updateLayout':
        return this.updateLayout(route, body);
      case 'stop':
        return this.stop(route, body);
    }
  }

  private acquire(appId: string, body: unknown): Reply {
    const req = validateAcquire(body);
    if (this.store.liveCount(appId) >= this.opts.maxConcurrent) throw new VendorError(400, 406, 'vendor_over_load');
    const res = this.store.acquire(appId, req.cname, req.uid, req.scene, req.resourceExpiredHour);
    return reply(200, { cname: req.cname, uid: req.uid, resourceId: res.id });
  }

  private start(route: Route, body: unknown, stuck: boolean): Reply {
    const mode = this.mode(route);
    const req = validateStart(mode, body);
    const resourceId = route.resourceId ?? '';
    const res = this.store.resources.get(resourceId);
    if (!res) throw new VendorError(400, 1001, 'failed to parse resourceId');
    const echo = { cname: req.cname, uid: req.uid, resourceId };
    if (res.appId !== route.appId || res.cname !== req.cname || res.uid !== req.uid)
      throw new VendorError(400, 432, 'appid, cname or uid does not match resourceId', echo);
    if ((mode === 'web') !== (res.scene === 1))
      throw new VendorError(400, 432, 'acquire scene does not match recording mode', echo);
    if (res.sid !== null) {
      const task = this.store.findTask(res.sid);
      if (task && task.endedAt === null) return reply(201, { ...echo, sid: task.sid, code: 7, reason: 'already started' });
      throw new VendorError(400, 433, 'resource already used', echo);
    }
    if (this.store.resourceExpired(res)) throw new VendorError(400, 433, 'resource expired', echo);
    if (this.store.liveTask(route.appId, req.cname, req.uid)) throw new VendorError(400, 53, 'task conflict', echo);
    // Acquire is the documented gate (406); this only catches clients that hoard resourceIds and start them later.
    if (this.store.liveCount(route.appId) >= this.opts.maxConcurrent)
      throw new VendorError(500, 502, 'Failed to allocate worker', { ...echo, sid: '' });
    const task = this.store.start(res, mode, req.config, stuck);
    return reply(200, { ...echo, sid: task.sid });
  }

  private query(route: Route): Reply {
    const at = this.store.now(); // one instant for "still exiting?" and the status shown
    const task = this.taskFor(route, this.mode(route), undefined, true, at);
    return reply(200, { ...ids(task), serverResponse: this.queryResponse(task, at) });
  }

  private update(route: Route, body: unknown): Reply {
    const mode = this.mode(route);
    const req = validateUpdate(mode, body);
    const task = this.liveTaskFor(route, mode, req);
    if (req.streamSubscribe) task.subscriptions = req.streamSubscribe;
    if (task.web && req.onhold !== undefined) task.web.onhold = req.onhold;
    if (task.web && req.rtmpUrls) task.web.rtmpUrls = req.rtmpUrls;
    task.updateCount++;
    return reply(200, ids(task));
  }

  private updateLayout(route: Route, body: unknown): Reply {
    const mode = this.mode(route);
    if (mode !== 'mix') throw invalidMode('updateLayout');
    const req = validateUpdateLayout(body);
    const task = this.liveTaskFor(route, mode, req);
    // Each call replaces the whole layout, so keep exactly what was sent.
    task.layout = req.clientRequest;
    task.layoutCount++;
    return reply(200, ids(task));
  }

  private stop(route: Route, body: unknown): Reply {
    const mode = this.mode(route);
    const req = validateStop(body);
    const task = this.taskFor(route, mode, req, true);
    // A recorder already on its way out (stopped, or left after maxIdleTime) refuses another stop (spec §7.1).
    if (task.endedAt !== null) throw new VendorError(400, 49, 'invalid operation', ids(task));
    this.store.end(task, 'stopped');
    if (!this.store.recorded(task)) return reply(206, { ...ids(task), code: 435, reason: 'no recorded data' });
    return reply(200, { ...ids(task), serverResponse: this.stopResponse(task) });
  }

  private mode(route: Route): Mode {
    const mode = route.mode as Mode;
    if (!MODES.includes(mode)) throw invalidMode(route.op);
    return mode;
  }

  private liveTaskFor(route: Route, mode: Mode, req?: { cname: string; uid: string }): Task {
    return this.taskFor(route, mode, req, false);
  }

  /**
   * The worker addressed by resourceId+sid+mode, or the vendor's 404; a body naming another cname/uid is 432.
   * With `exiting`, a task inside its exiting window (see Store.exiting) is found too.
   */
  private taskFor(
    route: Route,
    mode: Mode,
    req: { cname: string; uid: string } | undefined,
    exiting: boolean,
    at = this.store.now(),
  ): Task {
    const task = route.sid ? this.store.findTask(route.sid) : undefined;
    const echo = {
      ...(req ? { cname: req.cname, uid: req.uid } : {}),
      resourceId: route.resourceId ?? '',
      sid: route.sid ?? '',
    };
    const found =
      task &&
      (task.endedAt === null || (exiting && this.store.exiting(task, at))) &&
      task.appId === route.appId &&
      task.resourceId === route.resourceId &&
      task.mode === mode &&
      at < task.expiresAt &&
      !this.store.failingOver(task, at);
    if (!found) throw new VendorError(404, 404, 'failed to find worker', echo);
    if (req && (req.cname !== task.cname || req.uid !== task.uid))
      throw new VendorError(400, 432, 'cname or uid does not match resourceId', echo);
    return task;
  }

  private queryResponse(task: Task, at: number): Record<string, unknown> {
    const status = this.store.status(task, at);
    // An exiting task shows what it had recorded when it ended.
    const filesAt = task.endedAt ?? at;
    if (task.mode === 'web') {
      const state = task.endedAt !== null ? 'exit' : status >= 5 ? 'inProgress' : 'init';
      return { status, extensionServiceState: this.webState(task, state, filesAt) };
    }
    const sliceStartTime = this.store.sliceStartTime(task, filesAt);
    if (task.screenshotOnly) return { status, sliceStartTime };
    return { status, ...this.store.fileList(task, filesAt), sliceStartTime };
  }

  private stopResponse(task: Task): Record<string, unknown> {
    const uploadingStatus = this.opts.uploadOutlastsStop?.() ? 'unknown' : 'uploaded';
    if (task.mode === 'web') {
      return {
        extensionServiceState: [
          { serviceName: 'upload_service', payload: { uploadingStatus } },
          ...this.webState(task, 'exit').filter((s) => s.serviceName === 'web_recorder_service'),
        ],
      };
    }
    if (task.screenshotOnly) return { uploadingStatus };
    return { ...this.store.fileList(task), uploadingStatus };
  }

  private webState(task: Task, state: 'init' | 'inProgress' | 'exit', at?: number) {
    const web = task.web ?? { recorder: false, onhold: false, rtmpUrls: [] };
    const services: Array<{ serviceName: string; payload: Record<string, unknown> }> = [];
    if (web.recorder) {
      services.push({
        serviceName: 'web_recorder_service',
        payload: { fileList: this.store.webFiles(task, at), onhold: web.onhold, state },
      });
    }
    if (web.rtmpUrls.length > 0) {
      const status = web.onhold ? 'onhold' : state === 'inProgress' ? 'publishing' : state === 'exit' ? 'disconnected' : 'connecting';
      services.push({
        serviceName: 'rtmp_publish_service',
        payload: { outputs: web.rtmpUrls.map((rtmpUrl) => ({ rtmpUrl, status })), state },
      });
    }
    return services;
  }
}

function ids(task: Task) {
  return { cname: task.cname, uid: task.uid, resourceId: task.resourceId, sid: task.sid };
}
