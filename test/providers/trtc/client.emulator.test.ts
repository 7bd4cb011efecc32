import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeOutcome, type TrtcOutcome } from '../../../src/providers/trtc';
import { APP, clientFor, control, createReq, SIG, STORAGE_SECRET, uniqueRoom, useTrtc } from './support';

const ctx = useTrtc();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fault = (body: unknown) => control(ctx.emu, 'POST', '/__emulator/faults', body);

function ok<T>(o: TrtcOutcome<T>): T {
  if (o.kind !== 'ok') throw new Error(`expected ok, got ${describeOutcome('call', o)}`);
  expect(o.requestId).toMatch(/^[0-9a-f-]{36}$/);
  return o.body;
}

describe('each action against the emulator', () => {
  test('create → describe (Idle, then InProgress with files) → modify → delete → describe Exited → not-found', async () => {
    const { client } = ctx;
    const room = uniqueRoom();
    const { TaskId } = ok(await client.createCloudRecording(createReq(room)));
    expect(ok(await client.describeCloudRecording({ SdkAppId: APP, TaskId }))).toMatchObject({ TaskId, Status: 'Idle', StorageFileList: [] });
    await sleep(650);
    const d = ok(await client.describeCloudRecording({ SdkAppId: APP, TaskId }));
    expect(d.Status).toBe('InProgress');
    expect(d.StorageFileList).toEqual([{ UserId: '', FileName: `${APP}_${room}.m3u8`, TrackType: 'audio_video', BeginTimeStamp: expect.any(Number) }]);
    const layout = { MixLayoutMode: 3 };
    expect(ok(await client.modifyCloudRecording({ SdkAppId: APP, TaskId, MixLayoutParams: layout, SubscribeStreamUserIds: { SubscribeAudioUserIds: ['anchor1'] } })).TaskId).toBe(TaskId);
    expect(ok(await client.deleteCloudRecording({ SdkAppId: APP, TaskId })).TaskId).toBe(TaskId);
    expect(ok(await client.describeCloudRecording({ SdkAppId: APP, TaskId })).Status).toBe('Exited');
    await sleep(900);
    const gone = await client.describeCloudRecording({ SdkAppId: APP, TaskId });
    expect(gone).toMatchObject({ kind: 'error', code: 'ResourceNotFound', errorClass: 'not-found', requestId: expect.any(String) });
  });
});

describe('error classes', () => {
  test('vendor validation codes come back as kind "error" with their class (client-side checks off)', async () => {
    const raw = clientFor(ctx.emu, { validateRequests: false });
    try {
      const missing = await raw.createCloudRecording({ ...createReq(uniqueRoom()), UserSig: '' });
      expect(missing).toMatchObject({ kind: 'error', code: 'MissingParameter.UserSig', errorClass: 'missing-parameter' });
      const range = await raw.createCloudRecording({ ...createReq(uniqueRoom()), ResourceExpiredHour: 1 });
      expect(range).toMatchObject({ kind: 'error', code: 'InvalidParameter.OutOfRange', errorClass: 'invalid-parameter' });
      expect((range as { message: string }).message).toContain('ResourceExpiredHour');
    } finally {
      raw.close();
    }
  });

  test('auth: a wrong SecretKey → AuthFailure.SignatureFailure (class auth)', async () => {
    const forged = clientFor(ctx.emu, { secretKey: 'not-the-key' });
    try {
      expect(await forged.describeCloudRecording({ SdkAppId: APP, TaskId: 'x' })).toMatchObject({ kind: 'error', code: 'AuthFailure.SignatureFailure', errorClass: 'auth' });
    } finally {
      forged.close();
    }
  });

  test.each([
    ['InternalError.CRInternalError', 'internal'],
    ['FailedOperation.RestrictedConcurrency', 'restricted-concurrency'],
    ['RequestLimitExceeded', 'rate-limited'],
    ['FailedOperation.CRUnsupportMethod', 'failed-operation'],
  ])('%s → class %s', async (code, cls) => {
    await fault({ op: 'create', code });
    expect(await ctx.client.createCloudRecording(createReq(uniqueRoom()))).toMatchObject({ kind: 'error', code, errorClass: cls });
  });

  test('the real 100-task cap and 20 QPS limit surface with their classes', async () => {
    await ctx.emu.close();
    const { startTrtcEmulator } = await import('../../../src/emulator/trtc/server');
    ctx.emu = await startTrtcEmulator({ startDelayMs: 100, qps: 3, maxConcurrent: 1, exitingMs: 200 });
    const c = clientFor(ctx.emu);
    try {
      ok(await c.createCloudRecording(createReq(uniqueRoom())));
      expect(await c.createCloudRecording(createReq(uniqueRoom()))).toMatchObject({ code: 'FailedOperation.RestrictedConcurrency', errorClass: 'restricted-concurrency' });
      const burst = await Promise.all([1, 2, 3].map(() => c.describeCloudRecording({ SdkAppId: APP, TaskId: 'x' })));
      expect(burst.filter((o) => o.kind === 'error' && o.errorClass === 'rate-limited').length).toBeGreaterThanOrEqual(1);
    } finally {
      c.close();
      ctx.client.close();
      ctx.client = clientFor(ctx.emu);
    }
  });

  test('invalid-request: bad input is named and nothing is sent', async () => {
    const since = Date.now();
    const o = await ctx.client.createCloudRecording({ ...createReq('room-a'), RecordParams: { RecordMode: 2, MaxIdleTime: 1 } });
    expect(o.kind).toBe('invalid-request');
    const paths = (o as { issues: { path: string }[] }).issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['RoomId', 'RecordParams.MaxIdleTime']));
    const m = await ctx.client.modifyCloudRecording({ SdkAppId: APP, TaskId: 't' });
    expect(m).toMatchObject({ kind: 'invalid-request', error: expect.stringContaining('SubscribeStreamUserIds') });
    expect((await control(ctx.emu, 'GET', `/__emulator/requests?since=${since}`)).requests).toEqual([]);
  });

  test('http-error: a non-200 from something in front of the API', async () => {
    await fault({ op: 'describe', httpStatus: 502 });
    expect(await ctx.client.describeCloudRecording({ SdkAppId: APP, TaskId: 'x' })).toMatchObject({ kind: 'http-error', httpStatus: 502 });
  });
});

describe('network', () => {
  test('a hung request times out at the client timeout, not the SDK 60 s', async () => {
    await fault({ op: 'describe', effect: 'hang' });
    const c = clientFor(ctx.emu, { timeoutMs: 400 });
    try {
      const t0 = Date.now();
      const o = await c.describeCloudRecording({ SdkAppId: APP, TaskId: 'x' });
      expect(o).toEqual({ kind: 'network', error: 'timeout: no answer within 400 ms', timedOut: true });
      expect(Date.now() - t0).toBeLessThan(2000);
    } finally {
      c.close();
    }
  });

  test('per-call timeout and caller abort', async () => {
    await fault({ op: 'describe', effect: 'hang', times: 2 });
    expect(await ctx.client.describeCloudRecording({ SdkAppId: APP, TaskId: 'x' }, { timeoutMs: 200 })).toMatchObject({ kind: 'network', timedOut: true });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    expect(await ctx.client.describeCloudRecording({ SdkAppId: APP, TaskId: 'x' }, { signal: ac.signal })).toEqual({ kind: 'network', error: 'aborted by caller', timedOut: false, aborted: true });
  });

  test('connection refused → network, not timed out', async () => {
    const srv = http.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.address() as AddressInfo).port;
    await new Promise<void>((r) => srv.close(() => r()));
    const c = clientFor({ baseUrl: `http://127.0.0.1:${port}`, options: ctx.emu.options });
    try {
      const o = await c.deleteCloudRecording({ SdkAppId: APP, TaskId: 'x' });
      expect(o).toMatchObject({ kind: 'network', timedOut: false, error: expect.stringContaining('ECONNREFUSED') });
    } finally {
      c.close();
    }
  });

  test('http_proxy in the environment does not hijack requests (spec §7.2)', async () => {
    const before = process.env.http_proxy;
    process.env.http_proxy = 'http://127.0.0.1:9'; // discard port: a proxy that is not there
    try {
      expect((await ctx.client.describeCloudRecording({ SdkAppId: APP, TaskId: 'x' })).kind).toBe('error');
    } finally {
      if (before === undefined) delete process.env.http_proxy;
      else process.env.http_proxy = before;
    }
  });
});

describe('answers that are not the envelope', () => {
  let srv: http.Server;
  let reply: (res: http.ServerResponse) => void;
  let base = '';
  beforeAll(async () => {
    srv = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => reply(res));
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => srv.close(() => r())));
  const send = (status: number, text: string) => (res: http.ServerResponse) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(text);
  };

  test.each([
    ['not JSON', send(200, 'hello')],
    ['no Response key', send(200, '{"foo":1}')],
    ['Response without TaskId', send(200, '{"Response":{"RequestId":"r-1"}}')],
    ['Describe with an unknown Status', send(200, '{"Response":{"TaskId":"t","Status":"Paused","RequestId":"r-1"}}')],
  ])('%s → invalid-response', async (_n, handler) => {
    reply = handler;
    const c = clientFor({ baseUrl: base, options: ctx.emu.options });
    try {
      const o = await c.describeCloudRecording({ SdkAppId: APP, TaskId: 't' });
      expect(o.kind).toBe('invalid-response');
    } finally {
      c.close();
    }
  });
});

describe('secrets', () => {
  test('UserSig, storage keys and the SecretKey never appear in outcomes or describeOutcome, even if echoed', async () => {
    await fault({ op: 'create', code: 'InvalidParameter.UserSig', message: `bad sig ${SIG} with ${STORAGE_SECRET} and ${ctx.emu.options.secretKey}` });
    const o = await ctx.client.createCloudRecording(createReq(uniqueRoom()));
    const text = JSON.stringify(o) + describeOutcome('CreateCloudRecording', o);
    expect(text).toContain('[redacted]');
    for (const s of [SIG, STORAGE_SECRET, ctx.emu.options.secretKey]) expect(text).not.toContain(s);
    expect(describeOutcome('CreateCloudRecording', o)).toMatch(/^trtc CreateCloudRecording: InvalidParameter.UserSig \(invalid-parameter\): bad sig \[redacted\]/);
  });
});

describe('pacing', () => {
  test('clients of one account share the per-process QPS budget: paced one under the limit, none rejected', async () => {
    await ctx.emu.close();
    const { startTrtcEmulator } = await import('../../../src/emulator/trtc/server');
    ctx.emu = await startTrtcEmulator({ startDelayMs: 100, qps: 5, exitingMs: 200 });
    const a = clientFor(ctx.emu, { maxRequestsPerSecond: 4 });
    const b = clientFor(ctx.emu, { maxRequestsPerSecond: 4 });
    try {
      const t0 = Date.now();
      const all = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).describeCloudRecording({ SdkAppId: APP, TaskId: `t${i}` })));
      expect(all.map((o) => (o.kind === 'error' ? o.code : o.kind))).toEqual(Array(8).fill('ResourceNotFound'));
      expect(Date.now() - t0).toBeGreaterThanOrEqual(1700); // 8 sends, 250 ms apart
      const stats = (await control(ctx.emu, 'GET', '/__emulator/stats')).accounts[ctx.emu.options.secretId];
      expect(stats.rateLimited).toBe(0);
    } finally {
      a.close();
      b.close();
      ctx.client.close();
      ctx.client = clientFor(ctx.emu);
    }
  });
});
