/** computeCoverage (src/contract/coverage.ts) over hand-built timelines: seconds after T0. */
import { computeCoverage, formatSeconds } from '../../src/contract/coverage';
import type { Segment } from '../../src/contract/messages';

const T0 = Date.parse('2025-03-01T10:00:00.000Z');
const at = (s: number): string => new Date(T0 + s * 1000).toISOString();

let next = 0;
function seg(f: { lane?: number; req: number; start?: number; conf?: number; alive?: number; end?: number; why?: string }): Segment {
  return {
    index: next++,
    lane: f.lane ?? 0,
    identity: String(100 + next),
    requestedAt: at(f.req),
    ...(f.start !== undefined ? { startedAt: at(f.start), recorderId: `sid${next}` } : {}),
    ...(f.conf !== undefined ? { confirmedAt: at(f.conf) } : {}),
    ...(f.alive !== undefined ? { lastAliveAt: at(f.alive) } : {}),
    ...(f.end !== undefined ? { endedAt: at(f.end), endReason: f.why } : {}),
    files: [],
    subscriptionsVersion: 0,
    layoutVersion: 0,
  };
}
beforeEach(() => (next = 0));

describe('computeCoverage', () => {
  it('a restart: startup gap, then the lost recorder\'s unknown stretch and the wait for its successor', () => {
    const segments = [
      seg({ req: 0, start: 1, conf: 3, alive: 60, end: 75, why: 'status left 4/5 (status 20)' }),
      seg({ req: 75, start: 76, conf: 80, alive: 190, end: 202, why: 'stopped: class over' }),
    ];
    const c = computeCoverage(segments, { stoppedAt: at(200) });
    expect(c).toMatchObject({ from: at(0), to: at(200), final: true, sessionSeconds: 200, coveredSeconds: 177, gapSeconds: 23, unknownSeconds: 15, ratio: 0.885 });
    expect(c.covered).toEqual([
      { start: at(3), end: at(60), seconds: 57 },
      { start: at(80), end: at(200), seconds: 120 },
    ]);
    expect(c.gaps).toHaveLength(2);
    expect(c.gaps[0]).toMatchObject({ kind: 'start', start: at(0), end: at(3), seconds: 3, unknownSeconds: 0, before: 0 });
    expect(c.gaps[0].reason).toBe('starting: recorder #0 confirmed 3 s after the first request');
    expect(c.gaps[1]).toMatchObject({ kind: 'loss', start: at(60), end: at(80), seconds: 20, unknownSeconds: 15, after: 0, before: 1 });
    expect(c.gaps[1].reason).toBe(`recorder #0 status left 4/5 (status 20); last seen alive ${at(60)}, found gone ${at(75)} (15 s unknown); restart #1 confirmed after 20 s`);
    expect(c.overlaps).toEqual([]);
  });

  it('counts a stopped recorder as covered up to the stop, not the later end of the stop call', () => {
    const c = computeCoverage([seg({ req: 0, conf: 2, alive: 50, end: 65, why: 'stopped' })], { stoppedAt: at(60) });
    expect(c).toMatchObject({ sessionSeconds: 60, coveredSeconds: 58, gapSeconds: 2, unknownSeconds: 0 });
  });

  it('does not count a lost recorder past its last proof of life, even when it ended by failure', () => {
    const c = computeCoverage([seg({ req: 0, conf: 5, alive: 40, end: 100, why: 'failed: vendor rejected' })]);
    expect(c).toMatchObject({ final: false, to: at(100), coveredSeconds: 35, gapSeconds: 65, unknownSeconds: 60 });
    expect(c.gaps[1]).toMatchObject({ kind: 'loss', start: at(40), end: at(100), unknownSeconds: 60 });
    expect(c.gaps[1].reason).toMatch(/^recorder #0 failed: vendor rejected; .*\(60 s unknown\); no recorder confirmed yet \(60 s\)$/);
  });

  it('a recording that never confirmed is one gap over the whole session', () => {
    const segments = [
      seg({ req: 0, start: 1, end: 91, why: 'no status 4/5 within 90 s of the sid' }),
      seg({ req: 91, start: 92, end: 182, why: 'no status 4/5 within 90 s of the sid' }),
    ];
    const c = computeCoverage(segments, { stoppedAt: at(200) });
    expect(c).toMatchObject({ sessionSeconds: 200, coveredSeconds: 0, gapSeconds: 200, ratio: 0 });
    expect(c.gaps).toEqual([
      expect.objectContaining({ kind: 'never', start: at(0), end: at(200), seconds: 200, reason: 'no recorder was ever confirmed (2 attempts; last: no status 4/5 within 90 s of the sid)' }),
    ]);
  });

  it('names failed attempts between a loss and the restart that held', () => {
    const segments = [
      seg({ req: 0, conf: 2, alive: 30, end: 33, why: 'not found (404, confirmed by 3 queries)' }),
      seg({ req: 33, start: 34, end: 40, why: 'start rejected: identity in use' }),
      seg({ req: 40, start: 41, conf: 44, alive: 100, end: 100, why: 'stopped' }),
    ];
    const c = computeCoverage(segments, { stoppedAt: at(100) });
    expect(c.gaps[1].reason).toBe(`recorder #0 not found (404, confirmed by 3 queries); last seen alive ${at(30)}, found gone ${at(33)} (3 s unknown); restart #2 confirmed after 14 s (1 failed attempt, last: start rejected: identity in use)`);
  });

  it('lanes: one lane covers the other\'s loss, so the union has no gap there, and overlaps are reported', () => {
    const segments = [
      seg({ lane: 0, req: 0, conf: 3, alive: 50, end: 60, why: 'status left 4/5 (status 20)' }),
      seg({ lane: 1, req: 0, conf: 4, alive: 120, end: 120, why: 'stopped' }),
      seg({ lane: 0, req: 60, conf: 65, alive: 120, end: 121, why: 'stopped' }),
    ];
    const c = computeCoverage(segments, { stoppedAt: at(120) });
    expect(c).toMatchObject({ coveredSeconds: 117, gapSeconds: 3, unknownSeconds: 0, ratio: 0.975 });
    expect(c.gaps).toEqual([expect.objectContaining({ kind: 'start', start: at(0), end: at(3), before: 0 })]);
    expect(c.overlaps).toEqual([
      { start: at(4), end: at(50), seconds: 46, segments: [0, 1] },
      { start: at(65), end: at(120), seconds: 55, segments: [1, 2] },
    ]);
    expect(c.lanes).toEqual([
      { lane: 0, coveredSeconds: 102, ratio: 0.85 },
      { lane: 1, coveredSeconds: 116, ratio: 0.9667 },
    ]);
  });

  it('while running, the session ends at the latest observation and nothing beyond it is claimed', () => {
    const c = computeCoverage([seg({ req: 0, start: 1, conf: 3, alive: 123 })]);
    expect(c).toMatchObject({ final: false, to: at(123), coveredSeconds: 120, gapSeconds: 3 });
    const confirming = computeCoverage([seg({ req: 0, start: 1 })]);
    expect(confirming.gaps).toEqual([expect.objectContaining({ kind: 'never', seconds: 1, reason: 'no recorder was ever confirmed (1 attempt; last: still confirming)' })]);
  });

  it('no segments: an empty session', () => {
    expect(computeCoverage([])).toMatchObject({ sessionSeconds: 0, ratio: 0, gaps: [], covered: [] });
  });

  it('formats seconds for people', () => {
    expect([formatSeconds(2.46), formatSeconds(41.2), formatSeconds(200)]).toEqual(['2.5 s', '41 s', '3 min 20 s']);
  });
});

describe('computeCoverage at the instant of confirmation', () => {
  it('names the recorder that ends the start gap even before it has any length', () => {
    const c = computeCoverage([seg({ req: 0, start: 1, conf: 2, alive: 2 })]);
    expect(c.gaps).toEqual([expect.objectContaining({ kind: 'start', seconds: 2, before: 0, reason: 'starting: recorder #0 confirmed 2 s after the first request' })]);
    expect(c.overlaps).toEqual([]);
  });
});

describe('computeCoverage with a recorder lost before its second query', () => {
  it('splits the gap at its one proof of life: a start gap, then a loss', () => {
    const segments = [
      seg({ req: 0, start: 1, conf: 2, alive: 2, end: 7, why: 'query 404 confirmed 4 times' }),
      seg({ req: 7, start: 8, conf: 9, alive: 10, end: 11, why: 'stopped' }),
    ];
    const c = computeCoverage(segments, { stoppedAt: at(10) });
    expect(c).toMatchObject({ coveredSeconds: 1, gapSeconds: 9, unknownSeconds: 5 });
    expect(c.gaps.map((g) => [g.kind, g.start, g.end, g.after, g.before])).toEqual([
      ['start', at(0), at(2), undefined, 0],
      ['loss', at(2), at(9), 0, 1],
    ]);
  });
});
