/**
 * Pure unit tests for the vendor's reliability rules (src/workflows/policy.ts) against
 * spec §6 (statuses), §7 (HTTP handling, start/monitor procedures) and §10 (uids).
 */
import type { QueryData, VendorResult } from '../../src/domain/vendor';
import {
  MAX_UID,
  decideAcquire,
  decideStart,
  decideStop,
  defaultTimings,
  deriveUids,
  isExitedStatus,
  isRecordingStatus,
  isValidUid,
  judgeQuery,
  nth,
  resolveTimings,
  restartBackoffMs,
  timingsSchema,
  uidForAttempt,
  type Timings,
} from '../../src/workflows/policy';

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

// ------------------------------------------------------------------ VendorResult helpers

const ok = <T>(data: T): VendorResult<T> => ({ kind: 'ok', httpStatus: 200, data });
const partial = (code?: number): VendorResult<never> => ({ kind: 'partial', httpStatus: 206, code });
const notFound: VendorResult<never> = { kind: 'not-found', httpStatus: 404, code: 404 };
const rateLimited: VendorResult<never> = { kind: 'rate-limited', httpStatus: 429 };
const clientError = (code?: number, httpStatus = 400): VendorResult<never> => ({ kind: 'client-error', httpStatus, code });
const serverError = (httpStatus = 500, code?: number): VendorResult<never> => ({ kind: 'server-error', httpStatus, code });
const unavailable: VendorResult<never> = { kind: 'unavailable', error: 'socket hang up' };
const alreadyStarted = (sid?: string): VendorResult<never> => ({ kind: 'already-started', httpStatus: 201, code: 7, sid });

// ------------------------------------------------------------------ acquire

describe('decideAcquire', () => {
  it('200 → acquired with the resourceId', () => {
    expect(decideAcquire(ok({ resourceId: 'res-1' }), 0, 0, t)).toEqual({ action: 'acquired', resourceId: 'res-1' });
  });

  it('429 → wait on the rate-limit schedule without counting as a retry', () => {
    const d0 = decideAcquire(rateLimited, 0, 0, t);
    const d5 = decideAcquire(rateLimited, 99, 5, t);
    expect(d0).toMatchObject({ action: 'wait', delayMs: 1_000, counts: false });
    expect(d5).toMatchObject({ action: 'wait', delayMs: 6_000, counts: false });
  });

  it('400 code 406 (vendor_over_load) → give up this attempt, do not fail the recording', () => {
    const d = decideAcquire(clientError(406), 0, 0, t);
    expect(d.action).toBe('give-up-attempt');
    expect((d as { why: string }).why).toMatch(/406/);
  });

  it.each([2, 400, 401, 405, undefined])('400 code %s → fail', (code) => {
    expect(decideAcquire(clientError(code), 0, 0, t).action).toBe('fail');
  });

  it('401 unauthorised → fail', () => {
    expect(decideAcquire(clientError(undefined, 401), 0, 0, t).action).toBe('fail');
  });

  it.each<[string, VendorResult<{ resourceId: string }>]>([
    ['500 code 500', serverError(500, 500)],
    ['500 code 501', serverError(500, 501)],
    ['504 code 504', serverError(504, 504)],
    ['unavailable', unavailable],
  ])('%s → counted waits of 1, 3, 6 s, then give-up-attempt', (_label, r) => {
    expect(decideAcquire(r, 0, 0, t)).toMatchObject({ action: 'wait', delayMs: 1_000, counts: true });
    expect(decideAcquire(r, 1, 0, t)).toMatchObject({ action: 'wait', delayMs: 3_000, counts: true });
    expect(decideAcquire(r, 2, 0, t)).toMatchObject({ action: 'wait', delayMs: 6_000, counts: true });
    expect(decideAcquire(r, 3, 0, t).action).toBe('give-up-attempt');
  });
});

// ------------------------------------------------------------------ start (spec §7.2 step 1)

describe('decideStart', () => {
  it('200 → started, not adopted', () => {
    expect(decideStart(ok({ sid: 'sid-1' }), 0, 0, t)).toEqual({ action: 'started', sid: 'sid-1', adopted: false });
  });

  it('201 code 7 with a sid → adopt that recorder (never start twice)', () => {
    expect(decideStart(alreadyStarted('sid-2'), 2, 0, t)).toEqual({ action: 'started', sid: 'sid-2', adopted: true });
  });

  it('201 without a sid → switch uid', () => {
    expect(decideStart(alreadyStarted(undefined), 0, 0, t).action).toBe('switch-uid');
  });

  it.each<[string, VendorResult<{ sid: string }>]>([
    ['206 code 65', partial(65)],
    ['500 code 502', serverError(500, 502)],
    ['500 code 62', serverError(500, 62)],
    ['504', serverError(504)],
    ['unavailable', unavailable],
  ])('%s → retry after 3, 6, 9 s, then switch uid', (_label, r) => {
    expect(decideStart(r, 0, 0, t)).toMatchObject({ action: 'retry', delayMs: 3_000 });
    expect(decideStart(r, 1, 0, t)).toMatchObject({ action: 'retry', delayMs: 6_000 });
    expect(decideStart(r, 2, 0, t)).toMatchObject({ action: 'retry', delayMs: 9_000 });
    expect(decideStart(r, 3, 0, t).action).toBe('switch-uid');
  });

  it('400 code 53 (task conflict) → switch uid', () => {
    expect(decideStart(clientError(53), 0, 0, t).action).toBe('switch-uid');
  });

  it.each([433, 432, 1001])('code %i → reacquire', (code) => {
    const d = decideStart(clientError(code), 0, 0, t);
    expect(d.action).toBe('reacquire');
    expect((d as { why: string }).why).toContain(String(code));
  });

  it('404 → switch uid', () => {
    expect(decideStart(notFound, 0, 0, t).action).toBe('switch-uid');
  });

  it('429 → wait on the rate-limit schedule, independent of the retry count', () => {
    expect(decideStart(rateLimited, 0, 0, t)).toMatchObject({ action: 'wait', delayMs: 1_000 });
    expect(decideStart(rateLimited, 3, 1, t)).toMatchObject({ action: 'wait', delayMs: 3_000 });
    // retries exhausted for 5xx would switch uid, but a 429 still only waits
    expect(decideStart(rateLimited, 100, 100, t)).toMatchObject({ action: 'wait', delayMs: 6_000 });
  });

  it.each([2, 8, 109, 110, undefined])('other 4xx (code %s) → fail, no blind retry', (code) => {
    expect(decideStart(clientError(code), 0, 0, t).action).toBe('fail');
  });

  it('401 → fail', () => {
    expect(decideStart(clientError(undefined, 401), 0, 0, t).action).toBe('fail');
  });

  it('follows overridden start retry delays', () => {
    const custom = { ...t, startRetryDelaysMs: [100] };
    expect(decideStart(serverError(), 0, 0, custom)).toMatchObject({ action: 'retry', delayMs: 100 });
    expect(decideStart(serverError(), 1, 0, custom).action).toBe('switch-uid');
  });
});

// ------------------------------------------------------------------ query (spec §7.2 step 2, §7.3)

describe('judgeQuery', () => {
  const q = (status?: number): VendorResult<QueryData> => ok({ status, files: [] });

  it.each([4, 5])('200 status %i → recording', (s) => {
    expect(judgeQuery(q(s))).toEqual({ verdict: 'recording', status: s });
  });

  it.each([0, 1, 2, 3])('200 status %i → not yet', (s) => {
    expect(judgeQuery(q(s))).toEqual({ verdict: 'not-yet', status: s });
  });

  it.each([6, 7, 8, 20])('200 status %i → exited', (s) => {
    expect(judgeQuery(q(s))).toEqual({ verdict: 'exited', status: s });
  });

  it('200 without a status → not yet', () => {
    expect(judgeQuery(q(undefined)).verdict).toBe('not-yet');
  });

  it('404 → not-found, 429 → rate-limited, 4xx → rejected', () => {
    expect(judgeQuery(notFound)).toEqual({ verdict: 'not-found' });
    expect(judgeQuery(rateLimited)).toEqual({ verdict: 'rate-limited' });
    expect(judgeQuery(clientError(2))).toEqual({ verdict: 'rejected' });
  });

  it.each<[string, VendorResult<QueryData>]>([
    ['206 code 65', partial(65)],
    ['504 code 62', serverError(504, 62)],
    ['500', serverError(500)],
    ['unavailable', unavailable],
  ])('%s → transient', (_label, r) => {
    expect(judgeQuery(r)).toEqual({ verdict: 'transient' });
  });
});

// ------------------------------------------------------------------ stop (spec §4.6, §7.1)

describe('decideStop', () => {
  it('200 → stopped with the files and upload status', () => {
    expect(decideStop(ok({ files: ['a.m3u8', 'a_0.ts'], uploadingStatus: 'uploaded' }), 0, 0, t)).toEqual({
      action: 'stopped',
      files: ['a.m3u8', 'a_0.ts'],
      uploadingStatus: 'uploaded',
      nothingRecorded: false,
    });
  });

  it('206 code 435 → stopped, nothing recorded', () => {
    expect(decideStop(partial(435), 0, 0, t)).toEqual({ action: 'stopped', files: [], nothingRecorded: true });
  });

  it('206 code 65 → retry after 3, 6, 9 s, then give up', () => {
    expect(decideStop(partial(65), 0, 0, t)).toMatchObject({ action: 'retry', delayMs: 3_000 });
    expect(decideStop(partial(65), 1, 0, t)).toMatchObject({ action: 'retry', delayMs: 6_000 });
    expect(decideStop(partial(65), 2, 0, t)).toMatchObject({ action: 'retry', delayMs: 9_000 });
    expect(decideStop(partial(65), 3, 0, t).action).toBe('give-up');
  });

  it('404 → gone', () => {
    expect(decideStop(notFound, 0, 0, t).action).toBe('gone');
  });

  it('400 code 49 (already exiting) → gone', () => {
    expect(decideStop(clientError(49), 0, 0, t).action).toBe('gone');
  });

  it('other 4xx → give up without retry', () => {
    expect(decideStop(clientError(2), 0, 0, t).action).toBe('give-up');
  });

  it('429 → wait, regardless of the retry count', () => {
    expect(decideStop(rateLimited, 0, 0, t)).toMatchObject({ action: 'wait', delayMs: 1_000 });
    expect(decideStop(rateLimited, 50, 2, t)).toMatchObject({ action: 'wait', delayMs: 6_000 });
  });

  it.each<[string, VendorResult<{ files: string[] }>]>([
    ['504 code 62', serverError(504, 62)],
    ['500', serverError(500)],
    ['unavailable', unavailable],
  ])('%s → retry, then give up', (_label, r) => {
    expect(decideStop(r, 0, 0, t)).toMatchObject({ action: 'retry', delayMs: 3_000 });
    expect(decideStop(r, 2, 0, t)).toMatchObject({ action: 'retry', delayMs: 9_000 });
    const last = decideStop(r, 3, 0, t);
    expect(last.action).toBe('give-up');
    expect((last as { why: string }).why).toContain(r.kind);
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
    for (const id of ids) expect(deriveUids(id)).toEqual(deriveUids(id));
  });

  it.each(ids)('gives distinct, valid uids in 3.0e9..4.0e9 for %j', (id) => {
    const { primary, backup } = deriveUids(id);
    expect(primary).not.toBe(backup);
    for (const uid of [primary, backup]) {
      expect(isValidUid(uid)).toBe(true);
      expect(Number(uid)).toBeGreaterThanOrEqual(3_000_000_000);
      expect(Number(uid)).toBeLessThan(4_000_000_000);
    }
  });

  it('gives different uids for different recording ids', () => {
    const many = Array.from({ length: 1000 }, (_, i) => `recording-${i}`);
    const primaries = new Set(many.map((id) => deriveUids(id).primary));
    expect(primaries.size).toBe(many.length);
    expect(deriveUids('rec-1').primary).not.toBe(deriveUids('rec-2').primary);
    expect(deriveUids('rec-1').backup).not.toBe(deriveUids('rec-2').backup);
  });

  it('uidForAttempt alternates primary and backup', () => {
    const u = deriveUids('rec-1');
    expect([0, 1, 2, 3].map((a) => uidForAttempt(u, a))).toEqual([u.primary, u.backup, u.primary, u.backup]);
  });
});
