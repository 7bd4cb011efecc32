/**
 * Scenario 1: SIGKILL the worker executing a recording's activity during each phase. A vendor
 * answer is held 1.5 s by the emulator so the phase is wide enough to hit; the killed worker is
 * replaced at once, and the activity it held is retried on the other worker after its timeout.
 */
import { check, endedStopped, handedOverGaplessly, retriedStartKeptOne } from '../checks';
import { pause } from '../rig';
import type { CaseContext, ChaosCase, Scenario } from '../scenario';

const HOLD_MS = 1_500;

/** Kills whoever runs the recording's `type` activity, then waits for the replacement to poll. */
async function killActivityWorker(ctx: CaseContext, recordingId: string, type: string): Promise<void> {
  const identity = await ctx.rig.waitActivityStarted(recordingId, type);
  await ctx.rig.killWorker(identity);
}

const oneRecorder = endedStopped((s, tasks) => [
  ...check(tasks.length === 1, `expected 1 recorder, the emulator saw ${tasks.length}`),
  ...check(s.restarts === 0, `expected no restart, got ${s.restarts}`),
]);

const cases: ChaosCase[] = [
  {
    name: 'acquire',
    providers: ['agora'],
    async drive(ctx) {
      const t = ctx.track(
        await ctx.rig.startRecording('kill-acquire', {}, (ch) => ctx.rig.fault({ op: 'acquire', delayMs: HOLD_MS, match: { cname: ch } })),
        oneRecorder,
      );
      await killActivityWorker(ctx, t.recordingId, 'prepareRecorder');
      await ctx.rig.waitState(t.recordingId, (s) => s.phase === 'recording', 'recording after the kill');
      await ctx.rig.update(t, ['2001']);
      await ctx.rig.stop(t);
    },
  },
  {
    name: 'start',
    async drive(ctx) {
      // The start happens on arrival; its answer is held, and the worker waiting for it dies.
      const t = ctx.track(
        await ctx.rig.startRecording('kill-start', {}, (ch) => ctx.rig.fault({ op: 'start', apply: true, delayMs: HOLD_MS, match: { cname: ch } })),
        endedStopped((s, tasks) => retriedStartKeptOne(ctx.rig.provider, s, tasks)),
      );
      await Promise.all([ctx.rig.waitActivityStarted(t.recordingId, 'startRecorder'), ctx.rig.waitTaskLive(t.channel)]);
      await killActivityWorker(ctx, t.recordingId, 'startRecorder');
      await ctx.rig.waitState(t.recordingId, (s) => s.phase === 'recording', 'recording after the kill');
      await ctx.rig.update(t, ['2002']);
      await ctx.rig.stop(t);
    },
  },
  {
    name: 'confirm',
    async drive(ctx) {
      // The first query of this channel is a confirmation query.
      const t = ctx.track(
        await ctx.rig.startRecording('kill-confirm', {}, (ch) => ctx.rig.fault({ op: 'query', delayMs: HOLD_MS, match: { cname: ch } })),
        oneRecorder,
      );
      await ctx.rig.waitState(t.recordingId, (s) => s.phase === 'confirming', 'confirming');
      await killActivityWorker(ctx, t.recordingId, 'describeRecorder');
      await ctx.rig.waitState(t.recordingId, (s) => s.phase === 'recording', 'recording after the kill');
      await ctx.rig.update(t, ['2003']);
      await ctx.rig.stop(t);
    },
  },
  {
    name: 'monitor',
    async drive(ctx) {
      const t = ctx.track(await ctx.rig.startRecording('kill-monitor'), oneRecorder);
      await ctx.rig.waitState(t.recordingId, (s) => s.phase === 'recording', 'recording');
      await ctx.rig.update(t, ['2004']);
      await ctx.rig.fault({ op: 'query', delayMs: HOLD_MS, match: { cname: t.channel } });
      await killActivityWorker(ctx, t.recordingId, 'describeRecorder');
      // Then the other one too (it may hold the workflow in its cache), once the replacement polls.
      await ctx.rig.ensureWorkers();
      const other = ctx.rig.liveWorkers()[0];
      await ctx.rig.killWorker(other.identity);
      const killedAt = Date.now();
      await ctx.rig.waitState(t.recordingId, (s) => s.phase === 'recording' && !!s.slots[0].nextPollAt && Date.parse(s.slots[0].nextPollAt) > killedAt + 1_000, 'a monitor poll after both kills', 60_000);
      await ctx.rig.update(t, ['2004', '2014']);
      await ctx.rig.stop(t);
    },
  },
  {
    name: 'stop',
    async drive(ctx) {
      const t = ctx.track(await ctx.rig.startRecording('kill-stop'), oneRecorder);
      await ctx.rig.waitState(t.recordingId, (s) => s.phase === 'recording', 'recording');
      await ctx.rig.update(t, ['2005']);
      // The stop happens on arrival; its answer is held, and the worker waiting for it dies.
      await ctx.rig.fault({ op: 'stop', apply: true, delayMs: HOLD_MS, match: { cname: t.channel } });
      await ctx.rig.stop(t);
      await killActivityWorker(ctx, t.recordingId, 'stopRecorder');
      await pause(100);
    },
  },
  {
    name: 'handover',
    providers: ['agora'],
    async drive(ctx) {
      // A successor's start answer is held while its worker dies: the handover must still complete without a gap.
      const t = ctx.track(
        await ctx.rig.startRecording('kill-handover', { timings: { maxRecorderLifetimeMs: 10_000, handoverLeadMs: 5_000 } }),
        endedStopped((s, tasks) => [...handedOverGaplessly(s, tasks), ...check(s.restarts === 0, `expected no restart, got ${s.restarts}`)]),
      );
      await ctx.rig.fault({ op: 'start', apply: true, delayMs: HOLD_MS, match: { cname: t.channel, uid: t.identities[1] } });
      await ctx.rig.waitState(t.recordingId, (s) => s.phase === 'handover', 'handover');
      await killActivityWorker(ctx, t.recordingId, 'startRecorder');
      await ctx.rig.waitState(t.recordingId, (s) => (s.handovers ?? 0) >= 1 && s.segments[0].handedOverTo !== undefined, 'the handover after the kill');
      await ctx.rig.stop(t);
    },
  },
];

export const workerKill: Scenario = { name: 'worker-kill', parallel: false, cases };
