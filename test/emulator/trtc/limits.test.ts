import { startTrtcEmulator, type RunningTrtcEmulator } from '../../../src/emulator/trtc/server';
import { mintUserSig } from '../../../src/providers/trtc/usersig';
import { APP, sleep, TrtcTestClient, uniqueRoom } from './support';

let emu: RunningTrtcEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});
async function start(opts: Parameters<typeof startTrtcEmulator>[0]) {
  emu = await startTrtcEmulator({ startDelayMs: 0, qps: 1000, ...opts });
  return new TrtcTestClient(emu);
}

test('100 live tasks per account by default; the 101st → FailedOperation.RestrictedConcurrency; ending one frees a slot', async () => {
  const c = await start({});
  expect(emu!.options.maxConcurrent).toBe(100);
  const ids: string[] = [];
  for (let i = 0; i < 100; i++) ids.push(await c.create(uniqueRoom()));
  const over = await c.call('CreateCloudRecording', (await import('./support')).createBody(uniqueRoom()));
  expect(over.Error.Code).toBe('FailedOperation.RestrictedConcurrency');
  await c.delete(ids[0]);
  expect(typeof (await c.create(uniqueRoom()))).toBe('string');
  expect((await c.control('GET', '/__emulator/stats')).body.accounts[emu!.options.secretId].live).toBe(100);
});

test('20 QPS per account across all actions → RequestLimitExceeded (HTTP 200 envelope), counted in stats', async () => {
  const c = await start({ qps: 20 });
  expect(emu!.options.qps).toBe(20);
  const answers = await Promise.all(Array.from({ length: 25 }, (_, i) => c.call(i % 2 ? 'DescribeCloudRecording' : 'DeleteCloudRecording', { SdkAppId: APP, TaskId: `t${i}` })));
  const codes = answers.map((r) => r.Error.Code);
  expect(codes.filter((x) => x === 'RequestLimitExceeded')).toHaveLength(5);
  expect(codes.filter((x) => x === 'ResourceNotFound')).toHaveLength(20);
  const stats = (await c.control('GET', '/__emulator/stats')).body.accounts[emu!.options.secretId];
  expect(stats.rateLimited).toBe(5);
  expect(stats.maxPerSecond).toBe(25);
  await sleep(1050);
  expect((await c.describe('t')).Error.Code).toBe('ResourceNotFound');
});

test('ResourceExpiredHour: afterwards Describe/Modify/Delete fail with ResourceNotFound, the recording keeps running', async () => {
  const c = await start({ hourMs: 100 });
  const id = await c.create(uniqueRoom(), { ResourceExpiredHour: 6 });
  expect((await c.describe(id)).Status).toBe('InProgress');
  await sleep(650);
  const d = await c.describe(id);
  expect(d.Error.Code).toBe('ResourceNotFound');
  expect(d.Error.Message).toContain('ResourceExpiredHour');
  expect((await c.delete(id)).Error.Code).toBe('ResourceNotFound');
  expect(await c.task(id)).toMatchObject({ live: true, status: 'InProgress' });
});

describe('UserSig (apps with an SDK secret key configured)', () => {
  const KEY = 'sdk-secret-key-for-tests';

  test('a UserSig from mintUserSig is accepted; a foreign, wrong-user or expired one → InvalidParameter.UserSig', async () => {
    const c = await start({ sdkSecretKeys: { [APP]: KEY } });
    const { createBody } = await import('./support');
    const room = uniqueRoom();
    const ok = await c.call('CreateCloudRecording', { ...createBody(room), UserSig: mintUserSig(APP, KEY, `rec_${room}`, 3600) });
    expect(ok.TaskId).toBeDefined();
    const t = await c.task(ok.TaskId);
    expect(t.userSigExpiresAt).toBeGreaterThan(Date.now() + 3500_000);
    for (const [sig, why] of [
      [mintUserSig(APP, 'other-key', `rec_${room}`, 3600), 'signature'],
      [mintUserSig(APP, KEY, 'someone_else', 3600), 'another UserId'],
      [mintUserSig(1400000001, KEY, `rec_${room}`, 3600), 'another SdkAppId'],
      ['not-a-usersig', 'malformed'],
    ]) {
      const r = await c.call('CreateCloudRecording', { ...createBody(room), UserSig: sig });
      expect(r.Error.Code).toBe('InvalidParameter.UserSig');
      expect(r.Error.Message).toContain(why);
      expect(r.Error.Message).not.toContain(sig);
    }
    const short = mintUserSig(APP, KEY, `rec_${room}`, 1);
    await sleep(2100);
    const expired = await c.call('CreateCloudRecording', { ...createBody(room), UserSig: short });
    expect(expired.Error).toEqual({ Code: 'InvalidParameter.UserSig', Message: 'UserSig has expired.' });
  });

  test('best practice 4: an HA re-pull after the UserSig expired cannot rejoin, the task ends (LeaveCode 3)', async () => {
    const c = await start({ sdkSecretKeys: { [APP]: KEY } });
    const { createBody } = await import('./support');
    const room = uniqueRoom();
    const short = await c.call('CreateCloudRecording', { ...createBody(room), UserSig: mintUserSig(APP, KEY, `rec_${room}`, 1) });
    const long = await c.call('CreateCloudRecording', { ...createBody(room), UserId: 'rec_long', UserSig: mintUserSig(APP, KEY, 'rec_long', 86400) });
    await sleep(2100);
    const a = await c.control('POST', `/__emulator/tasks/${encodeURIComponent(short.TaskId)}/failover`);
    expect(a.status).toBe(409);
    expect(a.body.task).toMatchObject({ live: false, endReason: 'ha-failed', leaveCode: 3 });
    const b = await c.control('POST', `/__emulator/tasks/${encodeURIComponent(long.TaskId)}/failover`);
    expect(b.status).toBe(200);
    expect(b.body.task).toMatchObject({ live: true, ha: 1 });
  });
});
