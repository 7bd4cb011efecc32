/**
 * The lifecycle on Tencent TRTC (TRTC spec §4.2, §6) end to end: the real dev server, real
 * workers, the TRTC emulator over HTTP with TC3 signatures and UserSig checks. Each test checks the
 * workflow's state or result AND what the vendor saw (tasks and the request log).
 */
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { workflowIdFor } from '../../src/client';
import type { TrtcLogEntry } from '../../src/emulator/trtc';
import { decodedHistoryText, maybeSaveHistory } from '../support/histories';
import { fastTimings, RecordingEnv, SECRETS, TRTC_APP, type TrtcRequest } from '../support/recording-env';
import { waitFor, withTimeout } from '../support/wait';

describe('TRTC recordings end to end (TRTC spec §4.2, §6)', () => {
  let env: RecordingEnv;
  const started = new Set<string>();

  beforeAll(async () => {
    env = await RecordingEnv.start();
  });
  afterAll(async () => {
    for (const id of started) await cleanup(id);
    await env?.stop();
  });

  function begin(overrides: Partial<TrtcRequest> = {}) {
    const req = env.trtcRequest(overrides);
    started.add(req.recordingId);
    return { req, t0: Date.now() - 1 };
  }

  async function cleanup(recordingId: string): Promise<void> {
    try {
      const d = await env.client.describeRecording(recordingId);
      if (d.status === 'RUNNING') await withTimeout(env.client.stopRecording(recordingId, { reason: 'test cleanup' }), 30_000, `stop of ${recordingId}`);
    } catch {
      // never started, failed or already stopped
    }
  }

  async function vendorLog(room: string, since: number, action?: string): Promise<TrtcLogEntry[]> {
    const { requests } = await env.trtcControl<{ requests: TrtcLogEntry[] }>('GET', `/requests?since=${since}`);
    return requests.filter((r) => r.roomId === room && (action === undefined || r.action === action));
  }

  const live = async (room: string) => (await env.trtcTasks(room)).filter((t) => t.live);

  it('creates a task, confirms it with Describe (InProgress), records, and deletes it on stop; files come from StorageFileList', async () => {
    const { req, t0 } = begin();
    await env.client.startRecording(req);
    const s = await env.waitForState(req.recordingId, (x) => x.phase === 'recording');
    expect(s).toMatchObject({ provider: 'trtc', account: String(TRTC_APP), channel: req.channel, restarts: 0 });
    expect(s.identities).toHaveLength(2);
    for (const id of s.identities) expect(id).toMatch(/^recorder_[0-9a-z]+_\d$/);
    const [task] = await live(req.channel);
    expect(task).toMatchObject({ userId: s.identities[0], status: 'InProgress', taskId: s.segments[0].recorderId, roomIdType: 1, recordMode: 2, maxIdleTime: 30 });

    const summary = await env.client.stopRecording(req.recordingId);
    expect(summary).toMatchObject({ provider: 'trtc', status: 'stopped', restarts: 0 });
    expect(summary!.files.length).toBeGreaterThan(0);
    expect(summary!.files.every((f) => f.includes(s.identities[0]) || f.includes(String(TRTC_APP)))).toBe(true);
    expect(await live(req.channel)).toEqual([]);
    const actions = (await vendorLog(req.channel, t0)).map((r) => r.action);
    expect(actions[0]).toBe('CreateCloudRecording');
    expect(actions).toContain('DescribeCloudRecording');
    expect(actions.at(-1)).toBe('DeleteCloudRecording');
    expect((await vendorLog(req.channel, t0)).every((r) => r.httpStatus === 200)).toBe(true);
  });

  it('InternalError ×3 on create: the same request is retried on the schedule until a TaskId, on the same robot UserId', async () => {
    const { req, t0 } = begin();
    await env.trtcControl('POST', '/faults', { op: 'create', code: 'InternalError.CRInternalError', times: 3, match: { roomId: req.channel } });
    try {
      await env.client.startRecording(req);
      const s = await env.waitForState(req.recordingId, (x) => x.phase === 'recording');
      const creates = await vendorLog(req.channel, t0, 'CreateCloudRecording');
      expect(creates.map((c) => [c.userId, c.code])).toEqual([
        [s.identities[0], 'InternalError.CRInternalError'],
        [s.identities[0], 'InternalError.CRInternalError'],
        [s.identities[0], 'InternalError.CRInternalError'],
        [s.identities[0], null],
      ]);
      expect(s.segments).toHaveLength(1);
      expect(await live(req.channel)).toHaveLength(1);
    } finally {
      await cleanup(req.recordingId);
    }
  });

  it('Idle (the robot is in, nobody publishes) is its own phase, not a failure; a publisher brings it to recording', async () => {
    const { req } = begin();
    await env.trtcControl('POST', '/rooms', { sdkAppId: TRTC_APP, roomId: req.channel, publishers: [] });
    started.add(req.recordingId);
    try {
      await env.client.startRecording(req);
      const idle = await env.waitForState(req.recordingId, (x) => x.phase === 'idle');
      expect(idle.segments[0].confirmedAt).toBeDefined();
      expect(idle.lastStatus).toBe('Idle');
      expect((await live(req.channel))[0].status).toBe('Idle');
      await env.trtcControl('POST', '/rooms', { sdkAppId: TRTC_APP, roomId: req.channel, publishers: ['anchor1'] });
      const rec = await env.waitForState(req.recordingId, (x) => x.phase === 'recording' && x.lastStatus === 'InProgress');
      expect(rec.segments).toHaveLength(1);
      expect(rec.restarts).toBe(0);
      await env.client.stopRecording(req.recordingId);
      await maybeSaveHistory(env.client.temporal, workflowIdFor(req.recordingId), 'trtc-idle-then-recording');
    } finally {
      await cleanup(req.recordingId);
    }
  });

  it('an exited task is replaced on the other robot UserId, and the desired subscriptions and layout are sent again (Modify overwrites)', async () => {
    const { req, t0 } = begin();
    try {
      await env.client.startRecording(req);
      const s0 = await env.waitForState(req.recordingId, (x) => x.phase === 'recording');
      const sub = await env.client.updateSubscriptions(req.recordingId, { SubscribeAudioUserIds: ['anchor1'] });
      expect(sub).toMatchObject({ applied: true, recorderId: s0.segments[0].recorderId });
      const [first] = await live(req.channel);
      expect(first.subscribe).toMatchObject({ SubscribeAudioUserIds: ['anchor1'] });

      await env.trtcControl('POST', `/tasks/${encodeURIComponent(first.taskId)}/exit`, {});
      const s1 = await env.waitForState(req.recordingId, (x) => x.phase === 'recording' && x.segments.length === 2, 30_000);
      expect(s1.segments[0].endReason).toMatch(/exited|404|not-found/);
      expect(s1.segments[1].identity).toBe(s1.identities[1]);
      const [second] = await live(req.channel);
      expect(second.userId).toBe(s1.identities[1]);
      // The successor was created with the subscriptions the recording wants.
      expect(second.subscribe).toMatchObject({ SubscribeAudioUserIds: ['anchor1'] });

      const layout = await env.client.updateLayout(req.recordingId, { MixLayoutMode: 3 });
      expect(layout.applied).toBe(true);
      const [after] = await live(req.channel);
      // One Modify carried the whole desired state: the layout and the subscriptions again.
      expect(after).toMatchObject({ layout: { MixLayoutMode: 3 }, subscribe: { SubscribeAudioUserIds: ['anchor1'] } });
      const modifies = await vendorLog(req.channel, t0, 'ModifyCloudRecording');
      expect(modifies.map((m) => m.taskId)).toEqual([first.taskId, second.taskId]);
      await env.client.stopRecording(req.recordingId);
      await maybeSaveHistory(env.client.temporal, workflowIdFor(req.recordingId), 'trtc-restart-and-modify');
    } finally {
      await cleanup(req.recordingId);
    }
  });

  it('a task the vendor no longer knows (ResourceNotFound, confirmed by further describes) is replaced', async () => {
    const { req, t0 } = begin();
    try {
      await env.client.startRecording(req);
      const s0 = await env.waitForState(req.recordingId, (x) => x.phase === 'recording');
      const taskId = s0.segments[0].recorderId!;
      // The task ends, and every describe of it answers ResourceNotFound (none catches its Exited window).
      await env.trtcControl('POST', '/faults', { op: 'describe', code: 'ResourceNotFound', times: 4, match: { taskId } });
      await env.trtcControl('POST', `/tasks/${encodeURIComponent(taskId)}/exit`, {});
      const s1 = await env.waitForState(req.recordingId, (x) => x.phase === 'recording' && x.segments.length === 2, 30_000);
      expect(s1.segments[0].endReason).toMatch(/404 confirmed 4 times/);
      const describes = (await vendorLog(req.channel, t0, 'DescribeCloudRecording')).filter((d) => d.taskId === taskId && d.code === 'ResourceNotFound');
      expect(describes).toHaveLength(4);
      const [only, ...more] = await live(req.channel);
      expect(more).toEqual([]);
      expect(only.userId).toBe(s1.identities[1]);
    } finally {
      await cleanup(req.recordingId);
    }
  });

  it('InvalidParameter on create fails the recording with the vendor code and message, and no task runs', async () => {
    const { req } = begin();
    await env.trtcControl('POST', '/faults', { op: 'create', code: 'InvalidParameter.RoomId', message: 'RoomId is invalid', times: 1, match: { roomId: req.channel } });
    await env.client.startRecording(req);
    const err = await env.client.temporal.workflow.getHandle(workflowIdFor(req.recordingId)).result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const af = (err as WorkflowFailedError).cause as ApplicationFailure;
    expect(af.type).toBe('RecordingFailed');
    expect(af.message).toMatch(/InvalidParameter\.RoomId/);
    expect(af.details?.[0]).toMatchObject({ code: 'InvalidParameter.RoomId', reason: 'RoomId is invalid' });
    expect(await live(req.channel)).toEqual([]);
  });

  it('RestrictedConcurrency: the attempt backs off and the recording starts once capacity returns', async () => {
    const { req } = begin();
    await env.trtcControl('POST', '/faults', { op: 'create', code: 'FailedOperation.RestrictedConcurrency', times: 2, match: { roomId: req.channel } });
    try {
      await env.client.startRecording(req);
      const s = await env.waitForState(req.recordingId, (x) => x.phase === 'recording', 30_000);
      expect(s.segments.slice(0, -1).map((x) => x.endReason)).toEqual([expect.stringMatching(/RestrictedConcurrency/), expect.stringMatching(/RestrictedConcurrency/)]);
      expect(await live(req.channel)).toHaveLength(1);
    } finally {
      await cleanup(req.recordingId);
    }
  });

  it('a stop while confirming deletes the task it just created', async () => {
    const { req } = begin({ timings: { ...fastTimings, firstQueryDelayMs: 3_000, confirmPollDelaysMs: [500], confirmTimeoutMs: 10_000, monitorIntervalMs: 1_000 } });
    await env.client.startRecording(req);
    await env.waitForState(req.recordingId, (x) => x.phase === 'confirming');
    const summary = await env.client.stopRecording(req.recordingId, { reason: 'early' });
    expect(summary).toMatchObject({ status: 'stopped', stopReason: 'early' });
    await waitFor(async () => (await live(req.channel)).length === 0, { timeoutMs: 5_000, what: 'no live task' });
  });

  it('starting the same recording id twice makes one task, and no TRTC secret (SecretKey, SDK secret key, UserSig, storage keys) reaches the history', async () => {
    const { req } = begin();
    const a = await env.client.startRecording(req);
    const b = await env.client.startRecording(req);
    expect(b.runId).toBe(a.runId);
    await env.waitForState(req.recordingId, (x) => x.phase === 'recording');
    expect(await live(req.channel)).toHaveLength(1);
    await env.client.stopRecording(req.recordingId);
    const text = await decodedHistoryText(env.client.temporal, workflowIdFor(req.recordingId));
    for (const secret of [SECRETS.trtcSecretKey, SECRETS.sdkSecretKey, SECRETS.cosSecretKey]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/UserSig|SecretKey/);
  });
});
