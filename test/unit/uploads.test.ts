import type { Segment } from '../../src/contract/messages';
import { commonTimings } from '../../src/contract/timings';
import { decideDescribe } from '../../src/workflows/decisions';
import { Counts } from '../../src/workflows/retry';
import { beginUpload, expireUpload, isPending, overallUpload, settleStage } from '../../src/workflows/uploads';

const at = '2026-12-02T06:00:00.000Z';
const seg = (over: Partial<Segment> = {}): Segment => ({ index: 0, lane: 0, identity: '1', recorderId: 'sid', requestedAt: at, endedAt: at, files: [], subscriptionsVersion: 0, layoutVersion: 0, ...over });

describe('upload settlement (pure)', () => {
  it('waits for every stage the recorder uses; the worst stage decides', () => {
    const s = seg({ uploadStages: ['storage', 'mp4'] });
    beginUpload(s, true, at);
    expect(s.upload!.state).toBe('pending');
    settleStage(s, 'storage', 'uploaded', at, '305');
    expect(isPending(s)).toBe(true);
    settleStage(s, 'mp4', 'backuped', at, '310');
    expect(s.upload).toMatchObject({ state: 'backuped', settledAt: at });
  });

  it('keeps callbacks that came before the recorder ended, and backuped → uploaded is progress', () => {
    const s = seg({ endedAt: undefined });
    settleStage(s, 'storage', 'backuped', at, '305');
    expect(isPending(s)).toBe(false); // still live: not pending yet
    settleStage(s, 'storage', 'uploaded', at, '305');
    s.endedAt = at;
    beginUpload(s, true, at);
    expect(s.upload!.state).toBe('uploaded');
  });

  it("takes Agora's stop answer at its word, and otherwise says untracked when not tracking", () => {
    const said = seg({ uploadingStatus: 'uploaded' });
    beginUpload(said, true, at);
    expect(said.upload!.state).toBe('uploaded');
    const quiet = seg();
    beginUpload(quiet, false, at);
    expect(quiet.upload!.state).toBe('untracked');
    beginUpload(quiet, true, at); // idempotent once begun
    expect(quiet.upload!.state).toBe('untracked');
  });

  it('gives no upload to attempts that never had a recorder or recorded nothing', () => {
    const none = seg({ recorderId: undefined });
    const empty = seg({ nothingRecorded: true });
    beginUpload(none, true, at);
    beginUpload(empty, true, at);
    expect(none.upload).toBeUndefined();
    expect(empty.upload).toBeUndefined();
  });

  it('reports unknown past the deadline, never uploaded; the overall state is the worst', () => {
    const a = seg({ index: 0 });
    const b = seg({ index: 1, uploadingStatus: 'uploaded' });
    beginUpload(a, true, at);
    beginUpload(b, true, at);
    expect(overallUpload([a, b])).toBe('pending');
    expireUpload(a, at);
    expireUpload(b, at);
    expect(a.upload!.state).toBe('unknown');
    expect(b.upload!.state).toBe('uploaded');
    expect(overallUpload([a, b])).toBe('unknown');
    expect(overallUpload([])).toBe('untracked');
  });
});

describe('describe decisions with callback evidence', () => {
  const notFound = { kind: 'not-found' as const, detail: { httpStatus: 404, code: '404', reason: 'failed to find worker' } };
  const now = Date.parse(at);

  it('confirms a 404 at once after an exit event', () => {
    expect(decideDescribe(notFound, new Counts(), commonTimings, now, undefined, { ended: 'exited event 11' })).toEqual({ done: { gone: "query 404 after the vendor's exited event 11", mayStillRun: false } });
  });

  it('waits through 404s during a failover grace, then falls back to the ladder', () => {
    const counts = new Counts();
    const during = decideDescribe(notFound, counts, commonTimings, now, undefined, { failoverUntil: now + 2_000 });
    expect(during).toEqual({ again: { delayMs: 2_000, why: expect.stringMatching(/failover/) } });
    const after = decideDescribe(notFound, counts, commonTimings, now + 3_000, undefined, { failoverUntil: now + 2_000 });
    expect(after).toEqual({ again: { delayMs: commonTimings.notFoundConfirmDelaysMs[0], why: expect.stringMatching(/confirming 404/) } });
  });
});
