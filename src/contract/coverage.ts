/**
 * Coverage: was the whole session recorded, and if not, which stretches are missing and why.
 * Pure (no Temporal, no I/O): the workflow keeps `state.coverage` with it, and the client and the
 * report compute it from segments alone.
 *
 * What counts as covered is only what we saw: a recorder is covered from its first status 4/5
 * (`confirmedAt`) to the last query that proved it alive (`lastAliveAt`), or to `endedAt` when we
 * stopped it ourselves (the stop answer proves it ran until then). Between that last proof and the
 * query that found a lost recorder gone, we do not know: that stretch is part of the gap (a gap is
 * an upper bound) and is reported as `unknownSeconds`. An idle recorder (alive, nobody to record)
 * counts as covered: it would have recorded anyone who spoke.
 */
import type { Segment } from './messages';

export interface Interval {
  start: string;
  end: string;
  seconds: number;
}

/** `start`: before the first recorder was confirmed; `loss`: after a recorder was lost; `never`: no recorder was ever confirmed. */
export type GapKind = 'start' | 'loss' | 'never';

export interface CoverageGap extends Interval {
  kind: GapKind;
  /** Of `seconds`, how much lies between a last proof of life and the query that found the recorder gone. */
  unknownSeconds: number;
  /** The segment whose coverage ends where the gap starts, and the one whose coverage ends it. */
  after?: number;
  before?: number;
  reason: string;
}

/** Two or more recorders covering the same stretch (redundant lanes, or a handover). */
export interface Overlap extends Interval {
  segments: number[];
}

export interface LaneCoverage {
  lane: number;
  coveredSeconds: number;
  ratio: number;
}

export interface Coverage {
  /** The session: first requested start → the stop (or, while running, the latest thing we know). */
  from?: string;
  to?: string;
  /** True once the stop was requested: `to` is the stop, and nothing later changes the figures. */
  final: boolean;
  sessionSeconds: number;
  coveredSeconds: number;
  gapSeconds: number;
  unknownSeconds: number;
  /** covered / session, 0 when there is no session yet. */
  ratio: number;
  covered: Interval[];
  gaps: CoverageGap[];
  overlaps: Overlap[];
  lanes: LaneCoverage[];
}

export interface CoverageOptions {
  /** When the stop was requested: the session ends there. */
  stoppedAt?: string;
}

/** A recorder we stopped ourselves: at the recording's stop (finish() writes these reasons), or after handing over to a confirmed successor. */
export const endedByStop = (seg: Segment): boolean => seg.endReason === 'stopped' || !!seg.endReason?.startsWith('stopped:') || seg.handedOverTo !== undefined;

type Span = { a: number; b: number };
type Owned = Span & { seg: Segment };

const ms = (iso: string | undefined): number | undefined => (iso === undefined ? undefined : Date.parse(iso));
const secs = (n: number): number => Math.round(n) / 1000;
const isoOf = (t: number): string => new Date(t).toISOString();
const interval = (a: number, b: number): Interval => ({ start: isoOf(a), end: isoOf(b), seconds: secs(b - a) });

/** "41 s", "2.5 s", "3 min 20 s" */
export function formatSeconds(s: number): string {
  if (s < 10) return `${Math.round(s * 10) / 10} s`;
  if (s < 120) return `${Math.round(s)} s`;
  const m = Math.floor(s / 60);
  const rest = Math.round(s - m * 60);
  return rest ? `${m} min ${rest} s` : `${m} min`;
}

function union(spans: Span[]): Span[] {
  const sorted = spans.filter((s) => s.b > s.a).sort((x, y) => x.a - y.a);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out.at(-1);
    if (last && s.a <= last.b) last.b = Math.max(last.b, s.b);
    else out.push({ a: s.a, b: s.b });
  }
  return out;
}

const clip = <S extends Span>(s: S, from: number, to: number): S => ({ ...s, a: Math.max(s.a, from), b: Math.min(s.b, to) });
const measure = (spans: Span[]): number => spans.reduce((n, s) => n + Math.max(0, s.b - s.a), 0);
const intersect = (s: Span, spans: Span[]): number => measure(spans.map((x) => clip(x, s.a, s.b)));

/** What a segment proved: covered from its confirmation, then unknown until it was found gone. */
function proven(seg: Segment): { covered?: Owned; unknown?: Owned } {
  const confirmed = ms(seg.confirmedAt);
  if (confirmed === undefined) return {};
  const ended = ms(seg.endedAt);
  const alive = Math.max(confirmed, ms(seg.lastAliveAt) ?? confirmed);
  const coverEnd = ended !== undefined && endedByStop(seg) ? Math.max(alive, ended) : alive;
  const covered = { a: confirmed, b: coverEnd, seg };
  return ended !== undefined && ended > coverEnd ? { covered, unknown: { a: coverEnd, b: ended, seg } } : { covered };
}

/** The latest instant any segment reports: how far a running recording has been observed. */
function lastKnown(segments: Segment[]): number {
  let t = -Infinity;
  for (const s of segments) {
    for (const v of [s.requestedAt, s.startedAt, s.confirmedAt, s.lastAliveAt, s.endedAt]) {
      const n = ms(v);
      if (n !== undefined && n > t) t = n;
    }
  }
  return t;
}

export function computeCoverage(segments: Segment[], opts: CoverageOptions = {}): Coverage {
  const final = opts.stoppedAt !== undefined;
  const empty: Coverage = { final, sessionSeconds: 0, coveredSeconds: 0, gapSeconds: 0, unknownSeconds: 0, ratio: 0, covered: [], gaps: [], overlaps: [], lanes: [] };
  if (!segments.length) return empty;
  const from = Math.min(...segments.map((s) => ms(s.requestedAt)!));
  const to = Math.max(from, final ? ms(opts.stoppedAt)! : lastKnown(segments));

  const proofs = segments.map(proven);
  // A recorder just confirmed covers an instant: no length yet, but it is what ends the gap before it.
  const coveredBy = proofs.flatMap((p) => (p.covered ? [clip(p.covered, from, to)] : [])).filter((s) => s.b >= s.a);
  const unknown = union(proofs.flatMap((p) => (p.unknown ? [clip(p.unknown, from, to)] : [])));
  const covered = union(coveredBy);

  const gapSpans: Span[] = [];
  let cursor = from;
  for (const c of covered) {
    if (c.a > cursor) gapSpans.push({ a: cursor, b: c.a });
    cursor = Math.max(cursor, c.b);
  }
  if (to > cursor) gapSpans.push({ a: cursor, b: to });
  // A recorder confirmed and lost before any later query proved it alive covers an instant only:
  // it still splits the gap, so each side names what happened (start, then loss).
  for (const p of [...new Set(coveredBy.filter((o) => o.a === o.b).map((o) => o.a))].sort((x, y) => x - y)) {
    const i = gapSpans.findIndex((g) => g.a < p && p < g.b);
    if (i >= 0) gapSpans.splice(i, 1, { a: gapSpans[i].a, b: p }, { a: p, b: gapSpans[i].b });
  }

  const gaps = gapSpans.map((g) => describeGap(g, segments, coveredBy, unknown, { from, to, final }));
  const session = to - from;
  const coveredMs = measure(covered);
  const lanes = [...new Set(segments.map((s) => s.lane))].sort((x, y) => x - y).map((lane) => {
    const c = measure(union(coveredBy.filter((o) => o.seg.lane === lane)));
    return { lane, coveredSeconds: secs(c), ratio: session > 0 ? round4(c / session) : 0 };
  });
  return {
    from: isoOf(from),
    to: isoOf(to),
    final,
    sessionSeconds: secs(session),
    coveredSeconds: secs(coveredMs),
    gapSeconds: secs(session - coveredMs),
    unknownSeconds: secs(gapSpans.reduce((n, g) => n + intersect(g, unknown), 0)),
    ratio: session > 0 ? round4(coveredMs / session) : 0,
    covered: covered.map((c) => interval(c.a, c.b)),
    gaps,
    overlaps: overlaps(coveredBy),
    lanes,
  };
}

const round4 = (r: number): number => Math.round(r * 10_000) / 10_000;

function describeGap(g: Span, segments: Segment[], coveredBy: Owned[], unknown: Span[], session: { from: number; to: number; final: boolean }): CoverageGap {
  // The recorder whose coverage ended here, and the one whose coverage ends the gap.
  const pred = coveredBy.filter((o) => o.b === g.a).sort((x, y) => y.seg.index - x.seg.index)[0]?.seg;
  const succ = coveredBy.filter((o) => o.a === g.b).sort((x, y) => x.seg.index - y.seg.index)[0]?.seg;
  const unknownMs = intersect(g, unknown);
  const length = formatSeconds((g.b - g.a) / 1000);
  // Attempts that never reached status 4/5 inside the gap.
  const failed = segments.filter((s) => !s.confirmedAt && ms(s.requestedAt)! >= g.a - 1 && ms(s.requestedAt)! < g.b && (!succ || s.index < succ.index) && s.endedAt);
  const attempts = failed.length ? ` (${failed.length} failed attempt${failed.length > 1 ? 's' : ''}, last: ${failed.at(-1)!.endReason ?? 'no reason given'})` : '';
  const unconfirmed = `no recorder confirmed ${session.final ? 'before the stop' : 'yet'} (${length})${attempts}`;

  let kind: GapKind;
  let reason: string;
  if (pred) {
    kind = 'loss';
    const lost = pred.endReason ?? 'recorder lost';
    const unsure = unknownMs > 0 ? `; last seen alive ${pred.lastAliveAt ?? pred.confirmedAt}, found gone ${pred.endedAt} (${formatSeconds(unknownMs / 1000)} unknown)` : '';
    reason = `recorder #${pred.index} ${lost}${unsure}; ${succ ? `restart #${succ.index} confirmed after ${length}${attempts}` : unconfirmed}`;
  } else if (succ || segments.some((s) => s.confirmedAt)) {
    kind = 'start';
    reason = `starting: ${succ ? `recorder #${succ.index} confirmed ${length} after the first request${attempts}` : unconfirmed}`;
  } else {
    kind = 'never';
    const last = segments.at(-1)!;
    reason = `no recorder was ever confirmed (${segments.length} attempt${segments.length > 1 ? 's' : ''}; last: ${last.endReason ?? (last.recorderId ? 'still confirming' : 'still starting')})`;
  }
  return {
    ...interval(g.a, g.b),
    kind,
    unknownSeconds: secs(unknownMs),
    ...(pred ? { after: pred.index } : {}),
    ...(succ ? { before: succ.index } : {}),
    reason,
  };
}

/** Stretches covered by two or more recorders at once, with the segments involved. */
function overlaps(coveredBy: Owned[]): Overlap[] {
  const points = [...new Set(coveredBy.flatMap((o) => [o.a, o.b]))].sort((x, y) => x - y);
  const out: Overlap[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, b] = [points[i], points[i + 1]];
    const active = coveredBy.filter((o) => o.a <= a && o.b >= b).map((o) => o.seg.index).sort((x, y) => x - y);
    if (active.length < 2) continue;
    const last = out.at(-1);
    if (last && last.end === isoOf(a) && last.segments.join() === active.join()) Object.assign(last, interval(Date.parse(last.start), b), { segments: active });
    else out.push({ ...interval(a, b), segments: active });
  }
  return out;
}
