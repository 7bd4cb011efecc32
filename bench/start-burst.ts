/**
 * start-burst: one App ID carries --live running recordings (default 500) at the 2-minute cadence,
 * then receives --burst new starts (default 500) within --within-s seconds (10). A school whose
 * classes all begin at 9:00: the starts share the App ID's request budget with the monitoring of
 * every running recording, and must not queue behind it (src/workflows/priorities.ts).
 *
 * Measured from the emulator's request log and task table:
 *  - confirmation of a burst recording = the first query answered 200 at or after its recorder
 *    reached status 5 (the emulator's start delay after the start request);
 *  - the physical bound = burst × 3 requests (acquire, start, first query) ÷ the budget;
 *    ratioToBound = (last confirmation − first request) ÷ that bound;
 *  - order: for each recording, how much later it was confirmed than some recording requested
 *    after it (inversion; p99 and max);
 *  - the running recordings' monitoring polls that arrived during the burst: lateness
 *    (gap − interval);
 *  - 429s and the most requests in any second, from the emulator's /stats.
 */
import { parseFlags } from '../src/command-line';
import type { LogEntry } from '../src/emulator/stats';
import { RequestLog } from './lib/emulator-process';
import { ProcSampler } from './lib/proc';
import { pollLateness, queriesBySid, ramp } from './lib/ramp';
import { appIdFor, startRig } from './lib/rig';
import { finish, loadavg, progress, table } from './lib/results';
import { rounded, sleep, summarize } from './lib/stats';

const REQUESTS_PER_START = 3;

export async function run(argv: string[]): Promise<void> {
  const { values: f } = parseFlags(
    { program: 'npm run bench -- start-burst', about: 'A burst of starts on an App ID already carrying running recordings: how close to the budget-bound the starts confirm, in order, without 429s and without starving monitoring (docs/benchmarks.md).', argv },
    {
      live: { type: 'string', default: '500' },
      burst: { type: 'string', default: '500' },
      'within-s': { type: 'string', default: '10' },
      'interval-ms': { type: 'string', default: '120000' },
      'start-delay-ms': { type: 'string', default: '3000' },
      json: { type: 'boolean', default: false },
    },
  );
  const live = Number(f.live);
  const burst = Number(f.burst);
  const withinMs = Number(f['within-s']) * 1000;
  const intervalMs = Number(f['interval-ms']);
  const startDelayMs = Number(f['start-delay-ms']);
  for (const [name, v, min] of [['--live', live, 0], ['--burst', burst, 1], ['--within-s', withinMs, 0], ['--interval-ms', intervalMs, 1_000], ['--start-delay-ms', startDelayMs, 0]] as const) {
    if (!Number.isFinite(v) || v < min) throw new Error(`${name} must be a number ≥ ${min}, got ${String(v)}`);
  }
  const startedAt = new Date().toISOString();
  const loadStart = loadavg();
  const app = appIdFor('burst0');
  const rig = await startRig({ name: 'start-burst', appIds: [app], startDelayMs, maxConcurrent: live + burst + 50 });
  const budget = rig.config.agora!.maxRequestsPerSecond;
  const worker = new ProcSampler('worker', rig.worker.pid).start();
  const reqLog = new RequestLog(rig.emulator).follow(20_000);
  const tag = Date.now().toString(36);

  progress(`ramping to ${live} running recordings within the budget (${budget}/s)…`);
  const base = await ramp(rig, { apps: [app], perApp: live, total: live, intervalMs, budget, utilization: 1, maxPerSecond: 5, prefix: `live_${tag}_` });
  // Every running recording confirmed, and the ramp's own queue drained.
  await untilQuiet(rig, app, live);
  progress(`${live} running (${base.errors.length} start errors); bursting ${burst} starts within ${withinMs / 1000} s`);

  // ---------------------------------------------------------------- burst
  const burstAt = Date.now();
  const requested: Array<{ cname: string; at: number }> = [];
  const errors: string[] = [];
  const calls: Promise<void>[] = [];
  for (let i = 0; i < burst; i++) {
    const due = burstAt + (burst > 1 ? (withinMs * i) / (burst - 1) : 0);
    await sleep(Math.max(0, due - Date.now()));
    const cname = `burst_${tag}_${i}`;
    requested.push({ cname, at: Date.now() });
    calls.push(
      rig.client.startRecording({ recordingId: cname, appId: app, channel: cname, mode: 'mix', timings: { monitorIntervalMs: intervalMs } }).then(
        () => undefined,
        (err: Error) => void errors.push(`${cname}: ${err.message}`),
      ),
    );
  }
  await Promise.all(calls);
  const boundSec = (burst * REQUESTS_PER_START) / budget;
  const giveUpAt = burstAt + boundSec * 3_000 + 120_000;
  let confirmed = new Map<string, number>();
  let lastReport = Date.now();
  while (confirmed.size < burst && Date.now() < giveUpAt) {
    await sleep(2_000);
    confirmed = confirmations(reqLog.entries, await rig.emulator.tasks(), startDelayMs, new Set(requested.map((r) => r.cname)));
    if (Date.now() - lastReport > 30_000) {
      lastReport = Date.now();
      progress(`${confirmed.size}/${burst} confirmed after ${Math.round((Date.now() - burstAt) / 1000)} s (bound ${boundSec.toFixed(0)} s), load ${loadavg().join(' ')}`);
    }
  }
  const lastConfirmAt = Math.max(...confirmed.values());
  // The running recordings' polls that fell due during the burst have all arrived one interval later.
  const windowEnd = Math.max(lastConfirmAt, burstAt) + intervalMs + 5_000;
  progress(`burst settled; watching the running recordings' polls until ${new Date(windowEnd).toISOString().slice(11, 19)}`);
  await sleep(Math.max(0, windowEnd - Date.now()));
  worker.stop();
  await reqLog.stop();
  const stats = (await rig.emulator.stats())[app];
  const tasks = await rig.emulator.tasks();

  // ---------------------------------------------------------------- figures
  const burstNames = new Set(requested.map((r) => r.cname));
  const liveSids = new Set(tasks.filter((t) => t.appId === app && !burstNames.has(t.cname)).map((t) => t.sid));
  const liveQueries = new Map([...queriesBySid(reqLog.entries)].filter(([sid]) => liveSids.has(sid)));
  const lateDuringBurst = rounded(summarize(pollLateness(liveQueries, intervalMs, (at) => at >= burstAt && at <= windowEnd)));
  const latency = requested.filter((r) => confirmed.has(r.cname)).map((r) => confirmed.get(r.cname)! - r.at);
  const inversions = requested.map((r, i) => {
    const mine = confirmed.get(r.cname);
    if (mine === undefined) return 0;
    const laterFirst = Math.min(Infinity, ...requested.slice(i + 1).map((x) => confirmed.get(x.cname) ?? Infinity));
    return Math.max(0, mine - laterFirst);
  });
  const lat = rounded(summarize(latency));
  const inv = rounded(summarize(inversions));
  const spanSec = confirmed.size ? (lastConfirmAt - requested[0].at) / 1000 : null;
  const ratioToBound = spanSec === null ? null : Number((spanSec / boundSec).toFixed(3));
  const firstConfirmMs = confirmed.has(requested[0].cname) ? confirmed.get(requested[0].cname)! - requested[0].at : null;
  const rateLimited = stats?.rateLimited ?? 0;
  const maxPerSecond = stats?.maxPerSecond ?? 0;
  const usage = worker.figures(burstAt, windowEnd);
  const figures = {
    live,
    burst,
    withinSec: withinMs / 1000,
    budgetPerSecond: budget,
    boundSec: Number(boundSec.toFixed(1)),
    confirmed: confirmed.size,
    startErrors: errors.length + base.errors.length,
    startErrorSample: errors[0] ?? base.errors[0],
    ratioToBound,
    lastConfirmSec: spanSec === null ? null : Number(spanSec.toFixed(1)),
    firstConfirmMs,
    confirmLatencyMs: lat,
    inversionMs: inv,
    runningPollLatenessMs: lateDuringBurst,
    rateLimited,
    maxRequestsPerSecond: maxPerSecond,
    extraRecorders: tasks.filter((t) => t.appId === app).length - live - burst,
    worker: usage,
  };
  finish(
    {
      bench: 'start-burst',
      args: { live, burst, withinSec: withinMs / 1000, intervalMs, startDelayMs, budget },
      figures,
      targets: {
        'last confirmation ÷ physical bound': { target: '≤ 1.2', value: ratioToBound, met: ratioToBound !== null && ratioToBound <= 1.2 && confirmed.size === burst },
        'first recording confirmed after its request': { target: '≤ 7 s', value: firstConfirmMs, met: firstConfirmMs !== null && firstConfirmMs <= 7_000 },
        'order inversion p99': { target: '≤ 10 s', value: inv.p99, met: inv.p99 !== null && inv.p99 <= 10_000 },
        '429s': { target: '0', value: rateLimited, met: rateLimited === 0 },
        "running recordings' poll lateness max during the burst": { target: '≤ 60 s', value: lateDuringBurst.max, met: lateDuringBurst.max !== null && lateDuringBurst.max <= 60_000 },
      },
      loadavgStart: loadStart,
      startedAt,
    },
    [
      table(`burst of ${burst} starts within ${withinMs / 1000} s onto ${live} running recordings; budget ${budget}/s; bound ${boundSec.toFixed(0)} s`, ['figure', 'n', 'p50', 'p99', 'max'], [
        ['request → confirmed, ms', lat.n, lat.p50, lat.p99, lat.max],
        ['order inversion, ms', inv.n, inv.p50, inv.p99, inv.max],
        ["running recordings' poll lateness during the burst, ms", lateDuringBurst.n, lateDuringBurst.p50, lateDuringBurst.p99, lateDuringBurst.max],
      ]),
      `confirmed ${confirmed.size}/${burst}; last at ${figures.lastConfirmSec} s = ${ratioToBound}× the bound; first in ${firstConfirmMs} ms; 429s ${rateLimited}; max ${maxPerSecond} req/s; worker CPU ${usage?.cpuPct} % mean, RSS max ${usage?.rssMiBMax} MiB`,
    ],
    f.json!,
  );
}

/** Burst recording → when it was confirmed: its first 200 query at or after its recorder reached status 5. */
function confirmations(log: readonly LogEntry[], tasks: Array<{ cname: string; startedAt: number }>, startDelayMs: number, names: Set<string>): Map<string, number> {
  const readyAt = new Map<string, number>();
  for (const t of tasks) if (names.has(t.cname) && !readyAt.has(t.cname)) readyAt.set(t.cname, t.startedAt + startDelayMs);
  const out = new Map<string, number>();
  for (const e of log) {
    if (e.op !== 'query' || !e.cname || e.httpStatus !== 200 || out.has(e.cname)) continue;
    const ready = readyAt.get(e.cname);
    if (ready !== undefined && e.at >= ready) out.set(e.cname, e.at);
  }
  return out;
}

/** Until `n` recorders are live on the App ID and no request has arrived for 2 s beyond the polls' trickle. */
async function untilQuiet(rig: { emulator: { stats(): Promise<Record<string, { live: number } | undefined>> } }, app: string, n: number): Promise<void> {
  const deadline = Date.now() + 10 * 60_000;
  while ((await rig.emulator.stats())[app]?.live !== n) {
    if (Date.now() > deadline) throw new Error(`fewer than ${n} recorders live on ${app} 10 min after the ramp`);
    await sleep(1_000);
  }
  await sleep(10_000);
}
