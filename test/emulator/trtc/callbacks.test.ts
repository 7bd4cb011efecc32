import { trtcSign } from '../../../src/emulator/trtc/callbacks';
import { startTrtcEmulator, type RunningTrtcEmulator } from '../../../src/emulator/trtc/server';
import { CallbackReceiver } from '../callback-receiver';
import { APP, EXIT_MS, JOIN_MS, sleep, TrtcTestClient, uniqueRoom } from './support';

const KEY = 'abc123KEY';
let emu: RunningTrtcEmulator;
let c: TrtcTestClient;
let rx: CallbackReceiver;

beforeAll(async () => {
  rx = await CallbackReceiver.start('trtc', KEY);
  // 0.01: the 5 s deadline is 50 ms, resends every 100 ms, messages older than 600 ms are dropped.
  emu = await startTrtcEmulator({ startDelayMs: JOIN_MS, exitingMs: EXIT_MS, qps: 1000, callbackUrl: rx.url, callbackSecret: KEY, uploadDelayMs: 150, callbackTimeScale: 0.01 });
  c = new TrtcTestClient(emu);
});
afterAll(async () => {
  await emu.close();
  await rx.close();
});
beforeEach(async () => {
  await c.control('POST', '/__emulator/reset');
  await c.control('POST', '/__emulator/callbacks', { url: rx.url, secret: KEY, uploadDelayMs: 150, backupEvery: 0, timeScale: 0.01 });
  rx.received.length = 0;
  rx.answer = 200;
});

const sent = async () => (await c.control('GET', '/__emulator/callbacks')).body.events as any[];
const payload = (id: string, type: number) => rx.bodies(id).find((b) => b.EventType === type)?.EventInfo.Payload;

test('the spec test vector: Sign = base64(HMAC-SHA256(key, raw body))', () => {
  const body = '{"EventGroupId":3,"EventType":301,"CallbackTs":1622186275913,"EventInfo":{"RoomId":"1234","EventTs":1622186275,"UserId":"rec_1234","TaskId":"task-abc","Payload":{"Status":0}}}';
  expect(trtcSign(body, 'abc123KEY')).toBe('L4slDdpPwN63pjux/SVfFH/GCh3qsEju7+Bw+suBBis=');
});

test('COS single-stream, Delete: 301, 303, 307 + 304 per file, 302 LeaveCode 0, then 305 after the upload delay; pretty-printed and signed', async () => {
  const room = uniqueRoom();
  const id = await c.create(room);
  await rx.waitFor(() => rx.types(id).filter((t) => t === 304).length === 2);
  await c.delete(id);
  await rx.waitFor(() => rx.types(id).includes(305));
  expect(rx.types(id)).toEqual([301, 303, 307, 304, 307, 304, 302, 305]);
  for (const r of rx.received.filter((x) => x.body.EventInfo.TaskId === id)) {
    expect(r.signatureOk).toBe(true);
    expect(r.headers.sdkappid).toBe(String(APP));
    expect(r.raw).toContain('\n\t"EventGroupId": 3');
  }
  const first = rx.bodies(id)[0];
  expect(first).toMatchObject({ EventGroupId: 3, EventType: 301, EventInfo: { RoomId: Number(room), UserId: `rec_${room}`, TaskId: id, Payload: { Status: 0 } } });
  expect(first.EventInfo.EventTs).toBe(Math.floor(first.EventInfo.EventMsTs / 1000));
  expect(first.CallbackTs).toBeGreaterThanOrEqual(first.EventInfo.EventMsTs);
  const slices = rx.bodies(id).filter((b) => b.EventType === 307).map((b) => b.EventInfo.Payload);
  expect(slices.map((p) => p.TrackType).sort()).toEqual(['audio', 'video']);
  const files = (await c.task(id)).files;
  expect(slices.map((p) => p.FileName).sort()).toEqual(files.map((f: any) => f.FileName).sort());
  expect(slices[0]).toMatchObject({ UserId: 'anchor1', BeginTimeStamp: files[0].BeginTimeStamp });
  expect(payload(id, 302)).toEqual({ LeaveCode: 0 });
  expect(payload(id, 305)).toEqual({ Status: 0 });
  const t302 = rx.bodies(id).find((b) => b.EventType === 302).EventInfo.EventMsTs;
  expect(rx.bodies(id).find((b) => b.EventType === 305).EventInfo.EventMsTs - t302).toBe(150);
});

test('hls+mp4 mixed recording: 310 lists the MP4 after 305; backupEvery 1 → Status 1 (files stranded in backup)', async () => {
  await c.control('POST', '/__emulator/callbacks', { backupEvery: 1 });
  const room = uniqueRoom();
  const id = await c.create(room, { RoomIdType: 1 }, { RecordMode: 2, OutputFormat: 1 });
  await rx.waitFor(() => rx.types(id).includes(304));
  await c.delete(id);
  await rx.waitFor(() => rx.types(id).includes(310));
  expect(rx.types(id)).toEqual([301, 303, 307, 304, 302, 305, 310]);
  expect(rx.bodies(id)[0].EventInfo.RoomId).toBe(Number(room));
  expect(payload(id, 305)).toEqual({ Status: 1 });
  const mp4 = payload(id, 310);
  expect(mp4.Status).toBe(1);
  expect(mp4.FileList).toEqual([`${APP}_${room}.mp4`]);
  expect(mp4.FileMessage[0]).toMatchObject({ FileName: `${APP}_${room}.mp4`, UserId: '', TrackType: 'audio_video', MediaId: 'main' });
});

test('VOD: no file events while recording; 311 per produced file, then 312', async () => {
  const room = uniqueRoom();
  const id = await c.create(room, { RoomIdType: 0, StorageParams: { CloudVod: { TencentVod: {} } } }, { AvMerge: 1 });
  await sleep(JOIN_MS + 200);
  await c.delete(id);
  await rx.waitFor(() => rx.types(id).includes(312));
  expect(rx.types(id)).toEqual([301, 302, 311, 312]);
  expect(rx.bodies(id)[0].EventInfo.RoomId).toBe(room); // a string room stays a string
  const vod = payload(id, 311);
  expect(vod.Status).toBe(0);
  expect(vod.TencentVod).toMatchObject({ UserId: 'anchor1', TrackType: 'audio_video', MediaId: 'main', CacheFile: expect.stringMatching(/__UserId_e_main\.mp4$/) });
  expect(vod.TencentVod.FileId).toMatch(/^\d+$/);
  expect(payload(id, 312)).toEqual({ Status: 0 });
});

test('failover: 306 when the robot has rejoined, then the ha1_ files; idle exit → LeaveCode 99', async () => {
  const room = uniqueRoom();
  const id = await c.create(room, {}, { StreamType: 1 });
  await rx.waitFor(() => rx.types(id).includes(304));
  expect((await c.control('POST', `/__emulator/tasks/${encodeURIComponent(id)}/failover`)).status).toBe(200);
  await rx.waitFor(() => rx.types(id).filter((t) => t === 304).length === 2);
  expect(rx.types(id)).toEqual([301, 303, 307, 304, 306, 307, 304]);
  expect(payload(id, 306)).toEqual({ Status: 0 });
  expect(rx.bodies(id).at(-1).EventInfo.Payload.FileList).toMatch(/^ha1_/);
  await c.room(room, []);
  await rx.waitFor(() => rx.types(id).includes(305), 10_000);
  expect(payload(id, 302)).toEqual({ LeaveCode: 99 });
});

test('same UserId again → the first task leaves with LeaveCode 101; a robot kicked before joining → 301 Status 1, LeaveCode 3', async () => {
  const room = uniqueRoom();
  const first = await c.create(room);
  await rx.waitFor(() => rx.types(first).includes(304));
  const second = await c.create(room);
  await rx.waitFor(() => rx.types(first).includes(305));
  expect(payload(first, 302)).toEqual({ LeaveCode: 101 });
  await c.control('POST', `/__emulator/tasks/${encodeURIComponent(second)}/exit`);
  await rx.waitFor(() => rx.types(second).includes(302));
  await sleep(300);
  expect(rx.types(second)).toEqual([301, 302]);
  expect(payload(second, 301)).toEqual({ Status: 1 });
  expect(payload(second, 302)).toEqual({ LeaveCode: 3 });
});

test('resend policy: at once, then every 10 s (scaled), until the message is over a minute old (scaled); each attempt logged', async () => {
  await c.control('POST', '/__emulator/callbacks/faults', { effect: 'receiver-down', ms: 60_000 });
  const id = await c.create(uniqueRoom());
  await sleep(JOIN_MS + 1_000);
  const e = (await sent()).find((x) => x.ref === id && x.eventType === 301);
  expect(e.state).toBe('failed');
  const at = e.attempts.map((a: any) => a.at);
  expect(at.length).toBeGreaterThanOrEqual(4); // 8 on an idle machine; late timers on a loaded one mean fewer
  expect(at.length).toBeLessThanOrEqual(8);
  expect(at[1] - at[0]).toBeLessThan(25);
  for (let i = 2; i < at.length; i++) expect(at[i] - at[i - 1]).toBeGreaterThanOrEqual(95);
  expect(at.at(-1) - at[0]).toBeLessThanOrEqual(600);
  // CallbackTs is the send time of each attempt.
  expect(e.attempts.map((a: any) => JSON.parse(a.body).CallbackTs)).toEqual(at);
  expect(rx.received).toHaveLength(0);
});

test('timeouts: a receiver that never answers within 5 s (scaled) is resent to', async () => {
  rx.answer = 'hang';
  const id = await c.create(uniqueRoom());
  await rx.waitFor(() => rx.types(id).filter((t) => t === 301).length >= 2);
  rx.answer = 200;
  await rx.waitFor(() => rx.types(id).filter((t) => t === 301).length >= 3, 10_000);
  await sleep(100);
  const e = (await sent()).find((x) => x.ref === id && x.eventType === 301);
  expect(e.attempts[0].outcome).toBe('timeout');
  expect(e.state).toBe('delivered');
});

test('a reset ends every delivery still pending: nothing sent before it reaches the receiver after it', async () => {
  rx.answer = 500;
  const id = await c.create(uniqueRoom());
  await rx.waitFor(() => rx.types(id).includes(301));
  await c.control('POST', '/__emulator/reset');
  const after = rx.received.length;
  rx.answer = 200;
  await sleep(500); // resends come every 100 ms (scaled)
  expect(rx.received.slice(after)).toEqual([]);
  expect(await sent()).toEqual([]);
});

describe('faults', () => {
  const fault = (body: unknown) => c.control('POST', '/__emulator/callbacks/faults', body);
  async function recordAndDelete(): Promise<string> {
    const id = await c.create(uniqueRoom(), {}, { StreamType: 1 });
    await rx.waitFor(() => rx.types(id).includes(304));
    await c.delete(id);
    await rx.waitFor(() => rx.types(id).includes(305));
    await sleep(100);
    return id;
  }

  test('drop, duplicate (same bytes twice), wrong signature (receiver refuses every attempt)', async () => {
    await fault({ effect: 'drop', eventType: 303 });
    await fault({ effect: 'duplicate', eventType: 302 });
    await fault({ effect: 'bad-signature', eventType: 307 });
    const id = await recordAndDelete();
    await sleep(700);
    const types = rx.types(id);
    expect(types).not.toContain(303);
    const dup = rx.received.filter((r) => r.body.EventType === 302 && r.body.EventInfo.TaskId === id);
    expect(dup).toHaveLength(2);
    expect(dup[0].raw).toBe(dup[1].raw);
    // Scoped to this task: a resend of an earlier test's task can still be in flight after the reset.
    const forged = rx.received.filter((r) => r.body.EventType === 307 && r.body.EventInfo.TaskId === id);
    expect(forged.length).toBeGreaterThan(1);
    expect(forged.every((r) => !r.signatureOk)).toBe(true);
    const log = await sent();
    expect(log.find((e) => e.ref === id && e.eventType === 303)).toMatchObject({ state: 'dropped' });
    expect(log.find((e) => e.ref === id && e.eventType === 307)).toMatchObject({ state: 'failed', fault: 'bad-signature' });
  });

  test('delay and reorder, matched to one task', async () => {
    const id = await c.create(uniqueRoom(), {}, { StreamType: 1 });
    await fault({ effect: 'reorder', eventType: 301, ref: id });
    await fault({ effect: 'delay', eventType: 304, ref: id, delayMs: 300 });
    await rx.waitFor(() => rx.types(id).includes(304));
    expect(rx.types(id)).toEqual([303, 301, 307, 304]);
  });

  test('receiver down for a while: the resends deliver once it is back', async () => {
    await fault({ effect: 'receiver-down', ms: 60_000 });
    const id = await c.create(uniqueRoom(), {}, { StreamType: 1 });
    const attempts = async () => ((await sent()).find((x) => x.ref === id && x.eventType === 301)?.attempts.length ?? 0) as number;
    while ((await attempts()) < 2) await sleep(20);
    expect((await c.control('GET', '/__emulator/callbacks')).body.settings.receiverDownUntil).toEqual(expect.any(Number));
    await c.control('DELETE', '/__emulator/callbacks/faults'); // the receiver is back
    await rx.waitFor(() => rx.types(id).includes(301), 5_000);
    await sleep(50);
    const e = (await sent()).find((x) => x.ref === id && x.eventType === 301);
    expect(e.state).toBe('delivered');
    expect(e.attempts.length).toBeGreaterThan(1);
    expect(e.attempts[0].outcome).toBe('receiver down (refused)');
  });
});

test('task view: the effective layout and subscriptions', async () => {
  const id = await c.create(uniqueRoom(), {}, { RecordMode: 2, StreamType: 1 });
  const t = await c.task(id);
  expect(t.effectiveLayout).toEqual({ MixLayoutMode: 3 });
  expect(t.effectiveSubscriptions).toEqual({ audio: { mode: 'all' }, video: { mode: 'none' } });
  await c.modify(id, { SubscribeStreamUserIds: { SubscribeAudioUserIds: ['anchor1'] }, MixLayoutParams: { MixLayoutMode: 1 } });
  const u = await c.task(id);
  expect(u.effectiveLayout).toEqual({ MixLayoutMode: 1 });
  expect(u.effectiveSubscriptions.audio).toEqual({ mode: 'only', userIds: ['anchor1'] });
});
