/**
 * Scenario 4: the vendor fault matrix of the spec (§7.1–7.3) — 206 ×3 on start, 50x bursts, 404 in
 * the middle of a recording, status stuck below 4, 429 storms, the primary host down, connections
 * that hang past the client timeout, codes 53, 433 and 435. Each case has its own channel and its
 * faults match only that channel, so all run at once (the host-down case affects everyone, which
 * the others must survive as well).
 */
import type { RecordingSummary } from '../../src/client';
import { check, endedStopped, retriedStartKeptOne } from '../checks';
import { pause, type EmulatorTask, type Rig, type Tracked } from '../rig';
import type { ChaosCase, Scenario } from '../scenario';

type Extra = (s: RecordingSummary, tasks: EmulatorTask[], t: Tracked) => string[];

const restarts = (n: number): Extra => (s) => check(s.restarts === n, `expected ${n} restart(s), got ${s.restarts}`);
const recorders = (n: number): Extra => (_s, tasks) => check(tasks.length === n, `expected ${n} recorder(s) at the emulator, saw ${tasks.length}`);
const finalUid = (which: 'primary' | 'backup'): Extra => (s, _tasks, t) => {
  const last = [...s.segments].reverse().find((x) => x.recorderId);
  return check(last?.identity === t.identities[which === 'primary' ? 0 : 1], `expected the final recorder on the ${which} uid ${t.identities[which === 'primary' ? 0 : 1]}, got ${last?.identity}`);
};
const all = (...xs: Extra[]) => endedStopped((s, tasks, t) => xs.flatMap((x) => x(s, tasks, t)));

/** Starts a recording with faults for its channel, waits for it to record, optionally meddles, then stops it. */
async function lifecycle(
  rig: Rig,
  track: (t: Tracked, e: ReturnType<typeof endedStopped>) => Tracked,
  label: string,
  expect: ReturnType<typeof endedStopped>,
  opts: { faults?: Array<Record<string, unknown>>; timings?: Record<string, unknown>; whileRecording?: (t: Tracked) => Promise<void>; beforeStop?: (t: Tracked) => Promise<void> } = {},
): Promise<void> {
  const t = track(
    await rig.startRecording(label, { timings: opts.timings }, async (ch) => {
      for (const f of opts.faults ?? []) await rig.fault({ ...f, match: { cname: ch } });
    }),
    expect,
  );
  await rig.waitState(t.recordingId, (s) => s.phase === 'recording', 'recording', 90_000);
  await opts.whileRecording?.(t);
  await rig.update(t, ['5001']);
  await opts.beforeStop?.(t);
  await rig.stop(t);
}

/** Waits until the emulator answered `n` requests of `op` on the channel with `status` since `since`. */
async function answered(rig: Rig, channel: string, op: string, status: number, n: number, since: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((await rig.requests(since)).filter((r) => r.cname === channel && r.op === op && r.httpStatus === status).length < n) {
    if (Date.now() > deadline) throw new Error(`${channel}: fewer than ${n} ${op} answered ${status} within 30 s`);
    await pause(200);
  }
}

const cases: ChaosCase[] = [
  {
    name: 'start-206x3',
    drive: ({ rig, track }) =>
      lifecycle(rig, track, 'f-206', all(restarts(0), recorders(1), finalUid('primary')), { faults: [{ op: 'start', times: 3, httpStatus: 206 }] }),
  },
  {
    name: 'start-206x3-applied',
    // The first start did happen (its answer was lost): Agora's retry answers 201 code 7 with the
    // sid; TRTC's retried create replaces the robot on the same UserId.
    drive: ({ rig, track }) =>
      lifecycle(rig, track, 'f-206a', all(restarts(0), (s, tasks) => retriedStartKeptOne(rig.provider, s, tasks)), {
        faults: [
          { op: 'start', times: 1, httpStatus: 206, apply: true },
          { op: 'start', times: 2, httpStatus: 206 },
        ],
      }),
  },
  {
    name: '50x-bursts',
    drive: ({ rig, track }) =>
      lifecycle(rig, track, 'f-50x', all(restarts(0), recorders(1)), {
        faults: [
          { op: 'acquire', times: 2, httpStatus: 500 },
          { op: 'start', times: 2, httpStatus: 500 },
          { op: 'query', times: 3, httpStatus: 504 },
        ],
        whileRecording: async (t) => {
          await rig.fault({ op: 'update', times: 2, httpStatus: 503, match: { cname: t.channel } });
          await rig.fault({ op: 'stop', times: 2, httpStatus: 502, match: { cname: t.channel } });
        },
      }),
  },
  {
    name: '404-transient',
    // A 404 that the follow-up queries do not confirm (failover in progress): keep the recorder.
    drive: ({ rig, track }) =>
      lifecycle(rig, track, 'f-404t', all(restarts(0), recorders(1)), {
        whileRecording: async (t) => {
          const since = Date.now();
          await rig.fault({ op: 'query', times: 2, httpStatus: 404, match: { cname: t.channel } });
          await answered(rig, t.channel, 'query', 404, 2, since);
          await answered(rig, t.channel, 'query', 200, 1, Date.now());
        },
      }),
  },
  {
    name: '404-gone',
    // The recorder dies mid-recording: confirmed 404, restart on the backup uid with the update re-applied.
    drive: ({ rig, track }) =>
      lifecycle(rig, track, 'f-404g', all(restarts(1), recorders(2), finalUid('backup')), {
        whileRecording: async (t) => {
          await rig.update(t, ['5002']);
          const s = await rig.state(t.recordingId);
          await rig.control('POST', `/tasks/${s!.segments[0].recorderId}/exit`);
          await rig.waitState(t.recordingId, (x) => x.segments.length === 2 && x.phase === 'recording', 'recording on the backup uid');
        },
      }),
  },
  {
    name: 'stuck-below-4',
    providers: ['agora'],
    drive: ({ rig, track }) =>
      lifecycle(rig, track, 'f-stuck', all(restarts(1), recorders(2), finalUid('backup')), {
        faults: [{ op: 'start', times: 1, effect: 'stuck' }],
        timings: { confirmTimeoutMs: 5_000 },
      }),
  },
  {
    name: 'stuck-then-stop-50x',
    providers: ['agora'],
    // The stuck recorder's stop meets a 50x burst longer than the stop's retries.
    drive: ({ rig, track }) =>
      lifecycle(rig, track, 'f-stuck50x', all(restarts(1), recorders(2), finalUid('backup')), {
        faults: [
          { op: 'start', times: 1, effect: 'stuck' },
          { op: 'stop', times: 4, httpStatus: 503 },
        ],
        timings: { confirmTimeoutMs: 5_000 },
      }),
  },
  {
    name: 'stop-50x-long',
    // A 50x burst at stop time longer than one stop's retries (1 + 3): the recorder must still be stopped.
    drive: ({ rig, track }) =>
      lifecycle(rig, track, 'f-stop50x', all(restarts(0), recorders(1)), {
        beforeStop: (t) => rig.fault({ op: 'stop', times: 6, httpStatus: 503, match: { cname: t.channel } }),
      }),
  },
  {
    name: '429-storm',
    drive: ({ rig, track }) =>
      lifecycle(rig, track, 'f-429', all(restarts(0), recorders(1)), {
        faults: [{ op: '*', times: 12, httpStatus: 429 }],
        whileRecording: async (t) => rig.fault({ op: '*', times: 12, httpStatus: 429, match: { cname: t.channel } }),
      }),
  },
  {
    name: 'primary-down',
    providers: ['agora'],
    drive: async ({ rig, track }) => {
      await rig.control('POST', '/hosts/primary/down', { ms: 6_000 });
      await lifecycle(rig, track, 'f-down', all(restarts(0), recorders(1)));
    },
  },
  {
    name: 'hang',
    // Start performed but its answer never comes; then a query and the stop hang past the 2 s client timeout.
    drive: ({ rig, track }) =>
      lifecycle(rig, track, 'f-hang', all(restarts(0), (s, tasks) => retriedStartKeptOne(rig.provider, s, tasks)), {
        faults: [{ op: 'start', times: 1, effect: 'hang', apply: true }],
        whileRecording: async (t) => {
          const since = Date.now();
          await rig.fault({ op: 'query', times: 1, effect: 'hang', match: { cname: t.channel } });
          await answered(rig, t.channel, 'query', 200, 1, since + 2_500);
        },
        beforeStop: (t) => rig.fault({ op: 'stop', times: 1, effect: 'hang', match: { cname: t.channel } }),
      }),
  },
  {
    name: 'restricted-concurrency',
    providers: ['trtc'],
    // TRTC's 100-task cap: the attempt ends, the restart backoff waits, and the recording starts when capacity returns.
    drive: ({ rig, track }) =>
      lifecycle(rig, track, 'f-cap', all(restarts(2), recorders(1)), { faults: [{ op: 'start', times: 2, trtcCode: 'FailedOperation.RestrictedConcurrency' }] }),
  },
  {
    name: 'code-53',
    providers: ['agora'],
    drive: ({ rig, track }) =>
      lifecycle(rig, track, 'f-53', all(restarts(1), recorders(1), finalUid('backup')), { faults: [{ op: 'start', times: 1, httpStatus: 400, code: 53, reason: 'task conflict' }] }),
  },
  {
    name: 'code-433',
    providers: ['agora'],
    drive: ({ rig, track }) =>
      lifecycle(rig, track, 'f-433', all(restarts(0), recorders(1), finalUid('primary')), { faults: [{ op: 'start', times: 1, httpStatus: 400, code: 433, reason: 'resource expired' }] }),
  },
  {
    name: 'code-435',
    providers: ['agora'],
    drive: ({ rig, track }) =>
      lifecycle(
        rig,
        track,
        'f-435',
        all(restarts(0), recorders(1), (s) => check(s.nothingRecorded && s.files.length === 0, `expected nothing recorded, got files ${s.files.join(',')}`)),
        { beforeStop: (t) => rig.fault({ op: 'stop', times: 1, httpStatus: 206, code: 435, reason: 'no recorded data', apply: true, match: { cname: t.channel } }) },
      ),
  },
];

export const vendorFaults: Scenario = { name: 'vendor-faults', parallel: true, cases, timeoutMs: 120_000 };
