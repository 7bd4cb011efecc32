import { Client, sleep, useEmulator } from './support';

const ctx = useEmulator({ qps: 10 });

test('a burst of 50 queries within one second → 429s, counted in stats', async () => {
  const { c } = ctx;
  const { rid, sid } = await c.record('qps', '1');
  await sleep(1100); // let the window forget acquire + start
  const since = Date.now();
  const results = await Promise.all(Array.from({ length: 50 }, () => c.query(rid, sid)));
  const elapsed = Date.now() - since;
  const ok = results.filter((r) => r.status === 200).length;
  const limited = results.filter((r) => r.status === 429);
  expect(ok + limited.length).toBe(50);
  if (elapsed < 1000) expect(ok).toBe(10); // the whole burst fell inside one window
  expect(limited.length).toBeGreaterThan(0);
  expect(limited[0].body).toEqual({ message: 'API rate limit exceeded' });
  expect(limited[0].headers.get('x-request-id')).toBeTruthy();

  const stats = (await c.control('GET', '/__emulator/stats')).body.apps[c.appId];
  expect(stats.requests.query).toEqual({ 200: ok, 429: limited.length });
  expect(stats.rateLimited).toBe(limited.length);
  expect(stats.maxPerSecond).toBeGreaterThan(10);
  expect(stats.live).toBe(1);
  const log = (await c.control('GET', `/__emulator/requests?since=${since}`)).body.requests;
  expect(log.filter((e: { httpStatus: number }) => e.httpStatus === 429)).toHaveLength(limited.length);

  // Rejected requests don't fill the window: a second later the client is served again.
  await sleep(1000);
  expect((await c.query(rid, sid)).status).toBe(200);
});

test('the limit is per App ID', async () => {
  const { c, emu } = ctx;
  const other = new Client(emu, emu.baseUrl, 'second-app');
  await Promise.all(Array.from({ length: 12 }, () => c.acquire('a', '1')));
  expect((await other.acquire('a', '1')).status).toBe(200);
});

test('a client pacing at the limit is never rejected', async () => {
  const { c } = ctx;
  await sleep(1100);
  const statuses: number[] = [];
  for (let i = 0; i < 15; i++) {
    statuses.push((await c.acquire('paced', '1')).status);
    await sleep(110);
  }
  expect(statuses.every((s) => s === 200)).toBe(true);
});
