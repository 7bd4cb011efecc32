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
    expect(seg.uid).toBe(state.uids.primary);
    expect(seg.sid).toMatch(/^[0-9a-f]{32}$/);
    expect(seg.m3u8).toBe(`${seg.sid}_${req.channel}.m3u8`);

    const [task] = await env.tasks(req.channel);
    expect(task).toMatchObject({ sid: seg.sid, uid: seg.uid, live: true, mode: 'mix' });

    const summary = await env.client.stopRecording(req.recordingId, { reason: 'class over' });
    expect(summary).toMatchObject({ status: 'stopped', restarts: 0, uploadingStatus: 'uploaded', nothingRecorded: false });
    expect(summary!.files).toContain(`${seg.sid}_${req.channel}.m3u8`);
    expect(summary!.segments[0].endReason).toBe('stopped: class over');

    const after = await env.tasks(req.channel);
    expect(after.every((t) => !t.live)).toBe(true);
    expect(after[0].endReason).toBe('stopped');
  });
});
