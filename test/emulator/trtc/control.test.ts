import { AFTER_EXIT, APP, createBody, sleep, uniqueRoom, useTrtcEmulator } from './support';

const ctx = useTrtcEmulator();
const fault = (body: unknown) => ctx.c.control('POST', '/__emulator/faults', body);

describe('fault injection', () => {
  test('InternalError ×3 on create: answered (nothing created), the 4th attempt succeeds', async () => {
    const { c } = ctx;
    const f = await fault({ op: 'CreateCloudRecording', code: 'InternalError.CRInternalError', times: 3 });
    expect(f.status).toBe(201);
    expect(f.body.fault).toMatchObject({ op: 'CreateCloudRecording', remaining: 3 });
    const body = createBody(uniqueRoom());
    for (let i = 0; i < 3; i++) {
      const r = await c.call('CreateCloudRecording', body);
      expect(r.Error).toEqual({ Code: 'InternalError.CRInternalError', Message: expect.stringContaining('retry') });
      expect(r.RequestId).toBeDefined();
    }
    expect((await c.control('GET', '/__emulator/tasks')).body.tasks).toHaveLength(0);
    expect((await c.call('CreateCloudRecording', body)).TaskId).toBeDefined();
  });

  test('apply: the create happens but the client sees an error, so a retry makes a second task', async () => {
    const { c } = ctx;
    await fault({ op: 'create', code: 'InternalError.CRInternalError', apply: true });
    const room = uniqueRoom();
    expect((await c.call('CreateCloudRecording', createBody(room))).Error.Code).toBe('InternalError.CRInternalError');
    const tasks = (await c.control('GET', '/__emulator/tasks')).body.tasks;
    expect(tasks).toHaveLength(1);
    // the retry re-uses the UserId, which kicks the hidden first task (LeaveCode 101)
    await c.create(room);
    expect(await c.task(tasks[0].taskId)).toMatchObject({ live: false, leaveCode: 101 });
  });

  test('match narrows a fault; "*" matches any action; custom message; httpStatus answers a non-200', async () => {
    const { c } = ctx;
    const room = uniqueRoom();
    await fault({ op: '*', code: 'FailedOperation', message: 'custom words', match: { roomId: room } });
    await fault({ op: 'describe', httpStatus: 502 });
    const other = await c.create(uniqueRoom());
    expect((await c.call('CreateCloudRecording', createBody(room))).Error).toEqual({ Code: 'FailedOperation', Message: 'custom words' });
    const r = await c.raw('DescribeCloudRecording', { SdkAppId: APP, TaskId: other });
    expect(r.httpStatus).toBe(502);
    expect((await c.describe(other)).TaskId).toBe(other);
  });

  test('a fault matched by taskId hits Delete of that task only', async () => {
    const { c } = ctx;
    const a = await c.create(uniqueRoom());
    const b = await c.create(uniqueRoom());
    await fault({ op: 'delete', code: 'InternalError.CRInternalError', match: { taskId: b } });
    expect((await c.delete(a)).TaskId).toBe(a);
    expect((await c.delete(b)).Error.Code).toBe('InternalError.CRInternalError');
    expect((await c.delete(b)).TaskId).toBe(b);
  });

  test('delayMs delays the real answer; hang never answers', async () => {
    const { c } = ctx;
    await fault({ op: 'describe', delayMs: 300 });
    const t0 = Date.now();
    expect((await c.describe('x')).Error.Code).toBe('ResourceNotFound');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    await fault({ op: 'describe', effect: 'hang' });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    await expect(fetch(ctx.emu.baseUrl + '/', { method: 'POST', body: '{}', signal: ac.signal, headers: { 'X-TC-Action': 'DescribeCloudRecording' } })).resolves.toBeDefined(); // unsigned: answered before faults
    const hung = c.raw('DescribeCloudRecording', { SdkAppId: APP, TaskId: 'x' });
    const raced = await Promise.race([hung.then(() => 'answered'), sleep(500).then(() => 'hung')]);
    expect(raced).toBe('hung');
    const log = (await c.control('GET', '/__emulator/requests')).body.requests;
    expect(log.at(-1)).toMatchObject({ action: 'DescribeCloudRecording', httpStatus: 0 });
    hung.catch(() => undefined);
  });

  test('bad fault specs are refused naming the field', async () => {
    expect(await fault({ op: 'create' })).toMatchObject({ status: 400, body: { field: 'code' } });
    expect(await fault({ op: 'StartRecording', code: 'X' })).toMatchObject({ status: 400, body: { field: 'op' } });
    expect(await fault({ op: 'create', code: 'InternalError', httpStatus: 500 })).toMatchObject({ status: 400, body: { field: 'httpStatus' } });
    expect(await fault({ op: 'create', code: 'x y' })).toMatchObject({ status: 400, body: { field: 'code' } });
    expect((await ctx.c.control('GET', '/__emulator/faults')).body.faults).toEqual([]);
  });
});

describe('control API', () => {
  test('kill a task: it ends with LeaveCode 3 (or the one given) and Describe then says Exited / ResourceNotFound', async () => {
    const { c } = ctx;
    const id = await c.create(uniqueRoom());
    const r = await c.control('POST', `/__emulator/tasks/${encodeURIComponent(id)}/exit`, { leaveCode: 100 });
    expect(r.status).toBe(200);
    expect(r.body.task).toMatchObject({ live: false, endReason: 'kicked', leaveCode: 100, status: 'Exited' });
    expect((await c.describe(id)).Status).toBe('Exited');
    await sleep(AFTER_EXIT);
    expect((await c.describe(id)).Error.Code).toBe('ResourceNotFound');
    expect((await c.control('POST', `/__emulator/tasks/${encodeURIComponent(id)}/exit`)).status).toBe(409);
    expect((await c.control('POST', '/__emulator/tasks/nope/exit')).status).toBe(404);
  });

  test('task views never carry the UserSig or storage keys', async () => {
    const { c } = ctx;
    await c.create(uniqueRoom());
    const text = JSON.stringify((await c.control('GET', '/__emulator/tasks')).body);
    expect(text).not.toContain('robot-user-sig-value');
    expect(text).not.toContain('cos-top-secret');
    expect(text).not.toContain('AKIDcosaccess');
  });

  test('host down refuses connections for the given time, then comes back on the same port', async () => {
    const { c } = ctx;
    expect((await c.control('POST', '/__emulator/hosts/primary/down', { ms: 400 })).body).toEqual({ host: 'primary', downForMs: 400 });
    await sleep(50);
    await expect(fetch(ctx.emu.baseUrl + '/__emulator/health')).rejects.toThrow();
    await sleep(600);
    expect((await c.control('GET', '/__emulator/health')).body).toEqual({ ok: true, vendor: 'trtc' });
    expect((await c.control('POST', '/__emulator/hosts/alternate/down', { ms: 10 })).status).toBe(404);
  });

  test('request log and stats: actions, outcomes, ids (never secrets); ?since filters; reset clears everything', async () => {
    const { c } = ctx;
    const since = Date.now();
    const id = await c.create(uniqueRoom());
    await c.describe(id);
    await c.describe('missing');
    const log = (await c.control('GET', `/__emulator/requests?since=${since}`)).body.requests;
    expect(log.map((e: any) => [e.action, e.code])).toEqual([
      ['CreateCloudRecording', null],
      ['DescribeCloudRecording', null],
      ['DescribeCloudRecording', 'ResourceNotFound'],
    ]);
    expect(log[0]).toMatchObject({ sdkAppId: APP, taskId: id, userId: expect.stringMatching(/^rec_/), secretId: ctx.emu.options.secretId, httpStatus: 200 });
    expect(JSON.stringify(log)).not.toContain(ctx.emu.options.secretKey);
    const stats = (await c.control('GET', '/__emulator/stats')).body.accounts[ctx.emu.options.secretId];
    expect(stats.requests).toEqual({ CreateCloudRecording: { ok: 1 }, DescribeCloudRecording: { ok: 1, ResourceNotFound: 1 } });
    expect(stats.live).toBe(1);
    expect((await c.control('GET', '/__emulator/requests?since=abc')).status).toBe(400);
    await fault({ op: 'create', code: 'InternalError' });
    await c.control('POST', `/__emulator/apps/${APP}/invalid`);
    await c.control('POST', '/__emulator/reset');
    expect((await c.control('GET', '/__emulator/tasks')).body.tasks).toEqual([]);
    expect((await c.control('GET', '/__emulator/faults')).body.faults).toEqual([]);
    expect((await c.control('GET', '/__emulator/stats')).body.accounts).toEqual({});
    expect((await c.control('GET', '/__emulator/apps/invalid')).body.invalidSdkAppIds).toEqual([]);
  });

  test('rooms: set publishers per room (optionally per SdkAppId), validated', async () => {
    const { c } = ctx;
    const r = await c.control('POST', '/__emulator/rooms', { sdkAppId: APP, roomId: '77', publishers: ['a', 'b'] });
    expect(r.body.room).toEqual({ sdkAppId: APP, roomId: '77', publishers: ['a', 'b'], silentAnchors: [] });
    expect((await c.control('GET', '/__emulator/rooms')).body.rooms).toHaveLength(1);
    expect(await c.control('POST', '/__emulator/rooms', { roomId: '77', publishers: ['bad id'] })).toMatchObject({ status: 400, body: { field: 'publishers.0' } });
    expect(await c.control('POST', '/__emulator/rooms', { roomId: '77', colour: 1 })).toMatchObject({ status: 400, body: { field: 'colour' } });
    expect((await c.control('GET', '/__emulator/nothing')).status).toBe(404);
  });
});
