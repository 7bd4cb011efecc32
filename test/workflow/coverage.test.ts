/**
 * Coverage end to end, judged by the emulator's own clock: every stretch of the session in which
 * the emulator had no recorder at status 5 for the channel lies inside a reported gap. The state
 * query, the result, the search attributes and the report all carry it.
 */
import type { Coverage } from '../../src/contract/coverage';
import type { RecordingInterval } from '../../src/emulator/timeline';
import { RecordingEnv } from '../support/recording-env';
import { waitFor } from '../support/wait';

type Span = { a: number; b: number };

/** The parts of [from, to] no interval covers. */
function complement(spans: Span[], from: number, to: number): Span[] {
  const out: Span[] = [];
  let cursor = from;
  for (const s of [...spans].sort((x, y) => x.a - y.a)) {
    if (s.a > cursor) out.push({ a: cursor, b: Math.min(s.a, to) });
    cursor = Math.max(cursor, s.b);
  }
  if (cursor < to) out.push({ a: cursor, b: to });
  return out.filter((s) => s.b > s.a);
}

const inside = (s: Span, gaps: Span[]) => gaps.some((g) => g.a <= s.a && s.b <= g.b);
const spansOf = (c: Coverage) => c.gaps.map((g) => ({ a: Date.parse(g.start), b: Date.parse(g.end) }));

describe('coverage against the emulator clock', () => {
  let env: RecordingEnv;
  beforeAll(async () => {
    env = await RecordingEnv.start();
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('reports every unrecorded stretch as a gap, with the reason, in state, result, search attributes and report', async () => {
    const req = env.request();
    await env.client.startRecording(req);
    let state = await env.waitForState(req.recordingId, (s) => s.phase === 'recording' && !!s.segments[0].lastAliveAt);
    expect(state.coverage).toMatchObject({ final: false, gaps: [expect.objectContaining({ kind: 'start', before: 0 })] });

    // Kill the recorder: the workflow finds it gone at a later query and restarts on the backup uid.
    await new Promise((r) => setTimeout(r, 3_000));
    await env.control('POST', `/tasks/${state.segments[0].recorderId}/exit`);
    state = await env.waitForState(req.recordingId, (s) => s.segments.length === 2 && s.phase === 'recording');
    const loss = state.coverage!.gaps.find((g) => g.kind === 'loss')!;
    expect(loss).toMatchObject({ after: 0, before: 1 });
    expect(loss.unknownSeconds).toBeGreaterThan(0);
    expect(loss.reason).toMatch(/^recorder #0 .*404.*; last seen alive .* \(.* unknown\); restart #1 confirmed after /);

    await new Promise((r) => setTimeout(r, 3_000));
    const summary = (await env.client.stopRecording(req.recordingId, { reason: 'class over' }))!;
    const c = summary.coverage!;
    expect(c.final).toBe(true);
    expect(c.ratio).toBeGreaterThan(0.3);
    expect(c.ratio).toBeLessThan(1);

    // The emulator's truth: when a recorder of this channel was at status 5.
    const { channels } = await env.control<{ channels: Record<string, RecordingInterval[]> }>('GET', `/timeline?cname=${encodeURIComponent(req.channel)}`);
    const live = channels[req.channel].map((i) => ({ a: i.from, b: i.to ?? Infinity }));
    expect(live).toHaveLength(2);
    const from = Date.parse(c.from!);
    const to = Date.parse(c.to!);
    const unrecorded = complement(live, from, to);
    // Before the first recorder and across the kill.
    expect(unrecorded.length).toBeGreaterThanOrEqual(2);
    const gaps = spansOf(c);
    for (const s of unrecorded) expect({ unrecorded: s, inGap: inside(s, gaps) }).toEqual({ unrecorded: s, inGap: true });
    // Honest, not wildly pessimistic: the excess is what our queries could not see.
    const truth = unrecorded.reduce((n, s) => n + (s.b - s.a), 0) / 1000;
    expect(c.gapSeconds).toBeGreaterThanOrEqual(truth);
    expect(c.gapSeconds - truth).toBeLessThan(5);

    // Search attributes: the Web UI can list `RecordingGapSeconds > N`.
    const item = await waitFor(
      async () => (await env.client.listRecordings({ running: false, channel: req.channel })).find((i) => i.status === 'COMPLETED' && i.gapSeconds !== undefined),
      { timeoutMs: 15_000, what: 'the finished recording in visibility with its coverage' },
    );
    expect(item.gapSeconds).toBe(Math.round(c.gapSeconds));
    // The search attribute carries the ratio rounded to 3 decimals (observe.ts).
    expect(item.coverage).toBe(Math.round(c.ratio * 1000) / 1000);
    const listed = await env.client.reportList({ since: '1h', query: `RecordingGapSeconds >= ${Math.round(c.gapSeconds)} AND RecordingChannel = "${req.channel}"` });
    expect(listed.rows.map((r) => r.recordingId)).toEqual([req.recordingId]);

    // The report of a finished recording comes from its result: the same coverage.
    const report = await env.client.reportRecording(req.recordingId);
    expect(report).toMatchObject({ status: 'COMPLETED', phase: 'stopped', channel: req.channel, restarts: 1, stopReason: 'class over' });
    expect(report.coverage).toEqual({ ...c });
  }, 90_000);

  it('a recording that never confirms is one gap over its whole session', async () => {
    const req = env.request({ timings: { ...env.request().timings, confirmTimeoutMs: 1_500, maxConsecutiveFailedAttempts: 2 } });
    // Recorders that never climb past status 2.
    await env.fault({ op: 'start', effect: 'stuck', times: 5, match: { cname: req.channel } });
    await env.client.startRecording(req);
    const state = await env.waitForState(req.recordingId, (s) => s.segments.length >= 1 && !!s.segments[0].endedAt, 30_000);
    await env.client.stopRecording(req.recordingId, { wait: false }).catch(() => undefined);
    expect(state.coverage).toMatchObject({ coveredSeconds: 0, ratio: 0, gaps: [expect.objectContaining({ kind: 'never' })] });
    expect(state.coverage!.gaps[0].reason).toMatch(/^no recorder was ever confirmed/);
    const { channels } = await env.control<{ channels: Record<string, RecordingInterval[]> }>('GET', `/timeline?cname=${encodeURIComponent(req.channel)}`);
    expect(channels[req.channel]).toBeUndefined();
  }, 60_000);
});
