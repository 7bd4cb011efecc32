import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { InvalidApps } from '../apps';
import { ClientGone, parseJson, readBody, sendJson } from '../http';
import { isControlPath } from '../control';
import { RateLimiter } from '../rate-limit';
import { handleTrtcControl } from './control';
import { TrtcFaultQueue } from './faults';
import { handleApi, MAX_BODY_BYTES } from './gateway';
import { TrtcOperations } from './operations';
import { TrtcStore } from './state';
import { TrtcStats } from './stats';

export interface TrtcEmulatorOptions {
  host?: string; // default '127.0.0.1'
  port?: number; // 0 = free port (default 0)
  secretId?: string; // the account's API key id; default 'AKIDtrtcemulator'
  secretKey?: string; // default 'trtc-emulator-secret-key'
  startDelayMs?: number; // create (or HA re-pull) → robot pulling media; default 3000
  qps?: number; // per account (SecretId), all four actions together; default 20
  maxConcurrent?: number; // live tasks per account; default 100
  exitingMs?: number; // an ended task answers Describe with Status "Exited" this long; default 3000
  hourMs?: number; // one ResourceExpiredHour hour; default 3600000
  invalidSdkAppIds?: string[]; // answered InvalidParameter.SdkAppId; default []
  sdkSecretKeys?: Record<string, string>; // SdkAppId → SDK secret key: such apps get their UserSig verified; default {}
}

export interface RunningTrtcEmulator {
  baseUrl: string;
  options: Required<TrtcEmulatorOptions>;
  close(): Promise<void>;
}

export const TRTC_DEFAULT_OPTIONS: Required<TrtcEmulatorOptions> = {
  host: '127.0.0.1',
  port: 0,
  secretId: 'AKIDtrtcemulator',
  secretKey: 'trtc-emulator-secret-key',
  startDelayMs: 3000,
  qps: 20,
  maxConcurrent: 100,
  exitingMs: 3000,
  hourMs: 3_600_000,
  invalidSdkAppIds: [],
  sdkSecretKeys: {},
};

class EmulatorClosed extends Error {}

/** One HTTP listener that can be taken down (connections refused) and brought back on the same port. */
class Listener {
  private server: http.Server | null = null;
  private readonly sockets = new Set<Socket>();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly host: string,
    public port: number,
    private readonly handler: http.RequestListener,
  ) {}

  get url(): string {
    return `http://${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
  }

  async listen(): Promise<void> {
    const server = http.createServer(this.handler);
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => console.error('[trtc-emulator] listener error:', err));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  down(ms: number, attempt = 0): void {
    if (this.closed) return;
    if (attempt === 0) void this.shutdown();
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.closed || this.server) return;
      // The port can stay busy for a moment after close; retry briefly rather than give it up.
      this.listen().catch(() => (attempt < 100 ? this.down(50, attempt + 1) : console.error('[trtc-emulator] listener could not come back')));
    }, ms);
  }

  private shutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    return server ? new Promise((resolve) => server.close(() => resolve())) : Promise.resolve();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.shutdown();
  }
}

/** Starts the TRTC cloud-recording emulator (API 3.0 at "/", control API under /__emulator). */
export async function startTrtcEmulator(opts: TrtcEmulatorOptions = {}): Promise<RunningTrtcEmulator> {
  const options: Required<TrtcEmulatorOptions> = { ...TRTC_DEFAULT_OPTIONS };
  for (const [k, v] of Object.entries(opts)) if (v !== undefined) (options as Record<string, unknown>)[k] = v;
  options.invalidSdkAppIds = [...options.invalidSdkAppIds];
  options.sdkSecretKeys = { ...options.sdkSecretKeys };
  checkOptions(options);

  const store = new TrtcStore(options);
  const faults = new TrtcFaultQueue();
  const apps = new InvalidApps(options.invalidSdkAppIds);
  const limiter = new RateLimiter(options.qps);
  const stats = new TrtcStats();
  const ops = new TrtcOperations(store, options, apps);
  const timers = new Map<NodeJS.Timeout, (err: Error) => void>();
  let closed = false;
  const sleep = (ms: number) =>
    new Promise<void>((resolve, reject) => {
      if (closed) return reject(new EmulatorClosed());
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.set(t, reject);
    });

  let listener: Listener;
  const gatewayDeps = { accounts: [{ secretId: options.secretId, secretKey: options.secretKey }], store, ops, faults, limiter, qps: options.qps, stats, sleep };
  const controlDeps = { store, faults, stats, limiter, apps, hostDown: (ms: number) => listener.down(ms) };

  async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    if (isControlPath(path)) {
      let body: unknown;
      try {
        if (req.method === 'GET') req.resume();
        else body = parseJson(await readBody(req, MAX_BODY_BYTES));
      } catch (err) {
        if (err instanceof ClientGone) return;
        return sendJson(res, 400, { error: 'body is not valid JSON', field: 'body' }, { Connection: 'close' });
      }
      const r = handleTrtcControl(controlDeps, req.method ?? 'GET', path, new URLSearchParams(q === -1 ? '' : url.slice(q + 1)), body);
      if (r.after) {
        res.on('finish', r.after);
        return sendJson(res, r.reply.status, r.reply.body, { Connection: 'close' });
      }
      return sendJson(res, r.reply.status, r.reply.body);
    }
    const { reply, entry } = await handleApi(gatewayDeps, req, path);
    stats.record(entry);
    // A hung request keeps its socket until the client gives up or close() destroys it.
    if (!('status' in reply)) return;
    sendJson(res, reply.status, reply.body, reply.headers);
  }

  listener = new Listener(options.host, options.port, (req, res) => {
    dispatch(req, res).catch((err: unknown) => {
      if (err instanceof EmulatorClosed || err instanceof ClientGone) return void res.destroy();
      console.error('[trtc-emulator] internal error:', err);
      sendJson(res, 500, { message: 'emulator internal error' });
    });
  });
  await listener.listen();
  options.port = listener.port;

  return {
    baseUrl: listener.url,
    options,
    async close() {
      if (closed) return;
      closed = true;
      for (const [t, reject] of timers) {
        clearTimeout(t);
        reject(new EmulatorClosed());
      }
      timers.clear();
      await listener.close();
    },
  };
}

function checkOptions(o: Required<TrtcEmulatorOptions>): void {
  const int = (name: keyof TrtcEmulatorOptions, min: number, max = Number.MAX_SAFE_INTEGER) => {
    const v = o[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
      throw new TypeError(`trtc emulator option ${name} must be an integer in [${min}, ${max}], got ${String(v)}`);
  };
  int('port', 0, 65535);
  int('startDelayMs', 0);
  int('qps', 1);
  int('maxConcurrent', 0);
  int('exitingMs', 0);
  int('hourMs', 1);
  for (const name of ['host', 'secretId', 'secretKey'] as const) {
    if (typeof o[name] !== 'string' || o[name] === '') throw new TypeError(`trtc emulator option ${name} must be a non-empty string`);
  }
  if (!Array.isArray(o.invalidSdkAppIds) || o.invalidSdkAppIds.some((a) => !/^\d+$/.test(String(a))))
    throw new TypeError('trtc emulator option invalidSdkAppIds must be an array of decimal SdkAppIds');
  for (const [app, key] of Object.entries(o.sdkSecretKeys)) {
    if (!/^\d+$/.test(app) || typeof key !== 'string' || key === '')
      throw new TypeError('trtc emulator option sdkSecretKeys must map decimal SdkAppIds to non-empty keys');
  }
}
