import { maybeSaveHistory } from '../support/histories';
import { recorderEventSignal, type RecorderEvent } from '../../src/contract/events';
import { workflowIdFor } from '../../src/contract/recorder';
import { RecorderIds } from '../../src/contract/search-attributes';
import { RecordingEnv } from '../support/recording-env';
import { waitFor } from '../support/wait';

/**
 * The workflow's side of vendor callbacks (issue 18), with the events signalled the way the callback
 * receiver signals them: real dev server, real emulators, real recorders.
 */
describe('vendor callbacks in the workflow', () => {
  let env: RecordingEnv;
  beforeAll(async () => {
    env = await RecordingEnv.start();
  });
  afterAll(async () => {
    const live = [...(await env.tasks()).filter((t) => t.live), ...(await env.trtcTasks()).filter((t) => t.live)];
    await env?.stop();
    expect(live).toEqual([]);
  });

  let seq = 0;
  const event = (recordingId: string, e: Partial<RecorderEvent> & Pick<RecorderEvent, 'recorderId' | 'kind'>): Promise<void> =>
    env.client.temporal.workflow.getHandle(workflowIdFor(recordingId)).signal(recorderEventSignal, {
      provider: 'agora',
      account: '',
      eventId: `ev-${Date.now()}-${seq++}`,
      vendorEvent: '11',
      channel: '',
      at: new Date().toISOString(),
      ...e,
    });

  it('an exit event brings the describe forward and confirms its 404 at once: the restart does not wait for the poll', async () => {
    // A 20 s cadence: without the event the death would be noticed up to 20 s later, then confirmed over 0.9 s.
    const req = env.request({ timings: { ...env.request().timings, monitorIntervalMs: 20_000 } });
    await env.client.startRecording(req);
    try {
      const state = await env.waitForState(req.recordingId, (s) => s.phase === 'recording');
      const first = state.segments[0];
      await env.control('POST', `/tasks/${first.recorderId}/exit`);
      const killedAt = Date.now();
      const exit = { recorderId: first.recorderId!, kind: 'exited' as const, vendorEvent: '11', identity: first.identity, reason: 'session_exit exitStatus 1', eventId: `exit-${first.recorderId}` };
      await event(req.recordingId, exit);
      await event(req.recordingId, exit); // the vendor's resend: acts once
      const after = await env.waitForState(req.recordingId, (s) => s.segments.length === 2 && s.phase === 'recording', 15_000);
      expect(Date.now() - killedAt).toBeLessThan(10_000);
      expect(after.segments[0].endReason).toMatch(/404 after the vendor's exited event 11/);
      expect(after.segments[0].evidence).toMatchObject({ kind: 'exited', vendorEvent: '11' });
      expect(after.seenEvents!.filter((id) => id === exit.eventId)).toHaveLength(1);
      // Only one not-found: no confirmation ladder once the vendor said it exited.
      const { requests } = await env.control<{ requests: Array<{ op: string; cname: string; httpStatus: number; at: number }> }>('GET', `/requests?since=${killedAt}`);
      expect(requests.filter((r) => r.op === 'query' && r.cname === req.channel && r.httpStatus === 404)).toHaveLength(1);
    } finally {
      await env.client.stopRecording(req.recordingId);
      await env.client.awaitUploads(req.recordingId);
      await maybeSaveHistory(env.client.temporal, workflowIdFor(req.recordingId), 'callback-exit-restart');
    }
  });

  it('a failover event makes 404s the vendor’s recovery: no restart inside the grace, the new uid noted', async () => {
    const req = env.request({ timings: { ...env.request().timings, failoverGraceMs: 4_000 } });
    await env.client.startRecording(req);
    try {
      const state = await env.waitForState(req.recordingId, (s) => s.phase === 'recording');
      const seg = state.segments[0];
      await event(req.recordingId, { recorderId: seg.recorderId!, kind: 'failover', vendorEvent: '12', newIdentity: '777001' });
      const since = Date.now();
      // Six 404s in a row: more than the ladder (1 + 3 confirmations) would ever accept.
      await env.fault({ op: 'query', times: 6, httpStatus: 404, code: 404, reason: 'failed to find worker', match: { cname: req.channel } });
      await waitFor(async () => {
        const { requests } = await env.control<{ requests: Array<{ op: string; cname: string; httpStatus: number; at: number }> }>('GET', `/requests?since=${since}`);
        const queries = requests.filter((r) => r.op === 'query' && r.cname === req.channel);
        return queries.filter((r) => r.httpStatus === 404).length === 6 && queries.some((r) => r.httpStatus === 200);
      });
      const after = await env.waitForState(req.recordingId, (s) => s.phase === 'recording');
      expect(after.segments).toHaveLength(1);
      expect(after.restarts).toBe(0);
      expect(after.segments[0].failovers).toEqual([expect.objectContaining({ newIdentity: '777001' })]);
    } finally {
      await env.client.stopRecording(req.recordingId);
    }
  });

  it('ignores events for recorders it does not own and malformed signals', async () => {
    const req = env.request();
    await env.client.startRecording(req);
    try {
      await env.waitForState(req.recordingId, (s) => s.phase === 'recording');
      await event(req.recordingId, { recorderId: 'not-ours', kind: 'exited', eventId: 'foreign-1' });
      await env.client.temporal.workflow.getHandle(workflowIdFor(req.recordingId)).signal(recorderEventSignal, { nonsense: true } as never);
      const state = await env.waitForState(req.recordingId, (s) => (s.seenEvents ?? []).includes('foreign-1'));
      expect(state.slots[0].wake).toBeUndefined();
      expect(state.segments).toHaveLength(1);
    } finally {
      await env.client.stopRecording(req.recordingId);
    }
  });

  it('tracks uploads after stop: stop returns with recorders stopped, the upload callback settles the segment', async () => {
    const req = env.trtcRequest({ trackUploads: true });
    await env.client.startRecording(req);
    const state = await env.waitForState(req.recordingId, (s) => s.phase === 'recording');
    const recorderId = state.segments[0].recorderId!;
    // The callback receiver finds the recording by its recorder id.
    await waitFor(async () => {
      for await (const wf of env.client.temporal.workflow.list({ query: `${RecorderIds.name} = '${recorderId}'` })) return wf.workflowId;
      return undefined;
    });
    const stopped = await env.client.stopRecording(req.recordingId);
    expect(stopped!.upload).toBe('pending');
    expect(stopped!.segments[0].upload?.state).toBe('pending');
    const uploading = await env.waitForState(req.recordingId, (s) => s.phase === 'uploading');
    expect(uploading.uploadDeadlineAt).toBeDefined();
    await event(req.recordingId, {
      provider: 'trtc',
      account: String(req.sdkAppId),
      recorderId,
      kind: 'upload',
      vendorEvent: '305',
      upload: { stage: 'storage', state: 'uploaded' },
    });
    const final = await env.client.awaitUploads(req.recordingId);
    expect(final.upload).toBe('uploaded');
    expect(final.segments[0].upload).toMatchObject({ state: 'uploaded', stages: { storage: { state: 'uploaded', vendorEvent: '305' } } });
  });

  it('settles uploads per segment across a restart: the lost recorder\'s files settle while the recording goes on', async () => {
    const req = env.trtcRequest({ trackUploads: true });
    await env.client.startRecording(req);
    const first = (await env.waitForState(req.recordingId, (s) => s.phase === 'recording')).segments[0];
    await env.trtcControl('POST', `/tasks/${first.recorderId}/exit`);
    let state = await env.waitForState(req.recordingId, (s) => s.segments.length === 2 && s.phase === 'recording');
    expect(state.segments[0].upload?.state).toBe('pending');
    const second = state.segments[1];
    // Both recorder ids route here: the live one and the one that still owes its upload callback.
    await waitFor(async () => {
      for await (const wf of env.client.temporal.workflow.list({ query: `${RecorderIds.name} = '${first.recorderId}' AND ${RecorderIds.name} = '${second.recorderId}'` })) return wf.workflowId;
      return undefined;
    });
    const upload = (recorderId: string) => event(req.recordingId, { provider: 'trtc', recorderId, kind: 'upload', vendorEvent: '305', upload: { stage: 'storage', state: 'uploaded' } });
    await upload(first.recorderId!);
    state = await env.waitForState(req.recordingId, (s) => s.segments[0].upload?.state === 'uploaded');
    expect(state.phase).toBe('recording');
    await env.client.stopRecording(req.recordingId);
    await upload(second.recorderId!);
    const final = await env.client.awaitUploads(req.recordingId);
    expect(final.segments.map((s) => s.upload?.state)).toEqual(['uploaded', 'uploaded']);
    expect(final.upload).toBe('uploaded');
    await maybeSaveHistory(env.client.temporal, workflowIdFor(req.recordingId), 'trtc-uploads-across-restart');
  });

  it('an upload that never settles is reported unknown at its deadline, across a continue-as-new', async () => {
    const req = env.trtcRequest({ trackUploads: true, timings: { ...env.trtcRequest().timings, uploadDeadlineMs: 6_000, continueAsNewAfterEvents: 100 } });
    await env.client.startRecording(req);
    const state = await env.waitForState(req.recordingId, (s) => s.phase === 'recording');
    const recorderId = state.segments[0].recorderId!;
    await env.client.stopRecording(req.recordingId);
    // Resends of one progress event: each is a history event, so the run continues as new while uploading.
    for (let i = 0; i < 40; i++) await event(req.recordingId, { provider: 'trtc', recorderId, kind: 'other', vendorEvent: '303', eventId: `resend-${recorderId}` });
    const final = await env.client.awaitUploads(req.recordingId);
    expect(final.upload).toBe('unknown');
    expect(final.segments[0].upload?.state).toBe('unknown');
    const last = await env.client.describeRecording(req.recordingId);
    expect(last.state!.runs).toBeGreaterThanOrEqual(2);
  });

  it('settles at once when the stop answer already says uploaded (Agora), and says untracked when not asked (TRTC)', async () => {
    const agora = env.request({ trackUploads: true });
    const trtc = env.trtcRequest();
    await env.client.startRecording(agora);
    await env.client.startRecording(trtc);
    await env.waitForState(agora.recordingId, (s) => s.phase === 'recording');
    await env.waitForState(trtc.recordingId, (s) => s.phase === 'recording');
    const a = await env.client.stopRecording(agora.recordingId);
    expect(a!.upload).toBe('uploaded');
    expect((await env.client.awaitUploads(agora.recordingId)).segments[0].upload?.stages.storage?.vendorEvent).toBe('stop');
    const t = await env.client.stopRecording(trtc.recordingId);
    expect(t!.upload).toBe('untracked');
  });
});
