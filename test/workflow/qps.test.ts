import { RecordingEnv } from '../support/recording-env';

/**
 * All workers together stay under the vendor's 10 requests/s per App ID: activities run on one
 * task queue per App ID, rate-limited by the server. Two workers here, one shared budget.
 */
describe('vendor QPS budget', () => {
  let env: RecordingEnv;
  let second: RecordingEnv;
  beforeAll(async () => {
    env = await RecordingEnv.start(); // the default budget, as shipped
    second = await env.addWorker();
  });
  afterAll(async () => {
    await second?.stopWorkerOnly();
    await env?.stop();
  });

  it('keeps every one-second window at or under 10 requests with no 429 while 30 recordings start at once', async () => {
    const requests = Array.from({ length: 30 }, () => env.request());
    await Promise.all(requests.map((r) => env.client.startRecording(r)));
    for (const r of requests) await env.waitForState(r.recordingId, (s) => s.phase === 'recording', 90_000);
    await Promise.all(requests.map((r) => env.client.stopRecording(r.recordingId)));

    const { apps } = await env.control<{ apps: Record<string, { maxPerSecond: number; rateLimited: number; requests: Record<string, Record<string, number>> }> }>('GET', '/stats');
    const stats = Object.values(apps)[0];
    const total = Object.values(stats.requests).reduce((n, byStatus) => n + Object.values(byStatus).reduce((a, b) => a + b, 0), 0);
    expect(total).toBeGreaterThanOrEqual(30 * 4); // acquire, start, query, stop each
    expect(stats.rateLimited).toBe(0);
    expect(stats.maxPerSecond).toBeLessThanOrEqual(10);
    expect((await env.tasks()).filter((t) => t.live)).toEqual([]);
  });
});
