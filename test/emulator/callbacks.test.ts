import { agoraSignatures } from '../../src/emulator/callbacks';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server';
import { CallbackReceiver } from './callback-receiver';
import { Client, sleep, startRequest, uniqueCname } from './support';

const SECRET = 'ncs-secret-for-tests';
let emu: RunningEmulator;
let c: Client;
let rx: CallbackReceiver;

beforeAll(async () => {
  rx = await CallbackReceiver.start('agora', SECRET);
  // 0.01: the 10 s deadline is 100 ms and the resends come at 0, 30 and 90 ms.
  emu = await startEmulator({ startDelayMs: 200, qps: 1000, callbackUrl: rx.url, callbackSecret: SECRET, uploadDelayMs: 150, callbackTimeScale: 0.01 });
  c = new Client(emu);
});
afterAll(async () => {
  await emu.close();
  await rx.close();
});
beforeEach(async () => {
  await c.control('POST', '/__emulator/reset');
  await c.control('POST', '/__emulator/callbacks', { url: rx.url, secret: SECRET, uploadDelayMs: 150, backupEvery: 0, timeScale: 0.01 });
  rx.received.length = 0;
  rx.answer = 200;
});

const sent = async () => (await c.control('GET', '/__emulator/callbacks')).body.events as any[];

test('the spec test vectors: Agora-Signature (HMAC-SHA1) and -V2 (HMAC-SHA256), hex over the raw body', () => {
  const a = '{"eventType":10,"noticeId":"4eb720f0-8da7-11e9-a43e-53f411c2761f","notifyMs":1560408533119,"payload":{"a":"1","b":2},"productId":1}';
  const b = '{"eventMs":1560408533119,"eventType":10,"noticeId":"4eb720f0-8da7-11e9-a43e-53f411c2761f","notifyMs":1560408533119,"payload":{"a":"1","b":2},"productId":1}';
  expect(agoraSignatures(a, 'secret')).toEqual({
    'Agora-Signature': '5a3bb6a6d9fad2ea9ae3fb707a14c9d7f3136df1',
    'Agora-Signature-V2': 'de96da5acf03b0021ac3b4fa2225e7ae6f3533a30d50bb02c08ea4fa748bda24',
  });
  expect(agoraSignatures(b, 'secret')).toEqual({
    'Agora-Signature': '033c62f40f687675f17f0f41f91a40c71c0f134c',
    'Agora-Signature-V2': '6d3320c60b11101395b7fc8f9068748808a0aa1bfa064438e39d1bc2c7d74d99',
  });
});

test('mix recording, stop: 40, 30, 42, 4, 41 (SIGINT), then after the upload delay 33 (10000), 31 with the files, 11 exitStatus 0', async () => {
  const cname = uniqueCname();
  const { rid, sid } = await c.record(cname, '527841', 'mix', startRequest('mix', { recordingFileConfig: { avFileType: ['hls', 'mp4'] } }));
  await rx.waitFor(() => rx.types(sid).includes(4));
  const stoppedAt = Date.now();
  expect((await c.stop(rid, sid, 'mix', cname, '527841')).status).toBe(200);
  await rx.waitFor(() => rx.types(sid).includes(11));
  expect(rx.types(sid)).toEqual([40, 30, 42, 4, 41, 33, 31, 11]);
  const bodies = rx.bodies(sid);
  expect(rx.received.every((r) => r.signatureOk && r.headers['content-type'] === 'application/json')).toBe(true);
  expect(bodies.map((b) => b.payload.sequence)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  for (const b of bodies) {
    expect(b).toMatchObject({ productId: 3, payload: { cname, uid: '527841', sid } });
    expect(typeof b.noticeId).toBe('string');
    expect(b.notifyMs).toBeGreaterThanOrEqual(b.payload.sendts);
  }
  const byType = (t: number) => bodies.find((b) => b.eventType === t).payload;
  expect(byType(40)).toMatchObject({ serviceType: 1, details: { msgName: 'recorder_started', status: 0 } });
  expect(byType(30)).toMatchObject({ serviceType: 2, details: { msgName: 'uploader_started', status: 0 } });
  expect(byType(42).details).toMatchObject({ msgName: 'recorder_slice_start', mixedAllUser: true, streamUid: '0', trackType: 'audio_and_video' });
  expect(byType(4).details).toEqual({ msgName: 'cloud_recording_file_infos', fileList: `${sid}_${cname}.m3u8` });
  expect(byType(41).details).toEqual({ msgName: 'recorder_leave', leaveCode: 2 });
  expect(byType(33).details).toEqual({ msgName: 'uploading_progress', progress: 10000 });
  expect(byType(31).details.fileList.map((f: any) => f.fileName)).toEqual([`${sid}_${cname}.m3u8`, `${sid}_${cname}_0.mp4`]);
  expect(byType(11)).toMatchObject({ serviceType: 0, details: { msgName: 'session_exit', exitStatus: 0 } });
  // The upload ends uploadDelayMs after the stop, on the emulator's clock.
  expect(byType(31).sendts - byType(41).sendts).toBe(150);
  expect(byType(41).sendts).toBeGreaterThanOrEqual(stoppedAt - 5);
  const log = await sent();
  expect(log.filter((e) => e.ref === sid).every((e) => e.state === 'delivered' && e.attempts.length === 1 && e.attempts[0].signature === 'valid')).toBe(true);
});

test('individual mode: one 42 + 4 per recorded stream; idle exit → 41 leaveCode 4 (no users)', async () => {
  const cname = uniqueCname();
  await c.control('POST', '/__emulator/channels', { cname, users: ['101', '102'] });
  const req = startRequest('individual', { recordingConfig: { subscribeUidGroup: 0, maxIdleTime: 5 } });
  const { sid } = await c.record(cname, '9', 'individual', req);
  await rx.waitFor(() => rx.types(sid).filter((t) => t === 4).length === 4);
  const slices = rx.bodies(sid).filter((b) => b.eventType === 42).map((b) => `${b.payload.details.streamUid}/${b.payload.details.trackType}`);
  expect(slices.sort()).toEqual(['101/audio', '101/video', '102/audio', '102/video']);
  await c.control('POST', '/__emulator/channels', { cname, empty: true });
  await rx.waitFor(() => rx.types(sid).includes(11), 10_000);
  const leave = rx.bodies(sid).find((b) => b.eventType === 41);
  expect(leave.payload.details.leaveCode).toBe(4);
  expect(rx.bodies(sid).find((b) => b.eventType === 31).payload.details.fileList).toHaveLength(4);
});

test('a crash (control exit) → 1 errorLevel 5, files rescued via backup (32), 11 exitStatus 1', async () => {
  const cname = uniqueCname();
  const { sid } = await c.record(cname, '77');
  await rx.waitFor(() => rx.types(sid).includes(4));
  await c.control('POST', `/__emulator/tasks/${sid}/exit`);
  await rx.waitFor(() => rx.types(sid).includes(11));
  expect(rx.types(sid).slice(4)).toEqual([1, 33, 32, 11]);
  const err = rx.bodies(sid).find((b) => b.eventType === 1).payload;
  expect(err).toMatchObject({ serviceType: 0, details: { msgName: 'cloud_recording_error', module: 0, errorLevel: 5, stat: 0 } });
  expect(rx.bodies(sid).at(-1).payload.details.exitStatus).toBe(1);
});

test('a uid collision kicks the recorder while joining: 41 leaveCode 0 (init failed), 1 fatal, 11 exitStatus 1, no uploads', async () => {
  const cname = uniqueCname();
  await c.control('POST', '/__emulator/channels', { cname, users: ['555'] });
  const { sid } = await c.record(cname, '555');
  await rx.waitFor(() => rx.types(sid).includes(11));
  expect(rx.types(sid)).toEqual([41, 1, 11]);
  expect(rx.bodies(sid)[0].payload.details.leaveCode).toBe(0);
});

test('backupEvery 2: the second finished upload ends "backuped" (32)', async () => {
  await c.control('POST', '/__emulator/callbacks', { backupEvery: 2 });
  const ends: number[] = [];
  for (let i = 0; i < 2; i++) {
    const cname = uniqueCname();
    const { rid, sid } = await c.record(cname, '5');
    await rx.waitFor(() => rx.types(sid).includes(4));
    await c.stop(rid, sid, 'mix', cname, '5');
    await rx.waitFor(() => rx.types(sid).includes(11));
    ends.push(rx.types(sid).find((t) => t === 31 || t === 32)!);
  }
  expect(ends).toEqual([31, 32]);
});

test('failover: the recorder answers 404 for a while, then 12 session_failover with a numeric newUid; later events carry it', async () => {
  const cname = uniqueCname();
  const { rid, sid } = await c.record(cname, '4242');
  await rx.waitFor(() => rx.types(sid).includes(4));
  const f = await c.control('POST', `/__emulator/tasks/${sid}/failover`, { ms: 300 });
  expect(f.status).toBe(200);
  expect((await c.query(rid, sid)).status).toBe(404);
  await rx.waitFor(() => rx.types(sid).includes(12));
  const fo = rx.bodies(sid).find((b) => b.eventType === 12).payload;
  expect(typeof fo.details.newUid).toBe('number');
  expect(String(fo.details.newUid)).toBe(f.body.failover.newUid);
  expect((await c.query(rid, sid)).status).toBe(200);
  await c.stop(rid, sid, 'mix', cname, '4242');
  await rx.waitFor(() => rx.types(sid).includes(11));
  expect(rx.bodies(sid).find((b) => b.eventType === 41).payload.uid).toBe(f.body.failover.newUid);
  expect((await c.task(sid)).callbackUid).toBe(f.body.failover.newUid);
});

test('web recording: 70 web_recorder_started, 71 web_recorder_stopped, 31 without fileList, 11', async () => {
  const cname = uniqueCname();
  const { rid, sid } = await c.record(cname, '3', 'web');
  await rx.waitFor(() => rx.types(sid).includes(70));
  await c.stop(rid, sid, 'web', cname, '3');
  await rx.waitFor(() => rx.types(sid).includes(11));
  expect(rx.types(sid)).toEqual([70, 30, 71, 33, 31, 11]);
  expect(rx.bodies(sid).find((b) => b.eventType === 71).payload).toMatchObject({ serviceType: 6, details: { code: 0 } });
  expect(rx.bodies(sid).find((b) => b.eventType === 31).payload.details.fileList).toBeUndefined();
});

describe('faults', () => {
  async function recordAndStop(): Promise<string> {
    const cname = uniqueCname();
    const { rid, sid } = await c.record(cname, '6');
    await rx.waitFor(() => rx.types(sid).includes(4));
    await c.stop(rid, sid, 'mix', cname, '6');
    return sid;
  }
  const fault = (body: unknown) => c.control('POST', '/__emulator/callbacks/faults', body);

  test('drop: the event is never sent and the log says so', async () => {
    expect((await fault({ effect: 'drop', eventType: 31 })).status).toBe(201);
    const sid = await recordAndStop();
    await rx.waitFor(() => rx.types(sid).includes(11));
    expect(rx.types(sid)).not.toContain(31);
    expect((await sent()).find((e) => e.ref === sid && e.eventType === 31)).toMatchObject({ state: 'dropped', fault: 'drop', attempts: [] });
  });

  test('duplicate (redundant delivery): the same body, byte for byte, twice', async () => {
    await fault({ effect: 'duplicate', eventType: 11 });
    const sid = await recordAndStop();
    await rx.waitFor(() => rx.types(sid).filter((t) => t === 11).length === 2);
    const raws = rx.received.filter((r) => r.body.eventType === 11 && r.body.payload.sid === sid).map((r) => r.raw);
    expect(raws[0]).toBe(raws[1]);
    const e = (await sent()).find((x) => x.ref === sid && x.eventType === 11);
    expect(e.attempts.map((a: any) => a.copy ?? false)).toEqual([false, true]);
  });

  test('delay: the event arrives late (after later events)', async () => {
    await fault({ effect: 'delay', eventType: 41, delayMs: 400 });
    const sid = await recordAndStop();
    await rx.waitFor(() => rx.types(sid).includes(41));
    expect(rx.types(sid).slice(-2)).toEqual([11, 41]);
  });

  test('reorder: the held event goes out right after the next one', async () => {
    await fault({ effect: 'reorder', eventType: 40 });
    const cname = uniqueCname();
    const { sid } = await c.record(cname, '8');
    await rx.waitFor(() => rx.types(sid).includes(4));
    expect(rx.types(sid)).toEqual([30, 40, 42, 4]);
    expect(rx.bodies(sid).map((b) => b.payload.sequence)).toEqual([1, 0, 2, 3]);
  });

  test('wrong signature: every attempt is signed with another key; the receiver rejects and the sender resends', async () => {
    await fault({ effect: 'bad-signature', eventType: 40 });
    const cname = uniqueCname();
    const { sid } = await c.record(cname, '8');
    await rx.waitFor(() => rx.types(sid).includes(4));
    const forged = rx.received.find((r) => r.body.eventType === 40 && r.body.payload.sid === sid)!;
    expect(forged.signatureOk).toBe(false);
    expect(rx.received.filter((r) => r.body.payload.sid === sid && r.body.eventType !== 40).every((r) => r.signatureOk)).toBe(true);
    await rx.waitFor(() => rx.types(sid).filter((t) => t === 40).length === 4);
    await sleep(100);
    const e = (await sent()).find((x) => x.ref === sid && x.eventType === 40);
    expect(e.state).toBe('failed');
    expect(e.attempts.map((a: any) => `${a.signature} ${a.outcome}`)).toEqual(Array(4).fill('wrong http 401'));
  });

  test('receiver down (refused): resent at once, then at growing intervals, three resends at most; the log shows every attempt', async () => {
    await fault({ effect: 'receiver-down', ms: 60_000 });
    const cname = uniqueCname();
    await c.record(cname, '8');
    await sleep(1_000);
    const log = (await sent()).filter((e) => e.eventType === 40);
    expect(log).toHaveLength(1);
    const e = log[0];
    expect(e.state).toBe('failed');
    expect(e.attempts.map((a: any) => a.outcome)).toEqual(Array(4).fill('receiver down (refused)'));
    const gaps = e.attempts.slice(1).map((a: any, i: number) => a.at - e.attempts[i].at);
    expect(gaps[0]).toBeLessThan(25); // at once
    expect(gaps[1]).toBeGreaterThanOrEqual(28); // 3000 ms × 0.01
    expect(gaps[2]).toBeGreaterThanOrEqual(88); // 9000 ms × 0.01
    // Every attempt re-stamps notifyMs.
    expect(new Set(e.attempts.map((a: any) => JSON.parse(a.body).notifyMs)).size).toBeGreaterThan(1);
    expect(rx.received).toHaveLength(0);
  });

  test('a real receiver that is gone (connection refused) and one that never answers (timeout) are resent; a later answer is delivered', async () => {
    const dead = await CallbackReceiver.start('agora', SECRET);
    const deadUrl = dead.url;
    await dead.close();
    await c.control('POST', '/__emulator/callbacks', { url: deadUrl });
    const { sid } = await c.record(uniqueCname(), '8');
    await sleep(800);
    const refused = (await sent()).find((e) => e.ref === sid && e.eventType === 40);
    expect(refused.attempts.map((a: any) => a.outcome)).toEqual(Array(4).fill('refused'));

    await c.control('POST', '/__emulator/callbacks', { url: rx.url });
    rx.answer = 'hang';
    const { sid: sid2 } = await c.record(uniqueCname(), '9');
    await rx.waitFor(() => rx.types(sid2).filter((t) => t === 40).length >= 2);
    rx.answer = 200;
    await rx.waitFor(() => rx.types(sid2).includes(4), 10_000);
    let hung = (await sent()).find((e) => e.ref === sid2 && e.eventType === 40);
    while (hung.state === 'resending' || hung.state === 'sending') {
      await sleep(20);
      hung = (await sent()).find((e) => e.ref === sid2 && e.eventType === 40);
    }
    expect(hung.attempts[0].outcome).toBe('timeout');
    expect(hung.state).toBe('delivered');
  });

  test('an HTTP 500 answer counts as a failure and is resent', async () => {
    rx.answer = 500;
    const { sid } = await c.record(uniqueCname(), '8');
    await rx.waitFor(() => rx.types(sid).filter((t) => t === 40).length === 4);
    await sleep(200);
    expect(rx.types(sid).filter((t) => t === 40)).toHaveLength(4);
    expect((await sent()).find((e) => e.ref === sid && e.eventType === 40).attempts[0]).toMatchObject({ outcome: 'http 500', httpStatus: 500 });
  });

  test('bad fault and settings bodies name the field', async () => {
    expect((await fault({ effect: 'delay' })).body).toMatchObject({ field: 'delayMs' });
    expect((await fault({ effect: 'explode' })).body).toMatchObject({ field: 'effect' });
    expect((await c.control('POST', '/__emulator/callbacks', { url: 'ftp://x' })).body).toMatchObject({ field: 'url' });
    expect((await c.control('POST', '/__emulator/callbacks', { timeScale: 0 })).body).toMatchObject({ field: 'timeScale' });
  });
});

test('control API: settings never show the secret; DELETE clears the log; without a URL nothing is sent', async () => {
  const g = await c.control('GET', '/__emulator/callbacks');
  expect(g.body.settings).toMatchObject({ url: rx.url, secretSet: true, uploadDelayMs: 150, deadlineMs: 100 });
  expect(JSON.stringify(g.body)).not.toContain(SECRET);
  await c.control('POST', '/__emulator/callbacks', { url: null });
  const { sid } = await c.record(uniqueCname(), '8');
  await sleep(500);
  expect(rx.types(sid)).toEqual([]);
  expect((await c.control('DELETE', '/__emulator/callbacks')).body).toEqual({ events: [] });
  expect(await sent()).toEqual([]);
});

test('task view: the effective layout and subscriptions (start values until an update replaces them)', async () => {
  const cname = uniqueCname();
  const req = startRequest('mix', { recordingConfig: { subscribeAudioUids: ['101'], transcodingConfig: { width: 640, height: 360, mixedVideoLayout: 1, backgroundColor: '#000000' } } });
  const { rid, sid } = await c.record(cname, '8', 'mix', req);
  let t = await c.task(sid);
  expect(t.layout).toBeNull();
  expect(t.effectiveLayout).toEqual({ mixedVideoLayout: 1, backgroundColor: '#000000' });
  expect(t.effectiveSubscriptions).toEqual({ audio: { mode: 'only', uids: ['101'] }, video: { mode: 'none' } });
  await c.updateLayout(rid, sid, 'mix', cname, '8', { mixedVideoLayout: 2, maxResolutionUid: '101' });
  t = await c.task(sid);
  expect(t.effectiveLayout).toEqual({ mixedVideoLayout: 2, maxResolutionUid: '101' });
  const plain = await c.record(uniqueCname(), '9');
  const p = await c.task(plain.sid);
  expect(p.effectiveLayout).toEqual({ mixedVideoLayout: 0 });
  expect(p.effectiveSubscriptions).toEqual({ audio: { mode: 'all' }, video: { mode: 'all' } });
});

// Last: its hung attempts keep the sender's queue busy for seconds.
test('sending never slows the REST answers, even to a receiver that never answers', async () => {
  rx.answer = 'hang';
  await c.control('POST', '/__emulator/callbacks', { timeScale: 1 }); // 10 s deadline per attempt
  const cname = uniqueCname();
  const { rid, sid } = await c.record(cname, '8');
  await sleep(400);
  const t0 = Date.now();
  for (let i = 0; i < 5; i++) expect((await c.query(rid, sid)).status).toBe(200);
  expect((await c.stop(rid, sid, 'mix', cname, '8')).status).toBe(200);
  expect(Date.now() - t0).toBeLessThan(500);
});
