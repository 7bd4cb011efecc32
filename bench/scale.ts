/**
 * scale: ramp to N concurrent recordings (default 1,000 on one App ID) at the default 2-minute
 * cadence, hold for --steady-min minutes (default 10), and measure:
 *  - worker, dev-server and emulator CPU (% of one core, mean over the steady window) and RSS
 *    (process tree, /proc, every 5 s);
 *  - poll lateness: for every recorder, consecutive query arrivals at the emulator; a gap of at
 *    least half the interval is a monitor poll and lateness = gap − interval. The workflow sets
 *    nextPollAt = (end of the previous poll) + interval, so this is an upper bound on
 *    "fired vs due" that also contains the previous query's own round trip;
 *  - max requests per second per App ID and 429s, from the emulator's /stats (whole run);
 *  - start latency under load: client startRecording call → the recorder's first (confirming)
 *    query at the emulator, for every recording of the ramp.
 * The ramp never asks more than the budget: each App ID starts recordings at
 * (budget·u − started/interval)/3 per second (3 requests per start: acquire, start, query),
 * so starts use only what the monitoring of the recordings already started leaves free.
 */
import { parseFlags, usageError } from '../src/command-line';
import type { LogEntry } from '../src/emulator/stats';
import { RequestLog } from './lib/emulator-process';
import { pollLateness, queriesBySid, ramp } from './lib/ramp';
import { ProcSampler } from './lib/proc';
import { appIdFor, startRig } from './lib/rig';
import { finish, loadavg, progress, table, type Row } from './lib/results';
import { rounded, sleep, summarize } from './lib/stats';

export async function run(argv: string[]): Promise<void> {
  const { values: f } = parseFlags(
    { program: 'npm run bench -- scale', about: 'Many recordings on one or more App IDs at the monitoring cadence: 429s, requests per second, poll lateness, worker CPU and RSS (docs/benchmarks.md).', argv },
    {
      n: { type: 'string', default: '1000' },
      apps: { type: 'string', default: '1' },
      'steady-min': { type: 'string', default: '10' },
      'interval-ms': { type: 'string', default: '120000' },
      'start-delay-ms': { type: 'string', default: '3000' },
      qps: { type: 'string' },
      'ramp-utilization': { type: 'string', default: '1' },
      'ramp-max': { type: 'string', default: '5' },
      'worker-heap-mib': { type: 'string' },
      'max-cached': { type: 'string' },
      server: { type: 'string', default: 'dev' },
      json: { type: 'boolean', default: false },
    },
  );
  if (f.server !== 'dev' && f.server !== 'stack') usageError('npm run bench -- scale', `--server: must be dev or stack, got '${f.server}'`);
  const n = Number(f.n);
  const appCount = Number(f.apps);
  const steadyMs = Number(f['steady-min']) * 60_000;
  const intervalMs = Number(f['interval-ms']);
  const startDelayMs = Number(f['start-delay-ms']);
  const utilization = Number(f['ramp-utilization']);
  const rampMax = Number(f['ramp-max']);
  const startedAt = new Date().toISOString();
  const loadStart = loadavg();
  const apps = Array.from({ length: appCount }, (_, k) => appIdFor(`scale${k}`));
  const perApp = Math.ceil(n / appCount);

  const rig = await startRig({
    name: 'scale',
    appIds: apps,
    startDelayMs,
    maxConcurrent: perApp + 50,
    server: f.server as 'dev' | 'stack',
    workerQps: f.qps === undefined ? undefined : Number(f.qps),
    // A smaller V8 heap also shrinks the SDK's default workflow cache (≈ (heap − 200 MiB) · 600 / 1024).
    workerEnv: {
      ...(f['worker-heap-mib'] ? { NODE_OPTIONS: `--max-old-space-size=${Number(f['worker-heap-mib'])}` } : {}),
      // Otherwise the SDK's default cache (about 2,300 recordings with a 4 GiB heap limit).
      ...(f['max-cached'] ? { MAX_CACHED_WORKFLOWS: String(Number(f['max-cached'])) } : {}),
    },
  });
  const budget = rig.config.agora!.maxRequestsPerSecond;
  const samplers = [
    new ProcSampler('worker', rig.worker.pid),
    ...Object.entries(rig.serverPids).map(([name, pid]) => new ProcSampler(name, pid)),
    new ProcSampler('emulator', rig.emulator.pid),
  ].map((s) => s.start());
  const loads: number[][] = [];
  const loadTimer = setInterval(() => loads.push(loadavg()), 10_000);
  const reqLog = new RequestLog(rig.emulator).follow(20_000);
  const runStart = Date.now();

  // ---------------------------------------------------------------- ramp
  const tag = Date.now().toString(36);
  progress(`ramping to ${n} recordings on ${appCount} App ID(s) at ${intervalMs / 1000} s cadence; budget ${budget}/s per App ID`);
  const { launched, errors } = await ramp(rig, { apps, perApp, total: n, intervalMs, budget, utilization, maxPerSecond: rampMax, prefix: `sc_${tag}_` });
  const rampEnd = Date.now() + 10_000; // the last recordings' confirming queries
  progress(`ramp done in ${Math.round((Date.now() - runStart) / 1000)} s (${errors.length} start errors); holding ${steadyMs / 60_000} min`);

  // ---------------------------------------------------------------- steady
  const steadyEnd = rampEnd + steadyMs;
  while (Date.now() < steadyEnd) {
    await sleep(Math.min(60_000, steadyEnd - Date.now()));
    const stats = await rig.emulator.stats();
    progress(`steady: ${Math.round((Date.now() - rampEnd) / 1000)} s; live ${apps.map((a) => stats[a]?.live ?? 0).join('+')}; 429s ${apps.reduce((s, a) => s + (stats[a]?.rateLimited ?? 0), 0)}; load ${loadavg().join(' ')}`);
  }
  samplers.forEach((s) => s.stop());
  clearInterval(loadTimer);
  await reqLog.stop();
  const stats = await rig.emulator.stats();
  const tasks = await rig.emulator.tasks();

  // ---------------------------------------------------------------- figures
  const log: LogEntry[] = reqLog.entries;
  const bySid = queriesBySid(log);
  const lateAll = pollLateness(bySid, intervalMs);
  const lateSteady = pollLateness(bySid, intervalMs, (at) => at >= rampEnd && at <= steadyEnd);
  const firstQuery = new Map<string, number>();
  for (const e of log) if (e.op === 'query' && e.cname && !firstQuery.has(e.cname)) firstQuery.set(e.cname, e.at);
  const startLat: number[] = [];
  const startLatTail: number[] = [];
  const ordered = [...launched.entries()].sort((a, b) => a[1] - b[1]);
  ordered.forEach(([cname, t0], i) => {
    const q = firstQuery.get(cname);
    if (q === undefined) return;
    startLat.push(q - t0);
    if (i >= ordered.length * 0.9) startLatTail.push(q - t0);
  });
  const neverConfirmed = ordered.length - startLat.length;

  const perAppRows: Row[] = apps.map((a) => {
    const s = stats[a];
    const q = s?.requests.query ?? {};
    return [a, s?.live ?? 0, s?.maxPerSecond ?? 0, s?.rateLimited ?? 0, Object.values(q).reduce((x, y) => x + y, 0)];
  });
  const usage = samplers.map((s) => ({ name: s.name, steady: s.figures(rampEnd, steadyEnd + 10_000), whole: s.figures() }));
  const worker = usage[0];
  const late = rounded(summarize(lateSteady));
  const lateWhole = rounded(summarize(lateAll));
  const sl = rounded(summarize(startLat));
  const slTail = rounded(summarize(startLatTail));
  const maxPerSecond = Math.max(0, ...apps.map((a) => stats[a]?.maxPerSecond ?? 0));
  const total429 = apps.reduce((s, a) => s + (stats[a]?.rateLimited ?? 0), 0);
  const restarts = tasks.filter((t) => apps.includes(t.appId)).length - ordered.length;
  const workerRssMax = worker.whole?.rssMiBMax ?? null;
  const latePct = late.p99 === null ? null : Number(((late.p99 / intervalMs) * 100).toFixed(2));
  const load1Max = Math.max(...loads.map((l) => l[0]), 0);

  const figures = {
    n,
    apps: appCount,
    intervalMs,
    budgetPerSecond: budget,
    rampSec: Math.round((rampEnd - 10_000 - runStart) / 1000),
    steadySec: Math.round(steadyMs / 1000),
    startErrors: errors.length,
    startErrorSample: errors[0],
    neverConfirmed,
    extraRecorders: restarts,
    liveAtEnd: apps.map((a) => stats[a]?.live ?? 0),
    maxRequestsPerSecondPerAppId: apps.map((a) => stats[a]?.maxPerSecond ?? 0),
    rateLimited429: total429,
    pollLatenessMs: { steady: late, wholeRun: lateWhole, steadyP99PctOfInterval: latePct },
    startLatencyMs: { all: sl, last10pct: slTail },
    usage,
    workerRssMiBPerRecording: worker.whole ? Number(((worker.whole.rssMiBMax - worker.whole.rssMiBFirst) / n).toFixed(2)) : null,
    loadavg1Max: load1Max,
  };
  finish(
    {
      bench: 'scale',
      args: { server: f.server, n, apps: appCount, steadyMin: steadyMs / 60_000, intervalMs, startDelayMs, qps: budget, rampUtilization: utilization, workerHeapMiB: f['worker-heap-mib'] ?? null, maxCached: f['max-cached'] ?? null },
      figures,
      targets: {
        '429s at the emulator': { target: '0', value: total429, met: total429 === 0 },
        'max requests in any second per App ID': { target: '≤ 10', value: maxPerSecond, met: maxPerSecond <= 10 },
        'poll lateness p99 (steady)': { target: `≤ 5 % of ${intervalMs / 1000} s`, value: `${late.p99} ms = ${latePct} %`, met: latePct !== null && latePct <= 5 },
        'worker RSS max': { target: '≤ 1024 MiB', value: workerRssMax, met: workerRssMax !== null && workerRssMax <= 1024 },
      },
      loadavgStart: loadStart,
      startedAt,
    },
    [
      table(`per App ID (whole run): ${n} recordings, ${intervalMs / 1000} s cadence, budget ${budget}/s`, ['App ID', 'live at end', 'max req/s', '429s', 'queries'], perAppRows),
      table(
        `processes (CPU = % of one core; steady = ${steadyMs / 60_000} min after the ramp)`,
        ['process', 'CPU mean steady', 'CPU peak 5 s', 'RSS max steady MiB', 'CPU mean whole run', 'RSS max whole run MiB'],
        usage.map((u) => [u.name, u.steady?.cpuPct, u.steady?.cpuPctPeak, u.steady?.rssMiBMax, u.whole?.cpuPct, u.whole?.rssMiBMax]),
      ),
      table('latencies, ms', ['figure', 'n', 'p50', 'p99', 'max'], [
        ['poll lateness, steady', late.n, late.p50, late.p99, late.max],
        ['poll lateness, whole run', lateWhole.n, lateWhole.p50, lateWhole.p99, lateWhole.max],
        ['start → confirming query, all', sl.n, sl.p50, sl.p99, sl.max],
        ['start → confirming query, last 10 %', slTail.n, slTail.p50, slTail.p99, slTail.max],
      ]),
      `ramp ${figures.rampSec} s; start errors ${errors.length}; never confirmed ${neverConfirmed}; extra recorders (restarts) ${restarts}; max 1-min loadavg ${load1Max}`,
    ],
    f.json!,
  );
}
