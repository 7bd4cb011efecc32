/**
 * Faults of a real cluster (--server stack): PostgreSQL down for 20 s, the history service killed,
 * the matching service killed while activities are queued, the frontend restarted while the CLI
 * and a backend call, and one of two worker processes killed. Judged like every scenario
 * (checks.ts): each recording ends stopped, 0 orphans, never two live recorders, no stop or
 * update lost. Every service a case stops is started again before the case ends.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { check, endedStopped, type Expectation } from '../checks';
import { pause, type Rig, type SentUpdate, type Tracked } from '../rig';
import type { CaseContext, ChaosCase, Scenario } from '../scenario';

const PG_DOWN_MS = Number(process.env.CHAOS_PG_DOWN_MS ?? 20_000);
const SERVICE_DOWN_MS = Number(process.env.CHAOS_SERVICE_DOWN_MS ?? 5_000);
const run = promisify(execFile);
const root = path.resolve(__dirname, '..', '..');

/** The same recorder throughout: the fault must not make the workflow restart it. */
const sameRecorder: Expectation = endedStopped((s, tasks) => [
  ...check(tasks.length === 1, `expected the same recorder throughout, the emulator saw ${tasks.length}`),
  ...check(s.restarts === 0, `expected no restart, got ${s.restarts}`),
]);

function stackOf(rig: Rig) {
  if (!rig.stack) throw new Error('stack-faults needs --server stack');
  return rig.stack;
}

/** Every recording is queried by a worker again after `since` (monitoring resumed). */
async function waitMonitored(rig: Rig, recs: Tracked[], since: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const queried = new Set((await rig.requests(since)).filter((r) => r.op === 'query' && r.httpStatus === 200).map((r) => r.cname));
    if (recs.every((t) => queried.has(t.channel))) return;
    if (Date.now() > deadline) throw new Error(`not every recording was queried within ${timeoutMs / 1000} s after the fault (queried: ${[...queried].join(', ') || 'none'})`);
    await pause(250);
  }
}

async function recordingNow(ctx: CaseContext, label: string, n: number, expect: Expectation = sameRecorder): Promise<Tracked[]> {
  const recs = await Promise.all(Array.from({ length: n }, (_, i) => ctx.rig.startRecording(`${label}-${i}`)));
  for (const t of recs) ctx.track(t, expect);
  await Promise.all(recs.map((t) => ctx.rig.waitState(t.recordingId, (s) => s.phase === 'recording', 'recording')));
  await Promise.all(recs.map((t, i) => ctx.rig.update(t, ['4001', String(4100 + i)])));
  return recs;
}

/** After the fault: monitoring resumed, an update applied, then stopped. */
async function finish(ctx: CaseContext, recs: Tracked[], since: number, base: number): Promise<void> {
  await waitMonitored(ctx.rig, recs, since);
  await Promise.all(recs.map((t, i) => ctx.rig.update(t, ['4002', String(base + i)])));
  await Promise.all(recs.map((t) => ctx.rig.stop(t)));
}

/** The CLI as a separate process, through the stack's profile (the environment the rig set). */
async function cliUpdate(t: Tracked, uids: string[]): Promise<SentUpdate> {
  const u: SentUpdate = { uids, sentAt: Date.now() };
  t.updates.push(u);
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'update', t.recordingId, '--subscribe-audio', uids.join(','), '--task-queue', 'chaos-recordings', '--json'], {
      cwd: root,
      timeout: 60_000,
    });
    u.result = JSON.parse(stdout);
  } catch (err) {
    // The CLI failed loudly (exit 1, one line): the caller knows the update was not taken, so it is not lost.
    const e = err as { stderr?: string; message: string };
    u.rejected = `CLI: ${(e.stderr ?? e.message).trim().split('\n')[0]}`;
  }
  return u;
}

const cases: ChaosCase[] = [
  {
    name: 'postgres-down',
    async drive(ctx) {
      const stack = stackOf(ctx.rig);
      const recs = await recordingNow(ctx, 'pg', 3);
      // One more is on its way in when the database goes: its start crosses the outage.
      const late = ctx.rig.startRecording('pg-late');
      await pause(300);
      stack.stopPostgres('immediate');
      await pause(PG_DOWN_MS);
      stack.startPostgres();
      const back = Date.now();
      ctx.rig.notes.push(`postgres-down: PostgreSQL stopped (immediate) for ${PG_DOWN_MS / 1000} s with a start in flight; back at ${new Date(back).toISOString()}`);
      const t = ctx.track(await late, endedStopped());
      await ctx.rig.waitState(t.recordingId, (s) => s.phase === 'recording', 'recording after the outage', 120_000);
      await finish(ctx, [...recs, t], back, 4200);
    },
  },
  {
    name: 'history-kill',
    async drive(ctx) {
      const stack = stackOf(ctx.rig);
      const recs = await recordingNow(ctx, 'hist', 3);
      await stack.killService('history', 'SIGKILL');
      await pause(SERVICE_DOWN_MS);
      await stack.startService('history');
      await finish(ctx, recs, Date.now(), 4300);
    },
  },
  {
    name: 'matching-kill',
    async drive(ctx) {
      const stack = stackOf(ctx.rig);
      const recs = await recordingNow(ctx, 'match', 2);
      await stack.killService('matching', 'SIGKILL');
      // While matching is down: monitor polls come due and two new recordings are started, so
      // workflow and activity tasks queue up in history with nowhere to go.
      const starting = [ctx.rig.startRecording('match-new-0'), ctx.rig.startRecording('match-new-1')];
      await pause(SERVICE_DOWN_MS * 2);
      await stack.startService('matching');
      const back = Date.now();
      const fresh = await Promise.all(starting);
      for (const t of fresh) ctx.track(t, endedStopped());
      await Promise.all(fresh.map((t) => ctx.rig.waitState(t.recordingId, (s) => s.phase === 'recording', 'recording after matching returned', 90_000)));
      await finish(ctx, [...recs, ...fresh], back, 4400);
    },
  },
  {
    name: 'frontend-restart',
    async drive(ctx) {
      const stack = stackOf(ctx.rig);
      const recs = await recordingNow(ctx, 'front', 2);
      // The backend (the typed client, retrying) and the CLI (one process per call) keep calling
      // while the frontend stops and starts again.
      const calls: Promise<unknown>[] = [];
      let calling = true;
      const backend = (async () => {
        for (let k = 0; calling; k++) {
          calls.push(ctx.rig.update(recs[0], ['4500', String(4510 + k)]));
          await pause(700);
        }
      })();
      const cli = (async () => {
        for (let k = 0; calling; k++) {
          await cliUpdate(recs[1], ['4600', String(4610 + k)]);
          await pause(300);
        }
      })();
      await pause(1_000);
      await stack.killService('frontend', 'SIGTERM');
      await pause(SERVICE_DOWN_MS);
      await stack.startService('frontend');
      const back = Date.now();
      await pause(3_000);
      calling = false;
      await Promise.all([backend, cli]);
      await Promise.all(calls);
      const b = recs[0].updates.slice(1);
      const c = recs[1].updates.slice(1);
      ctx.rig.notes.push(
        `frontend-restart: backend ${b.filter((u) => u.result).length}/${b.length} updates answered through the restart (client retries); ` +
          `CLI ${c.filter((u) => u.result).length}/${c.length} ok, ${c.filter((u) => u.rejected).length} failed loudly while the frontend was down`,
      );
      // After the restart both paths must work: a final update through each, then stop.
      await waitMonitored(ctx.rig, recs, back);
      await ctx.rig.update(recs[0], ['4501']);
      const last = await cliUpdate(recs[1], ['4601']);
      if (!last.result) throw new Error(`the CLI still fails after the frontend came back: ${last.rejected}`);
      await Promise.all(recs.map((t) => ctx.rig.stop(t)));
    },
  },
  {
    name: 'worker-kill',
    async drive(ctx) {
      // Two worker processes; the one running a recording's start dies mid-call, the other carries on.
      const recs = await recordingNow(ctx, 'wk', 2);
      const t = ctx.track(
        await ctx.rig.startRecording('wk-start', {}, (ch) => ctx.rig.fault({ op: 'start', apply: true, delayMs: 1_500, match: { cname: ch } })),
        endedStopped((s, tasks) => [...check(tasks.length === 1, `expected 1 recorder, the emulator saw ${tasks.length}`)]),
      );
      const identity = await ctx.rig.waitActivityStarted(t.recordingId, 'start');
      const killedAt = Date.now();
      await ctx.rig.killWorker(identity);
      await ctx.rig.waitState(t.recordingId, (s) => s.phase === 'recording', 'recording after the kill', 60_000);
      await finish(ctx, [...recs, t], killedAt, 4700);
    },
  },
];

export const stackFaults: Scenario = { name: 'stack-faults', parallel: false, cases, timeoutMs: 120_000 };
