/**
 * Pure unit tests for the reliability rules: the lifecycle's decisions (src/workflows/decisions.ts)
 * fed through Agora's answer table (src/providers/agora/answers.ts), against Agora spec §6
 * (statuses), §7 (HTTP handling, start/monitor procedures) and §10 (uids); and the timings
 * (src/contract/timings.ts).
 */
import { commonTimings as defaultTimings, resolveTimings as resolveWith, type TimingOverrides, type Timings } from '../../src/contract/timings';
import { timingsSchema } from '../../src/contract/timing-schemas';
import { acquireAnswer, isExitedStatus, isRecordingStatus, queryAnswer, startAnswer, stopAnswer } from '../../src/providers/agora/answers';
import { MAX_UID, isValidUid } from '../../src/providers/agora/uid';
import { deriveUids } from '../../src/providers/agora/spec';
import { decideDescribe, decidePrepare, decideStart, decideStop, restartBackoffMs } from '../../src/workflows/decisions';
import { identityFor } from '../../src/workflows/identities';
import { Counts, type Step } from '../../src/workflows/retry';

/** Agora's defaults checked against recordingConfig.maxIdleTime, as the catalog does. */
const resolveTimings = (o: TimingOverrides | undefined, maxIdleSec: number) => resolveWith(defaultTimings, o, maxIdleSec, 'recordingConfig.maxIdleTime');
/** The n-th delay of a schedule, the last one repeating (what Counts.repeat hands out). */
function nth(schedule: number[], n: number): number {
  const c = new Counts();
  let d = 0;
  for (let i = 0; i <= n; i++) d = c.repeat('k', schedule);
  return d;
}

const t: Timings = defaultTimings;

// ------------------------------------------------------------------ timings

describe('defaultTimings (spec §7.2, §7.3)', () => {
  it('retries start after 3, 6, 9 s', () => {
    expect(t.startRetryDelaysMs).toEqual([3_000, 6_000, 9_000]);
  });

  it('queries first 5 s after the sid and gives up confirming 90 s after it', () => {
    expect(t.firstQueryDelayMs).toBe(5_000);
    expect(t.confirmTimeoutMs).toBe(90_000);
  });

  it('confirmation polls end exactly at the 90 s confirm timeout', () => {
    const offsets = t.confirmPollDelaysMs.reduce<number[]>((acc, d) => [...acc, acc[acc.length - 1] + d], [t.firstQueryDelayMs]);
    expect(offsets[offsets.length - 1]).toBe(t.confirmTimeoutMs);
  });

  it('monitors every 2 minutes', () => {
    expect(t.monitorIntervalMs).toBe(120_000);
  });

  it('confirms a 404 at 5, 10, 15 s and retries 50x at 5, 10, 15, 30 s', () => {
    expect(t.notFoundConfirmDelaysMs).toEqual([5_000, 10_000, 15_000]);
    expect(t.serverErrorRetryDelaysMs).toEqual([5_000, 10_000, 15_000, 30_000]);
  });

  it('is itself valid under timingsSchema', () => {
    expect(timingsSchema.safeParse(defaultTimings).success).toBe(true);
  });
});

describe('resolveTimings', () => {
  it('returns the defaults with no overrides and the recommended maxIdleTime (300 s)', () => {
    expect(resolveTimings(undefined, 300)).toEqual(defaultTimings);
  });

  it('accepts the 2-minute monitor interval with maxIdleTime 300 s', () => {
    expect(() => resolveTimings({}, 300)).not.toThrow();
  });

  it('merges overrides over the defaults without mutating them', () => {
    const r = resolveTimings({ monitorIntervalMs: 30_000, startRetryDelaysMs: [1, 2] }, 300);
    expect(r.monitorIntervalMs).toBe(30_000);
    expect(r.startRetryDelaysMs).toEqual([1, 2]);
    expect(r.firstQueryDelayMs).toBe(5_000);
    expect(r.serverErrorRetryDelaysMs).toEqual([5_000, 10_000, 15_000, 30_000]);
    expect(defaultTimings.monitorIntervalMs).toBe(120_000);
    expect(defaultTimings.startRetryDelaysMs).toEqual([3_000, 6_000, 9_000]);
  });

  it('rejects the defaults with maxIdleTime 30 s (monitor interval not below it)', () => {
    expect(() => resolveTimings(undefined, 30)).toThrow(RangeError);
    expect(() => resolveTimings(undefined, 30)).toThrow(/timings\.monitorIntervalMs/);
  });

  it('rejects monitorIntervalMs equal to maxIdleTime and accepts 1 ms below', () => {
    expect(() => resolveTimings({ monitorIntervalMs: 60_000 }, 60)).toThrow(/timings\.monitorIntervalMs \(60000\) must be below recordingConfig\.maxIdleTime \(60000 ms\)/);
    expect(resolveTimings({ monitorIntervalMs: 59_999 }, 60).monitorIntervalMs).toBe(59_999);
  });

  it('rejects each confirmation poll delay not below maxIdleTime, naming its index', () => {
    let message = '';
    try {
      resolveTimings({ monitorIntervalMs: 10_000, confirmPollDelaysMs: [5_000, 20_000, 19_999, 30_000] }, 20);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/timings\.confirmPollDelaysMs\[1\] \(20000\)/);
    expect(message).toMatch(/timings\.confirmPollDelaysMs\[3\] \(30000\)/);
    expect(message).not.toMatch(/confirmPollDelaysMs\[0\]/);
    expect(message).not.toMatch(/confirmPollDelaysMs\[2\]/);
    expect(message).not.toMatch(/monitorIntervalMs/);
  });

  it('the default confirmation delays fail with a short maxIdleTime even when the monitor interval fits', () => {
    expect(() => resolveTimings({ monitorIntervalMs: 10_000 }, 12)).toThrow(/timings\.confirmPollDelaysMs\[1\]/);
  });

  it('reports every problem at once', () => {
    expect(() => resolveTimings(undefined, 12)).toThrow(/monitorIntervalMs.*; .*confirmPollDelaysMs\[1\]/);
  });

  it('rejects firstQueryDelayMs not below confirmTimeoutMs', () => {
    expect(() => resolveTimings({ firstQueryDelayMs: 90_000 }, 300)).toThrow(/timings\.firstQueryDelayMs must be below timings\.confirmTimeoutMs/);
  });

  it('rejects restartBackoffInitialMs above restartBackoffMaxMs', () => {
    expect(() => resolveTimings({ restartBackoffInitialMs: 10, restartBackoffMaxMs: 9 }, 300)).toThrow(/restartBackoffInitialMs must not exceed/);
    expect(() => resolveTimings({ restartBackoffInitialMs: 10, restartBackoffMaxMs: 10 }, 300)).not.toThrow();
  });
});

describe('nth', () => {
  it('indexes the schedule and repeats its last value past the end', () => {
    const s = [1, 2, 3];
    expect([0, 1, 2, 3, 10].map((n) => nth(s, n))).toEqual([1, 2, 3, 3, 3]);
  });

  it('works on a single-value schedule', () => {
    expect(nth([7], 0)).toBe(7);
    expect(nth([7], 5)).toBe(7);
  });
});

describe('restartBackoffMs', () => {
  it('is 0 after no failures (first restart after a healthy recorder is immediate)', () => {
    expect(restartBackoffMs(t, 0)).toBe(0);
    expect(restartBackoffMs(t, -1)).toBe(0);
  });

  it('doubles from the initial value', () => {
    expect([1, 2, 3, 4].map((n) => restartBackoffMs(t, n))).toEqual([5_000, 10_000, 20_000, 40_000]);
  });

  it('is capped at restartBackoffMaxMs', () => {
    expect(restartBackoffMs(t, 7)).toBe(300_000); // 5 s · 64 = 320 s > 300 s
    expect(restartBackoffMs(t, 1000)).toBe(300_000);
    expect(restartBackoffMs({ ...t, restartBackoffInitialMs: 1_000, restartBackoffMaxMs: 2_500 }, 3)).toBe(2_500);
  });
});

// ------------------------------------------------------------------ statuses (spec §6)

describe('isRecordingStatus / isExitedStatus for every documented status', () => {
  const table: Array<[number, boolean, boolean]> = [
    // status, recording, exited
    [0, false, false],
    [1, false, false],
    [2, false, false],
    [3, false, false],
    [4, true, false],
    [5, true, false],
    [6, false, true],
    [7, false, true],
    [8, false, true],
    [20, false, true],
  ];
  it.each(table)('status %i: recording=%s exited=%s', (status, recording, exited) => {
    expect(isRecordingStatus(status)).toBe(recording);
    expect(isExitedStatus(status)).toBe(exited);
  });

  it('an absent status is neither recording nor exited', () => {
    expect(isRecordingStatus(undefined)).toBe(false);
    expect(isExitedStatus(undefined)).toBe(false);
  });
});

// ------------------------------------------------------------------ Agora answers → decisions

// Built by hand, so typed loosely: each answer fn takes its own op's outcome type.
type Any = any;
const ok = (body: unknown): Any => ({ kind: 'ok', httpStatus: 200, body }) as Any;
const partial = (code?: number): Any => ({ kind: 'partial', httpStatus: 206, code }) as Any;
const notFound: Any = { kind: 'not-found', httpStatus: 404, code: 404 } as Any;
const rateLimited: Any = { kind: 'rate-limited', httpStatus: 429 } as Any;
const clientError = (code?: number, httpStatus = 400): Any => ({ kind: 'client-error', httpStatus, code }) as Any;
const serverError = (httpStatus = 500, code?: number): Any => ({ kind: 'server-error', httpStatus, code }) as Any;
const unavailable: Any = { kind: 'network', error: 'socket hang up', timedOut: false, hostsTried: ['http://a'] } as Any;
const alreadyStarted = (sid?: string): Any => ({ kind: 'already-started', httpStatus: 201, code: 7, sid }) as Any;

type Decision<R> = { action: string; delayMs?: number; why?: string } & Partial<R>;
/** The decision on `last` after `before` earlier answers of the same operation (their schedules used). */
function decisionOf<O, R>(decide: (o: O, c: Counts) => Step<R>, last: O, before: O[] = []): Decision<R> {
  const c = new Counts();
  for (const o of before) decide(o, c);
  const step = decide(last, c);
  if ('again' in step) return { action: 'wait', delayMs: step.again.delayMs, why: step.again.why } as Decision<R>;
  const r = step.done as Record<string, unknown>;
  const action = Object.keys(r).find((k) => !['files', 'uploadingStatus', 'nothingRecorded', 'adopted', 'playlist', 'unmanageable', 'mayStillRun', 'rejected', 'idle'].includes(k))!;
  return { action, why: typeof r[action] === 'string' ? (r[action] as string) : undefined, ...r } as Decision<R>;
}
const times = <T>(n: number, x: T): T[] => Array.from({ length: n }, () => x);

const REF = { provider: 'agora', account: 'app', channel: 'c', identity: '1', lease: 'res', vendor: { mode: 'mix' } };
const acquire = (o: Any, before: Any[] = []) => decisionOf((x: Any, c) => decidePrepare(acquireAnswer(x), c, t), o, before);
const start = (o: Any, before: Any[] = []) => decisionOf((x: Any, c) => decideStart(startAnswer(x, REF, 'mix', 'c'), c, t), o, before);
const stop = (o: Any, before: Any[] = []) => decisionOf((x: Any, c) => decideStop(stopAnswer(x), c, t), o, before);
const query = (o: Any) => queryAnswer(o);

// ------------------------------------------------------------------ acquire

describe('acquire answers → prepare decisions', () => {
  it('200 → prepared with the resourceId as the lease', () => {
    expect(acquire(ok({ resourceId: 'res-1' }))).toMatchObject({ action: 'lease', lease: 'res-1' });
  });

  it('429 → wait on the rate-limit schedule without counting as a retry', () => {
    expect(acquire(rateLimited)).toMatchObject({ action: 'wait', delayMs: 1_000 });
    expect(acquire(rateLimited, [...times(3, serverError()), ...times(5, rateLimited)])).toMatchObject({ action: 'wait', delayMs: 6_000 });
    // three 50x before the 429s still leave the 50x schedule's last step for the next 50x
    expect(acquire(serverError(), [...times(2, serverError()), ...times(5, rateLimited)])).toMatchObject({ action: 'wait', delayMs: 6_000 });
  });

  it('400 code 406 (vendor_over_load) → give up this attempt, do not fail the recording', () => {
    const d = acquire(clientError(406));
    expect(d.action).toBe('giveUp');
    expect(d.why).toMatch(/406/);
  });

  it.each([2, 400, 401, 405, undefined])('400 code %s → fail', (code) => {
    expect(acquire(clientError(code)).action).toBe('fail');
  });

  it('401 unauthorised → fail', () => {
    expect(acquire(clientError(undefined, 401)).action).toBe('fail');
  });

  it.each<[string, Any]>([
    ['500 code 500', serverError(500, 500)],
    ['500 code 501', serverError(500, 501)],
    ['504 code 504', serverError(504, 504)],
    ['unavailable', unavailable],
  ])('%s → counted waits of 1, 3, 6 s, then give up this attempt', (_label, r) => {
    expect(acquire(r)).toMatchObject({ action: 'wait', delayMs: 1_000 });
    expect(acquire(r, times(1, r))).toMatchObject({ action: 'wait', delayMs: 3_000 });
    expect(acquire(r, times(2, r))).toMatchObject({ action: 'wait', delayMs: 6_000 });
    expect(acquire(r, times(3, r)).action).toBe('giveUp');
  });
});

// ------------------------------------------------------------------ start (spec §7.2 step 1)

describe('start answers → start decisions', () => {
  it('200 → started, not adopted, with the mix-mode playlist', () => {
    expect(start(ok({ sid: 'sid-1' }))).toMatchObject({ action: 'recorder', recorder: { ...REF, recorderId: 'sid-1' }, adopted: false, playlist: 'sid-1_c.m3u8' });
  });

  it('201 code 7 with a sid → adopt that recorder (never start twice)', () => {
    expect(start(alreadyStarted('sid-2'), times(2, serverError()))).toMatchObject({ action: 'recorder', recorder: { recorderId: 'sid-2' }, adopted: true });
  });

  it('201 without a sid → switch identity, the attempt marked unmanageable', () => {
    expect(start(alreadyStarted(undefined))).toMatchObject({ action: 'switchIdentity', unmanageable: true });
  });

  it.each<[string, Any]>([
    ['206 code 65', partial(65)],
    ['500 code 502', serverError(500, 502)],
    ['500 code 62', serverError(500, 62)],
    ['504', serverError(504)],
    ['unavailable', unavailable],
  ])('%s → retry after 3, 6, 9 s, then switch identity', (_label, r) => {
    expect(start(r)).toMatchObject({ action: 'wait', delayMs: 3_000 });
    expect(start(r, times(1, r))).toMatchObject({ action: 'wait', delayMs: 6_000 });
    expect(start(r, times(2, r))).toMatchObject({ action: 'wait', delayMs: 9_000 });
    expect(start(r, times(3, r)).action).toBe('switchIdentity');
  });

  it('400 code 53 (task conflict) → switch identity', () => {
    expect(start(clientError(53)).action).toBe('switchIdentity');
  });

  it.each([433, 432, 1001])('code %i → prepare a new lease (re-acquire)', (code) => {
    const d = start(clientError(code));
    expect(d.action).toBe('reprepare');
    expect(d.why).toContain(String(code));
  });

  it('404 → switch identity', () => {
    expect(start(notFound).action).toBe('switchIdentity');
  });

  it('429 → wait on the rate-limit schedule, independent of the retry count', () => {
    expect(start(rateLimited)).toMatchObject({ action: 'wait', delayMs: 1_000 });
    expect(start(rateLimited, [...times(3, serverError()), rateLimited])).toMatchObject({ action: 'wait', delayMs: 3_000 });
    // retries exhausted for 5xx would switch identity, but a 429 still only waits
    expect(start(rateLimited, [...times(3, serverError()), ...times(100, rateLimited)])).toMatchObject({ action: 'wait', delayMs: 6_000 });
  });

  it.each([2, 8, 109, 110, undefined])('other 4xx (code %s) → fail, no blind retry', (code) => {
    expect(start(clientError(code)).action).toBe('fail');
  });

  it('401 → fail', () => {
    expect(start(clientError(undefined, 401)).action).toBe('fail');
  });

  it('follows overridden start retry delays', () => {
    const custom = { ...t, startRetryDelaysMs: [100] };
    const run = (o: Any, before: Any[]) => decisionOf((x: Any, c) => decideStart(startAnswer(x, REF, 'mix', 'c'), c, custom), o, before);
    expect(run(serverError(), [])).toMatchObject({ action: 'wait', delayMs: 100 });
    expect(run(serverError(), [serverError()]).action).toBe('switchIdentity');
  });
});

// ------------------------------------------------------------------ query (spec §7.2 step 2, §7.3)

describe('query answers', () => {
  const q = (status?: number): Any => ok({ serverResponse: status === undefined ? {} : { status } });

  it.each([4, 5])('200 status %i → recording', (s) => {
    expect(query(q(s))).toMatchObject({ kind: 'recording', status: s });
  });

  it.each([0, 1, 2, 3])('200 status %i → starting (not yet)', (s) => {
    expect(query(q(s))).toMatchObject({ kind: 'starting', status: s });
  });

  it.each([6, 7, 8, 20])('200 status %i → exited', (s) => {
    expect(query(q(s))).toMatchObject({ kind: 'exited', status: s });
  });

  it('200 without a status → starting', () => {
    expect(query(q(undefined)).kind).toBe('starting');
  });

  it('404 → not-found, 429 → rate-limited, 4xx → rejected', () => {
    expect(query(notFound).kind).toBe('not-found');
    expect(query(rateLimited).kind).toBe('rate-limited');
    expect(query(clientError(2)).kind).toBe('rejected');
  });

  it.each<[string, Any]>([
    ['206 code 65', partial(65)],
    ['504 code 62', serverError(504, 62)],
    ['500', serverError(500)],
    ['unavailable', unavailable],
  ])('%s → ambiguous', (_label, r) => {
    expect(query(r).kind).toBe('ambiguous');
  });
});

describe('describe decisions (probe)', () => {
  const probe = (o: Any, before: Any[] = [], deadline?: number) => decisionOf((x: Any, c) => decideDescribe(queryAnswer(x), c, t, 0, deadline), o, before);

  it('a 404 is confirmed after 5, 10, 15 s before the recorder counts as gone', () => {
    expect(probe(notFound)).toMatchObject({ action: 'wait', delayMs: 5_000, why: 'confirming 404 (1/3)' });
    expect(probe(notFound, times(2, notFound))).toMatchObject({ action: 'wait', delayMs: 15_000 });
    expect(probe(notFound, times(3, notFound))).toMatchObject({ action: 'gone', mayStillRun: false });
  });

  it('ambiguous answers are retried after 5, 10, 15, 30 s, then unknown', () => {
    expect(probe(serverError())).toMatchObject({ action: 'wait', delayMs: 5_000 });
    expect(probe(serverError(), times(3, serverError()))).toMatchObject({ action: 'wait', delayMs: 30_000 });
    expect(probe(serverError(), times(4, serverError())).action).toBe('unknown');
  });

  it('a rejection is unknown at once; an exited status is gone and may still run', () => {
    expect(probe(clientError(2)).action).toBe('unknown');
    expect(probe(ok({ serverResponse: { status: 20 } }))).toMatchObject({ action: 'gone', mayStillRun: true });
  });

  it('a wait past the confirm deadline turns into unknown, except a 404 confirmation', () => {
    expect(probe(serverError(), [], 1_000).action).toBe('unknown');
    expect(probe(notFound, [], 1_000).action).toBe('wait');
  });
});

// ------------------------------------------------------------------ stop (spec §4.6, §7.1)

describe('stop answers → stop decisions', () => {
  it('200 → stopped with the files and upload status', () => {
    const body = { serverResponse: { fileList: [{ fileName: 'a.m3u8' }, { fileName: 'a_0.ts' }], uploadingStatus: 'uploaded' } };
    expect(stop(ok(body))).toMatchObject({ action: 'stopped', files: ['a.m3u8', 'a_0.ts'], uploadingStatus: 'uploaded', nothingRecorded: false });
  });

  it('206 code 435 → stopped, nothing recorded', () => {
    expect(stop(partial(435))).toMatchObject({ action: 'stopped', files: [], nothingRecorded: true });
  });

  it('206 code 65 → retry after 3, 6, 9 s, then uncertain', () => {
    expect(stop(partial(65))).toMatchObject({ action: 'wait', delayMs: 3_000 });
    expect(stop(partial(65), times(1, partial(65)))).toMatchObject({ action: 'wait', delayMs: 6_000 });
    expect(stop(partial(65), times(2, partial(65)))).toMatchObject({ action: 'wait', delayMs: 9_000 });
    expect(stop(partial(65), times(3, partial(65)))).toMatchObject({ action: 'uncertain', rejected: false });
  });

  it('404 → gone', () => {
    expect(stop(notFound).action).toBe('gone');
  });

  it('400 code 49 (already exiting) → gone', () => {
    expect(stop(clientError(49)).action).toBe('gone');
  });

  it('other 4xx → uncertain and rejected, without retry', () => {
    expect(stop(clientError(2))).toMatchObject({ action: 'uncertain', rejected: true });
  });

  it('429 → wait, regardless of the retry count', () => {
    expect(stop(rateLimited)).toMatchObject({ action: 'wait', delayMs: 1_000 });
    expect(stop(rateLimited, [...times(50, serverError()), ...times(2, rateLimited)])).toMatchObject({ action: 'wait', delayMs: 6_000 });
  });

  it.each<[string, Any]>([
    ['504 code 62', serverError(504, 62)],
    ['500', serverError(500)],
    ['unavailable', unavailable],
  ])('%s → retry, then uncertain', (_label, r) => {
    expect(stop(r)).toMatchObject({ action: 'wait', delayMs: 3_000 });
    expect(stop(r, times(2, r))).toMatchObject({ action: 'wait', delayMs: 9_000 });
    const last = stop(r, times(3, r));
    expect(last).toMatchObject({ action: 'uncertain', rejected: false });
    expect(last.why).toContain('ambiguous');
  });
});

// ------------------------------------------------------------------ uids (spec §10)

describe('isValidUid', () => {
  it.each(['1', '527841', '4294967295'])('accepts %s', (uid) => {
    expect(isValidUid(uid)).toBe(true);
  });

  it.each(['4294967296', '9999999999', '12345678901', '0', '01', '-1', '1.5', '', ' 1', '1 ', '1e3', 'abc', '+1'])('rejects %j', (uid) => {
    expect(isValidUid(uid)).toBe(false);
  });

  it('MAX_UID is 2^32 − 1', () => {
    expect(MAX_UID).toBe(2 ** 32 - 1);
  });
});

describe('deriveUids', () => {
  const ids = ['rec-1', 'rec-2', 'a', '', 'customer:42@room.main', 'x'.repeat(200)];

  it('is deterministic', () => {
    for (const id of ids) expect(deriveUids(id, 2)).toEqual(deriveUids(id, 2));
  });

  it.each(ids)('gives distinct, valid uids in 3.0e9..4.0e9 for %j', (id) => {
    const [primary, backup] = deriveUids(id, 2);
    expect(primary).not.toBe(backup);
    for (const uid of [primary, backup]) {
      expect(isValidUid(uid)).toBe(true);
      expect(Number(uid)).toBeGreaterThanOrEqual(3_000_000_000);
      expect(Number(uid)).toBeLessThan(4_000_000_000);
    }
  });

  it('gives different uids for different recording ids', () => {
    const many = Array.from({ length: 1000 }, (_, i) => `recording-${i}`);
    const primaries = new Set(many.map((id) => deriveUids(id, 1)[0]));
    expect(primaries.size).toBe(many.length);
    expect(deriveUids('rec-1', 2)[0]).not.toBe(deriveUids('rec-2', 2)[0]);
    expect(deriveUids('rec-1', 2)[1]).not.toBe(deriveUids('rec-2', 2)[1]);
  });

  it('four identities (two lanes) are distinct and valid, and start with the same two', () => {
    const four = deriveUids('rec-1', 4);
    expect(new Set(four).size).toBe(4);
    expect(four.every(isValidUid)).toBe(true);
    expect(four.slice(0, 2)).toEqual(deriveUids('rec-1', 2));
  });

  it('a lane alternates between its own two identities; lanes never share one', () => {
    const u = deriveUids('rec-1', 4);
    expect([0, 1, 2, 3].map((s) => identityFor(u, 0, s))).toEqual([u[0], u[1], u[0], u[1]]);
    expect([0, 1, 2, 3].map((s) => identityFor(u, 1, s))).toEqual([u[2], u[3], u[2], u[3]]);
    expect(() => identityFor(u.slice(0, 2), 1, 0)).toThrow(/lane 1 needs 2 identities/);
  });
});
