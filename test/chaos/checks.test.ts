/** The chaos suite's judges must catch what they claim to: overlapping recorders, lost updates, bad endings. */
import { endedStopped, lostUpdates, overlaps, type Outcome } from '../../chaos/checks';
import type { EmulatorTask, Tracked } from '../../chaos/rig';
import type { RecordingSummary } from '../../src/client';

const task = (sid: string, startedAt: number, endedAt: number | null, subs?: string[]): EmulatorTask => ({
  cname: 'c',
  uid: '1',
  resourceId: 'r',
  sid,
  status: endedAt === null ? 5 : 8,
  live: endedAt === null,
  startedAt,
  endedAt,
  endReason: endedAt === null ? null : 'stopped',
  subscriptions: subs ? { audioUidList: { subscribeAudioUids: subs } } : null,
});

const summary = (segments: Array<Partial<RecordingSummary['segments'][number]>>, extra: Partial<RecordingSummary> = {}): Outcome => ({
  kind: 'stopped',
  summary: {
    recordingId: 'x',
    appId: 'a',
    channel: 'c',
    mode: 'mix',
    status: 'stopped',
    restarts: segments.length - 1,
    files: [],
    nothingRecorded: false,
    segments: segments.map((s, index) => ({ index, uid: '1', requestedAt: '', files: [], subscriptionsVersion: 0, layoutVersion: 0, endedAt: 'x', ...s })),
    ...extra,
  } as RecordingSummary,
});

const tracked = (updates: Tracked['updates']): Tracked => ({ recordingId: 'x', channel: 'c', identities: ['1', '2'], updates });

describe('chaos checks', () => {
  it('overlaps: back-to-back recorders are fine, any shared instant (or two still live) is a duplicate', () => {
    expect(overlaps([task('a', 0, 100), task('b', 100, 200)], 1_000)).toHaveLength(0);
    expect(overlaps([task('a', 0, 101), task('b', 100, 200)], 1_000)).toHaveLength(1);
    expect(overlaps([task('a', 0, null), task('b', 500, null)], 1_000)).toHaveLength(1);
    expect(overlaps([task('a', 0, null), task('b', 100, 200), task('c', 300, 400)], 1_000)).toHaveLength(2);
  });

  it('lostUpdates: the last accepted update must be on the final confirmed recorder', () => {
    const final = summary([{ recorderId: 's1', confirmedAt: new Date(1_000).toISOString() }]);
    const applied = (uids: string[], sentAt = 2_000) => ({ uids, sentAt, result: { applied: true, detail: '' } });
    expect(lostUpdates(tracked([applied(['1']), applied(['2'])]), final, [task('s1', 0, 5_000, ['2'])])).toEqual([]);
    expect(lostUpdates(tracked([applied(['1']), applied(['2'])]), final, [task('s1', 0, 5_000, ['1'])])).toHaveLength(1);
    // Kept for the next recorder and a recorder was confirmed after it: it must be there too.
    const kept = { uids: ['3'], sentAt: 500, result: { applied: false, detail: '' } };
    expect(lostUpdates(tracked([kept]), final, [task('s1', 0, 5_000, undefined)])).toHaveLength(1);
    // Refused updates are answers, not losses; unanswered ones are losses.
    expect(lostUpdates(tracked([{ uids: ['4'], sentAt: 1, rejected: 'stopping' }]), final, [task('s1', 0, 5_000)])).toEqual([]);
    expect(lostUpdates(tracked([{ uids: ['4'], sentAt: 1, error: 'timeout' }]), final, [task('s1', 0, 5_000)])).toHaveLength(1);
  });

  it('endedStopped: an uncertain stop, an open segment or a recorder no segment knows are problems', () => {
    const ok = summary([{ recorderId: 's1' }]);
    expect(endedStopped()(ok, [task('s1', 0, 10)], tracked([]))).toEqual([]);
    expect(endedStopped()(summary([{ recorderId: 's1' }], { stopUncertain: 'stop kept failing' }), [task('s1', 0, 10)], tracked([]))).toHaveLength(1);
    expect(endedStopped()(summary([{ recorderId: 's1', endedAt: undefined }]), [task('s1', 0, 10)], tracked([]))).toHaveLength(1);
    expect(endedStopped()(ok, [task('s1', 0, 10), task('zz', 20, 30)], tracked([]))).toHaveLength(1);
  });
});
