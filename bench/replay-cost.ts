/**
 * replay-cost: what a worker pays when a recording is not in its workflow cache. An evicted
 * recording replays its whole current run at its next poll, so a bounded cache trades memory for
 * CPU, and continue-as-new decides how long the replayed history can get.
 *
 * One recording runs with the product's timings except a fast monitor interval (default 200 ms, as
 * in history-cost: a poll cycle writes the same events whatever its interval) and no
 * continue-as-new before the largest checkpoint. Its history is read back as it passes each
 * checkpoint (default 250 ... 5,000 events), then every checkpoint's history is replayed --reps
 * times in this process with the SDK's replayer (one worker for all replays, like a cache miss:
 * a new workflow instance, every activation replayed, then evicted), measuring this process's CPU
 * (all threads: the workflow thread, the SDK core's) and wall time per replay. A line through the
 * points gives a fixed cost per replay plus a cost per event. Not included: the server reading the
 * history from its database and sending it (a live miss pays that too), so this is a lower bound
 * of the worker's side.
 *
 * The model printed after it: N recordings polled every interval, C of them cached, and runs
 * continued as new after K events, replay the average run of about K / 2 events on
 * (N − C) / interval misses per second.
 */
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { parseFlags } from '../src/command-line';
import { workflowIdFor } from '../src/client';
import { workflowsPath } from '../src/worker';
import { cleanupAll } from './lib/cleanup';
import { appIdFor, startRig } from './lib/rig';
import fs from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { finish, loadavg, progress, resultsDir, table, type Row } from './lib/results';
import { sleep } from './lib/stats';

type History = temporal.api.history.v1.IHistory;

/**
 * As in history-cost, a finer timer shift makes a 200 ms cycle take ~0.25 s instead of ~1 s (the
 * events are the same); and the server's continue-as-new suggestion (4,096 events by default) is
 * raised so one run reaches the largest checkpoint.
 */
const DYNAMIC_CONFIG = { 'history.timerProcessorMaxTimeShift': '50ms', 'limit.historyCount.suggestContinueAsNew': 60_000 };

export async function run(argv: string[]): Promise<void> {
  const { values: f } = parseFlags(
    { program: 'npm run bench -- replay-cost', about: 'CPU and time to replay one recording history of growing length: the price of a workflow-cache miss (docs/benchmarks.md).', argv },
    {
      checkpoints: { type: 'string', default: '250,500,1000,2000,3000,4000,5000' },
      reps: { type: 'string', default: '20' },
      'interval-ms': { type: 'string', default: '200' },
      recordings: { type: 'string', default: '5000' },
      cached: { type: 'string', default: '1100' },
      'poll-interval-s': { type: 'string', default: '120' },
      json: { type: 'boolean', default: false },
    },
  );
  const checkpoints = f.checkpoints!.split(',').map(Number).sort((a, b) => a - b);
  const reps = Number(f.reps);
  const intervalMs = Number(f['interval-ms']);
  for (const [name, v, min] of [['--reps', reps, 1], ['--interval-ms', intervalMs, 50], ...checkpoints.map((c) => ['--checkpoints', c, 50] as const)] as const) {
    if (!Number.isFinite(v) || v < min) throw new Error(`${name} must be numbers ≥ ${min}, got ${String(v)}`);
  }
  const largest = checkpoints[checkpoints.length - 1];
  const startedAt = new Date().toISOString();
  const loadStart = loadavg();
  const APP = appIdFor('replay');

  // 1. Histories of growing length, read from one live recording.
  const rig = await startRig({ name: 'replay-cost', appIds: [APP], startDelayMs: 3000, emulatorQps: 1000, workerQps: 20, dynamicConfig: DYNAMIC_CONFIG });
  const id = `replay_${Date.now().toString(36)}`;
  const { runId } = await rig.client.startRecording({ recordingId: id, appId: APP, channel: id, mode: 'mix', timings: { monitorIntervalMs: intervalMs, continueAsNewAfterEvents: Math.min(50_000, largest * 2) } });
  const handle = rig.client.temporal.workflow.getHandle(workflowIdFor(id), runId);
  const histories: Array<{ events: number; history: History }> = [];
  let next = 0;
  let lastReport = 0;
  while (next < checkpoints.length) {
    await sleep(1_000);
    const { historyLength, status } = await handle.describe();
    if (status.name !== 'RUNNING') throw new Error(`the recording's run ended (${status.name}) at ${historyLength} events, before the ${checkpoints[next]}-event checkpoint`);
    if (Date.now() - lastReport > 30_000) {
      lastReport = Date.now();
      progress(`${historyLength}/${largest} events`);
    }
    if (historyLength < checkpoints[next]) continue;
    const history = await handle.fetchHistory();
    histories.push({ events: history.events?.length ?? 0, history });
    while (next < checkpoints.length && checkpoints[next] <= historyLength) next++;
  }
  await rig.client.stopRecording(id, { reason: 'bench done' });
  // The longest history stays beside the results, to profile a replay with (node --cpu-prof).
  fs.mkdirSync(resultsDir, { recursive: true });
  const saved = path.join(resultsDir, `replay-cost-history-${histories[histories.length - 1].events}.json`);
  fs.writeFileSync(saved, historyToJSON(histories[histories.length - 1].history));
  progress(`history of ${histories[histories.length - 1].events} events saved to ${path.relative(process.cwd(), saved)}`);
  await cleanupAll(); // the rig's processes must not share the CPU with the replays

  // 2. Replays, measured in this process (nothing else runs in it now).
  const workflowBundle = await bundleWorkflowCode({ workflowsPath, logger: { trace() {}, debug() {}, info() {}, warn() {}, error: (m: string) => process.stderr.write(`${m}\n`), log() {} } as never });
  const points: Array<{ events: number; cpuMs: number; wallMs: number }> = [];
  for (const { events, history } of histories) {
    const batch = Array.from({ length: reps }, (_, i) => ({ workflowId: `${id}-${events}-${i}`, history }));
    const replay = async (n: number) => {
      for await (const r of Worker.runReplayHistories({ workflowBundle }, batch.slice(0, n))) if (r.error) throw new Error(`replay of ${events} events failed: ${r.error.message}`);
    };
    await replay(1); // warm: the replayer's own start is not a cache miss's cost
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    await replay(reps);
    const cpu = process.cpuUsage(cpu0);
    const wallMs = (performance.now() - wall0) / reps;
    points.push({ events, cpuMs: (cpu.user + cpu.system) / 1000 / reps, wallMs });
    progress(`${events} events: ${(points.at(-1)!.cpuMs).toFixed(1)} ms CPU, ${wallMs.toFixed(1)} ms wall per replay`);
  }
  const fit = leastSquares(points.map((p) => [p.events, p.cpuMs]));

  // 3. The model: replay CPU of a bounded cache, by continue-as-new threshold.
  const n = Number(f.recordings);
  const cached = Number(f.cached);
  const pollS = Number(f['poll-interval-s']);
  const missesPerS = Math.max(0, n - cached) / pollS;
  const model = [100, 500, 1000, 2000, 5000].map((k) => {
    const perReplay = fit.fixed + fit.perEvent * (k / 2);
    return { continueAsNewAfterEvents: k, replayMs: Number(perReplay.toFixed(1)), coreShare: Number(((missesPerS * perReplay) / 1000).toFixed(3)) };
  });

  finish(
    {
      bench: 'replay-cost',
      args: { checkpoints, reps, intervalMs, recordings: n, cached, pollIntervalS: pollS },
      figures: {
        points: points.map((p) => ({ events: p.events, cpuMs: Number(p.cpuMs.toFixed(2)), wallMs: Number(p.wallMs.toFixed(2)) })),
        fixedCpuMsPerReplay: Number(fit.fixed.toFixed(2)),
        cpuMsPerThousandEvents: Number((fit.perEvent * 1000).toFixed(2)),
        missesPerSecond: Number(missesPerS.toFixed(2)),
        model,
      },
      targets: {},
      loadavgStart: loadStart,
      startedAt,
    },
    [
      table(`one history replayed ${reps} times (CPU of this process, all threads)`, ['events', 'CPU ms per replay', 'wall ms per replay'], points.map((p): Row => [p.events, p.cpuMs.toFixed(1), p.wallMs.toFixed(1)])),
      table(`replay CPU at ${n} recordings, ${cached} cached, polled every ${pollS} s (${missesPerS.toFixed(1)} misses/s; fit: ${fit.fixed.toFixed(1)} ms + ${(fit.perEvent * 1000).toFixed(1)} ms per 1,000 events)`, ['continue-as-new after', 'mean replay ms', 'share of a core'], model.map((m): Row => [m.continueAsNewAfterEvents, m.replayMs, `${(m.coreShare * 100).toFixed(1)} %`])),
    ],
    f.json!,
  );
}

/** y = fixed + perEvent · x, by least squares; through the origin when the free fit's fixed part comes out negative (no replay costs less than nothing). */
function leastSquares(xy: number[][]): { fixed: number; perEvent: number } {
  const n = xy.length;
  const mx = xy.reduce((s, [x]) => s + x, 0) / n;
  const my = xy.reduce((s, [, y]) => s + y, 0) / n;
  const sxx = xy.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  const perEvent = sxx === 0 ? 0 : xy.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0) / sxx;
  if (my - perEvent * mx >= 0) return { fixed: my - perEvent * mx, perEvent };
  return { fixed: 0, perEvent: xy.reduce((s, [x, y]) => s + x * y, 0) / xy.reduce((s, [x]) => s + x * x, 0) };
}
