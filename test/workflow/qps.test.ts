import { RecordingEnv } from '../support/recording-env';

type Stats = { apps: Record<string, { maxPerSecond: number; rateLimited: number; requests: Record<string, Record<string, number>> }> };

/**
 * All workers together stay under the vendor's 10 requests/s per App ID: activities run on one
 * task queue per App ID, rate-limited by the server, and each process holds a strict sliding
 * window of its share of the budget (the server's token bucket alone lets ~2× through in a second).
 */
describe('vendor QPS budget', () => {
  async function burst(env: RecordingEnv, n: number): Promise<Stats['apps'][string]> {
    const requests = Array.from({ length: n }, () => env.request());
    await Promise.all(requests.map((r) => env.client.startRecording(r)));
    for (const r of requests) await env.waitForState(r.recordingId, (s) => s.phase === 'recording', 120_000);
    await Promise.all(requests.map((r) => env.client.stopRecording(r.recordingId)));
    const { apps } = await env.control<Stats>('GET', '/stats');
    const stats = Object.values(apps)[0];
    const total = Object.values(stats.requests).reduce((sum, byStatus) => sum + Object.values(byStatus).reduce((a, b) => a + b, 0), 0);
    expect(total).toBeGreaterThanOrEqual(n * 4); // acquire, start, query, stop each
    expect((await env.tasks()).filter((t) => t.live)).toEqual([]);
    return stats;
  }

  it('one worker at the shipped budget (9/s): 40 recordings at once, no 429, at most 10 requests in any second', async () => {
    const env = await RecordingEnv.start({ emulator: { maxConcurrent: 100 } });
    try {
      const stats = await burst(env, 40);
      expect(stats.rateLimited).toBe(0);
      expect(stats.maxPerSecond).toBeLessThanOrEqual(10);
      // The budget is used, not just respected: a 9/s limit should come close to it.
      expect(stats.maxPerSecond).toBeGreaterThanOrEqual(7);
    } finally {
      await env.stop();
    }
  });

  it('TRTC, one worker at the shipped budget (19/s of the account\'s 20): 45 recordings at once, never rate-limited, at most 20 requests in any second', async () => {
    const env = await RecordingEnv.start();
    try {
      const requests = Array.from({ length: 45 }, () => env.trtcRequest());
      await Promise.all(requests.map((r) => env.client.startRecording(r)));
      for (const r of requests) await env.waitForState(r.recordingId, (s) => s.phase === 'recording', 120_000);
      await Promise.all(requests.map((r) => env.client.stopRecording(r.recordingId)));
      const { accounts } = await env.trtcControl<{ accounts: Record<string, { requests: Record<string, unknown>; maxPerSecond: number; rateLimited: number }> }>('GET', '/stats');
      const stats = Object.values(accounts)[0];
      expect(stats.rateLimited).toBe(0);
      expect(stats.maxPerSecond).toBeLessThanOrEqual(20);
      expect(stats.maxPerSecond).toBeGreaterThanOrEqual(14);
      expect((await env.trtcTasks()).filter((t) => t.live)).toEqual([]);
    } finally {
      await env.stop();
    }
  });

  it('two workers sharing the budget (workersPerAppId 2): 30 recordings at once, no 429, at most 10 in any second', async () => {
    const env = await RecordingEnv.start({ config: { workersPerAppId: 2 } });
    const second = await env.addWorker();
    try {
      const stats = await burst(env, 30);
      expect(stats.rateLimited).toBe(0);
      expect(stats.maxPerSecond).toBeLessThanOrEqual(10);
    } finally {
      await second.stopWorkerOnly();
      await env.stop();
    }
  });
});
