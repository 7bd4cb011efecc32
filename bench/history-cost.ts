/**
 * history-cost: history events per recording-hour at the default cadence, and the largest single
 * run of a long session (continue-as-new chain).
 *
 * A long session is emulated, not waited for: the recording runs with the product's timings
 * except monitorIntervalMs (default 200 ms here), for as many monitor polls as --hours at the
 * default 120 s cadence would make (30 per hour; 24 h = 720 polls). A poll cycle writes the same
 * events whatever its interval (timer fired, workflow task, activity scheduled/started/completed,
 * workflow task, next timer), so the event count of the chain is that of the real session; only
 * wall time differs. The emulator's QPS limit is raised for this run so no 429 retry adds events
 * that a 2-minute cadence would never cause, and the dev server's timer precision is made finer
 * (see TIMER_PRECISION) so a cycle takes ~0.25 s instead of ~1 s.
 *
 * Derivation, from the histories read back with the Temporal client (fetchHistory of every run):
 *   per cycle     = events between the first and last monitor query of run 1 ÷ (monitor queries − 1)
 *   first hour    = events before the first monitor cycle (start, confirm) + 30 × per cycle
 *   session / h   = all events of all runs (incl. continue-as-new restarts and the stop) ÷ (polls ÷ 30)
 */
import { parseFlags, usageError } from '../src/command-line';
import { temporal } from '@temporalio/proto';
import { workflowIdFor } from '../src/client';
import { commonTimings as defaultTimings } from '../src/contract/timings';
import { RequestLog } from './lib/emulator-process';
import { appIdFor, startRig } from './lib/rig';
import { finish, loadavg, progress, table, type Row } from './lib/results';
import { sleep } from './lib/stats';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const POLLS_PER_HOUR = 3600 / 120;
/**
 * The server fires a timer up to history.timerProcessorMaxTimeShift (1 s by default) late, which
 * would make every 200 ms cycle take a second. A finer shift changes when timers fire, never
 * which events are written, so the count is unaffected; it is used for this benchmark only.
 */
const TIMER_PRECISION = { 'history.timerProcessorMaxTimeShift': '50ms' };

interface RunFigures {
  runId: string;
  events: number;
  queries: number;
  endedWith: string;
}

export async function run(argv: string[]): Promise<void> {
  const { values: f } = parseFlags(
    { program: 'npm run bench -- history-cost', about: 'Emulated hours of monitoring: history events per hour and the largest run before continue-as-new (docs/benchmarks.md).', argv },
    {
      hours: { type: 'string', default: '24' },
      'interval-ms': { type: 'string', default: '200' },
      recordings: { type: 'string', default: '1' },
      json: { type: 'boolean', default: false },
    },
  );
  const hours = Number(f.hours);
  const intervalMs = Number(f['interval-ms']);
  const recordings = Number(f.recordings);
  const targetPolls = Math.round(hours * POLLS_PER_HOUR);
  const startedAt = new Date().toISOString();
  const loadStart = loadavg();
  const APP = appIdFor('hist');

  const rig = await startRig({ name: 'history-cost', appIds: [APP], startDelayMs: 3000, emulatorQps: 1000, workerQps: Math.max(20, recordings * 10), dynamicConfig: TIMER_PRECISION });
  const log = new RequestLog(rig.emulator);
  const tag = Date.now().toString(36);
  const ids = Array.from({ length: recordings }, (_, i) => `hist_${tag}_${i}`);
  const firstRuns = new Map<string, string>();
  for (const id of ids) {
    const s = await rig.client.startRecording({ recordingId: id, appId: APP, channel: id, mode: 'mix', timings: { monitorIntervalMs: intervalMs } });
    firstRuns.set(id, s.runId);
  }
  progress(`${recordings} recording(s), ${targetPolls} monitor polls each (${hours} h at 120 s) every ${intervalMs} ms`);
  const polls = (cname: string) => Math.max(0, log.entries.filter((e) => e.op === 'query' && e.cname === cname).length - 1);
  let lastReport = 0;
  for (;;) {
    await sleep(2_000);
    await log.pull();
    const done = Math.min(...ids.map(polls));
    if (Date.now() - lastReport > 30_000) {
      lastReport = Date.now();
      progress(`${done}/${targetPolls} polls`);
    }
    if (done >= targetPolls) break;
  }
  await Promise.all(ids.map((id) => rig.client.stopRecording(id, { reason: 'bench done' })));

  const runsById = new Map<string, RunFigures[]>();
  let perCycle = 0;
  let startup = 0;
  let cycleWall = { timerMs: 0, activityMs: 0 };
  for (const id of ids) {
    const runs: RunFigures[] = [];
    let runId: string | undefined = firstRuns.get(id);
    while (runId) {
      const history = await rig.client.temporal.workflow.getHandle(workflowIdFor(id), runId).fetchHistory();
      const events: HistoryEvent[] = history.events ?? [];
      const queryIdx = events.flatMap((e, i) => (e.activityTaskScheduledEventAttributes?.activityType?.name === 'describeRecorder' ? [i] : []));
      const lastEvent = events[events.length - 1];
      const next = lastEvent?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
      if (runs.length === 0 && id === ids[0]) {
        const ms = (e: HistoryEvent) => Number(e.eventTime?.seconds ?? 0) * 1000 + Math.round((e.eventTime?.nanos ?? 0) / 1e6);
        const started = new Map<string, number>();
        const timer: number[] = [];
        const act: number[] = [];
        const sched = new Map<string, number>();
        events.forEach((e, i) => {
          if (e.timerStartedEventAttributes) started.set(e.timerStartedEventAttributes.timerId!, ms(e));
          if (e.timerFiredEventAttributes) timer.push(ms(e) - (started.get(e.timerFiredEventAttributes.timerId!) ?? ms(e)));
          if (e.activityTaskScheduledEventAttributes) sched.set(String(e.eventId), ms(e));
          if (e.activityTaskCompletedEventAttributes) act.push(ms(e) - (sched.get(String(e.activityTaskCompletedEventAttributes.scheduledEventId)) ?? ms(e)));
          void i;
        });
        const mean = (a: number[]) => Math.round(a.reduce((x, y) => x + y, 0) / Math.max(1, a.length));
        cycleWall = { timerMs: mean(timer.slice(1)), activityMs: mean(act) };
        const monitor = queryIdx.slice(1); // the first query confirms the start
        perCycle = (monitor[monitor.length - 1] - monitor[0]) / (monitor.length - 1);
        startup = monitor[0] - perCycle;
      }
      runs.push({ runId, events: events.length, queries: queryIdx.length, endedWith: next ? 'continue-as-new' : (temporal.api.enums.v1.EventType[lastEvent?.eventType ?? 0] ?? '?') });
      runId = next;
    }
    runsById.set(id, runs);
  }

  const all = [...runsById.values()].flat();
  const totalEvents = all.reduce((s, r) => s + r.events, 0);
  const totalPolls = ids.reduce((s, id) => s + polls(id), 0);
  const sessionPerHour = Number((totalEvents / (totalPolls / POLLS_PER_HOUR)).toFixed(1));
  const steadyPerHour = Number((perCycle * POLLS_PER_HOUR).toFixed(1));
  const firstHour = Number((startup + perCycle * POLLS_PER_HOUR).toFixed(1));
  const largestRun = Math.max(...all.map((r) => r.events));
  const worstHour = Math.max(firstHour, sessionPerHour, steadyPerHour);

  const rows: Row[] = [];
  for (const [id, runs] of runsById) runs.forEach((r, i) => rows.push([id, i + 1, r.events, r.queries, r.endedWith]));
  finish(
    {
      bench: 'history-cost',
      args: { hours, intervalMs, recordings, continueAsNewAfterEvents: defaultTimings.continueAsNewAfterEvents },
      figures: {
        emulatedHours: Number((totalPolls / recordings / POLLS_PER_HOUR).toFixed(2)),
        eventsPerPollCycle: Number(perCycle.toFixed(2)),
        startupEvents: Number(startup.toFixed(1)),
        meanWallMsPerCycle: cycleWall,
        eventsPerRecordingHour: { steady: steadyPerHour, firstHour, sessionAverage: sessionPerHour },
        largestRunEvents: largestRun,
        runs: Object.fromEntries(runsById),
      },
      targets: {
        'events per recording-hour (worst of first hour / steady / session average)': { target: '≤ 400', value: worstHour, met: worstHour <= 400 },
        'events in the largest run': { target: '≤ 10,000', value: largestRun, met: largestRun <= 10_000 },
      },
      loadavgStart: loadStart,
      startedAt,
    },
    [
      table(`runs of each recording (${hours} h emulated at 120 s = ${targetPolls} polls, every ${intervalMs} ms)`, ['recording', 'run', 'events', 'query activities', 'ended with'], rows),
      table('events per recording-hour at the 120 s cadence', ['figure', 'value'], [
        ['events per poll cycle', perCycle.toFixed(2)],
        ['events before the first poll cycle (start + confirm)', startup.toFixed(1)],
        ['steady hour (30 cycles)', steadyPerHour],
        ['first hour (start + 30 cycles)', firstHour],
        [`session average (${totalEvents} events / ${(totalPolls / POLLS_PER_HOUR).toFixed(1)} recording-hours)`, sessionPerHour],
        ['largest single run', largestRun],
      ]),
    ],
    f.json!,
  );
}
