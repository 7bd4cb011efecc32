/**
 * Scenario 2: restart the Temporal dev server on the same db file while recordings are in the
 * monitor phase. Workers and the client must reconnect by themselves; the recordings must carry on
 * with the same recorders, take updates and stop.
 */
import { check, endedStopped, handedOverGaplessly } from '../checks';
import { pause } from '../rig';
import type { Scenario } from '../scenario';

const RECORDINGS = 3;
/** How long the server stays down; CHAOS_SERVER_DOWN_MS overrides it (e.g. to try a long outage). */
const DOWN_MS = Number(process.env.CHAOS_SERVER_DOWN_MS ?? 3_000);

export const serverRestart: Scenario = {
  name: 'server-restart',
  parallel: false,
  cases: [
    {
      name: 'monitor',
      async drive(ctx) {
        const { rig } = ctx;
        const expect = endedStopped((s, tasks) => [
          ...check(tasks.length === 1, `expected the same recorder throughout, the emulator saw ${tasks.length}`),
          ...check(s.restarts === 0, `expected no restart, got ${s.restarts}`),
        ]);
        const recs = await Promise.all(Array.from({ length: RECORDINGS }, (_, i) => rig.startRecording(`restart-${i}`)));
        for (const t of recs) ctx.track(t, expect);
        await Promise.all(recs.map((t) => rig.waitState(t.recordingId, (s) => s.phase === 'recording', 'recording')));
        await Promise.all(recs.map((t, i) => rig.update(t, ['3001', String(3100 + i)])));

        const before = rig.liveWorkers().map((w) => w.pid);
        await rig.restartServer(DOWN_MS);
        const back = Date.now();
        // Give the workers' reconnect loops a moment, then see whether they survived.
        await pause(1_000);
        const dead = before.filter((pid) => !rig.liveWorkers().some((w) => w.pid === pid));
        if (dead.length) rig.notes.push(`server restart: ${dead.length} worker process(es) exited while the server was down`);
        await rig.ensureWorkers();

        // Each recording must be monitored again by a worker after the restart.
        const deadline = Date.now() + 30_000;
        for (;;) {
          const queried = new Set((await rig.requests(back)).filter((r) => r.op === 'query' && r.httpStatus === 200).map((r) => r.cname));
          if (recs.every((t) => queried.has(t.channel))) break;
          if (Date.now() > deadline) throw new Error(`not every recording was queried within 30 s of the restart (queried: ${[...queried].join(', ')})`);
          await pause(250);
        }
        await Promise.all(recs.map((t, i) => rig.update(t, ['3002', String(3200 + i)])));
        await Promise.all(recs.map((t) => rig.stop(t)));
      },
    },
    {
      name: 'handover',
      providers: ['agora'],
      async drive(ctx) {
        const { rig } = ctx;
        // The successor confirms slowly (its start answer held), so the server goes down mid-handover.
        const t = ctx.track(
          await rig.startRecording('restart-handover', { timings: { maxRecorderLifetimeMs: 12_000, handoverLeadMs: 6_000 } }),
          endedStopped((s, tasks) => [...handedOverGaplessly(s, tasks), ...check(s.restarts === 0, `expected no restart, got ${s.restarts}`)]),
        );
        await rig.fault({ op: 'start', apply: true, delayMs: 2_000, match: { cname: t.channel, uid: t.identities[1] } });
        await rig.waitState(t.recordingId, (s) => s.phase === 'handover', 'handover');
        await rig.restartServer(DOWN_MS);
        await pause(1_000);
        await rig.ensureWorkers();
        await rig.waitState(t.recordingId, (s) => s.segments[0].handedOverTo !== undefined && s.phase === 'recording', 'the handover after the restart');
        await rig.stop(t);
      },
    },
  ],
};
