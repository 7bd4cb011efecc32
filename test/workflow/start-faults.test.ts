/**
 * The start procedure (spec §7.1 status table, §7.2 start steps) against the emulator's faults.
 * Every test checks both sides: the workflow's state/result AND what the vendor saw (the
 * emulator's task list and request log). Each test has its own recording id and channel, and
 * every fault is matched by that channel.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { RecordingAlreadyFinishedError, workflowIdFor } from '../../src/client';
import { parseOrThrow } from '../../src/contract/request';
import { identitiesFor, recordingRequestSchema } from '../../src/providers/catalog';
import type { AgoraRecordingRequest } from '../../src/providers/agora/request';
import { isValidUid } from '../../src/providers/agora/uid';
import { deriveUids } from '../../src/providers/agora/spec';
import type { LogEntry } from '../../src/emulator/stats';
import { RecordingEnv, type EmulatorTask } from '../support/recording-env';
import { sampler, waitFor, withTimeout } from '../support/wait';


describe('RecordingWorkflow start procedure under vendor faults (spec §7.1–7.2)', () => {
  let env: RecordingEnv;
  const startedIds = new Set<string>();

  beforeAll(async () => {
    env = await RecordingEnv.start();
  });
  afterAll(async () => {
    // Safety net only: every test already stops its recordings in `finally`.
    for (const id of startedIds) await cleanup(id);
    await env?.stop();
  });

  // ---------------------------------------------------------------- helpers

  function begin(overrides: Partial<AgoraRecordingRequest> = {}): { req: AgoraRecordingRequest; t0: number } {
    const req = env.request(overrides);
    startedIds.add(req.recordingId);
    return { req, t0: Date.now() - 1 };
  }

  const handleOf = (recordingId: string) => env.client.temporal.workflow.getHandle(workflowIdFor(recordingId));

  /** Stops the recording if its workflow still runs and waits for its end; never throws. */
  async function cleanup(recordingId: string): Promise<void> {
    try {
      const d = await env.client.describeRecording(recordingId);
      if (d.status !== 'RUNNING') return;
      await withTimeout(env.client.stopRecording(recordingId, { reason: 'test cleanup' }), 30_000, `stop of ${recordingId}`);
    } catch {
      // not started, already failed, or already stopped: nothing to stop
    }
  }

  async function vendorLog(cname: string, since: number, op?: string): Promise<LogEntry[]> {
    const { requests } = await env.control<{ requests: LogEntry[] }>('GET', `/requests?since=${since}`);
    return requests.filter((r) => r.cname === cname && (op === undefined || r.op === op));
  }

  const brief = (rs: LogEntry[]) => rs.map((r) => [r.uid, r.httpStatus, r.code]);

  /** Samples the number of live emulator tasks for a channel until stopped. */
  function watchLive(cname: string) {
    return sampler(async () => (await env.tasks(cname)).filter((t) => t.live).length, 40);
  }

  const liveTasks = async (cname: string): Promise<EmulatorTask[]> => (await env.tasks(cname)).filter((t) => t.live);

  // ---------------------------------------------------------------- 206 / 50x: retry the same start

  it('start 206 (code 65) twice then 200: the same resourceId is retried on the same uid, no switch', async () => {
    const { req, t0 } = begin();
    await env.fault({ op: 'start', times: 2, httpStatus: 206, code: 65, reason: 'request not completed', match: { cname: req.channel } });
    try {
      await env.client.startRecording(req);
      const s = await env.waitForState(req.recordingId, (x) => x.phase === 'recording');
      const p = s.identities[0];
      expect(s.slots[0].switches).toBe(0);
      expect(s.restarts).toBe(0);
      expect(s.segments).toHaveLength(1);
      expect(s.segments[0].identity).toBe(p);
      expect(s.segments[0].adopted).toBeFalsy();
      expect(s.segments[0].unmanageable).toBeFalsy();
      expect(s.segments[0].confirmedAt).toBeDefined();

      // One acquire → one resourceId; all three starts carry it (the task holds it) and the same uid.
      expect(brief(await vendorLog(req.channel, t0, 'acquire'))).toEqual([[p, 200, null]]);
      expect(brief(await vendorLog(req.channel, t0, 'start'))).toEqual([
        [p, 206, 65],
        [p, 206, 65],
        [p, 200, null],
      ]);
      const tasks = await env.tasks(req.channel);
      expect(tasks).toHaveLength(1);
      expect(tasks[0]).toMatchObject({ uid: p, resourceId: s.segments[0].lease, sid: s.segments[0].recorderId, live: true });
    } finally {
      await cleanup(req.recordingId);
    }
  });

  it('start 206 four times: after 3 retries the uid switches to the backup with a new acquire, confirmed there', async () => {
    const { req, t0 } = begin();
    await env.fault({ op: 'start', times: 4, httpStatus: 206, code: 65, match: { cname: req.channel } });
    const watch = watchLive(req.channel);
    try {
      await env.client.startRecording(req);
      const s = await env.waitForState(req.recordingId, (x) => x.phase === 'recording');
      const [p, b] = s.identities;
      expect(s.segments).toHaveLength(2);
      expect(s.slots[0].switches).toBe(1);
      expect(s.restarts).toBe(1);
      expect(s.segments[0].identity).toBe(p);
      expect(s.segments[0].recorderId).toBeUndefined();
      expect(s.segments[0].endReason).toMatch(/206|code 65|kept failing/);
      expect(s.segments[1].identity).toBe(b);
      expect(s.segments[1].confirmedAt).toBeDefined();

      expect(brief(await vendorLog(req.channel, t0, 'acquire'))).toEqual([
        [p, 200, null],
        [b, 200, null],
      ]);
      expect(brief(await vendorLog(req.channel, t0, 'start'))).toEqual([
        [p, 206, 65],
        [p, 206, 65],
        [p, 206, 65],
        [p, 206, 65],
        [b, 200, null],
      ]);
      const tasks = await env.tasks(req.channel);
      expect(tasks).toHaveLength(1);
      expect(tasks[0]).toMatchObject({ uid: b, sid: s.segments[1].recorderId, resourceId: s.segments[1].lease, live: true });
      expect(s.segments[1].lease).not.toBe(s.segments[0].lease);
    } finally {
      await cleanup(req.recordingId);
      expect(Math.max(...(await watch.stop()))).toBeLessThanOrEqual(1);
    }
  });

  it('start 500 code 502 once: the same start is retried', async () => {
    const { req, t0 } = begin();
    await env.fault({ op: 'start', httpStatus: 500, code: 502, reason: 'Failed to allocate worker', match: { cname: req.channel } });
    try {
      await env.client.startRecording(req);
      const s = await env.waitForState(req.recordingId, (x) => x.phase === 'recording');
      const p = s.identities[0];
      expect(s.segments).toHaveLength(1);
      expect(s.slots[0].switches).toBe(0);
      expect(brief(await vendorLog(req.channel, t0, 'acquire'))).toEqual([[p, 200, null]]);
      expect(brief(await vendorLog(req.channel, t0, 'start'))).toEqual([
        [p, 500, 502],
        [p, 200, null],
      ]);
      const tasks = await env.tasks(req.channel);
      expect(tasks).toHaveLength(1);
      expect(tasks[0]).toMatchObject({ uid: p, sid: s.segments[0].recorderId, live: true });
    } finally {
      await cleanup(req.recordingId);
    }
  });

  // ---------------------------------------------------------------- 201: already started

  it('start 206 whose start did happen (apply): the retry gets 201 code 7 with the sid, adopted, one task only', async () => {
    const { req, t0 } = begin();
    await env.fault({ op: 'start', httpStatus: 206, code: 65, apply: true, match: { cname: req.channel } });
    const watch = watchLive(req.channel);
    try {
      await env.client.startRecording(req);
      const s = await env.waitForState(req.recordingId, (x) => x.phase === 'recording');
      const p = s.identities[0];
      expect(s.segments).toHaveLength(1);
      expect(s.slots[0].switches).toBe(0);
      const seg = s.segments[0];
      expect(seg.adopted).toBe(true);
      expect(seg.identity).toBe(p);

      expect(brief(await vendorLog(req.channel, t0, 'start'))).toEqual([
        [p, 206, 65],
        [p, 201, 7],
      ]);
      expect(await vendorLog(req.channel, t0, 'acquire')).toHaveLength(1);
      const tasks = await env.tasks(req.channel);
      expect(tasks).toHaveLength(1);
      expect(tasks[0]).toMatchObject({ uid: p, sid: seg.recorderId, resourceId: seg.lease, live: true });
    } finally {
      await cleanup(req.recordingId);
      expect(Math.max(...(await watch.stop()))).toBeLessThanOrEqual(1);
    }
    const after = await env.tasks(req.channel);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ live: false, endReason: 'stopped' });
  });

  it('start 201 code 7 without a sid: the uid switches, the segment is marked unmanageable and says why', async () => {
    const { req, t0 } = begin();
    await env.fault({ op: 'start', httpStatus: 201, code: 7, reason: 'already started', match: { cname: req.channel } });
    try {
      await env.client.startRecording(req);
      const s = await env.waitForState(req.recordingId, (x) => x.phase === 'recording');
      const [p, b] = s.identities;
      expect(s.segments).toHaveLength(2);
      expect(s.slots[0].switches).toBe(1);
      expect(s.segments[0]).toMatchObject({ identity: p, unmanageable: true });
      expect(s.segments[0].recorderId).toBeUndefined();
      expect(s.segments[0].endReason).toMatch(/201/);
      expect(s.segments[0].endReason).toMatch(/will not name, so it cannot be managed/);
      expect(s.segments[1]).toMatchObject({ identity: b });
      expect(s.segments[1].confirmedAt).toBeDefined();

      // No retry of the 201 (spec §7.2: "no retry"): one start on the primary, then a new acquire on the backup.
      expect(brief(await vendorLog(req.channel, t0, 'start'))).toEqual([
        [p, 201, 7],
        [b, 200, null],
      ]);
      expect(brief(await vendorLog(req.channel, t0, 'acquire'))).toEqual([
        [p, 200, null],
        [b, 200, null],
      ]);
      const tasks = await env.tasks(req.channel);
      expect(tasks).toHaveLength(1);
      expect(tasks[0]).toMatchObject({ uid: b, sid: s.segments[1].recorderId, live: true });
    } finally {
      await cleanup(req.recordingId);
    }
  });

  // ---------------------------------------------------------------- 4xx

  it('start 400 code 53 (task conflict): immediate uid switch with a new acquire, no 3/6/9 retries', async () => {
    const { req, t0 } = begin();
    await env.fault({ op: 'start', httpStatus: 400, code: 53, reason: 'task conflict', match: { cname: req.channel } });
    try {
      await env.client.startRecording(req);
      const s = await env.waitForState(req.recordingId, (x) => x.phase === 'recording');
      const [p, b] = s.identities;
      expect(s.segments).toHaveLength(2);
      expect(s.slots[0].switches).toBe(1);
      expect(s.segments[0].identity).toBe(p);
      expect(s.segments[0].endReason).toMatch(/53/);
      expect(s.segments[1].identity).toBe(b);
      expect(brief(await vendorLog(req.channel, t0, 'start'))).toEqual([
        [p, 400, 53],
        [b, 200, null],
      ]);
      expect(brief(await vendorLog(req.channel, t0, 'acquire'))).toEqual([
        [p, 200, null],
        [b, 200, null],
      ]);
      const tasks = await env.tasks(req.channel);
      expect(tasks).toHaveLength(1);
      expect(tasks[0]).toMatchObject({ uid: b, live: true });
    } finally {
      await cleanup(req.recordingId);
    }
  });

  it('start 400 code 433 (resource expired): re-acquires with the same uid', async () => {
    const { req, t0 } = begin();
    await env.fault({ op: 'start', httpStatus: 400, code: 433, reason: 'resource expired', match: { cname: req.channel } });
    try {
      await env.client.startRecording(req);
      const s = await env.waitForState(req.recordingId, (x) => x.phase === 'recording');
      const p = s.identities[0];
      expect(s.segments).toHaveLength(1);
      expect(s.slots[0].switches).toBe(0);
      expect(s.segments[0].identity).toBe(p);
      expect(brief(await vendorLog(req.channel, t0, 'acquire'))).toEqual([
        [p, 200, null],
        [p, 200, null],
      ]);
      expect(brief(await vendorLog(req.channel, t0, 'start'))).toEqual([
        [p, 400, 433],
        [p, 200, null],
      ]);
      const tasks = await env.tasks(req.channel);
      expect(tasks).toHaveLength(1);
      expect(tasks[0]).toMatchObject({ uid: p, resourceId: s.segments[0].lease, sid: s.segments[0].recorderId, live: true });
    } finally {
      await cleanup(req.recordingId);
    }
  });

  it('start 400 code 433 on every resourceId: re-acquiring is bounded, not an unbounded acquire/start loop', async () => {
    const { req, t0 } = begin();
    await env.fault({ op: 'start', times: 1000, httpStatus: 400, code: 433, reason: 'resource expired', match: { cname: req.channel } });
    try {
      await env.client.startRecording(req);
      // Spec §7.2: 40x means "investigate, don't blind-retry"; 433 earns one new acquire, after which the
      // attempt should end (counted, backed off) rather than pair acquire+start again and again at once.
      const s = await waitFor(async () => {
        const st = (await env.client.describeRecording(req.recordingId)).state;
        return st && st.segments.length >= 2 ? st : undefined;
      }, { timeoutMs: 5_000, what: 'the attempt under persistent 433 to end' }).catch(async (e: Error) => {
        const starts = await vendorLog(req.channel, t0, 'start');
        const acquires = await vendorLog(req.channel, t0, 'acquire');
        throw new Error(`${e.message}; the vendor saw ${acquires.length} acquires and ${starts.length} starts (all 433) in one attempt`);
      });
      expect(s.segments[0].endReason).toMatch(/433/);
      const firstAttemptStarts = (await vendorLog(req.channel, t0, 'start')).filter((r) => r.at < Date.parse(s.segments[1].requestedAt));
      expect(firstAttemptStarts.length).toBeLessThanOrEqual(3);
    } finally {
      await cleanup(req.recordingId);
    }
    expect(await liveTasks(req.channel)).toEqual([]);
  });

  it('start 429 three times: waits and retries, not counted as a failure (no uid switch)', async () => {
    const { req, t0 } = begin();
    await env.fault({ op: 'start', times: 3, httpStatus: 429, match: { cname: req.channel } });
    try {
      await env.client.startRecording(req);
      const s = await env.waitForState(req.recordingId, (x) => x.phase === 'recording');
      const p = s.identities[0];
      expect(s.segments).toHaveLength(1);
      expect(s.slots[0].switches).toBe(0);
      expect(s.slots[0].consecutiveFailures).toBe(0);
      expect(brief(await vendorLog(req.channel, t0, 'start'))).toEqual([
        [p, 429, null],
        [p, 429, null],
        [p, 429, null],
        [p, 200, null],
      ]);
      expect(await vendorLog(req.channel, t0, 'acquire')).toHaveLength(1);
      const tasks = await env.tasks(req.channel);
      expect(tasks).toHaveLength(1);
      expect(tasks[0]).toMatchObject({ uid: p, live: true });
    } finally {
      await cleanup(req.recordingId);
    }
  });

  it('start 400 code 2: the workflow fails with the vendor code and reason, no task, no hammering', async () => {
    const { req, t0 } = begin();
    const reason = 'Start: invalid recordingConfig.fooBar value!';
    await env.fault({ op: 'start', httpStatus: 400, code: 2, reason, match: { cname: req.channel } });
    try {
      await env.client.startRecording(req);
      const err = await withTimeout(
        handleOf(req.recordingId).result().then(
          () => undefined,
          (e: unknown) => e,
        ),
        30_000,
        'workflow result',
      );
      expect(err).toBeInstanceOf(WorkflowFailedError);
      const cause = (err as WorkflowFailedError).cause;
      expect(cause).toBeInstanceOf(ApplicationFailure);
      const af = cause as ApplicationFailure;
      expect(af.type).toBe('RecordingFailed');
      expect(af.nonRetryable).toBe(true);
      expect(af.message).toMatch(/code 2\b/);
      expect(af.message).toContain(reason);
      expect(af.details?.[0]).toMatchObject({ httpStatus: 400, code: '2', reason });

      const d = await env.client.describeRecording(req.recordingId);
      expect(d.status).toBe('FAILED');
      expect(d.state?.phase).toBe('failed');

      expect((await vendorLog(req.channel, t0, 'start')).length).toBeLessThanOrEqual(1);
      expect(await liveTasks(req.channel)).toEqual([]);
      expect(await env.tasks(req.channel)).toEqual([]);
    } finally {
      await cleanup(req.recordingId);
    }
  });

  it('start 400 code 2 while a stop is pending: stopRecording rejects with WorkflowFailedError carrying code and reason', async () => {
    const { req, t0 } = begin();
    const reason = 'Start: storageConfig is required!';
    await env.fault({ op: 'start', httpStatus: 400, code: 2, reason, delayMs: 800, match: { cname: req.channel } });
    try {
      await env.client.startRecording(req);
      await env.waitForState(req.recordingId, (x) => x.phase === 'starting');
      const err = await withTimeout(
        env.client.stopRecording(req.recordingId, { reason: 'user left' }).then(
          () => undefined,
          (e: unknown) => e,
        ),
        30_000,
        'stopRecording',
      );
      expect(err).toBeInstanceOf(WorkflowFailedError);
      const af = (err as WorkflowFailedError).cause as ApplicationFailure;
      expect(af).toBeInstanceOf(ApplicationFailure);
      expect(af.message).toContain(reason);
      expect(af.details?.[0]).toMatchObject({ httpStatus: 400, code: '2', reason });
      expect((await vendorLog(req.channel, t0, 'start')).length).toBeLessThanOrEqual(1);
      expect(await env.tasks(req.channel)).toEqual([]);
    } finally {
      await cleanup(req.recordingId);
    }
  });

  // ---------------------------------------------------------------- confirmation (spec §7.2 steps 2–3)

  it('a start stuck below status 4: that recorder is stopped after confirmTimeoutMs, the other uid starts and is confirmed, never two live', async () => {
    const { req, t0 } = begin();
    await env.fault({ op: 'start', effect: 'stuck', match: { cname: req.channel } });
    const watch = watchLive(req.channel);
    try {
      await env.client.startRecording(req);
      const s = await env.waitForState(req.recordingId, (x) => x.phase === 'recording' && x.segments.length === 2, 30_000);
      const [p, b] = s.identities;
      const [first, second] = s.segments;
      expect(first.identity).toBe(p);
      expect(first.recorderId).toBeDefined();
      expect(first.confirmedAt).toBeUndefined();
      expect(first.endReason).toMatch(/4\/5/);
      expect(second.identity).toBe(b);
      expect(second.confirmedAt).toBeDefined();
      expect(s.slots[0].switches).toBe(1);
      // Not before confirmTimeoutMs (4 s in fastTimings) after the sid.
      expect(Date.parse(first.endedAt!) - Date.parse(first.startedAt!)).toBeGreaterThanOrEqual(4_000 - 50);

      const tasks = await env.tasks(req.channel);
      expect(tasks).toHaveLength(2);
      const stuck = tasks.find((t) => t.sid === first.recorderId)!;
      const good = tasks.find((t) => t.sid === second.recorderId)!;
      expect(stuck).toMatchObject({ uid: p, live: false, endReason: 'stopped', stuck: true });
      expect(good).toMatchObject({ uid: b, live: true });

      // The stuck recorder's stop reached the vendor before the backup's acquire.
      const log = await vendorLog(req.channel, t0);
      const stopAt = log.find((r) => r.op === 'stop' && r.sid === first.recorderId)?.at;
      const backupAcquireAt = log.find((r) => r.op === 'acquire' && r.uid === b)?.at;
      expect(stopAt).toBeDefined();
      expect(backupAcquireAt).toBeDefined();
      expect(stopAt!).toBeLessThanOrEqual(backupAcquireAt!);
    } finally {
      await cleanup(req.recordingId);
      const samples = await watch.stop();
      expect(samples.length).toBeGreaterThan(10);
      expect(Math.max(...samples)).toBeLessThanOrEqual(1);
    }
  });

  // ---------------------------------------------------------------- client idempotency and uids

  it('starting the same request twice attaches to the same workflow: one run, one task', async () => {
    const { req, t0 } = begin();
    try {
      const a = await env.client.startRecording(req);
      const b = await env.client.startRecording(req);
      expect(b).toEqual(a);
      const [c, d] = await Promise.all([env.client.startRecording(req), env.client.startRecording(req)]);
      expect(c).toEqual(a);
      expect(d).toEqual(a);
      expect(a.workflowId).toBe(workflowIdFor(req.recordingId));

      await env.waitForState(req.recordingId, (x) => x.phase === 'recording');
      const desc = await handleOf(req.recordingId).describe();
      expect(desc.runId).toBe(a.runId);
      expect(await vendorLog(req.channel, t0, 'acquire')).toHaveLength(1);
      expect(await vendorLog(req.channel, t0, 'start')).toHaveLength(1);
      expect(await env.tasks(req.channel)).toHaveLength(1);
    } finally {
      await cleanup(req.recordingId);
    }
  });

  it('explicit uids are used, primary first and the backup on a switch', async () => {
    const identities = ['111111', '222222'];
    const { req, t0 } = begin({ identities });
    await env.fault({ op: 'start', httpStatus: 400, code: 53, reason: 'task conflict', match: { cname: req.channel, uid: '111111' } });
    try {
      await env.client.startRecording(req);
      const s = await env.waitForState(req.recordingId, (x) => x.phase === 'recording');
      expect(s.identities).toEqual(identities);
      expect(s.segments.map((x) => x.identity)).toEqual(['111111', '222222']);
      expect(brief(await vendorLog(req.channel, t0, 'start'))).toEqual([
        ['111111', 400, 53],
        ['222222', 200, null],
      ]);
      const tasks = await env.tasks(req.channel);
      expect(tasks).toHaveLength(1);
      expect(tasks[0]).toMatchObject({ uid: '222222', live: true });
    } finally {
      await cleanup(req.recordingId);
    }
  });

  it('derived uids are deterministic for a recording id when not given', async () => {
    const { req, t0 } = begin();
    const expected = deriveUids(req.recordingId, 2);
    expect(deriveUids(req.recordingId, 2)).toEqual(expected);
    expect(expected.every(isValidUid)).toBe(true);
    expect(expected[0]).not.toBe(expected[1]);
    try {
      const first = await env.client.startRecording(req);
      const s1 = await env.waitForState(req.recordingId, (x) => x.phase === 'recording');
      expect(s1.identities).toEqual(expected);
      const summary = await env.client.stopRecording(req.recordingId);
      expect(summary?.status).toBe('stopped');
      // stopRecording returns once the recorders are stopped; the run completes after its notifications.
      await env.client.awaitUploads(req.recordingId);

      // The completed recording's id is not reused (ALLOW_DUPLICATE_FAILED_ONLY); a run after a
      // failure or termination would derive the same uids, as the client does before any start.
      await expect(env.client.startRecording(req)).rejects.toThrow(RecordingAlreadyFinishedError);
      expect(identitiesFor(parseOrThrow(recordingRequestSchema, req))).toEqual(expected);
      expect(brief(await vendorLog(req.channel, t0, 'start'))).toEqual([[expected[0], 200, null]]);
      expect(await liveTasks(req.channel)).toEqual([]);
      expect(first.workflowId).toBe(workflowIdFor(req.recordingId));
    } finally {
      await cleanup(req.recordingId);
    }
  });

  // ---------------------------------------------------------------- stop while starting

  it('stop during a slow start that did happen: ends stopped and the started recorder is stopped', async () => {
    const { req, t0 } = begin();
    await env.fault({ op: 'start', delayMs: 1500, apply: true, match: { cname: req.channel } });
    try {
      await env.client.startRecording(req);
      // The start was performed on arrival; its answer is still 1.5 s away.
      const [task] = await waitFor(async () => {
        const live = await liveTasks(req.channel);
        return live.length ? live : undefined;
      }, { timeoutMs: 10_000, what: 'the start to reach the emulator' });
      const stateBefore = (await env.client.describeRecording(req.recordingId)).state;
      expect(stateBefore?.phase).toBe('starting');

      const summary = await withTimeout(env.client.stopRecording(req.recordingId, { reason: 'left early' }), 30_000, 'stopRecording');
      expect(summary).toMatchObject({ status: 'stopped', stopReason: 'left early' });
      expect(summary!.segments).toHaveLength(1);
      expect(summary!.segments[0].recorderId).toBe(task.sid);
      expect(summary!.segments[0].endReason).toMatch(/^stopped/);

      const tasks = await env.tasks(req.channel);
      expect(tasks).toHaveLength(1);
      expect(tasks[0]).toMatchObject({ sid: task.sid, live: false, endReason: 'stopped' });
      const stops = await vendorLog(req.channel, t0, 'stop');
      expect(stops.map((r) => r.sid)).toContain(task.sid);
    } finally {
      await cleanup(req.recordingId);
    }
  });

  it('stop during acquire: no recorder is ever started', async () => {
    const { req, t0 } = begin();
    await env.fault({ op: 'acquire', delayMs: 1000, match: { cname: req.channel } });
    try {
      await env.client.startRecording(req);
      await env.waitForState(req.recordingId, (x) => x.phase === 'acquiring' && x.segments.length === 1);
      const summary = await withTimeout(env.client.stopRecording(req.recordingId, { reason: 'cancelled' }), 30_000, 'stopRecording');
      expect(summary).toMatchObject({ status: 'stopped', stopReason: 'cancelled', files: [] });
      expect(summary!.segments.every((s) => s.recorderId === undefined)).toBe(true);

      expect(await vendorLog(req.channel, t0, 'acquire')).toHaveLength(1);
      expect(await vendorLog(req.channel, t0, 'start')).toEqual([]);
      expect(await env.tasks(req.channel)).toEqual([]);
    } finally {
      await cleanup(req.recordingId);
    }
  });

  // ---------------------------------------------------------------- invariant for the whole file

  it('leaves no live recorder at the emulator', async () => {
    for (const id of startedIds) await cleanup(id);
    const ours = async () => (await env.tasks()).filter((t) => t.live);
    expect(await ours()).toEqual([]);
  });
});
