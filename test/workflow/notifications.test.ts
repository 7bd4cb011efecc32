import { maybeSaveHistory } from '../support/histories';
import { recorderEventSignal } from '../../src/contract/events';
import { workflowIdFor } from '../../src/contract/recorder';
import { RecordingEnv } from '../support/recording-env';
import { waitFor } from '../support/wait';
import { startSink, type Sink } from '../notifications/sink';

const SECRET = 'notify-secret-for-tests-0123456789';

/** Backend notifications from real recordings: what a backend receives, signed, each once after dedupe. */
describe('backend notifications from a recording', () => {
  let env: RecordingEnv;
  let sink: Sink;
  beforeAll(async () => {
    // The backend fails its first two requests: delivery is retried, and dedupe by id keeps one of each.
    sink = await startSink(SECRET, (nth) => (nth <= 2 ? 503 : 200));
    env = await RecordingEnv.start({ worker: { notifications: { url: sink.url, secret: SECRET } } });
  });
  afterAll(async () => {
    await env?.stop();
    await sink?.close();
  });

  it('sends started, restarted, stopped and uploaded, in order, each once after dedupe, even when the endpoint fails twice', async () => {
    const req = env.trtcRequest({ trackUploads: true });
    await env.client.startRecording(req);
    const first = (await env.waitForState(req.recordingId, (s) => s.phase === 'recording')).segments[0];
    await env.trtcControl('POST', `/tasks/${first.recorderId}/exit`);
    const state = await env.waitForState(req.recordingId, (s) => s.segments.length === 2 && s.phase === 'recording');
    await env.client.stopRecording(req.recordingId);
    for (const seg of state.segments) {
      await env.client.temporal.workflow.getHandle(workflowIdFor(req.recordingId)).signal(recorderEventSignal, {
        provider: 'trtc',
        account: String(req.sdkAppId),
        eventId: `305-${seg.recorderId}`,
        vendorEvent: '305',
        kind: 'upload',
        recorderId: seg.recorderId!,
        channel: req.channel,
        at: new Date().toISOString(),
        upload: { stage: 'storage', state: 'uploaded' },
      });
    }
    const final = await env.client.awaitUploads(req.recordingId);
    expect(final.upload).toBe('uploaded');

    const mine = () => sink.deduped().filter((n) => n.recordingId === req.recordingId);
    await waitFor(() => mine().length >= 5, { what: 'five notifications' });
    expect(mine().map((n) => n.type)).toEqual(['recording.started', 'recording.restarted', 'recording.stopped', 'recording.uploaded', 'recording.uploaded']);
    const [started, restarted, stopped] = mine();
    expect(started.data).toMatchObject({ provider: 'trtc', account: String(req.sdkAppId), channel: req.channel, segment: 0, recorderId: first.recorderId });
    expect(restarted.data).toMatchObject({ segment: 1, restarts: 1 });
    expect(stopped.data).toMatchObject({ segments: 2, restarts: 1, nothingRecorded: false });
    // Every request was signed; the two refused ones were delivered again under the same id.
    const all = sink.received.filter((r) => r.notification?.recordingId === req.recordingId);
    expect(all.every((r) => !r.signatureError)).toBe(true);
    expect(new Set(all.map((r) => r.notification!.id)).size).toBe(5);
    expect(sink.received.filter((r) => r.status === 503)).toHaveLength(2);
    await maybeSaveHistory(env.client.temporal, workflowIdFor(req.recordingId), 'notifications-and-uploads');
  });

  it('sends failed when the vendor refuses the recording', async () => {
    const req = env.request({ recordingConfig: { maxIdleTime: 30 } });
    await env.fault({ op: 'start', httpStatus: 400, code: 2, reason: 'invalid parameter', match: { cname: req.channel } });
    await env.client.startRecording(req);
    await expect(env.client.awaitUploads(req.recordingId)).rejects.toThrow();
    await waitFor(() => sink.deduped().some((n) => n.recordingId === req.recordingId && n.type === 'recording.failed'), { what: 'recording.failed' });
    const failed = sink.deduped().find((n) => n.recordingId === req.recordingId && n.type === 'recording.failed')!;
    expect(failed.data).toMatchObject({ httpStatus: 400, code: '2' });
  });
});
