import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/server';

export const APP = '0f3c5d7e9a1b4c6d8e0f2a4b6c8d0e1f';
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Res<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export const STORAGE = { vendor: 1, region: 0, bucket: 'bucket', accessKey: 'AKIAEMULATOR', secretKey: 'top-secret-key' };

export function startRequest(mode: 'mix' | 'individual' | 'web', extra: Record<string, unknown> = {}) {
  if (mode === 'web') {
    return {
      storageConfig: STORAGE,
      extensionServiceConfig: {
        extensionServices: [
          {
            serviceName: 'web_recorder_service',
            serviceParam: { url: 'https://example.com/page', audioProfile: 0, videoWidth: 1280, videoHeight: 720, maxRecordingHour: 1 },
          },
        ],
      },
      ...extra,
    };
  }
  const recordingConfig = mode === 'individual' ? { subscribeUidGroup: 0 } : {};
  return { token: 'rtc-token', storageConfig: STORAGE, recordingConfig, ...extra };
}

/** A vendor client over plain fetch, plus the control API. */
export class Client {
  readonly auth: string;
  constructor(
    readonly emu: RunningEmulator,
    readonly base = emu.baseUrl,
    readonly appId = APP,
  ) {
    this.auth = 'Basic ' + Buffer.from(`${emu.options.customerId}:${emu.options.customerSecret}`).toString('base64');
  }

  async raw(method: string, path: string, init: { body?: string; headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<Res> {
    const r = await fetch(this.base + path, { method, body: init.body, headers: init.headers, signal: init.signal });
    const text = await r.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* keep text */
    }
    return { status: r.status, body, headers: r.headers };
  }

  call(method: string, path: string, body?: unknown, opts: { signal?: AbortSignal; base?: string } = {}): Promise<Res> {
    const headers: Record<string, string> = { Authorization: this.auth };
    if (body !== undefined) headers['Content-Type'] = 'application/json;charset=utf-8';
    return this.raw(method, path, { body: body === undefined ? undefined : JSON.stringify(body), headers, signal: opts.signal });
  }

  path(op: string, rid?: string, sid?: string, mode = 'mix', appId = this.appId): string {
    const base = `/v1/apps/${appId}/cloud_recording`;
    if (op === 'acquire') return `${base}/acquire`;
    const r = encodeURIComponent(rid ?? '');
    if (op === 'start') return `${base}/resourceid/${r}/mode/${mode}/start`;
    return `${base}/resourceid/${r}/sid/${encodeURIComponent(sid ?? '')}/mode/${mode}/${op}`;
  }

  acquire(cname: string, uid: string, clientRequest: Record<string, unknown> = {}, opts: { signal?: AbortSignal } = {}) {
    return this.call('POST', this.path('acquire'), { cname, uid, clientRequest }, opts);
  }
  start(rid: string, mode: string, cname: string, uid: string, clientRequest: unknown, opts: { signal?: AbortSignal } = {}) {
    return this.call('POST', this.path('start', rid, undefined, mode), { cname, uid, clientRequest }, opts);
  }
  query(rid: string, sid: string, mode = 'mix', opts: { signal?: AbortSignal } = {}) {
    return this.call('GET', this.path('query', rid, sid, mode), undefined, opts);
  }
  update(rid: string, sid: string, mode: string, cname: string, uid: string, clientRequest: unknown) {
    return this.call('POST', this.path('update', rid, sid, mode), { cname, uid, clientRequest });
  }
  updateLayout(rid: string, sid: string, mode: string, cname: string, uid: string, clientRequest: unknown) {
    return this.call('POST', this.path('updateLayout', rid, sid, mode), { cname, uid, clientRequest });
  }
  stop(rid: string, sid: string, mode: string, cname: string, uid: string, clientRequest: unknown = {}) {
    return this.call('POST', this.path('stop', rid, sid, mode), { cname, uid, clientRequest });
  }

  /** acquire + start; fails the test if either doesn't succeed. */
  async record(cname: string, uid: string, mode: 'mix' | 'individual' | 'web' = 'mix', clientRequest?: unknown) {
    const acq = await this.acquire(cname, uid, mode === 'web' ? { scene: 1 } : {});
    expect(acq.status).toBe(200);
    const rid: string = acq.body.resourceId;
    const st = await this.start(rid, mode, cname, uid, clientRequest ?? startRequest(mode));
    expect(st.status).toBe(200);
    return { rid, sid: st.body.sid as string };
  }

  control(method: string, path: string, body?: unknown, base = this.base): Promise<Res> {
    const headers: Record<string, string> = body === undefined ? {} : { 'Content-Type': 'application/json' };
    const r = fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return r.then(async (x) => ({ status: x.status, body: await x.json(), headers: x.headers }));
  }

  async task(sid: string) {
    const r = await this.control('GET', '/__emulator/tasks');
    return (r.body.tasks as any[]).find((t) => t.sid === sid);
  }
}

/** Starts a fresh emulator per test file with fast timings; closes it afterwards. */
export function useEmulator(opts: EmulatorOptions = {}) {
  const ctx = {} as { emu: RunningEmulator; c: Client };
  beforeAll(async () => {
    ctx.emu = await startEmulator({ startDelayMs: 300, qps: 1000, ...opts });
    ctx.c = new Client(ctx.emu);
  });
  afterAll(async () => {
    await ctx.emu.close();
  });
  beforeEach(async () => {
    await ctx.c.control('POST', '/__emulator/reset');
  });
  return ctx;
}

let counter = 0;
export const uniqueCname = (prefix = 'room') => `${prefix}_${Date.now()}_${++counter}`;
