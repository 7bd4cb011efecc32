/**
 * Regressions for product bugs the chaos suite (chaos/, docs/chaos.md) found: updates lost to a
 * vendor call in flight, and a superseded recorder left running beside its successor (and after
 * the workflow ended) when its stop met a 50x burst.
 */
import { RecordingEnv } from '../support/recording-env';
import { waitFor } from '../support/wait';

describe('chaos regressions', () => {
  let env: RecordingEnv;
  beforeAll(async () => {
    env = await RecordingEnv.start();
  });
  afterAll(async () => env?.stop());

  const audioUids = (t: { subscriptions: unknown }) => (t.subscriptions as { audioUidList?: { subscribeAudioUids?: string[] } } | null)?.audioUidList?.subscribeAudioUids;

  it('an update accepted while start is on the wire reaches the recorder once it is confirmed', async () => {
    const req = env.request();
    // The start is performed on arrival with the old settings; its answer is held for 1.5 s.
    await env.fault({ op: 'start', apply: true, delayMs: 1_500, match: { cname: req.channel } });
    await env.client.startRecording(req);
    await waitFor(async () => (await env.tasks(req.channel)).some((t) => t.live), { what: 'the recorder to start' });

    const r = await env.client.updateSubscriptions(req.recordingId, { subscribeAudioUids: ['7001'] });
    expect(r.applied).toBe(false); // no confirmed recorder yet: it must be applied once there is one

    await env.waitForState(req.recordingId, (s) => s.phase === 'recording');
    const task = await waitFor(async () => (await env.tasks(req.channel)).find((t) => t.live && audioUids(t)?.[0] === '7001'), {
      what: 'the update on the recorder',
      timeoutMs: 10_000,
    });
    expect(task.updateCount).toBe(1);
    const summary = await env.client.stopRecording(req.recordingId);
    expect(summary!.segments).toHaveLength(1);
  });

  it('a second update accepted while the first is with the vendor is sent too, not reported "already applied"', async () => {
    const req = env.request();
    await env.client.startRecording(req);
    await env.waitForState(req.recordingId, (s) => s.phase === 'recording');
    await env.fault({ op: 'update', delayMs: 1_000, match: { cname: req.channel } });

    const first = env.client.updateSubscriptions(req.recordingId, { subscribeAudioUids: ['7101'] });
    await waitFor(async () => (await env.control<{ faults: unknown[] }>('GET', '/faults')).faults.length === 0, { what: 'the first update to reach the vendor' });
    const second = await env.client.updateSubscriptions(req.recordingId, { subscribeAudioUids: ['7102'] });
    expect((await first).applied).toBe(true);
    expect(second).toMatchObject({ applied: true });
    expect(second.detail).not.toBe('already applied');

    const [task] = await env.tasks(req.channel);
    expect(audioUids(task)).toEqual(['7102']);
    expect(task.updateCount).toBe(2);
    await env.client.stopRecording(req.recordingId);
  });

  it('a stuck recorder whose stop meets a 50x burst is stopped before its successor starts, and nothing is left live', async () => {
    const req = env.request();
    await env.fault({ op: 'start', effect: 'stuck', match: { cname: req.channel } });
    // More 503s than one stop's retries (1 + 3): the old code gave up and started the successor beside it.
    await env.fault({ op: 'stop', times: 4, httpStatus: 503, match: { cname: req.channel } });
    await env.client.startRecording(req);
    const state = await env.waitForState(req.recordingId, (s) => s.segments.length === 2 && s.phase === 'recording', 60_000);
    expect(state.segments[1].identity).toBe(state.identities[1]);

    const [stuck, next] = (await env.tasks(req.channel)).sort((a, b) => a.startedAt - b.startedAt);
    expect(stuck).toMatchObject({ sid: state.segments[0].recorderId, live: false, endReason: 'stopped' });
    expect(next).toMatchObject({ sid: state.segments[1].recorderId, live: true });
    expect(stuck.endedAt!).toBeLessThanOrEqual(next.startedAt);

    const summary = await env.client.stopRecording(req.recordingId);
    expect(summary).toMatchObject({ status: 'stopped', restarts: 1 });
    expect((await env.tasks(req.channel)).filter((t) => t.live)).toEqual([]);
  });

  it('a stop that meets a 50x burst longer than its retries is retried until the recorder is stopped', async () => {
    const req = env.request();
    await env.client.startRecording(req);
    await env.waitForState(req.recordingId, (s) => s.phase === 'recording');
    // 1 + 3 attempts make one round; the old code gave up after it and left the recorder running.
    await env.fault({ op: 'stop', times: 6, httpStatus: 503, match: { cname: req.channel } });
    const summary = await env.client.stopRecording(req.recordingId);
    expect(summary).toMatchObject({ status: 'stopped', uploadingStatus: 'uploaded' });
    expect(summary!.stopUncertain).toBeUndefined();
    expect((await env.tasks(req.channel)).map((t) => ({ live: t.live, endReason: t.endReason }))).toEqual([{ live: false, endReason: 'stopped' }]);
  });
});
