/**
 * A recorder's hard end of life, on the emulators' compressible clock (`hourMs`): Agora's RTC
 * token (read from the AccessToken2 the client sends) and resourceExpiredHour; TRTC's UserSig and
 * ResourceExpiredHour.
 */
import { RtcRole, RtcTokenBuilder } from 'agora-token';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server';
import { startTrtcEmulator, type RunningTrtcEmulator } from '../../src/emulator/trtc/server';
import { tokenExpiresAt } from '../../src/emulator/token';
import { mintUserSig } from '../../src/providers/trtc/usersig';
import { CallbackReceiver } from './callback-receiver';
import { APP, Client, sleep, startRequest } from './support';
import { APP as TRTC_APP, createBody, TrtcTestClient, uniqueRoom } from './trtc/support';

const CERT = '5cfd2fd1755d40ecb72977518be15d3b';
const SECRET = 'ncs-secret-for-end-of-life';
/** A token as the worker mints it: the whole token and the join privilege both `seconds` long. */
const token = (cname: string, uid: string, seconds: number) => RtcTokenBuilder.buildTokenWithUid(APP, CERT, cname, Number(uid), RtcRole.SUBSCRIBER, seconds, seconds);
let n = 0;
const cname = () => `eol_${Date.now().toString(36)}_${++n}`;

describe('Agora', () => {
  let emu: RunningEmulator;
  let c: Client;
  let rx: CallbackReceiver;
  // A vendor hour of 100 ms: a 24 h token lives 2.4 s, resourceExpiredHour 1 is 100 ms.
  beforeAll(async () => {
    rx = await CallbackReceiver.start('agora', SECRET);
    emu = await startEmulator({ startDelayMs: 200, qps: 1000, hourMs: 100, callbackUrl: rx.url, callbackSecret: SECRET, uploadDelayMs: 100, callbackTimeScale: 0.01 });
    c = new Client(emu);
  });
  afterAll(async () => {
    await emu.close();
    await rx.close();
  });

  test('the token expiry is read from the AccessToken2 itself (agora-token): the earlier of the token and its join privilege', () => {
    const before = Date.now();
    const t = RtcTokenBuilder.buildTokenWithUid(APP, CERT, 'room', 42, RtcRole.SUBSCRIBER, 3600, 600);
    const at = tokenExpiresAt(t)!;
    expect(at).toBeGreaterThan(before + 598_000);
    expect(at).toBeLessThanOrEqual(before + 600_000);
    expect(tokenExpiresAt('rtc-token')).toBeNull();
    expect(tokenExpiresAt('')).toBeNull();
  });

  test('a 24 h token on a 100 ms hour: the recorder leaves after 2.4 s (token-expired), query then 404, NCS 1 errorCode 109 and 11 exitStatus 1', async () => {
    const name = cname();
    const { rid, sid } = await c.record(name, '527841', 'mix', { ...startRequest('mix'), token: token(name, '527841', 86_400) });
    const view = await c.task(sid);
    expect(view.tokenExpiresAt - view.startedAt).toBeGreaterThan(2_300);
    expect(view.tokenExpiresAt - view.startedAt).toBeLessThanOrEqual(2_400);
    await sleep(1_000);
    expect((await c.query(rid, sid)).body.serverResponse.status).toBe(5);
    await sleep(view.tokenExpiresAt - Date.now() + 100);
    const q = await c.query(rid, sid);
    expect(q.status).toBe(404);
    expect(q.body).toMatchObject({ code: 404, reason: 'failed to find worker' });
    expect(await c.task(sid)).toMatchObject({ live: false, endReason: 'token-expired', endedAt: view.tokenExpiresAt, status: 8 });
    // Its files were recorded and are uploaded, so a stop afterwards is also the vendor's 404.
    expect((await c.stop(rid, sid, 'mix', name, '527841')).status).toBe(404);
    await sleep(400);
    const events = rx.received.filter((e) => e.body.payload.sid === sid).map((e) => e.body);
    const error = events.find((e) => e.eventType === 1);
    expect(error.payload.details).toMatchObject({ msgName: 'cloud_recording_error', errorLevel: 5, errorCode: 109, errorMsg: 'RTC token expired' });
    expect(error.payload.sendts).toBe(view.tokenExpiresAt);
    expect(events.find((e) => e.eventType === 11).payload.details).toEqual({ msgName: 'session_exit', exitStatus: 1 });
    expect(events.map((e) => e.eventType)).toEqual(expect.arrayContaining([40, 1, 31, 11]));
  });

  test('with an exiting window the recorder answers status 6/7 after the token expired, like any recorder that left by itself', async () => {
    const e2 = await startEmulator({ startDelayMs: 100, qps: 1000, hourMs: 10, exitingMs: 1_000 });
    try {
      const c2 = new Client(e2);
      const name = cname();
      const { rid, sid } = await c2.record(name, '7', 'mix', { ...startRequest('mix'), token: token(name, '7', 3_600) });
      await sleep(150); // a 1 h token lives 10 ms here, so it is gone before status 5: the token was dead on arrival
      expect([6, 7]).toContain((await c2.query(rid, sid)).body.serverResponse.status);
      expect(await c2.task(sid)).toMatchObject({ live: false, endReason: 'token-expired' });
    } finally {
      await e2.close();
    }
  });

  test('resourceExpiredHour counts from the sid in vendor hours: past it query/update/updateLayout/stop answer 404, the recorder keeps running', async () => {
    const name = cname();
    const acq = await c.acquire(name, '31', { resourceExpiredHour: 1 });
    const st = await c.start(acq.body.resourceId, 'mix', name, '31', startRequest('mix'));
    const rid = acq.body.resourceId;
    const sid = st.body.sid;
    const view = await c.task(sid);
    expect(view.manageableUntil - view.startedAt).toBe(100);
    await sleep(view.manageableUntil - Date.now() + 20);
    expect((await c.query(rid, sid)).status).toBe(404);
    expect((await c.update(rid, sid, 'mix', name, '31', { streamSubscribe: { audioUidList: { subscribeAudioUids: ['#allstream#'] } } })).status).toBe(404);
    expect((await c.updateLayout(rid, sid, 'mix', name, '31', { mixedVideoLayout: 1 })).status).toBe(404);
    expect((await c.stop(rid, sid, 'mix', name, '31')).status).toBe(404);
    await sleep(150);
    expect(await c.task(sid)).toMatchObject({ live: true, status: 5 });
    await c.control('POST', `/__emulator/tasks/${sid}/exit`);
  });

  test('control: POST /__emulator/tasks/{sid}/expire makes the token or the resource expire now; bad bodies name the field', async () => {
    const name = cname();
    const { rid, sid } = await c.record(name, '44');
    const r = await c.control('POST', `/__emulator/tasks/${sid}/expire`, { what: 'resource' });
    expect(r.status).toBe(200);
    expect(r.body.task.live).toBe(true);
    expect((await c.query(rid, sid)).status).toBe(404);
    const t = await c.control('POST', `/__emulator/tasks/${sid}/expire`, { what: 'token' });
    expect(t.body.task).toMatchObject({ live: false, endReason: 'token-expired' });
    const bad = await c.control('POST', `/__emulator/tasks/${sid}/expire`, { what: 'sky' });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('what');
    expect((await c.control('POST', '/__emulator/tasks/nope/expire', { what: 'token' })).status).toBe(404);
  });

  test('hourMs is validated and on the CLI', async () => {
    await expect(startEmulator({ hourMs: 0 })).rejects.toThrow(/hourMs/);
    const { parseArgs } = await import('../../src/emulator/main');
    expect(parseArgs(['--hour-ms', '1500'])!.hourMs).toBe(1500);
  });
});

describe('TRTC', () => {
  let emu: RunningTrtcEmulator;
  let c: TrtcTestClient;
  const KEY = 'sdk-secret-for-end-of-life';
  beforeAll(async () => {
    emu = await startTrtcEmulator({ startDelayMs: 0, qps: 1000, hourMs: 100, sdkSecretKeys: { [TRTC_APP]: KEY } });
    c = new TrtcTestClient(emu);
  });
  afterAll(async () => emu.close());

  const create = async (seconds: number) => {
    const room = uniqueRoom();
    const r = await c.call('CreateCloudRecording', { ...createBody(room), UserSig: mintUserSig(TRTC_APP, KEY, `rec_${room}`, seconds) });
    return r.TaskId as string;
  };

  test('a UserSig lives its seconds in vendor hours; the robot in the room stays past it, a re-pull after it fails (LeaveCode 3)', async () => {
    const early = await create(86_400);
    const view = await c.task(early);
    expect(view.userSigExpiresAt - view.createdAt).toBeGreaterThan(2_300);
    expect(view.userSigExpiresAt - view.createdAt).toBeLessThanOrEqual(2_400);
    const ok = await c.control('POST', `/__emulator/tasks/${encodeURIComponent(early)}/failover`);
    expect(ok.status).toBe(200);

    const late = await create(36); // 36 s = 1 ms on this clock
    await sleep(20);
    expect(await c.task(late)).toMatchObject({ live: true, status: 'InProgress' });
    const failed = await c.control('POST', `/__emulator/tasks/${encodeURIComponent(late)}/failover`);
    expect(failed.status).toBe(409);
    expect(failed.body.task).toMatchObject({ live: false, endReason: 'ha-failed', leaveCode: 3 });
  });

  test('control expire: userSig (only a re-pull notices) and resource (Describe → ResourceNotFound, recording goes on)', async () => {
    const id = await create(86_400);
    const a = await c.control('POST', `/__emulator/tasks/${encodeURIComponent(id)}/expire`, { what: 'resource' });
    expect(a.body.task).toMatchObject({ live: true });
    expect((await c.describe(id)).Error.Code).toBe('ResourceNotFound');
    const b = await c.control('POST', `/__emulator/tasks/${encodeURIComponent(id)}/expire`, { what: 'userSig' });
    expect(b.body.task.live).toBe(true);
    expect(b.body.task.userSigExpiresAt).toBeLessThanOrEqual(Date.now());
    expect((await c.control('POST', `/__emulator/tasks/${encodeURIComponent(id)}/failover`)).body.task).toMatchObject({ live: false, leaveCode: 3 });
  });
});
