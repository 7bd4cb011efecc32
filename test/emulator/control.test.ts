import { Client, sleep, useEmulator } from './support';

const ctx = useEmulator();

const refused = (url: string) =>
  fetch(url).then(
    () => false,
    (err: Error & { cause?: { code?: string } }) => err.cause?.code === 'ECONNREFUSED',
  );

test('health', async () => {
  expect((await ctx.c.control('GET', '/__emulator/health')).body).toEqual({ ok: true });
});

test('host down: primary refuses connections for the window, alternate keeps serving, then primary is back', async () => {
  const { c, emu } = ctx;
  const alt = new Client(emu, emu.altBaseUrl);
  const { rid, sid } = await c.record('ha', '1'); // leaves a keep-alive socket open to the primary
  // `since` is inclusive at millisecond resolution, and with the emulator in this process a warm start
  // round trip takes well under 1 ms: the start can be stamped with this very millisecond. Only the
  // queries below are asserted on, so filter for them instead of relying on the clock having ticked.
  const since = Date.now();
  const down = await alt.control('POST', '/__emulator/hosts/primary/down', { ms: 600 });
  expect(down.body).toEqual({ host: 'primary', downForMs: 600 });
  await sleep(50);
  expect(await refused(`${emu.baseUrl}/__emulator/health`)).toBe(true);
  await expect(c.query(rid, sid)).rejects.toThrow();
  const viaAlt = await alt.query(rid, sid);
  expect(viaAlt.status).toBe(200);
  await sleep(700);
  expect((await c.query(rid, sid)).status).toBe(200);
  const log = (await c.control('GET', `/__emulator/requests?since=${since}`)).body.requests;
  const queries = log.filter((e: { op: string }) => e.op === 'query');
  expect(queries.map((e: { op: string; host: string }) => [e.op, e.host])).toEqual([
    ['query', 'alternate'],
    ['query', 'primary'],
  ]);
});

test('host down can be requested over the listener it takes down', async () => {
  const { c, emu } = ctx;
  const r = await c.control('POST', '/__emulator/hosts/alternate/down', { ms: 300 }, emu.altBaseUrl);
  expect(r.status).toBe(200);
  await sleep(30);
  expect(await refused(`${emu.altBaseUrl}/__emulator/health`)).toBe(true);
  expect((await c.control('GET', '/__emulator/health')).status).toBe(200);
  await sleep(400);
  expect((await c.control('GET', '/__emulator/health', undefined, emu.altBaseUrl)).status).toBe(200);
});

test('host down validation', async () => {
  const { c } = ctx;
  expect((await c.control('POST', '/__emulator/hosts/tertiary/down', { ms: 10 })).status).toBe(404);
  const bad = await c.control('POST', '/__emulator/hosts/primary/down', { ms: 'x' });
  expect(bad.status).toBe(400);
  expect(bad.body.field).toBe('ms');
});

test('tasks view, stats and request log', async () => {
  const { c } = ctx;
  const since = Date.now();
  const { rid, sid } = await c.record('obs', '42');
  await c.query(rid, sid);
  await c.acquire('bad/name', '1');
  const tasks = (await c.control('GET', '/__emulator/tasks')).body.tasks;
  expect(tasks).toEqual([
    {
      appId: c.appId,
      cname: 'obs',
      uid: '42',
      resourceId: rid,
      sid,
      mode: 'mix',
      status: expect.any(Number),
      live: true,
      startedAt: expect.any(Number),
      endedAt: null,
      endReason: null,
      stuck: false,
      hasToken: true,
      tokenExpiresAt: null,
      manageableUntil: expect.any(Number),
      subscriptions: null,
      layout: null,
      effectiveLayout: { mixedVideoLayout: 0 },
      effectiveSubscriptions: { audio: { mode: 'all' }, video: { mode: 'all' } },
      callbackUid: '42',
      failovers: [],
      updateCount: 0,
      layoutCount: 0,
    },
  ]);
  const stats = (await c.control('GET', '/__emulator/stats')).body;
  expect(stats.apps[c.appId]).toEqual({
    requests: { acquire: { 200: 1, 400: 1 }, start: { 200: 1 }, query: { 200: 1 } },
    maxPerSecond: expect.any(Number),
    rateLimited: 0,
    live: 1,
  });
  expect(stats.apps[c.appId].maxPerSecond).toBeGreaterThanOrEqual(1);
  expect(stats.apps[c.appId].maxPerSecond).toBeLessThanOrEqual(4);
  const log = (await c.control('GET', `/__emulator/requests?since=${since}`)).body.requests;
  expect(log).toHaveLength(4);
  expect(log[1]).toEqual({ op: 'start', appId: c.appId, cname: 'obs', uid: '42', sid: null, httpStatus: 200, code: null, host: 'primary', at: expect.any(Number) });
  expect(log[2]).toMatchObject({ op: 'query', cname: 'obs', uid: '42', sid });
  expect(log[3]).toMatchObject({ op: 'acquire', httpStatus: 400, code: 401 });
  expect((await c.control('GET', `/__emulator/requests?since=${Date.now() + 10_000}`)).body.requests).toEqual([]);
  expect((await c.control('GET', '/__emulator/requests?since=abc')).status).toBe(400);
});

test('channels are listed and validated', async () => {
  const { c } = ctx;
  const r = await c.control('POST', '/__emulator/channels', { appId: c.appId, cname: 'ch', users: ['5', '6'] });
  expect(r.body.channel).toEqual({ appId: c.appId, cname: 'ch', empty: false, users: ['5', '6'] });
  expect((await c.control('GET', '/__emulator/channels')).body.channels).toHaveLength(1);
  const bad = await c.control('POST', '/__emulator/channels', { cname: 'ch', users: ['abc'] });
  expect(bad.status).toBe(400);
  expect(bad.body.field).toBe('users.0');
});

test('reset clears tasks, faults, stats and channels', async () => {
  const { c } = ctx;
  const { rid, sid } = await c.record('r', '1');
  await c.control('POST', '/__emulator/faults', { op: 'acquire', httpStatus: 500 });
  await c.control('POST', '/__emulator/channels', { cname: 'r', empty: true });
  expect((await c.control('POST', '/__emulator/reset')).body).toEqual({ ok: true });
  expect((await c.control('GET', '/__emulator/tasks')).body.tasks).toEqual([]);
  expect((await c.control('GET', '/__emulator/faults')).body.faults).toEqual([]);
  expect((await c.control('GET', '/__emulator/channels')).body.channels).toEqual([]);
  expect((await c.control('GET', '/__emulator/stats')).body.apps).toEqual({});
  expect((await c.query(rid, sid)).status).toBe(404);
  expect((await c.acquire('r', '1')).status).toBe(200);
});

test('unknown control route → 404', async () => {
  expect((await ctx.c.control('GET', '/__emulator/nope')).status).toBe(404);
  expect((await ctx.c.control('PUT', '/__emulator/tasks')).status).toBe(404);
});

test('invalid App IDs: marked via the control API, every request → 400 {"message":"appid is invalid"}; reset unmarks', async () => {
  const { c, emu } = ctx;
  const { rid, sid } = await c.record('app', '1');
  const marked = await c.control('POST', `/__emulator/apps/${c.appId}/invalid`);
  expect(marked.body).toEqual({ appId: c.appId, invalid: true });
  expect((await c.control('GET', '/__emulator/apps/invalid')).body).toEqual({ invalidAppIds: [c.appId] });
  const answers = [
    await c.acquire('app', '2'),
    await c.start(rid, 'mix', 'app', '1', { storageConfig: {} }),
    await c.query(rid, sid),
    await c.update(rid, sid, 'mix', 'app', '1', {}),
    await c.updateLayout(rid, sid, 'mix', 'app', '1', {}),
    await c.stop(rid, sid, 'mix', 'app', '1'),
  ];
  for (const r of answers) expect([r.status, r.body]).toEqual([400, { message: 'appid is invalid' }]);
  // auth is still checked first; other App IDs are unaffected
  const noAuth = await c.raw('POST', c.path('acquire'), { body: '{}', headers: { 'Content-Type': 'application/json' } });
  expect(noAuth.status).toBe(401);
  expect((await new Client(emu, emu.baseUrl, 'some-other-app').acquire('app', '1')).status).toBe(200);
  expect((await c.task(sid)).live).toBe(true); // the stop never reached the service
  const log = (await c.control('GET', '/__emulator/requests')).body.requests;
  expect(log.filter((e: { httpStatus: number; code: number | null }) => e.httpStatus === 400 && e.code === null)).toHaveLength(6);

  expect((await c.control('DELETE', `/__emulator/apps/${c.appId}/invalid`)).body).toEqual({ appId: c.appId, invalid: false });
  expect((await c.query(rid, sid)).status).toBe(200);
  await c.control('POST', `/__emulator/apps/${encodeURIComponent('weird/app')}/invalid`);
  expect((await c.control('GET', '/__emulator/apps/invalid')).body.invalidAppIds).toEqual(['weird/app']);
  await c.control('POST', '/__emulator/reset');
  expect((await c.control('GET', '/__emulator/apps/invalid')).body.invalidAppIds).toEqual([]);
});

test('invalid App IDs given at startup survive a reset', async () => {
  const { startEmulator } = await import('../../src/emulator/server');
  const emu = await startEmulator({ startDelayMs: 0, invalidAppIds: ['bad-app'] });
  try {
    const bad = new Client(emu, emu.baseUrl, 'bad-app');
    expect((await bad.acquire('x', '1')).body).toEqual({ message: 'appid is invalid' });
    await bad.control('DELETE', '/__emulator/apps/bad-app/invalid');
    expect((await bad.acquire('x', '1')).status).toBe(200);
    await bad.control('POST', '/__emulator/reset');
    expect((await bad.acquire('x', '1')).status).toBe(400);
    expect((await new Client(emu).acquire('x', '1')).status).toBe(200);
  } finally {
    await emu.close();
  }
  await expect(startEmulator({ invalidAppIds: [''] })).rejects.toThrow(/invalidAppIds/);
});
