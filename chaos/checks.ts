/**
 * What every scenario run is judged by, from the emulator's task list and the workflows' results:
 * each workflow ends as it should, no orphaned recorder, never two live recorders for one
 * recording at once, no stop or update lost.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { workflowIdFor, type RecordingSummary } from '../src/client';
import { pause, type EmulatorTask, type Rig, type Tracked } from './rig';

export type Outcome = { kind: 'stopped'; summary: RecordingSummary } | { kind: 'failed'; error: string } | { kind: 'stuck'; error: string };

/** A case's own expectations about how its recording ended; returns problems (empty = as it should). */
export type Expectation = (outcome: Outcome, tasks: EmulatorTask[], t: Tracked) => string[];

export interface Verdict {
  orphans: number;
  duplicates: number;
  lost: number;
  problems: string[];
}

/** Waits for the workflow's final result (following continue-as-new); a workflow still running then is terminated and reported. */
export async function outcomeOf(rig: Rig, t: Tracked, timeoutMs: number): Promise<Outcome> {
  const handle = rig.client.temporal.workflow.getHandle(workflowIdFor(t.recordingId));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
  try {
    const r = await Promise.race([handle.result() as Promise<RecordingSummary>, timeout]);
    if (r !== 'timeout') return { kind: 'stopped', summary: r };
  } catch (err) {
    const cause = err instanceof WorkflowFailedError ? (err.cause?.message ?? err.message) : (err as Error).message;
    return { kind: 'failed', error: cause };
  } finally {
    clearTimeout(timer);
  }
  const state = await rig.state(t.recordingId);
  await handle.terminate('chaos: did not finish in time').catch(() => undefined);
  return { kind: 'stuck', error: `still running after ${timeoutMs} ms in phase ${state?.phase} (waiting: ${state?.waiting?.reason ?? '-'}; last error: ${state?.lastError ?? '-'})` };
}

/** Pairs of this recording's recorders that were live at the same moment. */
export function overlaps(tasks: EmulatorTask[], now: number): Array<[EmulatorTask, EmulatorTask]> {
  const sorted = [...tasks].sort((a, b) => a.startedAt - b.startedAt);
  const out: Array<[EmulatorTask, EmulatorTask]> = [];
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length; j++) {
      const a = sorted[i];
      const b = sorted[j];
      if (b.startedAt < (a.endedAt ?? now) && a.startedAt < (b.endedAt ?? now)) out.push([a, b]);
    }
  }
  return out;
}

/**
 * Updates that were accepted and must be in effect: the last accepted one before the stop must be
 * on the final confirmed recorder. Applied=true means that recorder (or a successor) took it.
 */
export function lostUpdates(t: Tracked, outcome: Outcome, tasks: EmulatorTask[]): string[] {
  const problems: string[] = [];
  for (const u of t.updates) if (u.error) problems.push(`update ${u.uids.join(',')} got no answer: ${u.error}`);
  if (outcome.kind !== 'stopped') return problems;
  const accepted = t.updates.filter((u) => u.result);
  const last = accepted[accepted.length - 1];
  if (!last) return problems;
  const segs = outcome.summary.segments;
  const final = [...segs].reverse().find((s) => s.recorderId && s.confirmedAt);
  // Accepted but never applied (no confirmed recorder came after it): it stays desired; nothing to check on a recorder.
  if (!final || (!last.result!.applied && Date.parse(final.confirmedAt!) < last.sentAt)) return problems;
  const task = tasks.find((x) => x.sid === final.recorderId);
  const onRecorder = task?.subscriptions?.audioUidList?.subscribeAudioUids;
  if (JSON.stringify(onRecorder) !== JSON.stringify(last.uids)) {
    problems.push(`update ${last.uids.join(',')} (${last.result!.applied ? 'applied' : 'kept'}) not in effect on the final recorder ${final.recorderId}: it has ${JSON.stringify(onRecorder ?? null)}`);
  }
  return problems;
}

/** Two recorders of one recording may run at once on purpose: a planned handover's pair, or two lanes (redundancy). */
function meantToOverlap(outcome: Outcome, a: string, b: string): boolean {
  if (outcome.kind !== 'stopped') return false;
  const segs = outcome.summary.segments;
  const [x, y] = [segs.find((s) => s.recorderId === a), segs.find((s) => s.recorderId === b)];
  if (!x || !y) return false;
  return x.lane !== y.lane || x.successorOf === y.index || y.successorOf === x.index;
}

/** Judges a group of recordings that ran together; `settleMs` lets delayed vendor operations land first. */
export async function judge(rig: Rig, runs: Array<{ t: Tracked; expect: Expectation }>, opts: { timeoutMs?: number; settleMs?: number } = {}): Promise<Verdict[]> {
  const outcomes = await Promise.all(runs.map(({ t }) => outcomeOf(rig, t, opts.timeoutMs ?? 90_000)));
  await pause(opts.settleMs ?? 2_500);
  const all = await rig.tasks();
  const now = Date.now();
  return runs.map(({ t, expect }, i) => {
    const outcome = outcomes[i];
    const tasks = all.filter((x) => x.cname === t.channel);
    const problems: string[] = [];
    if (outcome.kind !== 'stopped') problems.push(`workflow ${outcome.kind}: ${outcome.error}`);
    // Every workflow is closed now: whatever still records is nobody's.
    const orphans = tasks.filter((x) => x.live);
    for (const o of orphans) problems.push(`orphaned recorder ${o.sid} (uid ${o.uid}, status ${o.status}, started ${new Date(o.startedAt).toISOString()})`);
    const dups = overlaps(tasks, now).filter(([a, b]) => !meantToOverlap(outcome, a.sid, b.sid));
    for (const [a, b] of dups) problems.push(`two live recorders at once: ${a.sid} (uid ${a.uid}) and ${b.sid} (uid ${b.uid})`);
    let lost = 0;
    if (t.stopSentAt !== undefined && outcome.kind !== 'stopped') {
      lost += 1;
      problems.push(`stop sent at ${new Date(t.stopSentAt).toISOString()} lost: the workflow ${outcome.kind}`);
    }
    if (t.stopError) {
      lost += 1;
      problems.push(`stop signal failed: ${t.stopError}`);
    }
    const upd = lostUpdates(t, outcome, tasks);
    lost += upd.length;
    problems.push(...upd);
    problems.push(...expect(outcome, tasks, t));
    return { orphans: orphans.length, duplicates: dups.length, lost, problems };
  });
}

// ---------------------------------------------------------------- common expectations

/** Ended stopped, the stop confirmed by the vendor, and the last segment closed by that stop. */
export function endedStopped(extra?: (s: RecordingSummary, tasks: EmulatorTask[], t: Tracked) => string[]): Expectation {
  return (outcome, tasks, t) => {
    if (outcome.kind !== 'stopped') return [];
    const s = outcome.summary;
    const problems: string[] = [];
    if (s.status !== 'stopped') problems.push(`status ${s.status}`);
    if (s.stopUncertain) problems.push(`stop uncertain: ${s.stopUncertain}`);
    const open = s.segments.filter((x) => !x.endedAt);
    if (open.length) problems.push(`${open.length} segment(s) left open`);
    for (const task of tasks) {
      // TRTC: a create retried with the same UserId replaced the robot it kicked, which never ran unowned.
      if (replaced(task)) continue;
      if (!s.segments.some((x) => x.recorderId === task.sid)) problems.push(`recorder ${task.sid} (uid ${task.uid}) is not in any segment`);
    }
    return [...problems, ...(extra ? extra(s, tasks, t) : [])];
  };
}

export const check = (cond: boolean, problem: string): string[] => (cond ? [] : [problem]);

/** TRTC: a create retried with the same UserId kicks the robot the first one made (LeaveCode 101). */
export const replaced = (task: EmulatorTask): boolean => !!task.endReason?.startsWith('replaced by its own identity');

/**
 * A start that happened but whose answer was lost, then retried: Agora answers the retry 201 with
 * the sid and the workflow adopts it (one recorder); TRTC's retried create replaces the first robot
 * with a new one on the same UserId (one recorder kept, the first ended by LeaveCode 101).
 */
export function retriedStartKeptOne(provider: 'agora' | 'trtc', s: RecordingSummary, tasks: EmulatorTask[]): string[] {
  if (provider === 'agora') {
    return [
      ...check(tasks.length === 1, `expected 1 recorder, the emulator saw ${tasks.length}`),
      ...check(s.segments.length === 1 && s.segments[0].adopted === true, 'the retried start should adopt the recorder (201 code 7)'),
    ];
  }
  const own = tasks.filter((x) => !replaced(x));
  return [
    ...check(own.length === 1, `expected 1 recorder kept, the emulator saw ${own.length}`),
    ...check(tasks.length - own.length <= 1, `expected at most 1 robot replaced by its own identity, saw ${tasks.length - own.length}`),
    ...check(s.segments.length === 1, `expected 1 segment, got ${s.segments.length}`),
  ];
}

/**
 * Planned handovers happened and were gapless: every handed-over predecessor ended after its
 * successor was confirmed (the workflow's word) and after the successor's task started (the emulator's).
 */
export function handedOverGaplessly(s: RecordingSummary, tasks: EmulatorTask[]): string[] {
  const problems = check((s.handovers ?? 0) >= 1, 'expected at least one planned handover');
  for (const pred of s.segments.filter((x) => x.handedOverTo !== undefined)) {
    const succ = s.segments[pred.handedOverTo!];
    if (!succ.confirmedAt || Date.parse(pred.endedAt!) < Date.parse(succ.confirmedAt)) problems.push(`recorder #${pred.index} ended before its successor #${succ.index} was confirmed`);
    const [a, b] = [tasks.find((t) => t.sid === pred.recorderId), tasks.find((t) => t.sid === succ.recorderId)];
    if (a?.endedAt && b && a.endedAt < b.startedAt) problems.push(`recorder ${pred.recorderId} ended at the emulator before its successor ${succ.recorderId} started`);
  }
  return problems;
}
