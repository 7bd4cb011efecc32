import { agoraSignatures } from '../../src/emulator/callbacks';
import type { SentEvent } from '../../src/emulator/shared/callback-sender';
import { CALLBACK_PATHS } from '../../src/services/callbacks/vendors';
import { RecordingEnv, SECRETS } from '../support/recording-env';
import { waitFor } from '../support/wait';

/**
 * Issue 18 end to end: the emulators send their vendor's signed callbacks (with faults) to the
 * callback receiver, which signals the recordings. Real dev server, real HTTP, nothing signalled
 * by the test itself.
 */
describe('vendor callbacks end to end: emulators → receiver → recordings', () => {
  let env: RecordingEnv;
  beforeAll(async () => {
    env = await RecordingEnv.start({ callbacks: { uploadDelayMs: 1_000 } });
  });
  afterAll(async () => {
    const live = [...(await env.tasks()).filter((t) => t.live), ...(await env.trtcTasks()).filter((t) => t.live)];
    await env?.stop();
    expect(live).toEqual([]);
  });

  type Vendor = 'agora' | 'trtc';
  const ctl = (v: Vendor) => (method: string, path: string, body?: unknown) => (v === 'agora' ? env.control(method, path, body) : env.trtcControl(method, path, body));
  const sent = async (v: Vendor, ref: string): Promise<SentEvent[]> => ((await ctl(v)('GET', '/callbacks')) as { events: SentEvent[] }).events.filter((e) => e.ref === ref);
  const cbFault = (v: Vendor, f: Record<string, unknown>) => ctl(v)('POST', '/callbacks/faults', f);
  const slow = { monitorIntervalMs: 20_000 };
  const requestFor = (v: Vendor, extra: Record<string, unknown> = {}) => {
    const timings = { ...env.request().timings, ...(extra.timings as object) };
    return v === 'agora' ? env.request({ ...extra, timings }) : env.trtcRequest({ ...extra, timings });
  };
  const outcomes = async (name: string) => (await env.receiver!.metrics.registry.getSingleMetric(name)!.get()).values;

  /** Starts, waits for the confirmed recorder and its first poll, kills it on the emulator. */
  async function startAndKill(v: Vendor, req: { recordingId: string }, before?: (recorderId: string) => Promise<void>) {
    await env.client.startRecording(req as never);
    const state = await env.waitForState(req.recordingId, (s) => s.phase === 'recording' && !!s.slots[0]?.nextPollAt);
    const first = state.segments[0];
    await before?.(first.recorderId!);
    await ctl(v)('POST', `/tasks/${first.recorderId}/exit`);
    return { first, killedAt: Date.now(), nextPollAt: Date.parse(state.slots[0].nextPollAt!) };
  }

  // Agora reports a crash as 1 (fatal, errorLevel 5), then 11 session_exit once the files are rescued; TRTC as 302.
  describe.each<[Vendor, string, string[]]>([
    ['agora', '1', ['1', '11']],
    ['trtc', '302', ['302']],
  ])('%s', (vendor, deathEvent, deathEvidence) => {
    it('a killed recorder is replaced within seconds on the vendor’s own callback, long before the 20 s poll', async () => {
      const req = requestFor(vendor, { timings: slow });
      const { first, killedAt, nextPollAt } = await startAndKill(vendor, req);
      try {
        const after = await env.waitForState(req.recordingId, (s) => s.segments.length === 2 && s.phase === 'recording', 15_000);
        const gap = Date.now() - killedAt;
        expect(gap).toBeLessThan(8_000);
        expect(Date.now()).toBeLessThan(nextPollAt);
        expect(after.restarts).toBe(1);
        expect(deathEvidence).toContain(after.segments[0].evidence?.vendorEvent);
        const death = (await sent(vendor, first.recorderId!)).find((e) => e.eventType === Number(deathEvent))!;
        expect(death.attempts.at(-1)).toMatchObject({ outcome: 'delivered', httpStatus: 200, signature: 'valid' });
      } finally {
        await env.client.stopRecording(req.recordingId);
      }
    });

    it('duplicated and reordered callbacks produce one reaction', async () => {
      const req = requestFor(vendor, { timings: slow });
      const duplicatesBefore = (await outcomes('callbacks_total')).find((x) => x.labels.provider === vendor && x.labels.outcome === 'duplicate')?.value ?? 0;
      const { first } = await startAndKill(vendor, req, async (ref) => {
        // Every event of the dying recorder arrives twice, and the death event after the one that follows it.
        // (The first matching fault fires: the reorder goes first.)
        await cbFault(vendor, { effect: 'reorder', ref, eventType: Number(deathEvent) });
        await cbFault(vendor, { effect: 'duplicate', ref, times: 20 });
      });
      try {
        await env.waitForState(req.recordingId, (s) => s.segments.length === 2 && s.phase === 'recording', 15_000);
        await waitFor(async () => (await sent(vendor, first.recorderId!)).some((e) => e.fault === 'reorder' && e.state === 'delivered'), { what: 'the reordered event delivered' });
        // Give the last copies time to land, then look: one restart, each event id once.
        await new Promise((r) => setTimeout(r, 1_500));
        const state = (await env.client.describeRecording(req.recordingId)).state!;
        expect(state.restarts).toBe(1);
        expect(state.segments).toHaveLength(2);
        expect(new Set(state.seenEvents).size).toBe(state.seenEvents!.length);
        // The redundant copies reached the receiver (which answered them as duplicates).
        await waitFor(async () => (await sent(vendor, first.recorderId!)).some((e) => e.attempts.some((a) => a.copy && a.httpStatus === 200)), {
          what: 'a redundant copy delivered',
          timeoutMs: 10_000,
        });
        const duplicatesAfter = (await outcomes('callbacks_total')).find((x) => x.labels.provider === vendor && x.labels.outcome === 'duplicate')?.value ?? 0;
        expect(duplicatesAfter).toBeGreaterThan(duplicatesBefore);
        expect((await env.client.describeRecording(req.recordingId)).state!.restarts).toBe(1);
      } finally {
        await env.client.stopRecording(req.recordingId);
      }
    });

    it('every callback lost: polling still restarts, at the next poll', async () => {
      const req = requestFor(vendor, { timings: { monitorIntervalMs: 5_000 } });
      const { first, nextPollAt } = await startAndKill(vendor, req, (ref) => cbFault(vendor, { effect: 'drop', ref, times: 100 }).then(() => undefined));
      try {
        const after = await env.waitForState(req.recordingId, (s) => s.segments.length === 2 && s.phase === 'recording', 20_000);
        expect(Date.now()).toBeGreaterThanOrEqual(nextPollAt);
        expect(after.restarts).toBe(1);
        // At most the start event (delivered before the fault): nothing said it died.
        expect(['started', undefined]).toContain(after.segments[0].evidence?.kind);
        const events = await sent(vendor, first.recorderId!);
        expect(events.filter((e) => e.eventType === Number(deathEvent)).map((e) => e.state)).toEqual(['dropped']);
      } finally {
        await env.client.stopRecording(req.recordingId);
      }
    });

    it('a callback with a wrong signature is refused with 401 and never reaches the recording', async () => {
      const req = requestFor(vendor, { timings: slow });
      const { first } = await startAndKill(vendor, req, (ref) => cbFault(vendor, { effect: 'bad-signature', ref, times: 100 }).then(() => undefined));
      try {
        const refused = await waitFor(async () => (await sent(vendor, first.recorderId!)).find((e) => e.eventType === Number(deathEvent) && e.attempts.length >= 2), { what: 'the death event and its resend' });
        expect(refused.attempts.every((a) => a.httpStatus === 401 && a.signature === 'wrong')).toBe(true);
        const state = (await env.client.describeRecording(req.recordingId)).state!;
        expect(state.segments).toHaveLength(1);
        expect(['started', undefined]).toContain(state.segments[0].evidence?.kind);
        expect(state.slots[0].wake).toBeUndefined();
        const rejected = (await outcomes('callback_signature_failures_total')).filter((x) => x.labels.provider === vendor);
        expect(rejected.reduce((n, x) => n + x.value, 0)).toBeGreaterThanOrEqual(2);
      } finally {
        await env.client.stopRecording(req.recordingId);
      }
    });
  });

  it('Agora: a forged body is refused, a replayed one is a duplicate with no second reaction', async () => {
    const req = env.request({ timings: { ...env.request().timings, ...slow } });
    const { first } = await startAndKill('agora', req);
    try {
      await env.waitForState(req.recordingId, (s) => s.segments.length === 2 && s.phase === 'recording', 15_000);
      const fatal = (await sent('agora', first.recorderId!)).find((e) => e.eventType === 1)!;
      const body = fatal.attempts[0].body;
      const post = (headers: Record<string, string>) =>
        fetch(env.receiver!.url + CALLBACK_PATHS.agora, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body }).then(async (r) => ({ status: r.status, body: await r.json() }));
      expect(await post(agoraSignatures(body, 'not-the-ncs-secret'))).toMatchObject({ status: 401 });
      expect(await post({})).toMatchObject({ status: 401 });
      expect(await post(agoraSignatures(body, SECRETS.ncsSecret))).toMatchObject({ status: 200, body: { outcome: 'duplicate' } });
      const state = (await env.client.describeRecording(req.recordingId)).state!;
      expect(state.restarts).toBe(1);
    } finally {
      await env.client.stopRecording(req.recordingId);
    }
  });

  it('TRTC: uploads settle per segment from 305 across a restart and a continue-as-new; the backup option ends one backuped', async () => {
    const req = env.trtcRequest({ trackUploads: true, timings: { ...env.trtcRequest().timings, continueAsNewAfterEvents: 100 } });
    // The lost recorder's upload outlasts a continue-as-new (about 10 s of 1 s polls).
    await env.trtcControl('POST', '/callbacks', { uploadDelayMs: 15_000 });
    try {
      const { first } = await startAndKill('trtc', req);
      let state = await env.waitForState(req.recordingId, (s) => s.segments.length === 2 && s.phase === 'recording', 15_000);
      expect(state.segments[0].upload?.state).toBe('pending');
      state = await env.waitForState(req.recordingId, (s) => s.runs >= 2, 30_000);
      expect(state.segments[0].upload?.state).toBe('pending');
      state = await env.waitForState(req.recordingId, (s) => s.segments[0].upload?.state !== 'pending', 30_000);
      expect(state.segments[0].upload).toMatchObject({ state: 'uploaded', stages: { storage: { state: 'uploaded', vendorEvent: '305' } } });
      expect(state.phase).toBe('recording');
      await env.trtcControl('POST', '/callbacks', { uploadDelayMs: 2_000, backupEvery: 1 });
      const stopped = await env.client.stopRecording(req.recordingId);
      expect(stopped!.upload).toBe('pending');
      await env.waitForState(req.recordingId, (s) => s.phase === 'uploading');
      const final = await env.client.awaitUploads(req.recordingId);
      expect(final.segments.map((s) => s.upload?.state)).toEqual(['uploaded', 'backuped']);
      expect(final.upload).toBe('backuped');
      expect(first.recorderId).toBe(final.segments[0].recorderId);
    } finally {
      await env.trtcControl('POST', '/callbacks', { uploadDelayMs: 1_000, backupEvery: 0 });
    }
  });

  it('Agora: the stop answer leaves the upload open (uploadingStatus unknown); 32 settles the killed recorder, 31 the stopped one', async () => {
    const req = env.request({ trackUploads: true });
    await startAndKill('agora', req);
    const state = await env.waitForState(req.recordingId, (s) => s.segments.length === 2 && s.phase === 'recording', 15_000);
    const stopped = await env.client.stopRecording(req.recordingId);
    expect(stopped!.upload).toBe('pending');
    expect(stopped!.segments[1].upload?.state).toBe('pending');
    await env.waitForState(req.recordingId, (s) => s.phase === 'uploading' || s.phase === 'stopped');
    const final = await env.client.awaitUploads(req.recordingId);
    expect(final.segments.map((s) => s.upload?.state)).toEqual(['backuped', 'uploaded']);
    expect(final.segments.map((s) => s.upload?.stages.storage?.vendorEvent)).toEqual(['32', '31']);
    expect(final.segments[0].recorderId).toBe(state.segments[0].recorderId);
  });
});
