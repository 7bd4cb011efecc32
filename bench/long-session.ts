/**
 * long-session: a 30-day recording in compressed time, callbacks off, on the Agora emulator.
 *
 * The emulator's vendor hour is day/24 (`--hour-ms`), so the 24 h RTC token the worker mints
 * (AccessToken2, read back by the emulator) puts a recorder out of its channel one compressed day
 * after it started, and resourceExpiredHour (72 h) three days after. The worker still believes the
 * token's 24 real hours, so each recording tells it the compressed truth with
 * `maxRecorderLifetimeMs` = one day; the workflow then hands over `--lead-ms` before that.
 * Vendor latencies do not compress (a confirm takes ~1 s here whatever the day), and the in-memory
 * dev server at times fires no timer for 15–23 s (seen in the histories this bench prints around
 * each long request silence), so the lead is 15 s of real time, not 10 scaled minutes. The monitor cadence is
 * the vendor's 2 minutes scaled (day/720, at least 50 ms); the dev server's timer precision is
 * made finer for this run. A poll cycle does not compress either (~0.3 s on the shared 2-core
 * VM), so a compressed day makes about a fifth of a real day's 720 polls; continue-as-new is
 * therefore due past `--can-after-events` (default 1,000 = the product's 5,000 scaled the same
 * way), which gives the chain about as many runs as a real 30-day session has (~238k events /
 * 5,000 ≈ 47). `--can-after-events 5000` keeps the product default.
 *
 * Two recordings run at once on one rig, each on its own App ID (own request budget):
 *   single     one lane: every recorder must be handed over before its token dies;
 *   redundant  `redundancy: 2`; lane 0's current recorder is killed (POST /__emulator/tasks/<sid>/exit)
 *              at uniformly random moments, `--kills-per-day` per day; lane 1 must cover every gap.
 *
 * Measured on the emulator's clock (its task times): for each channel the union of every
 * recorder's [status 5, end] over [first status 5, stop request] → uncovered seconds (real, and in
 * vendor seconds); handovers whose predecessor ended before its successor reached status 5;
 * recorders that died of their token; orphans (tasks live after stop returned); from Temporal,
 * every run of the continue-as-new chain and its history length.
 */
import { parseArgs } from 'node:util';
import { temporal } from '@temporalio/proto';
import { workflowIdFor } from '../src/client';
import type { RecordingSummary } from '../src/contract/messages';
import type { Timings } from '../src/contract/timings';
import { coverage, handoverGaps, type RecorderSpan } from '../src/emulator/coverage';
import { RequestLog, type EmulatorTask } from './lib/emulator-process';
import { startRig, type Rig } from './lib/rig';
import { finish, loadavg, progress, table, type Row } from './lib/results';
import { sleep } from './lib/stats';

/** As in history-cost: timers fire within 50 ms instead of up to 1 s late; which events are written is unchanged. */
const TIMER_PRECISION = { 'history.timerProcessorMaxTimeShift': '50ms' };
const START_DELAY_MS = 300;

/** App IDs of 32 hex digits (tokens need them), recognisable in logs. */
const hexAppId = (tag: number): string => `be0c${String(tag).padStart(4, '0')}`.padEnd(32, '0');

interface Plan {
  name: 'single' | 'redundant';
  appId: string;
  recordingId: string;
  redundancy: number;
  firstRunId?: string;
  readyAt?: number;
  kills: Array<{ at: number; sid?: string; error?: string }>;
}

interface RunFigures {
  handovers: number;
  restarts: number;
  continueAsNewRuns: number;
  largestRunEvents: number;
  totalEvents: number;
  uncoveredSeconds: number;
  uncoveredVendorSeconds: number;
  orphans: number;
  tokenExpiries: number;
  handoverGaps: number;
  handoverGapEndReasons: string[];
  polls: number;
  recorders: number;
  kills: number;
  /** Longest time the emulator heard nothing about this recording (a starved worker or server shows here). */
  maxRequestGapSeconds: number;
  workflowTaskTimeouts: number;
  lane0UncoveredSeconds?: number;
  tokenDeaths: unknown[];
  longestRequestGaps: Array<{ at: string; seconds: number; history?: string[] }>;
}

export async function run(argv: string[]): Promise<void> {
  const { values: f } = parseArgs({
    args: argv,
    options: {
      days: { type: 'string', default: '30' },
      'day-ms': { type: 'string', default: '40000' },
      'lead-ms': { type: 'string', default: '15000' },
      'interval-ms': { type: 'string' },
      'kills-per-day': { type: 'string', default: '1' },
      'can-after-events': { type: 'string', default: '1000' },
      seed: { type: 'string' },
      server: { type: 'string', default: 'dev' },
      json: { type: 'boolean', default: false },
    },
  });
  const days = Number(f.days);
  const dayMs = Number(f['day-ms']);
  const leadMs = Number(f['lead-ms']);
  const hourMs = Math.round(dayMs / 24);
  const intervalMs = Number(f['interval-ms'] ?? Math.max(50, Math.round(dayMs / 720)));
  const killsPerDay = Number(f['kills-per-day']);
  const canAfter = Number(f['can-after-events']);
  for (const [name, v, min] of [['--days', days, 1], ['--day-ms', dayMs, 2_400], ['--lead-ms', leadMs, 1_000], ['--interval-ms', intervalMs, 50], ['--kills-per-day', killsPerDay, 0], ['--can-after-events', canAfter, 100]] as const) {
    if (!Number.isFinite(v) || v < min) throw new Error(`${name} must be a number ≥ ${min}, got ${String(v)}`);
  }
  if (leadMs * 2 >= dayMs) throw new Error('--lead-ms must be below half of --day-ms');
  if (f.server !== 'dev' && f.server !== 'stack') throw new Error(`--server must be dev or stack, got '${f.server}'`);
  let seed = Number(f.seed ?? Date.now() % 2 ** 31);
  const firstSeed = seed;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const startedAt = new Date().toISOString();
  const loadStart = loadavg();
  const vendorSeconds = (ms: number) => Math.round((ms / 1000) * (3_600_000 / hourMs));

  const tag = Date.now().toString(36);
  const plans: Plan[] = [
    { name: 'single', appId: hexAppId(1), recordingId: `long_single_${tag}`, redundancy: 1, kills: [] },
    { name: 'redundant', appId: hexAppId(2), recordingId: `long_redundant_${tag}`, redundancy: 2, kills: [] },
  ];
  const rig = await startRig({
    name: 'long-session',
    appIds: plans.map((p) => p.appId),
    appCertificates: true,
    hourMs,
    startDelayMs: START_DELAY_MS,
    emulatorQps: 1000,
    workerQps: 200,
    maxConcurrent: 20,
    // The stack keeps its own dynamic config (config/temporal-dynamicconfig.yaml: timers up to 1 s late).
    dynamicConfig: TIMER_PRECISION,
    server: f.server as 'dev' | 'stack',
  });
  const timings: Partial<Timings> = {
    startRetryDelaysMs: [200, 400, 600],
    acquireRetryDelaysMs: [200, 400, 600],
    firstQueryDelayMs: 300,
    confirmPollDelaysMs: [300, 500],
    confirmTimeoutMs: 4_000,
    monitorIntervalMs: intervalMs,
    notFoundConfirmDelaysMs: [200, 300, 400],
    serverErrorRetryDelaysMs: [200, 300, 400, 500],
    rateLimitDelaysMs: [200, 400],
    requestRetryDelaysMs: [200, 400, 600],
    restartBackoffInitialMs: 300,
    restartBackoffMaxMs: 2_000,
    handoverLeadMs: leadMs,
    // The worker believes the token's 24 real hours; one compressed day is its life on the emulator.
    maxRecorderLifetimeMs: dayMs,
    continueAsNewAfterEvents: canAfter,
  };
  progress(`${days} days of ${dayMs / 1000} s (vendor hour ${hourMs} ms), monitor every ${intervalMs} ms, handover ${leadMs} ms before each recorder's end of life, continue-as-new past ${canAfter} events, ${killsPerDay} kill(s) per day on the redundant pair's lane 0 (seed ${firstSeed})`);

  const requests = new RequestLog(rig.emulator).follow(10_000);
  // The bench's own timer lateness: a stall it shares with the worker is the machine's, not the workflow's.
  const lag = new LoopLag().start();
  for (const p of plans) {
    const s = await rig.client.startRecording({ recordingId: p.recordingId, appId: p.appId, channel: p.recordingId, mode: 'mix', timings, ...(p.redundancy > 1 ? { redundancy: p.redundancy } : {}) });
    p.firstRunId = s.runId;
  }
  const channelTasks = async (p: Plan) => (await rig.emulator.tasks()).filter((t) => t.cname === p.recordingId);
  for (const p of plans) {
    const deadline = Date.now() + 60_000;
    while (p.readyAt === undefined) {
      if (Date.now() > deadline) throw new Error(`${p.recordingId}: no recorder reached status 5 within 60 s`);
      const first = coverage(await channelTasks(p), START_DELAY_MS, Date.now()).firstReadyAt;
      if (first !== null && first <= Date.now()) p.readyAt = first;
      else await sleep(200);
    }
  }
  const t0 = Math.min(...plans.map((p) => p.readyAt!));
  const endAt = t0 + days * dayMs;
  const redundant = plans[1];
  const killTimes = Array.from({ length: days * killsPerDay }, (_, i) => t0 + (Math.floor(i / killsPerDay) + random()) * dayMs).sort((a, b) => a - b);

  let lastReport = 0;
  while (Date.now() < endAt) {
    const next = Math.min(endAt, killTimes[0] ?? Infinity, Date.now() + 1_000);
    await sleep(Math.max(0, next - Date.now()));
    if (killTimes.length && Date.now() >= killTimes[0]) {
      const at = killTimes.shift()!;
      redundant.kills.push(await killLane0(rig, redundant.recordingId, at));
    }
    if (Date.now() - lastReport > 60_000) {
      lastReport = Date.now();
      const d = await Promise.all(plans.map((p) => rig.client.describeRecording(p.recordingId).catch(() => undefined)));
      progress(`day ${((Date.now() - t0) / dayMs).toFixed(1)}/${days}: ${plans.map((p, i) => `${p.name} handovers ${d[i]?.state?.handovers ?? 0}, restarts ${d[i]?.state?.restarts ?? 0}, run ${d[i]?.state?.runs ?? '?'}`).join('; ')}`);
    }
  }

  const stopAt = Date.now();
  progress('stopping both recordings…');
  const summaries = await Promise.all(plans.map((p) => rig.client.stopRecording(p.recordingId, { reason: 'long-session done' })));
  await sleep(2_000);
  const stats = await rig.emulator.stats();
  await requests.stop();
  const allTasks = await rig.emulator.tasks();

  lag.stop();
  const channelTimes = (p: Plan) => requests.entries.filter((e) => e.cname === p.recordingId && e.at >= t0 && e.at <= stopAt).map((e) => e.at);
  /** Each recorder that died of its token: when its handover was due, and what the emulator heard of the channel from then to the death. */
  const tokenDeaths = (p: Plan, summary: RecordingSummary, tasks: EmulatorTask[]) =>
    tasks
      .filter((t) => t.endReason === 'token-expired')
      .map((t) => {
        const seg = summary.segments.find((x) => x.recorderId === t.sid);
        const due = seg?.handoverAt ? Date.parse(seg.handoverAt) : undefined;
        const heard = requests.entries.filter((e) => e.cname === p.recordingId && due !== undefined && e.at >= due - 2_000 && e.at <= (t.endedAt ?? stopAt)).map((e) => e.at);
        const successorStart = requests.entries.find((e) => e.cname === p.recordingId && e.op === 'start' && due !== undefined && e.at >= due - 2_000);
        return {
          sid: t.sid,
          diedAt: t.endedAt ? new Date(t.endedAt).toISOString() : null,
          handoverDueAt: seg?.handoverAt ?? null,
          successorStartSentSecAfterDue: successorStart && due !== undefined ? Number(((successorStart.at - due) / 1000).toFixed(1)) : null,
          requestsBetweenDueAndDeath: heard.length,
          longestSilenceSec: maxGap(heard),
          benchEventLoopLagMaxSec: lag.maxBetween((due ?? 0) - 2_000, t.endedAt ?? stopAt),
        };
      });
  const figures: Record<string, RunFigures> = {};
  const rows: Row[] = [];
  for (const [i, p] of plans.entries()) {
    const summary = summaries[i] as RecordingSummary;
    const tasks = allTasks.filter((t) => t.cname === p.recordingId);
    const bySid = new Map<string, RecorderSpan>(tasks.map((t) => [t.sid, t]));
    const cov = coverage(tasks, START_DELAY_MS, stopAt);
    const gaps = handoverGaps(summary.segments, bySid, START_DELAY_MS);
    const runs = await historyRuns(rig, p.recordingId, p.firstRunId!);
    const lane0 = new Set(summary.segments.filter((s) => s.lane === 0 && s.recorderId).map((s) => s.recorderId!));
    const lane0Cov = p.redundancy > 1 ? coverage(tasks.filter((t) => lane0.has(t.sid)), START_DELAY_MS, stopAt, cov.firstReadyAt ?? undefined) : undefined;
    const fig: RunFigures = {
      handovers: summary.handovers ?? 0,
      restarts: summary.restarts,
      continueAsNewRuns: runs.length - 1,
      largestRunEvents: Math.max(...runs),
      totalEvents: runs.reduce((a, b) => a + b, 0),
      uncoveredSeconds: Number((cov.uncoveredMs / 1000).toFixed(3)),
      uncoveredVendorSeconds: vendorSeconds(cov.uncoveredMs),
      orphans: tasks.filter((t: EmulatorTask) => t.live).length,
      tokenExpiries: tasks.filter((t) => t.endReason === 'token-expired').length,
      handoverGaps: gaps.length,
      // A predecessor the bench killed mid-handover ends early by design; any other reason is the workflow's.
      handoverGapEndReasons: gaps.map((g) => tasks.find((t) => t.sid === summary.segments.find((x) => x.index === g.predecessor)?.recorderId)?.endReason ?? 'unknown'),
      polls: Object.values(stats[p.appId]?.requests.query ?? {}).reduce((a, b) => a + b, 0),
      recorders: tasks.length,
      kills: p.kills.filter((k) => k.sid).length,
      workflowTaskTimeouts: workflowTaskTimeouts.get(p.recordingId) ?? 0,
      maxRequestGapSeconds: maxGap(channelTimes(p)),
      tokenDeaths: tokenDeaths(p, summary, tasks),
      longestRequestGaps: topGaps(channelTimes(p), 3).map((g) => ({ ...g, history: historyDuring(p.recordingId, Date.parse(g.at), g.seconds) })),
      ...(lane0Cov ? { lane0UncoveredSeconds: Number((lane0Cov.uncoveredMs / 1000).toFixed(3)) } : {}),
    };
    figures[p.name] = fig;
    rows.push([p.name, fig.handovers, fig.restarts, fig.kills, fig.continueAsNewRuns, fig.largestRunEvents, fig.totalEvents, fig.polls, fig.recorders, fig.tokenExpiries, fig.handoverGaps, `${fig.uncoveredSeconds} (${fig.uncoveredVendorSeconds} vendor s)`, fig.lane0UncoveredSeconds ?? null, fig.maxRequestGapSeconds, fig.workflowTaskTimeouts, fig.orphans]);
  }

  const single = figures.single;
  const red = figures.redundant;
  finish(
    {
      bench: 'long-session',
      args: { server: f.server, days, dayMs, hourMs, leadMs, intervalMs, killsPerDay, continueAsNewAfterEvents: canAfter, seed: firstSeed, startDelayMs: START_DELAY_MS },
      figures: {
        handovers: single.handovers,
        continueAsNewRuns: single.continueAsNewRuns,
        largestRunEvents: Math.max(single.largestRunEvents, red.largestRunEvents),
        uncoveredSeconds: single.uncoveredSeconds,
        orphans: single.orphans + red.orphans,
        single,
        redundant: { ...red, killLog: redundant.kills },
      },
      targets: {
        'single: planned handovers': { target: `≥ ${days}`, value: single.handovers, met: single.handovers >= days },
        'single: continue-as-new runs': { target: '≥ 20', value: single.continueAsNewRuns, met: single.continueAsNewRuns >= 20 },
        'largest run (events)': { target: '≤ 10,000', value: Math.max(single.largestRunEvents, red.largestRunEvents), met: Math.max(single.largestRunEvents, red.largestRunEvents) <= 10_000 },
        'single: uncovered seconds (emulator clock)': { target: '0', value: single.uncoveredSeconds, met: single.uncoveredSeconds === 0 },
        'single: predecessor ended before successor at status 5': { target: '0', value: single.handoverGaps, met: single.handoverGaps === 0 },
        'redundant: uncovered seconds by both lanes': { target: '0 (100 % coverage)', value: red.uncoveredSeconds, met: red.uncoveredSeconds === 0 },
        orphans: { target: '0', value: single.orphans + red.orphans, met: single.orphans + red.orphans === 0 },
      },
      loadavgStart: loadStart,
      startedAt,
    },
    [
      table(
        `${days} compressed days (a day = ${dayMs / 1000} s), coverage on the emulator's clock over [first status 5, stop]`,
        ['recording', 'handovers', 'restarts', 'kills', 'continue-as-new', 'largest run', 'events', 'queries', 'recorders', 'token deaths', 'handover gaps', 'uncovered s', 'lane 0 uncovered s', 'max request gap s', 'WFT timeouts', 'orphans'],
        rows,
      ),
    ],
    f.json!,
  );
}

function topGaps(times: number[], n: number): Array<{ at: string; seconds: number }> {
  const gaps = times.slice(1).map((t, i) => ({ at: new Date(times[i]).toISOString(), seconds: Number(((t - times[i]) / 1000).toFixed(1)) }));
  return gaps.sort((a, b) => b.seconds - a.seconds).slice(0, n);
}

/** Lateness of a 100 ms timer in this process, kept per second: how long the machine left the bench unscheduled. */
class LoopLag {
  private readonly worst = new Map<number, number>();
  private timer?: NodeJS.Timeout;
  private last = Date.now();

  start(): this {
    this.timer = setInterval(() => {
      const now = Date.now();
      const late = now - this.last - 100;
      this.last = now;
      const second = Math.floor(now / 1000);
      if (late > 50) this.worst.set(second, Math.max(this.worst.get(second) ?? 0, late));
    }, 100);
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  maxBetween(from: number, to: number): number {
    let max = 0;
    for (const [second, late] of this.worst) if (second * 1000 >= from && second * 1000 <= to + 1000) max = Math.max(max, late);
    return Number((max / 1000).toFixed(1));
  }
}

function maxGap(times: number[]): number {
  let gap = 0;
  for (let i = 1; i < times.length; i++) gap = Math.max(gap, times[i] - times[i - 1]);
  return Number((gap / 1000).toFixed(1));
}

/** Kills lane 0's current recorder of a redundant recording (its confirmed, live segment). */
async function killLane0(rig: Rig, recordingId: string, at: number): Promise<Plan['kills'][number]> {
  try {
    const d = await rig.client.describeRecording(recordingId);
    const seg = d.state?.segments.filter((s) => s.lane === 0 && !s.endedAt && s.confirmedAt && s.recorderId).at(-1);
    if (!seg) return { at, error: 'lane 0 had no confirmed recorder at that moment' };
    await rig.emulator.kill(seg.recorderId!);
    return { at, sid: seg.recorderId };
  } catch (err) {
    return { at, error: (err as Error).message };
  }
}

/** Workflow tasks that timed out (10 s each: a worker that took a task and did not answer), over the whole chain. */
const workflowTaskTimeouts = new Map<string, number>();

/** Every event of the chain (time, what), to tell during a silence whether the server or the worker held things up. */
const chainEvents = new Map<string, Array<{ at: number; what: string }>>();

/** The recording's history events from just before a request silence to just after it, as "+seconds TYPE detail". */
function historyDuring(recordingId: string, from: number, seconds: number): string[] {
  const to = from + seconds * 1000;
  return (chainEvents.get(recordingId) ?? [])
    .filter((e) => e.at >= from - 500 && e.at <= to + 500)
    .map((e) => `${((e.at - from) / 1000).toFixed(2)} ${e.what}`);
}

function describeEvent(e: temporal.api.history.v1.IHistoryEvent): string {
  const type = temporal.api.enums.v1.EventType[e.eventType ?? 0].replace(/^EVENT_TYPE_/, '');
  const timer = e.timerStartedEventAttributes?.startToFireTimeout;
  const activity = e.activityTaskScheduledEventAttributes?.activityType?.name;
  const identity = e.workflowTaskStartedEventAttributes?.identity ?? e.activityTaskStartedEventAttributes?.identity;
  const detail = timer ? ` fires in ${Number(timer.seconds ?? 0) + (timer.nanos ?? 0) / 1e9}s` : activity ? ` ${activity}` : identity ? ` by ${identity}` : '';
  return `${type}${detail}`;
}

/** History length of every run of the continue-as-new chain, first to last. */
async function historyRuns(rig: Rig, recordingId: string, firstRunId: string): Promise<number[]> {
  const out: number[] = [];
  let timeouts = 0;
  let runId: string | undefined = firstRunId;
  const all: Array<{ at: number; what: string }> = [];
  chainEvents.set(recordingId, all);
  while (runId) {
    const history: temporal.api.history.v1.IHistory = await rig.client.temporal.workflow.getHandle(workflowIdFor(recordingId), runId).fetchHistory();
    const events: temporal.api.history.v1.IHistoryEvent[] = history.events ?? [];
    for (const e of events) {
      const t = e.eventTime;
      if (t) all.push({ at: Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6), what: describeEvent(e) });
    }
    out.push(events.length);
    timeouts += events.filter((e) => e.workflowTaskTimedOutEventAttributes).length;
    runId = events[events.length - 1]?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  workflowTaskTimeouts.set(recordingId, timeouts);
  return out;
}
