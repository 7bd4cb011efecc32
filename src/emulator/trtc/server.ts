import type { IncomingMessage, ServerResponse } from 'node:http';
import { InvalidApps } from '../apps';
import { sendJson } from '../http';
import { RateLimiter } from '../rate-limit';
import { callbackSettings, checkCallbackOptions } from '../shared/callback-control';
import { CallbackLoop } from '../shared/callback-loop';
import { CallbackSender } from '../shared/callback-sender';
import { isControlPath, serveControl } from '../shared/control';
import { TrtcCallbacks, trtcPolicy } from './callbacks';
import { FaultQueue } from '../shared/fault-queue';
import { Listener } from '../shared/listener';
import { guarded, Sleeps, splitUrl } from '../shared/requests';
import { handleTrtcControl } from './control';
import type { TrtcFaultSpec } from './faults';
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
  hourMs?: number; // one vendor hour (ResourceExpiredHour, UserSig lifetime); default 3600000
  invalidSdkAppIds?: string[]; // answered InvalidParameter.SdkAppId; default []
  sdkSecretKeys?: Record<string, string>; // SdkAppId → SDK secret key: such apps get their UserSig verified; default {}
  callbackUrl?: string; // recording callbacks go here; default '' (off)
  callbackSecret?: string; // the console callback key that signs them (Sign header); default '' (unsigned)
  uploadDelayMs?: number; // task end → upload done (305/310, 311/312); default 1000
  backupEvery?: number; // every Nth finished upload leaves files in backup (305/310 Status 1, 311 Status 1); default 0 (never)
  callbackTimeScale?: number; // multiplies the 5 s answer deadline and the resend intervals; default 1
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
  callbackUrl: '',
  callbackSecret: '',
  // The spec gives no upload time; a second keeps uploads visibly after the end.
  uploadDelayMs: 1000,
  backupEvery: 0,
  callbackTimeScale: 1,
};

/** Starts the TRTC cloud-recording emulator (API 3.0 at "/", control API under /__emulator). */
export async function startTrtcEmulator(opts: TrtcEmulatorOptions = {}): Promise<RunningTrtcEmulator> {
  const options: Required<TrtcEmulatorOptions> = { ...TRTC_DEFAULT_OPTIONS };
  for (const [k, v] of Object.entries(opts)) if (v !== undefined) (options as Record<string, unknown>)[k] = v;
  options.invalidSdkAppIds = [...options.invalidSdkAppIds];
  options.sdkSecretKeys = { ...options.sdkSecretKeys };
  checkOptions(options);

  const store = new TrtcStore(options);
  const faults = new FaultQueue<TrtcFaultSpec>();
  const apps = new InvalidApps(options.invalidSdkAppIds);
  const limiter = new RateLimiter(options.qps);
  const stats = new TrtcStats();
  const ops = new TrtcOperations(store, options, apps);
  const sleeps = new Sleeps();
  const sender = new CallbackSender(callbackSettings(options), trtcPolicy, store.now, '[trtc-emulator]');
  const callbacks = new TrtcCallbacks(store, sender);
  const loop = new CallbackLoop(sender, (since) => callbacks.pass(since), store.now, '[trtc-emulator]');

  let listener: Listener;
  const gatewayDeps = { accounts: [{ secretId: options.secretId, secretKey: options.secretKey }], store, ops, faults, limiter, qps: options.qps, stats, sleep: sleeps.sleep };
  const controlDeps = { store, faults, stats, limiter, apps, hostDown: (ms: number) => listener.down(ms), callbacks: { sender, loop, reset: () => callbacks.reset() } };

  async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { path, query } = splitUrl(req.url ?? '/');
    if (isControlPath(path)) {
      // An oversized control body has always been answered as not JSON here; kept so clients see no change.
      const limits = { maxBodyBytes: MAX_BODY_BYTES, tooLargeMessage: 'body is not valid JSON' };
      await serveControl(req, res, limits, (body) => handleTrtcControl(controlDeps, req.method ?? 'GET', path, query, body));
      return loop.poke();
    }
    const { reply, entry } = await handleApi(gatewayDeps, req, path);
    stats.record(entry);
    loop.poke();
    // A hung request keeps its socket until the client gives up or close() destroys it.
    if (!('status' in reply)) return;
    sendJson(res, reply.status, reply.body, reply.headers);
  }

  listener = new Listener('[trtc-emulator]', options.host, options.port, guarded('[trtc-emulator]', dispatch));
  await listener.listen();
  options.port = listener.port;
  loop.configured();

  return {
    baseUrl: listener.url,
    options,
    async close() {
      if (!sleeps.close()) return;
      loop.close();
      sender.close();
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
  checkCallbackOptions(o, 'trtc emulator');
}
