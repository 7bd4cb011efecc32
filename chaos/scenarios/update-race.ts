/**
 * Updates racing the vendor calls they depend on: an update that arrives while start is on the
 * wire, and two updates in quick succession while the first is with the vendor. The last accepted
 * value must be what the final recorder runs with.
 */
import { check, endedStopped } from '../checks';
import { pause } from '../rig';
import type { ChaosCase, Scenario } from '../scenario';

const HOLD_MS = 1_200;

const oneRecorder = endedStopped((_s, tasks) => check(tasks.length === 1, `expected 1 recorder, the emulator saw ${tasks.length}`));

const cases: ChaosCase[] = [
  {
    name: 'during-start',
    async drive({ rig, track }) {
      // start has left with the old settings and its answer is held: the update arrives in between.
      const t = track(await rig.startRecording('upd-start', {}, (ch) => rig.fault({ op: 'start', apply: true, delayMs: HOLD_MS, match: { cname: ch } })), oneRecorder);
      await rig.waitTaskLive(t.channel);
      await rig.update(t, ['6001']);
      await rig.waitState(t.recordingId, (s) => s.phase === 'recording', 'recording');
      await pause(500);
      await rig.stop(t);
    },
  },
  {
    name: 'back-to-back',
    async drive({ rig, track }) {
      // The first update's answer is held; the second is accepted meanwhile and must still reach the recorder.
      const t = track(await rig.startRecording('upd-b2b'), oneRecorder);
      await rig.waitState(t.recordingId, (s) => s.phase === 'recording', 'recording');
      await rig.fault({ op: 'update', times: 1, delayMs: HOLD_MS, match: { cname: t.channel } });
      const first = rig.update(t, ['6101']);
      await pause(300);
      await Promise.all([first, rig.update(t, ['6102'])]);
      await rig.stop(t);
    },
  },
  {
    name: 'during-confirm',
    async drive({ rig, track }) {
      const t = track(await rig.startRecording('upd-confirm'), oneRecorder);
      await rig.waitState(t.recordingId, (s) => s.phase === 'confirming', 'confirming');
      await rig.update(t, ['6201']);
      await rig.waitState(t.recordingId, (s) => s.phase === 'recording', 'recording');
      await pause(500);
      await rig.stop(t);
    },
  },
];

export const updateRace: Scenario = { name: 'update-race', parallel: true, cases };
