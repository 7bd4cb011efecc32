/**
 * Coverage on the emulator's clock, for tests and benchmarks: a recorder covers its channel from
 * status 5 (startedAt + startDelayMs, as the emulator climbs its status) until it ended. Pure.
 */

export interface RecorderSpan {
  startedAt: number;
  endedAt: number | null;
  /** Stuck recorders never reach status 5. */
  stuck?: boolean;
}

export interface Coverage {
  /** First instant any recorder reached status 5 (null: none did). */
  firstReadyAt: number | null;
  uncoveredMs: number;
  /** The uncovered stretches, in order. */
  gaps: Array<{ from: number; to: number }>;
}

/** Status-5 intervals of every recorder, clipped to [from, to]. */
function spans(tasks: RecorderSpan[], startDelayMs: number, to: number): Array<[number, number]> {
  return tasks
    .filter((t) => !t.stuck)
    .map((t): [number, number] => [t.startedAt + startDelayMs, Math.min(t.endedAt ?? to, to)])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
}

/**
 * Time in [first status 5, `to`] during which no recorder was at status 5 (`from` overrides the
 * start, e.g. to begin at a recording's first confirmation).
 */
export function coverage(tasks: RecorderSpan[], startDelayMs: number, to: number, from?: number): Coverage {
  const s = spans(tasks, startDelayMs, to);
  const start = from ?? s[0]?.[0];
  if (start === undefined) return { firstReadyAt: null, uncoveredMs: 0, gaps: [] };
  const gaps: Coverage['gaps'] = [];
  let covered = start;
  for (const [a, b] of s) {
    if (a > covered) gaps.push({ from: covered, to: a });
    covered = Math.max(covered, b);
  }
  if (covered < to) gaps.push({ from: covered, to });
  return { firstReadyAt: s[0]?.[0] ?? null, uncoveredMs: gaps.reduce((n, g) => n + (g.to - g.from), 0), gaps };
}

/**
 * Handovers whose predecessor ended before its successor reached status 5 (each a gap the
 * handover should have prevented), from the workflow's segments and the emulator's tasks.
 */
export function handoverGaps(
  segments: Array<{ index: number; recorderId?: string; successorOf?: number; confirmedAt?: string }>,
  tasks: Map<string, RecorderSpan>,
  startDelayMs: number,
): Array<{ predecessor: number; successor: number; gapMs: number }> {
  const out: Array<{ predecessor: number; successor: number; gapMs: number }> = [];
  for (const succ of segments) {
    if (succ.successorOf === undefined || !succ.confirmedAt || !succ.recorderId) continue;
    const pred = segments.find((s) => s.index === succ.successorOf);
    const p = pred?.recorderId ? tasks.get(pred.recorderId) : undefined;
    const n = tasks.get(succ.recorderId);
    if (!p || !n) continue;
    const ready = n.startedAt + startDelayMs;
    const ended = p.endedAt ?? Infinity;
    if (ended < ready) out.push({ predecessor: succ.successorOf, successor: succ.index, gapMs: ready - ended });
  }
  return out;
}
