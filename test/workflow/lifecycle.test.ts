import { RecordingEnv, SECRETS } from '../support/recording-env';

describe('RecordingWorkflow lifecycle against the emulator', () => {
  let env: RecordingEnv;
  beforeAll(async () => {
    env = await RecordingEnv.start();
  });
  afterAll(async () => env?.stop());

  it('acquires, starts, confirms status 4/5, monitors, and stops with the files', async () => {
    const req = env.request();
    await env.client.startRecording(req);
    const state = await env.waitForState(req.recordingId, (s) => s.phase === 'recording');
    expect(state.segments).toHaveLength(1);
    const seg = state.segments[0];
    expect(seg.identity).toBe(state.identities[0]);
    expect(seg.recorderId).toMatch(/^[0-9a-f]{32}$/);
    expect(seg.playlist).toBe(`${seg.recorderId}_${req.channel}.m3u8`);

    const [task] = await env.tasks(req.channel);
    expect(task).toMatchObject({ sid: seg.recorderId, uid: seg.identity, live: true, mode: 'mix' });

    const summary = await env.client.stopRecording(req.recordingId, { reason: 'class over' });
    expect(summary).toMatchObject({ status: 'stopped', restarts: 0, uploadingStatus: 'uploaded', nothingRecorded: false });
    expect(summary!.files).toContain(`${seg.recorderId}_${req.channel}.m3u8`);
    expect(summary!.segments[0].endReason).toBe('stopped: class over');

    const after = await env.tasks(req.channel);
    expect(after.every((t) => !t.live)).toBe(true);
    expect(after[0].endReason).toBe('stopped');
  });

  it('treats a cancel (Web UI, CLI) as a stop: the recorder is stopped and the files reported', async () => {
    const req = env.request();
    const { workflowId } = await env.client.startRecording(req);
    await env.waitForState(req.recordingId, (s) => s.phase === 'recording');
    const handle = env.client.temporal.workflow.getHandle(workflowId);
    await handle.cancel();
    const summary = await handle.result();
    expect(summary).toMatchObject({ status: 'stopped', stopReason: 'workflow cancelled', uploadingStatus: 'uploaded' });
    expect(summary.segments[0].endReason).toBe('stopped: workflow cancelled');
    const tasks = await env.tasks(req.channel);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ live: false, endReason: 'stopped' });
  });

  it('reports nothing recorded when stop answers 206 code 435', async () => {
    const req = env.request();
    await env.client.startRecording(req);
    await env.waitForState(req.recordingId, (s) => s.phase === 'recording');
    await env.fault({ op: 'stop', times: 1, httpStatus: 206, code: 435, reason: 'no recorded data', apply: true, match: { cname: req.channel } });
    const summary = await env.client.stopRecording(req.recordingId);
    expect(summary).toMatchObject({ status: 'stopped', nothingRecorded: true, files: [] });
    expect(summary!.segments[0].uploadingStatus).toBeUndefined();
    expect((await env.tasks(req.channel)).filter((t) => t.live)).toEqual([]);
  });

  it('treats stop answering 404 as already gone and still ends cleanly', async () => {
    const req = env.request({ timings: { ...env.request().timings, monitorIntervalMs: 20_000 } });
    await env.client.startRecording(req);
    const state = await env.waitForState(req.recordingId, (s) => s.phase === 'recording');
    // The recorder dies between polls; the stop that follows finds nothing.
    await env.control('POST', `/tasks/${state.segments[0].recorderId}/exit`);
    const summary = await env.client.stopRecording(req.recordingId);
    expect(summary).toMatchObject({ status: 'stopped', restarts: 0 });
    expect(summary!.stopUncertain).toBeUndefined();
    expect(summary!.segments[0].endReason).toBe('stopped');
  });
});

describe('worker start-up', () => {
  it('refuses a bad configuration with a message naming the field, and prints no secret', async () => {
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync('npx', ['tsx', 'src/worker.ts'], {
      cwd: require('node:path').resolve(__dirname, '../..'),
      env: { ...process.env, RECORDING_CONFIG: '', AGORA_CUSTOMER_ID: 'cid', AGORA_CUSTOMER_SECRET: SECRETS.customerSecret, AGORA_BASE_URLS: 'not a url' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/agora\.baseUrls\.0/);
    expect(r.stderr).toMatch(/agora\.apps/);
    expect(r.stdout + r.stderr).not.toContain(SECRETS.customerSecret);
  });
});
