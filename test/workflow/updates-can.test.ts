import { WorkflowUpdateFailedError } from '@temporalio/client';
import { decodedHistoryText, maybeSaveHistory } from '../support/histories';
import { RecordingEnv, SECRETS } from '../support/recording-env';

describe('updates, continue-as-new, visibility and secrets', () => {
  let env: RecordingEnv;
  const finished: string[] = [];
  beforeAll(async () => {
    env = await RecordingEnv.start();
  });
  afterAll(async () => env?.stop());

  it('applies subscription and layout updates to the live recorder and re-applies them after a restart', async () => {
    const req = env.request();
    await env.client.startRecording(req);
    try {
      let state = await env.waitForState(req.recordingId, (s) => s.phase === 'recording');
      const sub = await env.client.updateSubscriptions(req.recordingId, { subscribeAudioUids: ['1001', '1002'] });
      expect(sub).toMatchObject({ applied: true, recorderId: state.segments[0].recorderId });
      const layout = await env.client.updateLayout(req.recordingId, { mixedVideoLayout: 1, backgroundColor: '#112233' });
      expect(layout.applied).toBe(true);

      let [task] = await env.tasks(req.channel);
      expect(task.updateCount).toBe(1);
      expect(task.layoutCount).toBe(1);
      expect(JSON.stringify(task.subscriptions)).toContain('1002');
      expect(task.layout).toMatchObject({ mixedVideoLayout: 1, backgroundColor: '#112233' });

      // The recorder dies; the new one must start with the latest settings.
      await env.control('POST', `/tasks/${state.segments[0].recorderId}/exit`);
      state = await env.waitForState(req.recordingId, (s) => s.segments.length === 2 && s.phase === 'recording');
      task = (await env.tasks(req.channel))[1];
      expect(task.sid).toBe(state.segments[1].recorderId);
      expect(JSON.stringify(task.subscriptions)).toContain('1002');
    } finally {
      await env.client.stopRecording(req.recordingId);
      finished.push(req.recordingId);
      await maybeSaveHistory(env.client.temporal, `recording-${req.recordingId}`, 'updates-and-restart');
      // The request checked by a local activity, the setting schemas built on the first update.
      await maybeSaveHistory(env.client.temporal, `recording-${req.recordingId}`, 'input-checked-updates-and-restart');
    }
  });

  it('rejects invalid updates before they reach history, naming the field', async () => {
    const req = env.request();
    await env.client.startRecording(req);
    const handle = env.client.temporal.workflow.getHandle(`recording-${req.recordingId}`);
    try {
      await env.waitForState(req.recordingId, (s) => s.phase === 'recording');
      // Around the typed client, straight to the workflow: the synchronous validator must refuse.
      await expect(handle.executeUpdate('updateSubscriptions', { args: [{ subscribeAudioUids: ['0'] }] })).rejects.toThrow(WorkflowUpdateFailedError);
      await expect(handle.executeUpdate('updateLayout', { args: [{ mixedVideoLayout: 3 }] })).rejects.toMatchObject({ cause: { message: expect.stringMatching(/layoutConfig/) } });
      // The client refuses even earlier, naming the field.
      await expect(env.client.updateSubscriptions(req.recordingId, { subscribeVideoUids: ['abc'] })).rejects.toThrow(/subscriptions\.subscribeVideoUids\.0/);
      const history = await decodedHistoryText(env.client.temporal, handle.workflowId);
      expect(history).not.toContain('WORKFLOW_EXECUTION_UPDATE_ACCEPTED');
      expect((await env.tasks(req.channel))[0].updateCount).toBe(0);
    } finally {
      await env.client.stopRecording(req.recordingId);
      finished.push(req.recordingId);
    }
  });

  it('rejects a layout update on an individual-mode recording', async () => {
    const req = env.request({ mode: 'individual', recordingConfig: { maxIdleTime: 30, subscribeUidGroup: 0 } });
    await env.client.startRecording(req);
    try {
      await env.waitForState(req.recordingId, (s) => s.phase === 'recording');
      await expect(env.client.updateLayout(req.recordingId, { mixedVideoLayout: 1 })).rejects.toThrow(/mix mode only/);
    } finally {
      await env.client.stopRecording(req.recordingId);
      finished.push(req.recordingId);
    }
  });

  it('continues as new mid-recording with updates arriving, losing none and keeping the recorder', async () => {
    const req = env.request({
      recordingConfig: { maxIdleTime: 5 },
      timings: { ...env.request().timings, monitorIntervalMs: 100, continueAsNewAfterEvents: 100 },
    });
    const started = await env.client.startRecording(req);
    try {
      await env.waitForState(req.recordingId, (s) => s.phase === 'recording');
      const results = [];
      for (let i = 1; i <= 8; i++) {
        results.push(await env.client.updateSubscriptions(req.recordingId, { subscribeAudioUids: [String(1000 + i)] }));
        await new Promise((r) => setTimeout(r, 250));
      }
      const state = await env.waitForState(req.recordingId, (s) => s.runs >= 3);
      expect(results.every((r) => r.applied)).toBe(true);
      expect(state.desired.subscriptionsVersion).toBe(8);
      expect(state.desired.subscriptions).toEqual({ subscribeAudioUids: ['1008'] });
      expect(state.segments).toHaveLength(1);
      const [task] = await env.tasks(req.channel);
      expect(task.live).toBe(true);
      expect(task.updateCount).toBe(8);
      expect(JSON.stringify(task.subscriptions)).toContain('1008');

      const d = await env.client.temporal.workflow.getHandle(started.workflowId).describe();
      expect(d.runId).not.toBe(started.runId);
      const summary = await env.client.stopRecording(req.recordingId);
      expect(summary!.segments).toHaveLength(1);
      expect(summary!.segments[0].recorderId).toBe(task.sid);
    } finally {
      await env.client.stopRecording(req.recordingId).catch(() => undefined);
      finished.push(req.recordingId);
      await maybeSaveHistory(env.client.temporal, started.workflowId, 'continue-as-new-first-run', started.runId);
    }
  });

  it('lists recordings by phase, channel and App ID through search attributes', async () => {
    const req = env.request();
    await env.client.startRecording(req);
    try {
      await env.waitForState(req.recordingId, (s) => s.phase === 'recording');
      let found: Awaited<ReturnType<typeof env.client.listRecordings>> = [];
      for (let i = 0; i < 50 && found.length === 0; i++) {
        found = await env.client.listRecordings({ phase: 'recording', channel: req.channel, account: req.appId });
        if (!found.length) await new Promise((r) => setTimeout(r, 200));
      }
      expect(found).toHaveLength(1);
      const state = (await env.client.describeRecording(req.recordingId)).state!;
      expect(found[0]).toMatchObject({ recordingId: req.recordingId, phase: 'recording', recorderId: state.segments[0].recorderId, identity: state.identities[0], restarts: 0 });
    } finally {
      await env.client.stopRecording(req.recordingId);
      finished.push(req.recordingId);
      await maybeSaveHistory(env.client.temporal, `recording-${req.recordingId}`, 'start-monitor-stop');
    }
  });

  it('never writes a configured secret into any history, search attribute, memo or result', async () => {
    expect(finished.length).toBeGreaterThanOrEqual(4);
    for (const id of finished) {
      const workflowId = `recording-${id}`;
      // Every run of the chain, not just the last, for continued-as-new recordings.
      for await (const wf of env.client.temporal.workflow.list({ query: `WorkflowId = "${workflowId}"` })) {
        const text = await decodedHistoryText(env.client.temporal, workflowId, wf.runId);
        expect(text).toContain(id);
        for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
      }
    }
  });
});
