import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { InvalidApps } from './apps';
import { handleControl } from './control';
import type { FaultSpec } from './faults';
import { sendJson } from './http';
import { Operations } from './operations';
import { RateLimiter } from './rate-limit';
import { Store } from './state';
import { Stats, type HostName, type LogEntry } from './stats';
import { handleVendor, matchRoute, MAX_BODY_BYTES, NO_ROUTE, type VendorDeps } from './vendor';
import { AgoraCallbacks, agoraPolicy } from './callbacks';
import { callbackSettings, checkCallbackOptions } from './shared/callback-control';
import { CallbackLoop } from './shared/callback-loop';
import { CallbackSender } from './shared/callback-sender';
import { isControlPath, serveControl } from './shared/control';
import { FaultQueue } from './shared/fault-queue';
import { Listener } from './shared/listener';
import { guarded, Sleeps, splitUrl } from './shared/requests';

export interface EmulatorOptions {
  host?: string; // default '127.0.0.1'
  port?: number; // primary listener; 0 = free port (default 0)
  altPort?: number; // alternate listener; 0 = free port (default 0)
  customerId?: string; // default 'emulator-customer-id'
  customerSecret?: string; // default 'emulator-customer-secret'
  startDelayMs?: number; // time for a started task to climb status 0→5; default 3000
  qps?: number; // per App ID; default 10
  maxConcurrent?: number; // live tasks per App ID; default 50
  resourceTtlMs?: number; // resourceId validity; default 300000 (5 min)
  exitingMs?: number; // after stop / idle exit: status 6→7 window where a stop answers 400 code 49; default 0 (off)
  invalidAppIds?: string[]; // App IDs whose every request gets 400 {"message":"appid is invalid"}; default []
  callbackUrl?: string; // NCS callbacks go here; default '' (off)
  callbackSecret?: string; // NCS signing secret; default '' (unsigned)
  uploadDelayMs?: number; // recorder end → upload done (31/32, 11); default 1000
  backupEvery?: number; // every Nth finished upload ends "backuped" (32); default 0 (never)
  callbackTimeScale?: number; // multiplies the NCS answer deadline and resend intervals; default 1
  hourMs?: number; // one vendor hour (resourceExpiredHour, RTC token lifetimes); default 3600000
}

export interface RunningEmulator {
  baseUrl: string; // primary
  altBaseUrl: string; // alternate listener, same state
  options: Required<EmulatorOptions>;
  close(): Promise<void>; // closes both listeners, destroys sockets, clears timers
}

export const DEFAULT_OPTIONS: Required<EmulatorOptions> = {
  host: '127.0.0.1',
  port: 0,
  altPort: 0,
  customerId: 'emulator-customer-id',
  customerSecret: 'emulator-customer-secret',
  startDelayMs: 3000,
  qps: 10,
  // The strictest documented PCW (current English best practices); see docs/emulator.md.
  maxConcurrent: 50,
  resourceTtlMs: 300_000,
  // Off by default so a duplicate stop keeps answering 404 (see docs/emulator.md, "Exiting window").
  exitingMs: 0,
  invalidAppIds: [],
  callbackUrl: '',
  callbackSecret: '',
  // The spec gives no upload time; a second keeps uploads visibly after the stop.
  uploadDelayMs: 1000,
  backupEvery: 0,
  callbackTimeScale: 1,
  hourMs: 3_600_000,
};

/** Starts both listeners over one shared state. */
export async function startEmulator(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
  const options: Required<EmulatorOptions> = { ...DEFAULT_OPTIONS, invalidAppIds: [...DEFAULT_OPTIONS.invalidAppIds] };
  for (const [key, value] of Object.entries(opts)) {
    if (value !== undefined) (options as Record<string, unknown>)[key] = Array.isArray(value) ? [...value] : value;
  }
  checkOptions(options);

  const store = new Store(options);
  const faults = new FaultQueue<FaultSpec>();
  const apps = new InvalidApps(options.invalidAppIds);
  const limiter = new RateLimiter(options.qps);
  const stats = new Stats();
  const sender = new CallbackSender(callbackSettings(options), agoraPolicy, store.now, '[emulator]');
  const ops = new Operations(store, { ...options, uploadOutlastsStop: () => sender.enabled && sender.settings.uploadDelayMs > 0 });
  const sleeps = new Sleeps();
  const callbacks = new AgoraCallbacks(store, sender);
  const loop = new CallbackLoop(sender, (since) => callbacks.pass(since), store.now, '[emulator]');

  const vendorDeps: VendorDeps = { ...options, store, ops, faults, limiter, stats, apps, sleep: sleeps.sleep };
  const listeners: Record<HostName, Listener> = {} as Record<HostName, Listener>;
  const controlDeps = { store, faults, stats, limiter, apps, hostDown: (h: HostName, ms: number) => listeners[h].down(ms), callbacks: { sender, loop, reset: () => callbacks.reset() } };

  async function dispatch(req: IncomingMessage, res: ServerResponse, host: HostName): Promise<void> {
    const method = req.method ?? 'GET';
    const { path, query } = splitUrl(req.url ?? '/');

    if (isControlPath(path)) {
      const limits = { maxBodyBytes: MAX_BODY_BYTES, tooLargeMessage: 'body too large' };
      await serveControl(req, res, limits, (body) => handleControl(controlDeps, method, path, query, body));
      return loop.poke();
    }

    const route = matchRoute(method, path);
    if (!route) {
      req.resume();
      const entry: LogEntry = { op: null, appId: null, cname: null, uid: null, sid: null, httpStatus: 404, code: null, host, at: store.now() };
      stats.record(entry);
      return sendJson(res, 404, NO_ROUTE);
    }
    const { reply, entry } = await handleVendor(vendorDeps, req, route, host);
    stats.record(entry);
    loop.poke();
    // A hung request keeps its socket until the client gives up or close() destroys it.
    if (!('status' in reply)) return;
    sendJson(res, reply.status, reply.body, reply.headers);
  }

  const handlerFor = (host: HostName) =>
    guarded('[emulator]', (req, res) => {
      res.setHeader('X-Request-Id', randomUUID());
      return dispatch(req, res, host);
    });

  listeners.primary = new Listener('[emulator] primary', options.host, options.port, handlerFor('primary'));
  listeners.alternate = new Listener('[emulator] alternate', options.host, options.altPort, handlerFor('alternate'));
  await listeners.primary.listen();
  try {
    await listeners.alternate.listen();
  } catch (err) {
    await listeners.primary.close();
    throw err;
  }
  options.port = listeners.primary.port;
  options.altPort = listeners.alternate.port;
  loop.configured();

  return {
    baseUrl: listeners.primary.url,
    altBaseUrl: listeners.alternate.url,
    options,
    async close() {
      if (!sleeps.close()) return;
      loop.close();
      sender.close();
      await Promise.all([listeners.primary.close(), listeners.alternate.close()]);
    },
  };
}

function checkOptions(o: Required<EmulatorOptions>): void {
  const int = (name: keyof EmulatorOptions, min: number, max = Number.MAX_SAFE_INTEGER) => {
    const v = o[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
      throw new TypeError(`emulator option ${name} must be an integer in [${min}, ${max}], got ${String(v)}`);
  };
  int('port', 0, 65535);
  int('altPort', 0, 65535);
  int('startDelayMs', 0);
  int('qps', 1);
  int('maxConcurrent', 0);
  int('resourceTtlMs', 1);
  int('exitingMs', 0);
  int('hourMs', 1);
  if (!Array.isArray(o.invalidAppIds) || o.invalidAppIds.some((a) => typeof a !== 'string' || a === ''))
    throw new TypeError('emulator option invalidAppIds must be an array of non-empty strings');
  for (const name of ['host', 'customerId', 'customerSecret'] as const) {
    if (typeof o[name] !== 'string' || o[name] === '') throw new TypeError(`emulator option ${name} must be a non-empty string`);
  }
  checkCallbackOptions(o, 'emulator');
}
