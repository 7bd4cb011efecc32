import { Agent, request } from 'undici';
import { startEmulator, type EmulatorOptions } from '../../../src/emulator/server';
import {
  AgoraClient,
  serverResponseView,
  type AgoraClientConfig,
  type AgoraOutcome,
  type RecordingMode,
  type StartClientRequest,
} from '../../../src/providers/agora';
import { startAnswer, stopAnswer } from '../../../src/providers/agora/answers';

/** A recorder reference as the adapter would pass it; the answer table only copies it. */
const REF = { provider: 'agora', account: 'app', channel: 'r65', identity: '1' };

/** Spec §7.1, row by row, through the real client against the emulator (both listeners). */

type Emu = Awaited<ReturnType<typeof startEmulator>>;
const CID = 'emulator-customer-id';
const SECRET = 'emulator-customer-secret';
const UID = '527841';
const storageConfig = { vendor: 1, region: 0, bucket: 'bucket', accessKey: 'ak-integration', secretKey: 'sk-integration' };
const mixRequest: StartClientRequest = {
  storageConfig,
  recordingConfig: { channelType: 0, streamTypes: 2, maxIdleTime: 300, transcodingConfig: { width: 640, height: 360, fps: 15, bitrate: 500, mixedVideoLayout: 1 } },
  recordingFileConfig: { avFileType: ['hls', 'mp4'] },
};

const ctlAgent = new Agent();
const clients: AgoraClient[] = [];
let seq = 0;
/** Fresh App ID per test: the QPS window and PCW are per App ID. */
const newApp = () => `app${Date.now().toString(36)}${seq++}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function ctl(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await request(base + path, {
    method: method as 'GET',
    dispatcher: ctlAgent,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.statusCode, body: await res.body.json() };
}

function makeClient(emu: Emu, extra: Partial<AgoraClientConfig> = {}): AgoraClient {
  const c = new AgoraClient({ baseUrls: [emu.baseUrl, emu.altBaseUrl], customerId: CID, customerSecret: SECRET, timeoutMs: 2000, ...extra });
  clients.push(c);
  return c;
}

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await ctlAgent.close();
});

function expectOk<T>(o: AgoraOutcome<T>): T {
  if (o.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(o)}`);
  return o.body;
}

/** acquire + start (mix unless told otherwise); returns the ids. */
async function startTask(c: AgoraClient, appId: string, opts: { cname?: string; uid?: string; mode?: RecordingMode; request?: StartClientRequest } = {}) {
  const cname = opts.cname ?? `room${seq++}`;
  const uid = opts.uid ?? UID;
  const { resourceId } = expectOk(await c.acquire(appId, { cname, uid, clientRequest: { resourceExpiredHour: 1 } }));
  const { sid } = expectOk(await c.start(appId, resourceId, opts.mode ?? 'mix', { cname, uid, clientRequest: opts.request ?? mixRequest }));
  return { cname, uid, resourceId, sid };
}

describe('against the emulator (startDelayMs 300)', () => {
  let emu: Emu;
  let c: AgoraClient;
  let fault: (f: Record<string, unknown>) => Promise<void>;

  beforeAll(async () => {
    emu = await startEmulator({ port: 0, altPort: 0, startDelayMs: 300 } satisfies EmulatorOptions);
    c = makeClient(emu);
    fault = async (f) => {
      const r = await ctl(emu.baseUrl, 'POST', '/__emulator/faults', f);
      expect(r.status).toBe(201);
    };
  });
  afterAll(async () => {
    await emu.close();
  });
  beforeEach(async () => {
    expect((await ctl(emu.baseUrl, 'POST', '/__emulator/reset')).status).toBe(200);
  });

  test('happy path: acquire → start → query until 5 → update → updateLayout → stop', async () => {
    const appId = newApp();
    const cname = 'happy';
    const acq = await c.acquire(appId, { cname, uid: UID, clientRequest: { scene: 0, resourceExpiredHour: 24 } });
    expect(acq).toMatchObject({ kind: 'ok', host: new URL(emu.baseUrl).origin, body: { cname, uid: UID } });
    expect(acq.kind === 'ok' && acq.requestId).toBeTruthy();
    const { resourceId } = expectOk(acq);
    const { sid } = expectOk(await c.start(appId, resourceId, 'mix', { cname, uid: UID, clientRequest: mixRequest }));
    expect(sid).toMatch(/^[0-9a-f]{32}$/);

    let status: number | undefined;
    for (let i = 0; i < 40 && status !== 5; i++) {
      const q = expectOk(await c.query(appId, resourceId, sid, 'mix'));
      status = serverResponseView(q.serverResponse).status;
      if (status !== 5) await sleep(120); // stay under 10 QPS
    }
    expect(status).toBe(5);
    const view = serverResponseView(expectOk(await c.query(appId, resourceId, sid, 'mix')).serverResponse);
    expect(view.files.map((f) => f.fileName)).toEqual([`${sid}_${cname}.m3u8`, `${sid}_${cname}_0.mp4`]);

    expectOk(
      await c.update(appId, resourceId, sid, 'mix', {
        cname,
        uid: UID,
        clientRequest: { streamSubscribe: { audioUidList: { subscribeAudioUids: ['#allstream#'] }, videoUidList: { unSubscribeVideoUids: ['10001'] } } },
      }),
    );
    expectOk(
      await c.updateLayout(appId, resourceId, sid, {
        cname,
        uid: UID,
        clientRequest: { mixedVideoLayout: 3, backgroundColor: '#FF0000', layoutConfig: [{ x_axis: 0, y_axis: 0, width: 1, height: 1 }] },
      }),
    );
    const task = (await ctl(emu.baseUrl, 'GET', '/__emulator/tasks')).body.tasks.find((t: { sid: string }) => t.sid === sid);
    expect(task).toMatchObject({ updateCount: 1, layoutCount: 1, status: 5 });

    const stopped = expectOk(await c.stop(appId, resourceId, sid, 'mix', { cname, uid: UID, clientRequest: { async_stop: false } }));
    const sv = serverResponseView(stopped.serverResponse);
    expect(sv.uploadingStatus).toBe('uploaded');
    expect(sv.files.map((f) => f.fileName)).toContain(`${sid}_${cname}.m3u8`);
  });

  test('individual mode: json fileList normalised', async () => {
    const appId = newApp();
    const { resourceId, sid } = await startTask(c, appId, {
      mode: 'individual',
      request: { storageConfig, recordingConfig: { streamTypes: 2, subscribeUidGroup: 0 } },
    });
    await sleep(350);
    const view = serverResponseView(expectOk(await c.query(appId, resourceId, sid, 'individual')).serverResponse);
    expect(view.status).toBe(5);
    expect(view.files).toEqual(
      expect.arrayContaining([expect.objectContaining({ uid: '10001', trackType: 'audio', mixedAllUser: false, isPlayable: true })]),
    );
  });

  describe('§7.1 rows for any endpoint', () => {
    test('400 {"message":"appid is invalid"} for an App ID the service does not know', async () => {
      const app = newApp();
      expect((await ctl(emu.baseUrl, 'POST', `/__emulator/apps/${app}/invalid`)).status).toBe(200);
      const o = await c.acquire(app, { cname: 'x', uid: UID, clientRequest: {} });
      expect(o).toMatchObject({ kind: 'client-error', httpStatus: 400, message: 'appid is invalid' });
      expect((o as { code?: number }).code).toBeUndefined();
    });

    test('401 Unauthorized: no Authorization header', async () => {
      // Strip the header on the way out so the request still goes through the client.
      const stripping = new Agent().compose((dispatch) => (opts, handler) => {
        const headers = { ...(opts.headers as Record<string, string>) };
        delete headers.authorization;
        return dispatch({ ...opts, headers }, handler);
      });
      const noAuth = makeClient(emu, { dispatcher: stripping });
      const o = await noAuth.acquire(newApp(), { cname: 'x', uid: UID, clientRequest: {} });
      expect(o).toMatchObject({ kind: 'client-error', httpStatus: 401, message: 'Unauthorized' });
      await stripping.close();
    });

    test('401 Invalid authentication credentials: wrong secret, and the secret is not echoed', async () => {
      const bad = makeClient(emu, { customerSecret: 'wrong-secret-value' });
      const o = await bad.acquire(newApp(), { cname: 'x', uid: UID, clientRequest: {} });
      expect(o).toMatchObject({ kind: 'client-error', httpStatus: 401, message: 'Invalid authentication credentials' });
      expect(JSON.stringify(o)).not.toContain('wrong-secret-value');
    });

    test('404 no Route matched: wrong URL is a client error, not a missing task', async () => {
      const wrong = makeClient(emu, { baseUrls: [`${emu.baseUrl}/v2`, emu.altBaseUrl] });
      const o = await wrong.query(newApp(), 'rid', 'sid', 'mix');
      expect(o).toMatchObject({ kind: 'client-error', httpStatus: 404, noRoute: true, message: 'no Route matched with those values', host: new URL(emu.baseUrl).origin });
    });

    test('429 API rate limit exceeded', async () => {
      const appId = newApp();
      const outcomes = await Promise.all(Array.from({ length: 15 }, () => c.acquire(appId, { cname: 'x', uid: UID, clientRequest: {} })));
      const limited = outcomes.filter((o) => o.kind === 'rate-limited');
      expect(limited.length).toBeGreaterThanOrEqual(5);
      expect(limited[0]).toMatchObject({ httpStatus: 429, message: 'API rate limit exceeded' });
    });
  });

  describe('§7.1 acquire rows', () => {
    test('400 code 2: invalid parameter (resourceExpiredHour out of range)', async () => {
      const raw = makeClient(emu, { validateRequests: false });
      const o = await raw.acquire(newApp(), { cname: 'x', uid: UID, clientRequest: { resourceExpiredHour: 721 } });
      expect(o).toMatchObject({ kind: 'client-error', httpStatus: 400, code: 2 });
    });

    test('400 code 400 invalid_appid (fault)', async () => {
      await fault({ op: 'acquire', httpStatus: 400, code: 400, reason: 'invalid_appid' });
      expect(await c.acquire(newApp(), { cname: 'x', uid: UID, clientRequest: {} })).toMatchObject({
        kind: 'client-error',
        httpStatus: 400,
        code: 400,
        reason: 'invalid_appid',
      });
    });

    test('400 code 401 invalid_channel_name (natural: "*" is outside the 89-char set)', async () => {
      expect(await c.acquire(newApp(), { cname: 'bad*name', uid: UID, clientRequest: {} })).toMatchObject({
        kind: 'client-error',
        httpStatus: 400,
        code: 401,
        reason: 'invalid_channel_name',
      });
    });

    test('400 code 405 no_active_status (fault)', async () => {
      await fault({ op: 'acquire', httpStatus: 400, code: 405, reason: 'no_active_status' });
      expect(await c.acquire(newApp(), { cname: 'x', uid: UID, clientRequest: {} })).toMatchObject({ kind: 'client-error', code: 405 });
    });

    test.each([
      [500, 500, 'internal_error'],
      [500, 501, 'no_worker_manager_available'],
      [500, 504, 'allocate_timeout'],
    ])('%s code %s %s (fault) is a server error', async (httpStatus, code, reason) => {
      await fault({ op: 'acquire', httpStatus, code, reason });
      expect(await c.acquire(newApp(), { cname: 'x', uid: UID, clientRequest: {} })).toMatchObject({ kind: 'server-error', httpStatus, code, reason });
    });
  });

  describe('§7.1 start rows', () => {
    test('201 code 7 already started (natural: double start)', async () => {
      const appId = newApp();
      const { cname, resourceId, sid } = await startTask(c, appId);
      const again = await c.start(appId, resourceId, 'mix', { cname, uid: UID, clientRequest: mixRequest });
      expect(again).toMatchObject({ kind: 'already-started', httpStatus: 201, code: 7, sid, resourceId });
    });

    test('206 code 65 request not completed (fault) → retry succeeds', async () => {
      const appId = newApp();
      const { resourceId } = expectOk(await c.acquire(appId, { cname: 'r65', uid: UID, clientRequest: {} }));
      await fault({ op: 'start', httpStatus: 206 });
      const o = await c.start(appId, resourceId, 'mix', { cname: 'r65', uid: UID, clientRequest: mixRequest });
      expect(o).toMatchObject({ kind: 'partial', httpStatus: 206, code: 65 });
      if (o.kind === 'partial') expect(startAnswer(o, REF, 'mix', 'r65').kind).toBe('ambiguous');
      expect((await c.start(appId, resourceId, 'mix', { cname: 'r65', uid: UID, clientRequest: mixRequest })).kind).toBe('ok');
    });

    test('400 code 2 bad parameters (storageConfig missing)', async () => {
      const appId = newApp();
      const raw = makeClient(emu, { validateRequests: false });
      const { resourceId } = expectOk(await raw.acquire(appId, { cname: 'r2', uid: UID, clientRequest: {} }));
      const o = await raw.start(appId, resourceId, 'mix', { cname: 'r2', uid: UID, clientRequest: {} as StartClientRequest });
      expect(o).toMatchObject({ kind: 'client-error', httpStatus: 400, code: 2 });
    });

    test('400 code 53 task conflict (natural: same cname+uid already recording)', async () => {
      const appId = newApp();
      const { cname } = await startTask(c, appId);
      const { resourceId } = expectOk(await c.acquire(appId, { cname, uid: UID, clientRequest: {} }));
      expect(await c.start(appId, resourceId, 'mix', { cname, uid: UID, clientRequest: mixRequest })).toMatchObject({
        kind: 'client-error',
        httpStatus: 400,
        code: 53,
      });
    });

    test('500 code 502 Failed to allocate worker (fault) keeps the echoed empty sid out', async () => {
      const appId = newApp();
      const { resourceId } = expectOk(await c.acquire(appId, { cname: 'r502', uid: UID, clientRequest: {} }));
      await fault({ op: 'start', httpStatus: 500 });
      const o = await c.start(appId, resourceId, 'mix', { cname: 'r502', uid: UID, clientRequest: mixRequest });
      expect(o).toMatchObject({ kind: 'server-error', httpStatus: 500, code: 502, reason: 'Failed to allocate worker' });
    });

    test('500 code 62 request timeout (fault)', async () => {
      const appId = newApp();
      const { resourceId } = expectOk(await c.acquire(appId, { cname: 'r62', uid: UID, clientRequest: {} }));
      await fault({ op: 'start', httpStatus: 500, code: 62, reason: 'request timeout' });
      expect(await c.start(appId, resourceId, 'mix', { cname: 'r62', uid: UID, clientRequest: mixRequest })).toMatchObject({
        kind: 'server-error',
        code: 62,
      });
    });
  });

  describe('§7.1 query / update / updateLayout rows', () => {
    type Op = 'query' | 'update' | 'updateLayout';
    const call = (op: Op, appId: string, t: { cname: string; resourceId: string; sid: string }, cl = c) => {
      const env = { cname: t.cname, uid: UID };
      if (op === 'query') return cl.query(appId, t.resourceId, t.sid, 'mix');
      if (op === 'update') return cl.update(appId, t.resourceId, t.sid, 'mix', { ...env, clientRequest: { streamSubscribe: { audioUidList: { subscribeAudioUids: ['#allstream#'] } } } });
      return cl.updateLayout(appId, t.resourceId, t.sid, { ...env, clientRequest: { mixedVideoLayout: 1 } });
    };
    const ops: Op[] = ['query', 'update', 'updateLayout'];

    test.each(ops)('%s: 206 code 65 (fault)', async (op) => {
      const appId = newApp();
      const t = await startTask(c, appId);
      await fault({ op, httpStatus: 206 });
      const o = await call(op, appId, t);
      expect(o).toMatchObject({ kind: 'partial', httpStatus: 206, code: 65 });
    });

    test('query: 400 code 2 (natural: invalid mode in the path)', async () => {
      const appId = newApp();
      const t = await startTask(c, appId);
      expect(await c.query(appId, t.resourceId, t.sid, 'bogus' as RecordingMode)).toMatchObject({ kind: 'client-error', httpStatus: 400, code: 2 });
    });

    test('update / updateLayout: 400 code 2 (natural: invalid fields)', async () => {
      const appId = newApp();
      const t = await startTask(c, appId);
      const raw = makeClient(emu, { validateRequests: false });
      const env = { cname: t.cname, uid: UID };
      const u = await raw.update(appId, t.resourceId, t.sid, 'mix', { ...env, clientRequest: { streamSubscribe: { audioUidList: { subscribeAudioUids: ['not-a-uid'] } } } });
      expect(u).toMatchObject({ kind: 'client-error', httpStatus: 400, code: 2 });
      const l = await raw.updateLayout(appId, t.resourceId, t.sid, { ...env, clientRequest: { mixedVideoLayout: 9 as 0 } });
      expect(l).toMatchObject({ kind: 'client-error', httpStatus: 400, code: 2 });
    });

    test.each(ops)('%s: 404 code 404 failed to find worker (natural: after stop)', async (op) => {
      const appId = newApp();
      const t = await startTask(c, appId);
      expect((await c.stop(appId, t.resourceId, t.sid, 'mix', { cname: t.cname, uid: UID, clientRequest: { async_stop: true } })).kind).toMatch(/ok|partial/);
      expect(await call(op, appId, t)).toMatchObject({ kind: 'not-found', httpStatus: 404, code: 404, reason: 'failed to find worker' });
    });

    test.each(ops)('%s: 504 code 62 request timeout (fault)', async (op) => {
      const appId = newApp();
      const t = await startTask(c, appId);
      await fault({ op, httpStatus: 504 });
      expect(await call(op, appId, t)).toMatchObject({ kind: 'server-error', httpStatus: 504, code: 62 });
    });
  });

  describe('§7.1 stop rows', () => {
    const stopTask = (appId: string, t: { cname: string; resourceId: string; sid: string }, clientRequest: Record<string, unknown> = {}, cl = c) =>
      cl.stop(appId, t.resourceId, t.sid, 'mix', { cname: t.cname, uid: UID, clientRequest });

    test('206 code 65 (fault)', async () => {
      const appId = newApp();
      const t = await startTask(c, appId);
      await fault({ op: 'stop', httpStatus: 206 });
      const o = await stopTask(appId, t);
      expect(o).toMatchObject({ kind: 'partial', code: 65 });
      if (o.kind === 'partial') expect(stopAnswer(o).kind).toBe('ambiguous');
    });

    test('206 code 435 no recorded data (natural: empty channel)', async () => {
      const appId = newApp();
      const cname = 'empty-room';
      expect((await ctl(emu.baseUrl, 'POST', '/__emulator/channels', { cname, empty: true })).status).toBe(200);
      const t = await startTask(c, appId, { cname });
      await sleep(350);
      const o = await stopTask(appId, t);
      expect(o).toMatchObject({ kind: 'partial', httpStatus: 206, code: 435, reason: 'no recorded data' });
      if (o.kind === 'partial') expect(stopAnswer(o).kind).toBe('nothing-recorded');
    });

    test('206 sync-stop upload timeout, code 50 (EN) and code 206 (CN), distinguishable by code (fault)', async () => {
      for (const code of [50, 206]) {
        const appId = newApp();
        const t = await startTask(c, appId);
        await fault({ op: 'stop', httpStatus: 206, code, reason: 'upload timeout' });
        const o = await stopTask(appId, t, { async_stop: false });
        expect(o).toMatchObject({ kind: 'partial', code });
        if (o.kind === 'partial') expect(stopAnswer(o).kind).toBe('ambiguous');
      }
    });

    test('400 code 2 (natural: async_stop not a boolean)', async () => {
      const appId = newApp();
      const t = await startTask(c, appId);
      const raw = makeClient(emu, { validateRequests: false });
      expect(await stopTask(appId, t, { async_stop: 'yes' }, raw)).toMatchObject({ kind: 'client-error', httpStatus: 400, code: 2 });
    });

    test('400 code 49 invalid operation (fault; emulator answers a duplicate stop with 404)', async () => {
      const appId = newApp();
      const t = await startTask(c, appId);
      await fault({ op: 'stop', httpStatus: 400, code: 49, reason: 'invalid operation' });
      expect(await stopTask(appId, t)).toMatchObject({ kind: 'client-error', httpStatus: 400, code: 49 });
    });

    test('404 code 404 (natural: recorder exited / duplicate stop)', async () => {
      const appId = newApp();
      const t = await startTask(c, appId);
      expect((await ctl(emu.baseUrl, 'POST', `/__emulator/tasks/${t.sid}/exit`)).status).toBe(200);
      expect(await stopTask(appId, t)).toMatchObject({ kind: 'not-found', code: 404 });

      const t2 = await startTask(c, appId);
      await sleep(350);
      expect((await stopTask(appId, t2)).kind).toBe('ok');
      expect(await stopTask(appId, t2)).toMatchObject({ kind: 'not-found', code: 404 });
    });

    test('504 code 62 (fault)', async () => {
      const appId = newApp();
      const t = await startTask(c, appId);
      await fault({ op: 'stop', httpStatus: 504 });
      expect(await stopTask(appId, t)).toMatchObject({ kind: 'server-error', httpStatus: 504, code: 62 });
    });
  });

  test('burst: 50 queries in one second → 429s, visible in stats with maxPerSecond > 10', async () => {
    const appId = newApp();
    const t = await startTask(c, appId);
    await sleep(1100); // empty the QPS window used by acquire/start
    const t0 = Date.now();
    const outcomes = await Promise.all(Array.from({ length: 50 }, () => c.query(appId, t.resourceId, t.sid, 'mix')));
    expect(Date.now() - t0).toBeLessThan(1000);
    const limited = outcomes.filter((o) => o.kind === 'rate-limited').length;
    const ok = outcomes.filter((o) => o.kind === 'ok').length;
    expect(ok).toBeLessThanOrEqual(10);
    expect(limited).toBe(50 - ok);
    expect(limited).toBeGreaterThanOrEqual(40);
    const stats = (await ctl(emu.baseUrl, 'GET', '/__emulator/stats')).body.apps[appId];
    expect(stats.rateLimited).toBe(limited);
    expect(stats.requests.query['429']).toBe(limited);
    expect(stats.maxPerSecond).toBeGreaterThan(10);
  });

  test('hang fault: client times out on primary twice, then the alternate answers', async () => {
    const appId = newApp();
    const t = await startTask(c, appId);
    const quick = makeClient(emu, { timeoutMs: 300 });
    await fault({ op: 'query', effect: 'hang', times: 2 });
    const since = Date.now();
    const o = await quick.query(appId, t.resourceId, t.sid, 'mix');
    expect(o).toMatchObject({ kind: 'ok', host: new URL(emu.altBaseUrl).origin });
    const log = (await ctl(emu.baseUrl, 'GET', `/__emulator/requests?since=${since}`)).body.requests.filter((r: { op: string }) => r.op === 'query');
    expect(log.map((r: { host: string; httpStatus: number }) => `${r.host}:${r.httpStatus}`)).toEqual(['primary:0', 'primary:0', 'alternate:200']);
  });

  test('hang everywhere: network outcome with timedOut and all hosts tried', async () => {
    const appId = newApp();
    const t = await startTask(c, appId);
    const quick = makeClient(emu, { timeoutMs: 200 });
    await fault({ op: 'query', effect: 'hang', times: 3 });
    const o = await quick.query(appId, t.resourceId, t.sid, 'mix');
    const [p, a] = [new URL(emu.baseUrl).origin, new URL(emu.altBaseUrl).origin];
    expect(o).toEqual({ kind: 'network', error: 'timeout: no answer within 200 ms', timedOut: true, hostsTried: [p, p, a] });
  });

  test('primary down: alternate answers; after the window the primary answers again', async () => {
    const appId = newApp();
    const t = await startTask(c, appId);
    const [p, a] = [new URL(emu.baseUrl).origin, new URL(emu.altBaseUrl).origin];
    expect((await ctl(emu.altBaseUrl, 'POST', '/__emulator/hosts/primary/down', { ms: 1500 })).status).toBe(200);
    const downAt = Date.now();
    await sleep(50);

    const during = await c.query(appId, t.resourceId, t.sid, 'mix');
    expect(during).toMatchObject({ kind: 'ok', host: a });
    const upd = await c.update(appId, t.resourceId, t.sid, 'mix', { cname: t.cname, uid: UID, clientRequest: {} });
    expect(upd).toMatchObject({ kind: 'ok', host: a });

    await sleep(Math.max(0, downAt + 1600 - Date.now()));
    let after: AgoraOutcome<unknown> | undefined;
    for (let i = 0; i < 20; i++) {
      after = await c.query(appId, t.resourceId, t.sid, 'mix');
      if (after.kind === 'ok' && after.host === p) break;
      await sleep(100);
    }
    expect(after).toMatchObject({ kind: 'ok', host: p });

    const log = (await ctl(emu.baseUrl, 'GET', `/__emulator/requests?since=${downAt}`)).body.requests;
    const hosts = log.filter((r: { op: string | null }) => r.op === 'query' || r.op === 'update').map((r: { host: string }) => r.host);
    expect(hosts.slice(0, 2)).toEqual(['alternate', 'alternate']);
    expect(hosts[hosts.length - 1]).toBe('primary');
  });
});

describe('emulator with short resourceTtlMs and maxConcurrent 1', () => {
  let emu: Emu;
  let c: AgoraClient;
  beforeAll(async () => {
    emu = await startEmulator({ port: 0, altPort: 0, startDelayMs: 100, resourceTtlMs: 300, maxConcurrent: 1 });
    c = makeClient(emu);
  });
  afterAll(async () => {
    await emu.close();
  });

  test('400 code 433: resourceId expired before start', async () => {
    const appId = newApp();
    const { resourceId } = expectOk(await c.acquire(appId, { cname: 'late', uid: UID, clientRequest: {} }));
    await sleep(400);
    expect(await c.start(appId, resourceId, 'mix', { cname: 'late', uid: UID, clientRequest: mixRequest })).toMatchObject({
      kind: 'client-error',
      httpStatus: 400,
      code: 433,
    });
  });

  test('acquire 400 code 406 vendor_over_load at the concurrency limit; hoarded resourceId start → 500 code 502', async () => {
    const appId = newApp();
    const first = expectOk(await c.acquire(appId, { cname: 'one', uid: UID, clientRequest: {} }));
    const hoarded = expectOk(await c.acquire(appId, { cname: 'two', uid: UID, clientRequest: {} }));
    expectOk(await c.start(appId, first.resourceId, 'mix', { cname: 'one', uid: UID, clientRequest: mixRequest }));
    expect(await c.acquire(appId, { cname: 'three', uid: UID, clientRequest: {} })).toMatchObject({
      kind: 'client-error',
      httpStatus: 400,
      code: 406,
      reason: 'vendor_over_load',
    });
    expect(await c.start(appId, hoarded.resourceId, 'mix', { cname: 'two', uid: UID, clientRequest: mixRequest })).toMatchObject({
      kind: 'server-error',
      httpStatus: 500,
      code: 502,
    });
  });
});
