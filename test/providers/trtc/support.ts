import { startTrtcEmulator, type RunningTrtcEmulator, type TrtcEmulatorOptions } from '../../../src/emulator/trtc/server';
import { TrtcClient } from '../../../src/providers/trtc';
import type { TrtcClientConfig } from '../../../src/providers/trtc';

export const APP = 1400188366;
export const SIG = 'robot-user-sig-secret-value';
export const STORAGE_SECRET = 'cos-secret-key-value';

let n = 0;
export const uniqueRoom = () => String(200000 + (Date.now() % 100000) * 10 + (++n % 10));

export function createReq(roomId: string, userId = `rec_${roomId}`) {
  return {
    SdkAppId: APP,
    RoomId: roomId,
    UserId: userId,
    UserSig: SIG,
    RecordParams: { RecordMode: 2 as const, MaxIdleTime: 30 },
    StorageParams: { CloudStorage: { Vendor: 0, Region: 'ap-shanghai', Bucket: 'b-125', AccessKey: 'AKIDcos', SecretKey: STORAGE_SECRET } },
  };
}

export function clientFor(emu: { baseUrl: string; options: { secretId: string; secretKey: string } }, extra: Partial<TrtcClientConfig> = {}) {
  return new TrtcClient({
    baseUrl: emu.baseUrl,
    secretId: emu.options.secretId,
    secretKey: emu.options.secretKey,
    region: 'ap-guangzhou',
    maxRequestsPerSecond: 0,
    timeoutMs: 3000,
    ...extra,
  });
}

export async function control(emu: RunningTrtcEmulator, method: string, path: string, body?: unknown): Promise<any> {
  const r = await fetch(emu.baseUrl + path, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return r.json();
}

export function useTrtc(opts: TrtcEmulatorOptions = {}) {
  const ctx = {} as { emu: RunningTrtcEmulator; client: TrtcClient };
  beforeAll(async () => {
    ctx.emu = await startTrtcEmulator({ startDelayMs: 500, qps: 1000, exitingMs: 800, ...opts });
    ctx.client = clientFor(ctx.emu);
  });
  afterAll(async () => {
    ctx.client.close();
    await ctx.emu.close();
  });
  beforeEach(async () => {
    await control(ctx.emu, 'POST', '/__emulator/reset');
  });
  return ctx;
}
