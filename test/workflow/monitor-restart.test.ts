import { maybeSaveHistory } from '../support/histories';
import { RecordingEnv } from '../support/recording-env';
import { waitFor } from '../support/wait';

/** Monitoring (spec §7.3) and restarts: what the workflow did and what the vendor saw. */
describe('monitoring and restarts', () => {
  let env: RecordingEnv;
  beforeAll(async () => {
    env = await RecordingEnv.start();
  });
  afterAll(async () => {
    const live = (await env.tasks()).filter((t) => t.live);
    await env?.stop();
    expect(live).toEqual([]);
  });

  it('restarts on the backup uid after a confirmed 404, stopping nothing twice, and alternates back', async () => {
    const req = env.request();
    await env.client.startRecording(req);
    try {
      let state = await env.waitForState(req.recordingId, (s) => s.phase === 'recording');
      const first = state.segments[0];
      await env.control('POST', `/tasks/${first.recorderId}/exit`);
      state = await env.waitForState(req.recordingId, (s) => s.segments.length === 2 && s.phase === 'recording');
      expect(state.segments[0].endReason).toMatch(/404 confirmed/);
      expect(state.segments[1].identity).toBe(state.identities[1]);
      expect(state.restarts).toBe(1);

      // Second death: back to the primary uid.
      await env.control('POST', `/tasks/${state.segments[1].recorderId}/exit`);
      state = await env.waitForState(req.recordingId, (s) => s.segments.length === 3 && s.phase === 'recording');
      expect(state.segments[2].identity).toBe(state.identities[0]);

      const tasks = await env.tasks(req.channel);
      expect(tasks.map((t) => t.uid)).toEqual([state.identities[0], state.identities[1], state.identities[0]]);
      expect(tasks.filter((t) => t.live)).toHaveLength(1);
    } finally {
      const summary = await env.client.stopRecording(req.recordingId);
      expect(summary!.segments).toHaveLength(3);
      expect(summary!.restarts).toBe(2);
      await maybeSaveHistory(env.client.temporal, `recording-${req.recordingId}`, 'restart-after-404');
    }
  });

  it('keeps the recorder when a 404 is transient (failover in progress)', async () => {
    const req = env.request();
    await env.client.startRecording(req);
    try {
      await env.waitForState(req.recordingId, (s) => s.phase === 'recording');
      const since = Date.now();
      await env.fault({ op: 'query', times: 2, httpStatus: 404, code: 404, reason: 'failed to find worker', match: { cname: req.channel } });
      // Wait until both 404s were consumed and a later query succeeded.
      await waitFor(async () => {
        const { requests } = await env.control<{ requests: Array<{ op: string; cname: string; httpStatus: number; at: number }> }>('GET', `/requests?since=${since}`);
        const queries = requests.filter((r) => r.op === 'query' && r.cname === req.channel);
        return queries.filter((r) => r.httpStatus === 404).length === 2 && queries.some((r) => r.httpStatus === 200 && r.at > since);
      });
      const state = await env.waitForState(req.recordingId, (s) => s.phase === 'recording');
      expect(state.segments).toHaveLength(1);
      expect(state.restarts).toBe(0);
    } finally {
      await env.client.stopRecording(req.recordingId);
    }
  });

  it('shows degraded on persistent 50x, keeps monitoring, and recovers', async () => {
    const req = env.request();
    await env.client.startRecording(req);
    try {
      await env.waitForState(req.recordingId, (s) => s.phase === 'recording');
      // One poll plus its four retries (5, 10, 15, 30 s scaled down) all fail.
      await env.fault({ op: 'query', times: 5, httpStatus: 504, code: 62, reason: 'request timeout', match: { cname: req.channel } });
      const degraded = await env.waitForState(req.recordingId, (s) => s.phase === 'degraded');
      expect(degraded.lastError).toMatch(/504/);
      expect(degraded.segments).toHaveLength(1);
      const recovered = await env.waitForState(req.recordingId, (s) => s.phase === 'recording');
      expect(recovered.segments).toHaveLength(1);
      expect((await env.tasks(req.channel)).filter((t) => t.live)).toHaveLength(1);
    } finally {
      await env.client.stopRecording(req.recordingId);
    }
  });

  it('restarts when the recorder exits by itself (idle channel past maxIdleTime)', async () => {
    const req = env.request({ recordingConfig: { maxIdleTime: 5 } });
    await env.client.startRecording(req);
    try {
      await env.waitForState(req.recordingId, (s) => s.phase === 'recording');
      await env.control('POST', '/channels', { appId: req.appId, cname: req.channel, empty: true });
      const [task] = await env.tasks(req.channel);
      await waitFor(async () => (await env.tasks(req.channel))[0].endReason === 'idle', { timeoutMs: 15_000, what: 'idle exit' });
      await env.control('POST', '/channels', { appId: req.appId, cname: req.channel, empty: false });
      const state = await env.waitForState(req.recordingId, (s) => s.segments.length >= 2 && s.phase === 'recording', 30_000);
      expect(state.segments[0].recorderId).toBe(task.sid);
      expect(state.segments[0].endReason).toMatch(/404|status/);
    } finally {
      await env.client.stopRecording(req.recordingId);
    }
  });

  it('backs off growing delays when the vendor keeps failing, and says why it waits', async () => {
    const req = env.request();
    await env.fault({ op: 'acquire', times: 100, httpStatus: 500, code: 500, reason: 'internal_error', match: { cname: req.channel } });
    await env.client.startRecording(req);
    try {
      const waiting = await env.waitForState(req.recordingId, (s) => s.slots[0].consecutiveFailures >= 2 && !!s.waiting?.reason.startsWith('restart backoff'), 30_000);
      expect(waiting.phase).toBe('restarting');
      expect(waiting.lastError).toMatch(/internal_error|500/);
      expect(Date.parse(waiting.waiting!.until)).toBeGreaterThan(Date.now() - 5_000);
    } finally {
      await env.control('DELETE', '/faults');
      const summary = await env.client.stopRecording(req.recordingId);
      expect(summary!.status).toBe('stopped');
      await maybeSaveHistory(env.client.temporal, `recording-${req.recordingId}`, 'restart-backoff-then-stop');
    }
    expect((await env.tasks(req.channel)).filter((t) => t.live)).toEqual([]);
  });
});

