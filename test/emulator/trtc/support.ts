import { CommonClient } from 'tencentcloud-sdk-nodejs-common';
import { startTrtcEmulator, type RunningTrtcEmulator, type TrtcEmulatorOptions } from '../../../src/emulator/trtc/server';
import { tc3Signature } from '../../../src/emulator/trtc/tc3';
import { createHash } from 'node:crypto';

export const APP = 1400188366;
/** Emulator timings for tests: generous enough that a loaded 2-core machine still sees Idle right after Create. */
export const JOIN_MS = 500;
export const EXIT_MS = 800;
export const AFTER_JOIN = JOIN_MS + 150;
export const AFTER_EXIT = EXIT_MS + 100;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const COS = { Vendor: 0, Region: 'ap-shanghai', Bucket: 'rec-1250000000', AccessKey: 'AKIDcosaccess', SecretKey: 'cos-top-secret' };

let n = 0;
export const uniqueRoom = () => String(100000 + (Date.now() % 100000) * 10 + (++n % 10));

export function createBody(roomId: string, extra: Record<string, unknown> = {}, record: Record<string, unknown> = {}) {
  return {
    SdkAppId: APP,
    RoomId: roomId,
    UserId: `rec_${roomId}`,
    UserSig: 'robot-user-sig-value',
    RecordParams: { RecordMode: 1, MaxIdleTime: 5, ...record },
    StorageParams: { CloudStorage: COS },
    ...extra,
  };
}

export interface Answer {
  httpStatus: number;
  body: any;
}

/** Talks to the emulator the way Tencent's SDK signs (TC3), but returns the raw envelope instead of throwing. */
export class TrtcTestClient {
  readonly sdk: CommonClient;
  constructor(
    readonly emu: RunningTrtcEmulator,
    readonly secretKey = emu.options.secretKey,
  ) {
    const endpoint = emu.baseUrl.replace('http://', '');
    this.sdk = new CommonClient(endpoint, '2019-07-22', {
      credential: { secretId: emu.options.secretId, secretKey: secretKey },
      region: 'ap-guangzhou',
      profile: { httpProfile: { endpoint, protocol: 'http://', reqTimeout: 10 } },
    });
  }

  /** Signs and posts `body` as-is (any JSON, even invalid bodies); `headers` override/extend the signed request. */
  async raw(action: string, body: unknown, opts: { headers?: Record<string, string | undefined>; text?: string; sendText?: string; ts?: number; secretKey?: string } = {}): Promise<Answer> {
    const text = opts.text ?? JSON.stringify(body);
    const ts = String(opts.ts ?? Math.floor(Date.now() / 1000));
    const date = new Date(Number(ts) * 1000).toISOString().slice(0, 10);
    const host = new URL(this.emu.baseUrl).host;
    const payloadHash = createHash('sha256').update(text).digest('hex');
    const sig = tc3Signature(opts.secretKey ?? this.secretKey, {
      date,
      service: 'trtc',
      timestamp: ts,
      canonicalHeaders: `content-type:application/json\nhost:${host}\n`,
      signedHeaders: 'content-type;host',
      payloadHash,
    });
    const headers: Record<string, string | undefined> = {
      'Content-Type': 'application/json',
      'X-TC-Action': action,
      'X-TC-Version': '2019-07-22',
      'X-TC-Region': 'ap-guangzhou',
      'X-TC-Timestamp': ts,
      Authorization: `TC3-HMAC-SHA256 Credential=${this.emu.options.secretId}/${date}/trtc/tc3_request, SignedHeaders=content-type;host, Signature=${sig}`,
      ...opts.headers,
    };
    const clean = Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined)) as Record<string, string>;
    const r = await fetch(this.emu.baseUrl + '/', { method: 'POST', headers: clean, body: opts.sendText ?? text });
    const t = await r.text();
    let parsed: unknown = t;
    try {
      parsed = JSON.parse(t);
    } catch {
      /* keep text */
    }
    return { httpStatus: r.status, body: parsed };
  }

  async call(action: string, body: unknown) {
    const a = await this.raw(action, body);
    return a.body.Response as any;
  }

  async create(roomId: string, extra: Record<string, unknown> = {}, record: Record<string, unknown> = {}): Promise<string> {
    const r = await this.call('CreateCloudRecording', createBody(roomId, extra, record));
    expect(r.Error).toBeUndefined();
    return r.TaskId as string;
  }
  describe(taskId: string, sdkAppId = APP) {
    return this.call('DescribeCloudRecording', { SdkAppId: sdkAppId, TaskId: taskId });
  }
  modify(taskId: string, extra: Record<string, unknown>) {
    return this.call('ModifyCloudRecording', { SdkAppId: APP, TaskId: taskId, ...extra });
  }
  delete(taskId: string) {
    return this.call('DeleteCloudRecording', { SdkAppId: APP, TaskId: taskId });
  }

  async control(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const r = await fetch(this.emu.baseUrl + path, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: r.status, body: await r.json() };
  }

  async task(taskId: string) {
    const r = await this.control('GET', '/__emulator/tasks');
    return (r.body.tasks as any[]).find((t) => t.taskId === taskId);
  }

  room(roomId: string, publishers: string[], silentAnchors?: string[]) {
    return this.control('POST', '/__emulator/rooms', { roomId, publishers, ...(silentAnchors ? { silentAnchors } : {}) });
  }
}

/** A fresh TRTC emulator per test file with fast timings, reset before each test. */
export function useTrtcEmulator(opts: TrtcEmulatorOptions = {}) {
  const ctx = {} as { emu: RunningTrtcEmulator; c: TrtcTestClient };
  beforeAll(async () => {
    ctx.emu = await startTrtcEmulator({ startDelayMs: JOIN_MS, qps: 1000, exitingMs: EXIT_MS, ...opts });
    ctx.c = new TrtcTestClient(ctx.emu);
  });
  afterAll(async () => {
    await ctx.emu.close();
  });
  beforeEach(async () => {
    await ctx.c.control('POST', '/__emulator/reset');
  });
  return ctx;
}
