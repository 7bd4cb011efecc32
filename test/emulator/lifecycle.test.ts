import { startEmulator } from '../../src/emulator/server';
import { Client, sleep, startRequest, useEmulator } from './support';

const ctx = useEmulator();

describe('resources', () => {
  test('a resourceId is single-use: repeat start → 201 code 7 with the sid; after stop → 433', async () => {
    const { c } = ctx;
    const { rid, sid } = await c.record('once', '1');
    const again = await c.start(rid, 'mix', 'once', '1', startRequest('mix'));
    expect(again.status).toBe(201);
    expect(again.body).toEqual({ cname: 'once', uid: '1', resourceId: rid, sid, code: 7, reason: 'already started' });
    await c.stop(rid, sid, 'mix', 'once', '1');
    const reused = await c.start(rid, 'mix', 'once', '1', startRequest('mix'));
    expect(reused.status).toBe(400);
    expect(reused.body.code).toBe(433);
  });

  test('unknown resourceId → 1001; appId/cname/uid mismatch → 432', async () => {
    const { c } = ctx;
    const unknown = await c.start('AAAA', 'mix', 'x', '1', startRequest('mix'));
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe(1001);
    const rid = (await c.acquire('x', '1')).body.resourceId;
    for (const [cname, uid] of [
      ['y', '1'],
      ['x', '2'],
    ]) {
      const r = await c.start(rid, 'mix', cname, uid, startRequest('mix'));
      expect(r.status).toBe(400);
      expect(r.body.code).toBe(432);
    }
    const other = new Client(ctx.emu, ctx.emu.baseUrl, 'another-app');
    const r = await other.start(rid, 'mix', 'x', '1', startRequest('mix'));
    expect(r.body.code).toBe(432);
    // web mode needs a scene-1 resource
    expect((await c.start(rid, 'web', 'x', '1', startRequest('web'))).body.code).toBe(432);
  });

  test('an expired resourceId → 400 code 433', async () => {
    const emu = await startEmulator({ resourceTtlMs: 150, startDelayMs: 0 });
    try {
      const c = new Client(emu);
      const rid = (await c.acquire('late', '1')).body.resourceId;
      await sleep(250);
      const r = await c.start(rid, 'mix', 'late', '1', startRequest('mix'));
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ code: 433, reason: 'resource expired' });
    } finally {
      await emu.close();
    }
  });

  test('one live task per appId+cname+uid: a second resource for the same uid → 53', async () => {
    const { c } = ctx;
    await c.record('busy', '9');
    const rid2 = (await c.acquire('busy', '9')).body.resourceId;
    const r = await c.start(rid2, 'mix', 'busy', '9', startRequest('mix'));
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: 53, reason: 'task conflict' });
    // a different uid records the same channel in parallel
    await c.record('busy', '10');
  });
});

describe('task status and files', () => {
  test('status climbs 0→5 over startDelayMs, fileList appears at 5', async () => {
    const { c } = ctx;
    const { rid, sid } = await c.record('climb', '1');
    const seen: number[] = [];
    const t0 = Date.now();
    while (Date.now() - t0 < 600) {
      const q = await c.query(rid, sid);
      const { status, fileList } = q.body.serverResponse;
      seen.push(status);
      expect(fileList).toBe(status === 5 ? `${sid}_climb.m3u8` : '');
      await sleep(20);
    }
    expect(seen[0]).toBeLessThanOrEqual(1);
    expect(seen[seen.length - 1]).toBe(5);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen); // monotonic
    expect(new Set(seen).size).toBeGreaterThanOrEqual(4);
  });

  test('stop before status 5 → 206 code 435, task still ends', async () => {
    const { c } = ctx;
    const { rid, sid } = await c.record('quick', '1');
    const stop = await c.stop(rid, sid, 'mix', 'quick', '1');
    expect(stop.status).toBe(206);
    expect(stop.body).toEqual({ cname: 'quick', uid: '1', resourceId: rid, sid, code: 435, reason: 'no recorded data' });
    expect((await c.query(rid, sid)).status).toBe(404);
  });

  test('a channel empty for the whole task → stop gives 435', async () => {
    const { c } = ctx;
    await c.control('POST', '/__emulator/channels', { cname: 'void', empty: true });
    const { rid, sid } = await c.record('void', '1');
    await sleep(350);
    expect((await c.query(rid, sid)).body.serverResponse).toMatchObject({ status: 5, fileList: '' });
    const stop = await c.stop(rid, sid, 'mix', 'void', '1');
    expect(stop.status).toBe(206);
    expect(stop.body.code).toBe(435);
  });

  test('a channel that had media while recording, then emptied → stop still returns files', async () => {
    const { c } = ctx;
    const { rid, sid } = await c.record('was-busy', '1');
    await sleep(350);
    await c.control('POST', '/__emulator/channels', { cname: 'was-busy', empty: true });
    const stop = await c.stop(rid, sid, 'mix', 'was-busy', '1');
    expect(stop.status).toBe(200);
    expect(stop.body.serverResponse.fileList).toBe(`${sid}_was-busy.m3u8`);
  });

  test('after stop, query/update/updateLayout/stop → 404 failed to find worker', async () => {
    const { c } = ctx;
    const { rid, sid } = await c.record('gone', '1');
    await sleep(350);
    expect((await c.stop(rid, sid, 'mix', 'gone', '1')).status).toBe(200);
    const calls = [
      c.query(rid, sid),
      c.update(rid, sid, 'mix', 'gone', '1', {}),
      c.updateLayout(rid, sid, 'mix', 'gone', '1', {}),
      c.stop(rid, sid, 'mix', 'gone', '1'),
    ];
    for (const r of await Promise.all(calls)) {
      expect(r.status).toBe(404);
      expect(r.body).toMatchObject({ code: 404, reason: 'failed to find worker' });
    }
    expect((await c.query(rid, '0'.repeat(32))).status).toBe(404);
  });

  test('update/stop naming another cname/uid → 432', async () => {
    const { c } = ctx;
    const { rid, sid } = await c.record('mine', '1');
    expect((await c.update(rid, sid, 'mix', 'other', '1', {})).body.code).toBe(432);
    expect((await c.stop(rid, sid, 'mix', 'mine', '2')).body.code).toBe(432);
  });

  test('control exit kills the recorder: later queries 404', async () => {
    const { c } = ctx;
    const { rid, sid } = await c.record('doomed', '1');
    const exit = await c.control('POST', `/__emulator/tasks/${sid}/exit`);
    expect(exit.status).toBe(200);
    expect(exit.body.task).toMatchObject({ sid, live: false, endReason: 'killed' });
    expect((await c.query(rid, sid)).status).toBe(404);
    expect((await c.control('POST', '/__emulator/tasks/ffff/exit')).status).toBe(404);
  });

  test('a recorder uid that collides with a channel user is kicked (start 200, then 404)', async () => {
    const { c } = ctx;
    const { rid, sid } = await c.record('collide', '10001');
    await sleep(350);
    expect((await c.query(rid, sid)).status).toBe(404);
    expect((await c.task(sid)).endReason).toBe('killed');
  });

  test('idle exit after maxIdleTime in an empty channel', async () => {
    const { c } = ctx;
    const { rid, sid } = await c.record('idle', '1', 'mix', startRequest('mix', { recordingConfig: { maxIdleTime: 5 } }));
    await sleep(400);
    const t0 = Date.now();
    await c.control('POST', '/__emulator/channels', { cname: 'idle', empty: true });
    await sleep(4500);
    expect((await c.query(rid, sid)).status).toBe(200);
    await sleep(5200 - (Date.now() - t0));
    const q = await c.query(rid, sid);
    expect(q.status).toBe(404);
    const task = await c.task(sid);
    expect(task).toMatchObject({ live: false, endReason: 'idle' });
    expect(task.endedAt - t0).toBeGreaterThanOrEqual(4900);
    expect(task.endedAt - t0).toBeLessThan(5200);
  });

  test('users rejoining resets the idle timer', async () => {
    const { c } = ctx;
    const { rid, sid } = await c.record('flaky', '1', 'mix', startRequest('mix', { recordingConfig: { maxIdleTime: 5 } }));
    await c.control('POST', '/__emulator/channels', { cname: 'flaky', empty: true });
    await sleep(3000);
    await c.control('POST', '/__emulator/channels', { cname: 'flaky', empty: false });
    await c.control('POST', '/__emulator/channels', { cname: 'flaky', empty: true });
    await sleep(2600); // past the first deadline (5 s after the first empty)
    expect((await c.query(rid, sid)).status).toBe(200);
  });
});

describe('stuck tasks and concurrency', () => {
  test('maxConcurrent caps live tasks per App ID: acquire → 406', async () => {
    const emu = await startEmulator({ maxConcurrent: 2, startDelayMs: 0 });
    try {
      const c = new Client(emu);
      const a = await c.record('cap', '1');
      await c.record('cap', '2');
      const over = await c.acquire('cap', '3');
      expect(over.status).toBe(400);
      expect(over.body).toEqual({ code: 406, reason: 'vendor_over_load' });
      // other App IDs have their own budget
      expect((await new Client(emu, emu.baseUrl, 'other-app').acquire('cap', '3')).status).toBe(200);
      await c.stop(a.rid, a.sid, 'mix', 'cap', '1');
      expect((await c.acquire('cap', '3')).status).toBe(200);
      expect((await c.control('GET', '/__emulator/stats')).body.apps[c.appId].live).toBe(1);
    } finally {
      await emu.close();
    }
  });
});

describe('exiting window (exitingMs)', () => {
  const EXITING_MS = 1000;
  const ctxExit = useEmulator({ exitingMs: EXITING_MS });
  const until = (t: number) => sleep(Math.max(0, t - Date.now()));

  test('after stop: query shows 6 then 7, a repeated stop → 400 code 49, update → 404; afterwards all 404', async () => {
    const { c } = ctxExit;
    const { rid, sid } = await c.record('exiting', '1');
    await sleep(350);
    const stop = await c.stop(rid, sid, 'mix', 'exiting', '1');
    expect(stop.status).toBe(200);
    const endedAt: number = (await c.task(sid)).endedAt;

    const q6 = await c.query(rid, sid);
    expect(q6.status).toBe(200);
    // the files it had when it stopped stay visible while it exits
    expect(q6.body.serverResponse).toMatchObject({ status: 6, fileListMode: 'string', fileList: `${sid}_exiting.m3u8` });
    expect(await c.task(sid)).toMatchObject({ live: false, status: 6, endReason: 'stopped' });
    const again = await c.stop(rid, sid, 'mix', 'exiting', '1');
    expect(again.status).toBe(400);
    expect(again.body).toEqual({ cname: 'exiting', uid: '1', resourceId: rid, sid, code: 49, reason: 'invalid operation' });
    expect((await c.stop(rid, sid, 'mix', 'exiting', '2')).body.code).toBe(432);
    expect((await c.update(rid, sid, 'mix', 'exiting', '1', {})).status).toBe(404);
    expect((await c.updateLayout(rid, sid, 'mix', 'exiting', '1', {})).status).toBe(404);
    // the resource stays used and the recorder no longer counts as live
    expect((await c.start(rid, 'mix', 'exiting', '1', startRequest('mix'))).body.code).toBe(433);
    expect((await c.control('GET', '/__emulator/stats')).body.apps[c.appId].live).toBe(0);

    await until(endedAt + EXITING_MS / 2 + 50);
    expect((await c.query(rid, sid)).body.serverResponse.status).toBe(7);
    expect((await c.stop(rid, sid, 'mix', 'exiting', '1')).body.code).toBe(49);

    await until(endedAt + EXITING_MS + 50);
    expect((await c.query(rid, sid)).status).toBe(404);
    const late = await c.stop(rid, sid, 'mix', 'exiting', '1');
    expect(late.status).toBe(404);
    expect(late.body.code).toBe(404);
    expect((await c.task(sid)).status).toBe(8);
  });

  test('a stop after the idle exit → 49 while exiting', async () => {
    const { c } = ctxExit;
    await c.control('POST', '/__emulator/channels', { cname: 'left', empty: true });
    const { rid, sid } = await c.record('left', '1', 'mix', startRequest('mix', { recordingConfig: { maxIdleTime: 5 } }));
    await sleep(5100);
    const stop = await c.stop(rid, sid, 'mix', 'left', '1');
    expect(stop.status).toBe(400);
    expect(stop.body.code).toBe(49);
    expect(await c.task(sid)).toMatchObject({ endReason: 'idle', live: false });
  });

  test('a killed recorder has no exiting window: status 20, stop → 404 at once', async () => {
    const { c } = ctxExit;
    const { rid, sid } = await c.record('crash', '1');
    await c.control('POST', `/__emulator/tasks/${sid}/exit`);
    expect((await c.stop(rid, sid, 'mix', 'crash', '1')).status).toBe(404);
    expect((await c.query(rid, sid)).status).toBe(404);
    expect((await c.task(sid)).status).toBe(20);
  });

  test('web mode while exiting: state "exit", files as of the stop', async () => {
    const { c } = ctxExit;
    const { rid, sid } = await c.record('webexit', '1', 'web');
    await sleep(350);
    expect((await c.stop(rid, sid, 'web', 'webexit', '1')).status).toBe(200);
    const q = await c.query(rid, sid, 'web');
    expect(q.body.serverResponse.status).toBe(6);
    const rec = q.body.serverResponse.extensionServiceState.find((s: { serviceName: string }) => s.serviceName === 'web_recorder_service');
    expect(rec.payload).toMatchObject({ state: 'exit', fileList: [{ filename: `${sid}_webexit.m3u8` }] });
  });
});
