import { sleep, startRequest, useEmulator } from './support';

const ctx = useEmulator();

const fault = (body: unknown) => ctx.c.control('POST', '/__emulator/faults', body);

describe('fault injection', () => {
  test('status + code without apply: answered, not performed', async () => {
    const { c } = ctx;
    expect((await fault({ op: 'start', httpStatus: 500, code: 502, reason: 'Failed to allocate worker' })).status).toBe(201);
    const rid = (await c.acquire('f1', '1')).body.resourceId;
    const r = await c.start(rid, 'mix', 'f1', '1', startRequest('mix'));
    expect(r.status).toBe(500);
    expect(r.body).toEqual({ cname: 'f1', uid: '1', resourceId: rid, sid: '', code: 502, reason: 'Failed to allocate worker' });
    expect((await c.control('GET', '/__emulator/tasks')).body.tasks).toHaveLength(0);
    // the fault fired once; the retry goes through
    expect((await c.start(rid, 'mix', 'f1', '1', startRequest('mix'))).status).toBe(200);
  });

  test('default code for a status comes from the vendor table; 429 uses the gateway body', async () => {
    const { c } = ctx;
    await fault({ op: 'acquire', httpStatus: 504, times: 1 });
    await fault({ op: 'acquire', httpStatus: 429 });
    const a = await c.acquire('f2', '1');
    expect(a.status).toBe(504);
    expect(a.body).toEqual({ cname: 'f2', uid: '1', code: 62, reason: 'request timeout' });
    const b = await c.acquire('f2', '1');
    expect(b.status).toBe(429);
    expect(b.body).toEqual({ message: 'API rate limit exceeded' });
    expect((await c.control('GET', '/__emulator/stats')).body.apps[c.appId].rateLimited).toBe(1);
  });

  test('message: any status answered in the gateway form {message}, e.g. 400 "appid is invalid"', async () => {
    const { c } = ctx;
    await fault({ op: '*', httpStatus: 400, message: 'appid is invalid', match: { appId: c.appId } });
    await fault({ op: 'acquire', httpStatus: 503, message: 'upstream unavailable' });
    const a = await c.acquire('gw', '1');
    expect([a.status, a.body]).toEqual([400, { message: 'appid is invalid' }]);
    const b = await c.acquire('gw', '1');
    expect([b.status, b.body]).toEqual([503, { message: 'upstream unavailable' }]);
    expect((await c.acquire('gw', '1')).status).toBe(200);
  });

  test('apply: start happens but the client sees 206; the retry gets 201 code 7', async () => {
    const { c } = ctx;
    await fault({ op: 'start', httpStatus: 206, apply: true });
    const rid = (await c.acquire('lost', '1')).body.resourceId;
    const r = await c.start(rid, 'mix', 'lost', '1', startRequest('mix'));
    expect(r.status).toBe(206);
    expect(r.body).toMatchObject({ code: 65, reason: 'request not completed', sid: '' });
    const tasks = (await c.control('GET', '/__emulator/tasks')).body.tasks;
    expect(tasks).toHaveLength(1);
    const retry = await c.start(rid, 'mix', 'lost', '1', startRequest('mix'));
    expect(retry.status).toBe(201);
    expect(retry.body).toMatchObject({ code: 7, sid: tasks[0].sid });
  });

  test('apply on stop: task ended though the client saw 504', async () => {
    const { c } = ctx;
    const { rid, sid } = await c.record('stop-lost', '1');
    await fault({ op: 'stop', httpStatus: 504, apply: true });
    expect((await c.stop(rid, sid, 'mix', 'stop-lost', '1')).status).toBe(504);
    expect((await c.task(sid)).endReason).toBe('stopped');
    expect((await c.stop(rid, sid, 'mix', 'stop-lost', '1')).status).toBe(404);
  });

  test('delayMs delays the answer', async () => {
    const { c } = ctx;
    const { rid, sid } = await c.record('slow', '1');
    await fault({ op: 'query', delayMs: 300 });
    const t0 = Date.now();
    const r = await c.query(rid, sid);
    expect(r.status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
  });

  test('hang: no answer until the client gives up; the emulator keeps serving', async () => {
    const { c } = ctx;
    const { rid, sid } = await c.record('hang', '1');
    await fault({ op: 'query', effect: 'hang' });
    const t0 = Date.now();
    await expect(c.query(rid, sid, 'mix', { signal: AbortSignal.timeout(300) })).rejects.toThrow();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect((await c.query(rid, sid)).status).toBe(200);
    const log = (await c.control('GET', '/__emulator/requests')).body.requests;
    expect(log.filter((e: { op: string; httpStatus: number }) => e.op === 'query' && e.httpStatus === 0)).toHaveLength(1);
  });

  test('hang with apply on start: the task exists though no reply came', async () => {
    const { c } = ctx;
    await fault({ op: 'start', effect: 'hang', apply: true });
    const rid = (await c.acquire('hang-start', '1')).body.resourceId;
    await expect(c.start(rid, 'mix', 'hang-start', '1', startRequest('mix'), { signal: AbortSignal.timeout(200) })).rejects.toThrow();
    expect((await c.control('GET', '/__emulator/tasks')).body.tasks[0]).toMatchObject({ cname: 'hang-start', live: true });
  });

  test('stuck: the task starts but never passes status 2; stop → 435', async () => {
    const { c } = ctx;
    await fault({ op: 'start', effect: 'stuck' });
    const { rid, sid } = await c.record('stuck', '1');
    await sleep(450);
    const q = await c.query(rid, sid);
    expect(q.body.serverResponse.status).toBe(2);
    expect((await c.task(sid)).stuck).toBe(true);
    expect((await c.stop(rid, sid, 'mix', 'stuck', '1')).body.code).toBe(435);
  });

  test('match by cname only hits that channel; times counts down; list and clear', async () => {
    const { c } = ctx;
    await fault({ op: '*', httpStatus: 404, times: 2, match: { cname: 'target' } });
    const other = await c.record('bystander', '1');
    expect((await c.query(other.rid, other.sid)).status).toBe(200);
    expect((await c.acquire('target', '1')).status).toBe(404);
    const pending = (await c.control('GET', '/__emulator/faults')).body.faults;
    expect(pending).toEqual([expect.objectContaining({ op: '*', remaining: 1, match: { cname: 'target' } })]);
    expect((await c.control('DELETE', '/__emulator/faults')).status).toBe(200);
    expect((await c.control('GET', '/__emulator/faults')).body.faults).toEqual([]);
    expect((await c.acquire('target', '1')).status).toBe(200);
  });

  test('query faults match by the task cname/uid', async () => {
    const { c } = ctx;
    const a = await c.record('qa', '1');
    const b = await c.record('qb', '1');
    await fault({ op: 'query', httpStatus: 404, match: { cname: 'qb', uid: '1' } });
    expect((await c.query(a.rid, a.sid)).status).toBe(200);
    const r = await c.query(b.rid, b.sid);
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ code: 404, reason: 'failed to find worker', sid: b.sid });
  });

  test('invalid fault bodies → 400 naming the field', async () => {
    const cases: Array<[unknown, string]> = [
      [{ op: 'nope', httpStatus: 500 }, 'op'],
      [{ op: 'start', httpStatus: 700 }, 'httpStatus'],
      [{ op: 'start', times: 0, httpStatus: 500 }, 'times'],
      [{ op: 'start' }, 'httpStatus'],
      [{ op: 'query', effect: 'stuck' }, 'effect'],
      [{ op: 'query', delayMs: -1 }, 'delayMs'],
      [{ op: 'query', httpStatus: 500, match: { sid: 'x' } }, 'match'],
      [{ op: 'query', httpStatus: 500, extra: 1 }, 'extra'],
      [{ op: 'query', message: 'x' }, 'httpStatus'],
      [{ op: 'query', httpStatus: 400, message: 'x', code: 2 }, 'message'],
      [{ op: 'query', httpStatus: 400, message: '' }, 'message'],
    ];
    for (const [body, field] of cases) {
      const r = await fault(body);
      expect([field, r.status]).toEqual([field, 400]);
      expect(r.body.field).toContain(field);
    }
    const r = await fetch(`${ctx.emu.baseUrl}/__emulator/faults`, { method: 'POST', body: '{oops' });
    expect(r.status).toBe(400);
  });
});

test('close() ends hung and delayed requests promptly', async () => {
  const { startEmulator } = await import('../../src/emulator/server');
  const { Client } = await import('./support');
  const emu = await startEmulator({ startDelayMs: 0 });
  const c = new Client(emu);
  await c.control('POST', '/__emulator/faults', { op: 'acquire', effect: 'hang' });
  await c.control('POST', '/__emulator/faults', { op: 'acquire', delayMs: 60_000 });
  const hung = c.acquire('h', '1').then(() => 'answered', () => 'dropped');
  const delayed = c.acquire('h', '2').then(() => 'answered', () => 'dropped');
  await sleep(100);
  const t0 = Date.now();
  await emu.close();
  expect(Date.now() - t0).toBeLessThan(1000);
  expect(await hung).toBe('dropped');
  expect(await delayed).toBe('dropped');
});
