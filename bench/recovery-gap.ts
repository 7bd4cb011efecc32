/**
 * recovery-gap: recorders killed at random moments through the emulator
 * (POST /__emulator/tasks/<sid>/exit). Gap per kill, on the emulator's clock:
 *   death (the killed task's endedAt) → the next recorder of that channel at status 5
 *   (its startedAt + startDelayMs: the emulator's status climbs 0→5 evenly over startDelayMs).
 * Each recording is killed `--kills` times; every kill waits until the previous replacement was
 * confirmed by the workflow (its first query, 5 s after the sid) and then a uniform random
 * 0…interval, so kills land at uniformly random phases of the poll cycle. All cadences run at
 * once on one rig (default: 120 s, the product default, and 10 s); other timings are defaults.
 * --callbacks: the callback receiver runs as a process and the emulator sends it signed NCS
 * callbacks, so a death is reported rather than found by the next poll; the figures go in a
 * `callbacks` block. --drop-all (with --callbacks): the emulator drops every callback, proving the
 * polling floor still holds.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { parseFlags, usageError } from '../src/command-line';
import type { LogEntry } from '../src/emulator/stats';
import { commonTimings as defaultTimings } from '../src/contract/timings';
import type { EmulatorTask } from './lib/emulator-process';
import { ReceiverProcess } from './lib/receiver-process';
import { appIdFor, benchDataDir, startRig } from './lib/rig';
import { finish, loadavg, progress, table, type Row } from './lib/results';
import { rounded, sleep, summarize } from './lib/stats';

interface Kill {
  intervalMs: number;
  cname: string;
  killedSid: string;
  death: number;
  nextSid?: string;
  gapMs?: number;
  /** death → first query that saw the recorder gone (404). */
  detectMs?: number;
  /** that query → the replacement's acquire (404 confirmations). */
  confirm404Ms?: number;
  /** acquire → replacement at status 5. */
  restartMs?: number;
  error?: string;
}

export async function run(argv: string[]): Promise<void> {
  const { values: f } = parseFlags(
    { program: 'npm run bench -- recovery-gap', about: 'Kills recorders at random moments and measures the gap until the next recorder records (docs/benchmarks.md).', argv },
    {
      intervals: { type: 'string', default: '120000,10000' },
      recordings: { type: 'string', default: '4' },
      kills: { type: 'string', default: '2' },
      'start-delay-ms': { type: 'string', default: '3000' },
      seed: { type: 'string' },
      callbacks: { type: 'boolean', default: false },
      'drop-all': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  );
  if (f['drop-all'] && !f.callbacks) usageError('npm run bench -- recovery-gap', '--drop-all needs --callbacks');
  const callbacks = f.callbacks ? (f['drop-all'] ? 'drop-all' : 'delivered') : undefined;
  const intervals = f.intervals!.split(',').map(Number);
  const perCadence = Number(f.recordings);
  const killsEach = Number(f.kills);
  const startDelayMs = Number(f['start-delay-ms']);
  const startedAt = new Date().toISOString();
  const loadStart = loadavg();
  let seed = Number(f.seed ?? Date.now() % 2 ** 31);
  const firstSeed = seed;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const APP = appIdFor('gap');

  const rig = await startRig({ name: 'recovery-gap', appIds: [APP], startDelayMs, maxConcurrent: intervals.length * perCadence * 2 + 10 });
  const { emulator } = rig;
  if (callbacks) {
    const secret = crypto.randomBytes(18).toString('base64url');
    const receiver = await ReceiverProcess.start(
      { temporalAddress: rig.server?.address, namespace: rig.config.temporal.namespace, agoraSecret: secret },
      path.join(benchDataDir, `receiver-recovery-gap-${Date.now().toString(36)}.log`),
    );
    await emulator.control('POST', '/callbacks', { url: receiver.urlFor('agora'), secret });
    if (callbacks === 'drop-all') await emulator.control('POST', '/callbacks/faults', { effect: 'drop', times: 1_000_000 });
    progress(`callback receiver at ${receiver.url} (pid ${receiver.pid}); callbacks ${callbacks}`);
  }
  const since = Date.now();

  // One shared view of the emulator's tasks, refreshed at most every 500 ms.
  let cache: { at: number; tasks: Promise<EmulatorTask[]> } | undefined;
  const tasks = () => {
    if (!cache || Date.now() - cache.at > 500) cache = { at: Date.now(), tasks: emulator.tasks() };
    return cache.tasks;
  };
  /** The first task of `cname` started at or after `after` that reached status 5. */
  async function nextRecorder(cname: string, after: number, timeoutMs: number): Promise<EmulatorTask | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const t = (await tasks()).filter((x) => x.cname === cname && x.startedAt >= after).sort((a, b) => a.startedAt - b.startedAt);
      const live = t.find((x) => x.status === 5 || (x.endReason === 'killed' && x.endedAt! >= x.startedAt + startDelayMs));
      if (live) return live;
      await sleep(500);
    }
    return undefined;
  }

  const kills: Kill[] = [];
  const tag = Date.now().toString(36);
  async function driveRecording(intervalMs: number, idx: number): Promise<void> {
    const cname = `gap_${intervalMs / 1000}s_${tag}_${idx}`;
    await rig.client.startRecording({ recordingId: cname, appId: APP, channel: cname, mode: 'mix', timings: { monitorIntervalMs: intervalMs } });
    let task = await nextRecorder(cname, 0, 120_000);
    if (!task) throw new Error(`${cname}: first recorder never reached status 5`);
    for (let k = 0; k < killsEach; k++) {
      // Wait for the workflow's confirming query (firstQueryDelayMs after the sid), then a random phase.
      const confirmedBy = task.startedAt + defaultTimings.firstQueryDelayMs + 1_000;
      await sleep(Math.max(0, confirmedBy - Date.now()) + random() * intervalMs);
      const dead = await emulator.kill(task.sid);
      const kill: Kill = { intervalMs, cname, killedSid: task.sid, death: dead.endedAt! };
      kills.push(kill);
      const next = await nextRecorder(cname, dead.endedAt!, intervalMs + 180_000);
      if (!next) {
        kill.error = 'no replacement reached status 5';
        return;
      }
      kill.nextSid = next.sid;
      kill.gapMs = next.startedAt + startDelayMs - kill.death;
      progress(`${cname}: kill ${k + 1}/${killsEach} → gap ${(kill.gapMs / 1000).toFixed(1)} s`);
      task = next;
    }
  }

  const total = intervals.length * perCadence * killsEach;
  progress(`${perCadence} recordings per cadence (${intervals.map((i) => `${i / 1000} s`).join(', ')}), ${killsEach} kills each = ${total} kills; seed ${firstSeed}`);
  const drivers: Promise<void>[] = [];
  for (const intervalMs of intervals) for (let i = 0; i < perCadence; i++) drivers.push(driveRecording(intervalMs, i));
  const settled = await Promise.allSettled(drivers);
  const failures = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected').map((s) => String(s.reason));

  // Split each gap into detection, 404 confirmation and restart from the vendor-side request log.
  const log: LogEntry[] = await emulator.requests(since);
  for (const k of kills) {
    if (k.gapMs === undefined) continue;
    const after = log.filter((e) => e.cname === k.cname && e.at >= k.death);
    const first404 = after.find((e) => e.op === 'query' && e.sid === k.killedSid && e.httpStatus === 404);
    const acquire = after.find((e) => e.op === 'acquire');
    if (first404) k.detectMs = first404.at - k.death;
    if (first404 && acquire) k.confirm404Ms = acquire.at - first404.at;
    if (acquire) k.restartMs = k.death + k.gapMs - acquire.at;
  }

  const rows: Row[] = [];
  const figures: Record<string, unknown> = { startDelayMs, seed: firstSeed, failures };
  const cadence: Record<string, unknown> = {};
  const targets: Record<string, { target: string; value: unknown; met: boolean }> = {};
  for (const intervalMs of intervals) {
    const ks = kills.filter((k) => k.intervalMs === intervalMs);
    const ok = ks.filter((k) => k.gapMs !== undefined);
    const gap = rounded(summarize(ok.map((k) => k.gapMs! / 1000)), 1);
    const p50 = (sel: (k: Kill) => number | undefined) => rounded(summarize(ok.map(sel).filter((v): v is number => v !== undefined).map((v) => v / 1000)), 1).p50;
    const detect = p50((k) => k.detectMs);
    const confirm = p50((k) => k.confirm404Ms);
    const restart = p50((k) => k.restartMs);
    // With callbacks a death is reported: the successor is due within 10 s plus the vendor's start time.
    const targetS = callbacks === 'delivered' ? 10 + startDelayMs / 1000 : intervalMs / 1000 + 35;
    rows.push([`${intervalMs / 1000} s`, ok.length, ks.length - ok.length, gap.p50, gap.p99, gap.max, detect, confirm, restart, `≤ ${targetS}`]);
    cadence[`interval${intervalMs / 1000}s`] = { kills: ks.length, ok: ok.length, gapSec: gap, p50DetectSec: detect, p50Confirm404Sec: confirm, p50RestartSec: restart, gapsSec: ok.map((k) => Number((k.gapMs! / 1000).toFixed(1))) };
    targets[`max gap at ${intervalMs / 1000} s cadence${callbacks ? ` with callbacks ${callbacks}` : ''} (s)`] = { target: `≤ ${targetS}`, value: gap.max, met: gap.max !== null && gap.max <= targetS && ok.length === ks.length };
  }

  if (callbacks) {
    const log = await emulator.control<{ events: Array<{ state: string }> }>('GET', '/callbacks');
    const states: Record<string, number> = {};
    for (const e of log.events) states[e.state] = (states[e.state] ?? 0) + 1;
    figures.callbacks = { mode: callbacks, sent: states, ...cadence };
  } else Object.assign(figures, cadence);

  finish(
    {
      bench: 'recovery-gap',
      args: { intervals, recordings: perCadence, kills: killsEach, startDelayMs, seed: firstSeed, callbacks: callbacks ?? 'off' },
      figures,
      targets,
      loadavgStart: loadStart,
      startedAt,
    },
    [
      table(
        `recovery gap per kill, seconds on the emulator clock (death → next recorder at status 5); start delay ${startDelayMs / 1000} s${callbacks ? `; callbacks ${callbacks}` : ''}`,
        ['cadence', 'kills', 'no replacement', 'p50', 'p99', 'max', 'p50 death→404 seen', 'p50 404 confirmations', 'p50 acquire→status 5', 'target'],
        rows,
      ),
      ...(failures.length ? [`driver failures: ${failures.join('; ')}`] : []),
    ],
    f.json!,
  );
}
