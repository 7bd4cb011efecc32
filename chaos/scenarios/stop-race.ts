/**
 * Scenario 3: a stop racing every phase, including the instant between start's HTTP answer and the
 * activity's completion (the start is performed on arrival and its answer held by the emulator).
 * All cases run at once, each on its own channel.
 */
import { check, endedStopped } from '../checks';
import type { ChaosCase, Scenario } from '../scenario';

const HOLD_MS = 1_200;

const noRecorder = endedStopped((_s, tasks) => check(tasks.length === 0, `expected no recorder ever started, the emulator saw ${tasks.length}`));
const atMostOne = endedStopped((_s, tasks) => check(tasks.length <= 1, `expected at most 1 recorder, the emulator saw ${tasks.length}`));
const exactlyOne = endedStopped((s, tasks) => [
  ...check(tasks.length === 1, `expected 1 recorder, the emulator saw ${tasks.length}`),
  ...check(s.segments.some((x) => x.recorderId === tasks[0]?.sid), 'the recorder is not in the summary'),
]);

const cases: ChaosCase[] = [
  {
    name: 'acquire',
    providers: ['agora'],
    async drive({ rig, track }) {
      const t = track(await rig.startRecording('stop-acquire', {}, (ch) => rig.fault({ op: 'acquire', delayMs: HOLD_MS, match: { cname: ch } })), noRecorder);
      await rig.waitActivityStarted(t.recordingId, 'prepareRecorder');
      await rig.stop(t);
    },
  },
  {
    name: 'start-request',
    async drive({ rig, track }) {
      // The start arrives and waits before it is performed: stop while it is on the wire.
      const t = track(await rig.startRecording('stop-start', {}, (ch) => rig.fault({ op: 'start', delayMs: HOLD_MS, match: { cname: ch } })), atMostOne);
      await rig.waitActivityStarted(t.recordingId, 'startRecorder');
      await rig.stop(t);
    },
  },
  {
    name: 'start-answer',
    async drive({ rig, track }) {
      // The recorder exists, the workflow does not know its sid yet: stop in that instant.
      const t = track(await rig.startRecording('stop-answer', {}, (ch) => rig.fault({ op: 'start', apply: true, delayMs: HOLD_MS, match: { cname: ch } })), exactlyOne);
      await rig.waitTaskLive(t.channel);
      const s = await rig.state(t.recordingId);
      if (s?.segments.at(-1)?.recorderId) throw new Error('the workflow already knew the sid: the race was missed');
      await rig.stop(t);
    },
  },
  {
    name: 'confirm',
    async drive({ rig, track }) {
      const t = track(await rig.startRecording('stop-confirm'), exactlyOne);
      await rig.waitState(t.recordingId, (s) => s.phase === 'confirming', 'confirming');
      await rig.stop(t);
    },
  },
  {
    name: 'monitor',
    async drive({ rig, track }) {
      // An update and the stop sent together: the update is either applied before the stop or refused.
      const t = track(await rig.startRecording('stop-monitor'), exactlyOne);
      await rig.waitState(t.recordingId, (s) => s.phase === 'recording', 'recording');
      await Promise.all([rig.update(t, ['4001']), rig.stop(t)]);
    },
  },
  {
    name: 'restarting',
    providers: ['agora'],
    async drive({ rig, track }) {
      // Two uid conflicts (code 53) in a row, then a restart backoff: stop while it waits.
      const t = track(
        await rig.startRecording('stop-restarting', { timings: { restartBackoffInitialMs: 10_000, restartBackoffMaxMs: 10_000 } }, (ch) =>
          rig.fault({ op: 'start', times: 2, httpStatus: 400, code: 53, reason: 'task conflict', match: { cname: ch } }),
        ),
        noRecorder,
      );
      await rig.waitState(t.recordingId, (s) => s.phase === 'restarting' && !!s.waiting?.reason.includes('backoff'), 'restart backoff');
      await rig.stop(t);
    },
  },
  {
    name: 'degraded',
    async drive({ rig, track }) {
      const t = track(await rig.startRecording('stop-degraded'), exactlyOne);
      await rig.waitState(t.recordingId, (s) => s.phase === 'recording', 'recording');
      await rig.fault({ op: 'query', times: 50, httpStatus: 503, match: { cname: t.channel } });
      await rig.waitState(t.recordingId, (s) => s.phase === 'degraded', 'degraded');
      await rig.stop(t);
    },
  },
  {
    name: 'stopping',
    async drive({ rig, track }) {
      // A second stop and an update while the first stop is with the vendor.
      const t = track(
        await rig.startRecording('stop-stopping'),
        endedStopped((_s, tasks, tr) => [
          ...check(tasks.length === 1, `expected 1 recorder, the emulator saw ${tasks.length}`),
          ...check(tr.updates.every((u) => u.rejected !== undefined), 'an update sent while stopping should be refused'),
        ]),
      );
      await rig.waitState(t.recordingId, (s) => s.phase === 'recording', 'recording');
      await rig.fault({ op: 'stop', apply: true, delayMs: HOLD_MS, match: { cname: t.channel } });
      await rig.stop(t);
      await rig.waitActivityStarted(t.recordingId, 'stopRecorder');
      await rig.client.stopRecording(t.recordingId, { reason: 'second stop', wait: false });
      await rig.update(t, ['4002']);
    },
  },
];

export const stopRace: Scenario = { name: 'stop-race', parallel: true, cases };
