/**
 * A recorder's hard end of life, end to end on the dev server: the worker mints a real 24 h RTC
 * token, the emulator reads it and puts the recorder out of the channel when it expires (its
 * vendor hour shrunk with `hourMs`). Coverage is measured on the emulator's clock: each task covers
 * its channel from status 5 (startedAt + startDelayMs) to its end.
 */
import { coverage, handoverGaps } from '../../src/emulator/coverage';
import { APP_ID, fastTimings, RecordingEnv, SECRETS } from '../support/recording-env';

const START_DELAY_MS = 300;
jest.setTimeout(120_000);

async function run(env: RecordingEnv, timings: Record<string, number>, until: (s: any) => boolean, timeoutMs: number) {
  const req = env.request({ timings: { ...fastTimings, ...timings } });
  await env.client.startRecording(req);
  const state = await env.waitForState(req.recordingId, until, timeoutMs);
  const stopAt = Date.now();
  const summary = (await env.client.stopRecording(req.recordingId))!;
  const tasks = await env.tasks(req.channel);
  return { state, summary, tasks, cov: coverage(tasks, START_DELAY_MS, stopAt), bySid: new Map(tasks.map((t) => [t.sid, t])) };
}

describe('without a handover (the recording does not know the recorder dies sooner)', () => {
  let env: RecordingEnv;
  // A 250 ms vendor hour: the 24 h token dies 6 s after the start; the worker believes 24 real hours.
  beforeAll(async () => (env = await RecordingEnv.start({ emulator: { startDelayMs: START_DELAY_MS, hourMs: 250 } })));
  afterAll(async () => env?.stop());

  test('the recorder is put out at its token expiry and the restart leaves a gap on the emulator clock', async () => {
    const { state, summary, tasks, cov } = await run(env, {}, (s) => s.segments.filter((x: any) => x.confirmedAt).length >= 2, 40_000);
    const first = tasks.sort((a, b) => a.startedAt - b.startedAt)[0];
    expect(first).toMatchObject({ endReason: 'token-expired', hasToken: true });
    expect(first.endedAt! - first.startedAt).toBeGreaterThan(5_500);
    // The workflow saw the worker's 24 real hours, so it planned no handover before the real death.
    expect(Date.parse(state.segments[0].endOfLife!) - Date.parse(state.segments[0].startedAt!)).toBeGreaterThan(23 * 3_600_000);
    expect(summary.handovers ?? 0).toBe(0);
    expect(summary.restarts).toBeGreaterThanOrEqual(1);
    expect(cov.uncoveredMs).toBeGreaterThan(300);
    expect(cov.gaps[0].from).toBe(first.endedAt);
    expect(tasks.filter((t) => t.live)).toHaveLength(0);
  });
});

describe('with a planned handover', () => {
  let env: RecordingEnv;
  // A 500 ms vendor hour: the token dies 12 s after each start.
  beforeAll(async () => (env = await RecordingEnv.start({ emulator: { startDelayMs: START_DELAY_MS, hourMs: 500 } })));
  afterAll(async () => env?.stop());

  test('maxRecorderLifetimeMs 8 s, lead 3 s: each successor reaches status 5 before its predecessor ends, 0 s uncovered', async () => {
    const { summary, tasks, cov, bySid } = await run(env, { maxRecorderLifetimeMs: 8_000, handoverLeadMs: 3_000 }, (s) => (s.handovers ?? 0) >= 2 && s.phase === 'recording', 40_000);
    expect(summary.handovers).toBeGreaterThanOrEqual(2);
    expect(summary.restarts).toBe(0);
    expect(tasks.filter((t) => t.endReason === 'token-expired')).toHaveLength(0);
    expect(handoverGaps(summary.segments, bySid, START_DELAY_MS)).toEqual([]);
    for (const succ of summary.segments.filter((s) => s.successorOf !== undefined && s.confirmedAt)) {
      const pred = bySid.get(summary.segments[succ.successorOf!].recorderId!)!;
      expect(pred.endReason).toBe('stopped');
      expect(pred.endedAt!).toBeGreaterThanOrEqual(bySid.get(succ.recorderId!)!.startedAt + START_DELAY_MS);
    }
    expect(cov.uncoveredMs).toBe(0);
    expect(tasks.filter((t) => t.live)).toHaveLength(0);
  });
});

describe('the credential expiry the adapter reports drives the handover by itself', () => {
  let env: RecordingEnv;
  // Real time: the worker mints 60 s tokens and knows it; no maxRecorderLifetimeMs.
  beforeAll(
    async () =>
      (env = await RecordingEnv.start({
        emulator: { startDelayMs: START_DELAY_MS },
        config: { apps: { [APP_ID]: { appCertificate: SECRETS.appCertificate, tokenExpireSeconds: 60 } } } as never,
      })),
  );
  afterAll(async () => env?.stop());

  test('a 60 s token, lead 20 s: the successor is confirmed and the predecessor stopped before its token expires', async () => {
    const { state, summary, tasks, cov } = await run(env, { handoverLeadMs: 20_000 }, (s) => (s.handovers ?? 0) >= 1 && s.phase === 'recording', 70_000);
    const [first, second] = tasks.sort((a, b) => a.startedAt - b.startedAt);
    expect(Date.parse(state.segments[0].credentialExpiresAt!) - Date.parse(state.segments[0].startedAt!)).toBeLessThanOrEqual(60_000);
    expect(first.tokenExpiresAt! - first.startedAt).toBeLessThanOrEqual(60_000);
    expect(first).toMatchObject({ endReason: 'stopped' });
    expect(first.endedAt!).toBeLessThan(first.tokenExpiresAt!);
    expect(first.endedAt!).toBeGreaterThanOrEqual(second.startedAt + START_DELAY_MS);
    expect(summary.handovers).toBe(1);
    expect(cov.uncoveredMs).toBe(0);
  });
});
