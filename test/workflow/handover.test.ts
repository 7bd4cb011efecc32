import { workflowIdFor } from '../../src/contract/recorder';
import { maybeSaveHistory } from '../support/histories';
import { RecordingEnv, fastTimings } from '../support/recording-env';
import { waitFor } from '../support/wait';

/**
 * Planned handover before a recorder's end of life, and redundant lanes (issue 13), on the real dev
 * server and the emulator with short lifetimes. "Gapless" is judged on the emulator's clock: a
 * recorder records from startedAt + startDelayMs (status 5) until endedAt.
 */
const START_DELAY_MS = 300;

describe('planned handover and redundant lanes', () => {
  let env: RecordingEnv;
  beforeAll(async () => {
    env = await RecordingEnv.start();
  });
  afterAll(async () => {
    const live = (await env.tasks()).filter((t) => t.live);
    await env?.stop();
    expect(live).toEqual([]);
  });

  const lifetime = (maxRecorderLifetimeMs: number, handoverLeadMs: number) => ({ timings: { ...fastTimings, maxRecorderLifetimeMs, handoverLeadMs } });

  it('hands over before the end of life: the successor records before the predecessor stops (0 s uncovered)', async () => {
    const req = env.request(lifetime(6_000, 2_500));
    await env.client.startRecording(req);
    try {
      const s = await env.waitForState(req.recordingId, (x) => (x.handovers ?? 0) >= 1 && x.segments.length === 2 && !!x.segments[0].endedAt && x.phase === 'recording', 20_000);
      const [pred, succ] = s.segments;
      expect(pred.handedOverTo).toBe(1);
      expect(succ.successorOf).toBe(0);
      expect(succ.identity).toBe(s.identities[1]);
      expect(s.restarts).toBe(0);
      expect(pred.endReason).toMatch(/handed over to recorder #1/);
      // Before its end of life, and after its successor recorded.
      expect(Date.parse(pred.endedAt!)).toBeLessThan(Date.parse(pred.endOfLife!));
      const tasks = await env.tasks(req.channel);
      const [a, b] = [tasks.find((t) => t.sid === pred.recorderId)!, tasks.find((t) => t.sid === succ.recorderId)!];
      expect(a.endedAt!).toBeGreaterThan(b.startedAt + START_DELAY_MS);
      expect(tasks.filter((t) => t.live)).toHaveLength(1);
    } finally {
      await env.client.stopRecording(req.recordingId);
      await env.client.awaitUploads(req.recordingId);
      await maybeSaveHistory(env.client.temporal, workflowIdFor(req.recordingId), 'handover-before-end-of-life');
    }
  });

  it('keeps the predecessor current while its successor fails to confirm twice, then hands over', async () => {
    const req = env.request(lifetime(20_000, 15_000));
    await env.client.startRecording(req);
    try {
      const s0 = await env.waitForState(req.recordingId, (x) => x.phase === 'recording');
      // Two successor attempts on the other uid: each is a start plus its three retries, all 504.
      await env.fault({ op: 'start', times: 8, httpStatus: 504, code: 62, reason: 'request timeout', match: { cname: req.channel, uid: s0.identities[1] } });
      const failing = await env.waitForState(req.recordingId, (x) => (x.slots[0].handover?.attempts ?? 0) >= 2 && !!x.slots[0].handover?.nextAt, 20_000);
      expect(failing.slots[0].handover!.lastError).toMatch(/504/);
      expect(failing.segments[0].endedAt).toBeUndefined();
      expect(failing.restarts).toBe(0);
      const live = (await env.tasks(req.channel)).filter((t) => t.live);
      expect(live.map((t) => t.sid)).toEqual([failing.segments[0].recorderId]);
      const done = await env.waitForState(req.recordingId, (x) => x.segments[0].handedOverTo !== undefined && x.phase === 'recording', 20_000);
      const succ = done.segments[done.segments[0].handedOverTo!];
      expect(succ.confirmedAt).toBeDefined();
      expect(done.slots[0].handover).toBeUndefined();
    } finally {
      await env.client.stopRecording(req.recordingId);
    }
  });

  it('stop during a handover stops both recorders', async () => {
    const req = env.request(lifetime(6_000, 2_500));
    await env.client.startRecording(req);
    const s0 = await env.waitForState(req.recordingId, (x) => x.phase === 'recording');
    // The successor starts but never reaches status 5: the handover is still confirming when stop comes.
    await env.fault({ op: 'start', effect: 'stuck', match: { cname: req.channel, uid: s0.identities[1] } });
    const during = await env.waitForState(req.recordingId, (x) => x.phase === 'handover' && x.segments.length === 2 && !!x.segments[1].recorderId, 20_000);
    const summary = await env.client.stopRecording(req.recordingId);
    expect(summary!.segments.every((s) => s.endedAt)).toBe(true);
    expect(summary!.segments.map((s) => s.recorderId)).toEqual(during.segments.map((s) => s.recorderId));
    expect((await env.tasks(req.channel)).filter((t) => t.live)).toEqual([]);
  });

  it('continues as new while a handover is failing: the retry, its attempts and the predecessor carry to the next run', async () => {
    const req = env.request({ timings: { ...fastTimings, maxRecorderLifetimeMs: 30_000, handoverLeadMs: 25_000, continueAsNewAfterEvents: 100 } });
    await env.client.startRecording(req);
    try {
      const s0 = await env.waitForState(req.recordingId, (x) => x.phase === 'recording');
      // Every successor attempt on the other uid fails (a start and its three retries, all 504) until the fault is cleared.
      await env.fault({ op: 'start', times: 1_000, httpStatus: 504, code: 62, reason: 'request timeout', match: { cname: req.channel, uid: s0.identities[1] } });
      const failing = await env.waitForState(req.recordingId, (x) => (x.slots[0].handover?.attempts ?? 0) >= 1 && !!x.slots[0].handover?.nextAt, 20_000);
      const carried = await env.waitForState(req.recordingId, (x) => x.runs > failing.runs && (x.slots[0].handover?.attempts ?? 0) >= 1, 30_000);
      // The next run knows the handover is owed, and the predecessor is still the lane's recorder.
      expect(carried.slots[0].handover!.of).toBe(0);
      expect(carried.segments[0].endedAt).toBeUndefined();
      expect(carried.restarts).toBe(0);
      expect((await env.tasks(req.channel)).filter((t) => t.live).map((t) => t.sid)).toEqual([s0.segments[0].recorderId]);
      await env.control('DELETE', '/faults');

      const done = await env.waitForState(req.recordingId, (x) => x.segments[0].handedOverTo !== undefined && x.phase === 'recording', 30_000);
      expect(done.slots[0].handover).toBeUndefined();
      const succ = done.segments[done.segments[0].handedOverTo!];
      const tasks = await env.tasks(req.channel);
      const [a, b] = [tasks.find((t) => t.sid === done.segments[0].recorderId)!, tasks.find((t) => t.sid === succ.recorderId)!];
      expect(a.endedAt!).toBeGreaterThan(b.startedAt + START_DELAY_MS);
      expect(done.restarts).toBe(0);
    } finally {
      await env.client.stopRecording(req.recordingId);
    }
  });

  it('survives a worker restart mid-handover, and continue-as-new between handovers', async () => {
    const req = env.request({ timings: { ...fastTimings, maxRecorderLifetimeMs: 4_000, handoverLeadMs: 1_500, continueAsNewAfterEvents: 100 } });
    await env.client.startRecording(req);
    let other: RecordingEnv | undefined;
    try {
      const s0 = await env.waitForState(req.recordingId, (x) => x.phase === 'recording');
      await env.fault({ op: 'start', effect: 'stuck', match: { cname: req.channel, uid: s0.identities[1] } });
      await env.waitForState(req.recordingId, (x) => x.phase === 'handover', 20_000);
      await env.stopWorkerOnly();
      other = await env.addWorker();
      const s = await env.waitForState(req.recordingId, (x) => (x.handovers ?? 0) >= 4 && x.runs >= 2, 60_000);
      // Every predecessor ended after a successor of its lane reached status 5.
      const tasks = await env.tasks(req.channel);
      for (const seg of s.segments.filter((x) => x.handedOverTo !== undefined)) {
        const pred = tasks.find((t) => t.sid === seg.recorderId)!;
        const succ = tasks.find((t) => t.sid === s.segments[seg.handedOverTo!].recorderId)!;
        expect(pred.endedAt!).toBeGreaterThan(succ.startedAt + START_DELAY_MS);
      }
      // Handovers come every ~2.5 s here, so two may be live at any moment; between them exactly one is (none leaked).
      await waitFor(async () => (await env.tasks(req.channel)).filter((t) => t.live).length === 1, { what: 'one live recorder between handovers' });
    } finally {
      await (other ?? env).client.stopRecording(req.recordingId);
      await other?.stopWorkerOnly();
    }
  });
});

describe('planned handover and redundancy on TRTC', () => {
  let env: RecordingEnv;
  beforeAll(async () => {
    env = await RecordingEnv.start();
  });
  afterAll(async () => {
    const live = (await env.trtcTasks()).filter((t) => t.live);
    await env?.stop();
    expect(live).toEqual([]);
  });

  it('hands over to the other robot UserId before the end of life, gaplessly on the emulator clock', async () => {
    const req = env.trtcRequest({ timings: { ...fastTimings, maxRecorderLifetimeMs: 6_000, handoverLeadMs: 2_500 } });
    await env.client.startRecording(req);
    try {
      const s = await env.waitForState(req.recordingId, (x) => (x.handovers ?? 0) >= 1 && !!x.segments[0].endedAt && x.phase === 'recording', 20_000);
      const [pred, succ] = s.segments;
      expect([pred.handedOverTo, succ.successorOf, succ.identity]).toEqual([1, 0, s.identities[1]]);
      const tasks = await env.trtcTasks(req.channel);
      const [a, b] = [tasks.find((t) => t.taskId === pred.recorderId)!, tasks.find((t) => t.taskId === succ.recorderId)!];
      // The successor was InProgress (joined) before the predecessor's task ended.
      expect(a.endedAt!).toBeGreaterThan(b.joinAt);
      expect(tasks.filter((t) => t.live)).toHaveLength(1);
    } finally {
      await env.client.stopRecording(req.recordingId);
    }
  });

  it('runs two lanes on four robot UserIds and stops both', async () => {
    const req = env.trtcRequest({ redundancy: 2 } as never);
    await env.client.startRecording(req);
    const s = await env.waitForState(req.recordingId, (x) => x.segments.filter((seg) => seg.confirmedAt).length === 2);
    expect(new Set(s.segments.map((seg) => seg.identity)).size).toBe(2);
    expect(s.segments.map((seg) => seg.lane).sort()).toEqual([0, 1]);
    expect((await env.trtcTasks(req.channel)).filter((t) => t.live)).toHaveLength(2);
    const summary = await env.client.stopRecording(req.recordingId);
    expect(summary!.lanes.map((l) => l.segments.length)).toEqual([1, 1]);
    expect((await env.trtcTasks(req.channel)).filter((t) => t.live)).toEqual([]);
  });
});

describe('redundant lanes', () => {
  let env: RecordingEnv;
  beforeAll(async () => {
    env = await RecordingEnv.start();
  });
  afterAll(async () => {
    const live = (await env.tasks()).filter((t) => t.live);
    await env?.stop();
    expect(live).toEqual([]);
  });

  it('refuses too few identities for the lanes, naming the field', async () => {
    const req = env.request({ redundancy: 2, identities: ['9001', '9002', '9003'] } as never);
    await expect(env.client.startRecording(req)).rejects.toThrow(/identities: redundancy 2 needs 4 identities/);
  });

  it('runs two lanes on disjoint identities; a restart of one never touches the other; an update during it reaches both; stop stops both', async () => {
    const req = env.request({ redundancy: 2 } as never);
    await env.client.startRecording(req);
    const s0 = await env.waitForState(req.recordingId, (x) => x.phase === 'recording' && x.segments.filter((s) => s.confirmedAt).length === 2);
    expect(s0.identities).toHaveLength(4);
    const lane = (l: number) => s0.segments.find((s) => s.lane === l)!;
    expect([lane(0).identity, lane(1).identity]).toEqual([s0.identities[0], s0.identities[2]]);

    // Lane 0's recorder dies; its restart start is slowed so the update lands during it.
    await env.fault({ op: 'start', delayMs: 1_500, match: { cname: req.channel, uid: s0.identities[1] } });
    await env.control('POST', `/tasks/${lane(0).recorderId}/exit`);
    await env.waitForState(req.recordingId, (x) => x.segments.some((s) => s.lane === 0 && s.index > 1 && !s.confirmedAt));
    const update = await env.client.updateLayout(req.recordingId, { mixedVideoLayout: 1 });
    expect(update.applied).toBe(true);
    const s1 = await env.waitForState(req.recordingId, (x) => x.segments.filter((s) => s.lane === 0).length === 2 && x.segments.filter((s) => s.confirmedAt && !s.endedAt).length === 2);
    // Lane 1 kept its one recorder throughout.
    expect(s1.segments.filter((s) => s.lane === 1)).toHaveLength(1);
    expect(s1.segments.find((s) => s.lane === 1)!.endedAt).toBeUndefined();
    expect(s1.segments.find((s) => s.lane === 0 && s.index > 1)!.identity).toBe(s0.identities[1]);
    // The update reached both live recorders: lane 1's directly, lane 0's successor at its start or after.
    await waitFor(async () => {
      const live = (await env.tasks(req.channel)).filter((t) => t.live);
      return live.length === 2 && live.every((t) => (t.effectiveLayout as { mixedVideoLayout?: number } | undefined)?.mixedVideoLayout === 1);
    });

    const summary = await env.client.stopRecording(req.recordingId);
    expect(summary!.lanes).toEqual([
      { lane: 0, segments: s1.segments.filter((s) => s.lane === 0).map((s) => s.index) },
      { lane: 1, segments: s1.segments.filter((s) => s.lane === 1).map((s) => s.index) },
    ]);
    expect(summary!.segments.every((s) => s.endedAt)).toBe(true);
    expect((await env.tasks(req.channel)).filter((t) => t.live)).toEqual([]);
    await env.client.awaitUploads(req.recordingId);
    await maybeSaveHistory(env.client.temporal, workflowIdFor(req.recordingId), 'redundant-lanes-restart-update-stop');
  });

  it('stop racing both lanes mid-restart stops every recorder and lists both lanes', async () => {
    const req = env.request({ redundancy: 2 } as never);
    await env.client.startRecording(req);
    const s0 = await env.waitForState(req.recordingId, (x) => x.segments.filter((s) => s.confirmedAt).length === 2);
    // Both lanes lose their recorder at once; both restarts are slow to start, so stop finds both mid-restart.
    for (const uid of [s0.identities[1], s0.identities[3]]) await env.fault({ op: 'start', delayMs: 2_000, match: { cname: req.channel, uid } });
    await Promise.all(s0.segments.map((s) => env.control('POST', `/tasks/${s.recorderId}/exit`)));
    await env.waitForState(req.recordingId, (x) => [0, 1].every((l) => x.segments.some((s) => s.lane === l && s.index > 1 && !s.confirmedAt && !s.endedAt)), 20_000);
    const summary = await env.client.stopRecording(req.recordingId);
    expect(summary!.lanes.map((l) => l.lane)).toEqual([0, 1]);
    expect(summary!.lanes.every((l) => l.segments.length === 2)).toBe(true);
    expect(summary!.segments.every((s) => s.endedAt)).toBe(true);
    // Whatever the slow starts created was stopped: nothing records unowned.
    expect((await env.tasks(req.channel)).filter((t) => t.live)).toEqual([]);
  });
});
