/**
 * What the lifecycle does with each kind of outcome, as pure functions of the outcome, the
 * schedules used so far and the timings: testable without a server, and free of any vendor's
 * codes (those are mapped to kinds by each provider's adapter).
 */
import { describeDetail, type VendorDetail } from '../contract/detail';
import type { DescribeOutcome, PrepareOutcome, StartOutcome, StopOutcome, UpdateOutcome } from '../contract/outcomes';
import type { RecorderRef } from '../contract/recorder';
import type { Timings } from '../contract/timings';
import type { EventEvidence } from './events';
import { again, done, type Counts, type Step } from './retry';

/** One line naming the outcome and what the vendor said. */
export function said(o: { kind: string; detail?: VendorDetail; error?: string }): string {
  return describeDetail(o.kind, o.detail, o.error);
}

export function restartBackoffMs(t: Timings, consecutiveFailures: number): number {
  if (consecutiveFailures <= 0) return 0;
  return Math.min(t.restartBackoffMaxMs, t.restartBackoffInitialMs * 2 ** (consecutiveFailures - 1));
}

// ---------------------------------------------------------------- prepare (Agora acquire)

export type Prepared = { lease: string } | { giveUp: string } | { fail: string };

export function decidePrepare(o: PrepareOutcome, counts: Counts, t: Timings): Step<Prepared> {
  switch (o.kind) {
    case 'prepared':
      return done({ lease: o.lease });
    case 'rate-limited':
      return again(counts.repeat('rate-limited', t.rateLimitDelaysMs), 'prepare rate-limited');
    case 'unavailable':
      return done({ giveUp: `prepare: the account is at its capacity: ${said(o)}` });
    case 'rejected':
      return done({ fail: `prepare rejected: ${said(o)}` });
    case 'ambiguous': {
      const delay = counts.next('retries', t.acquireRetryDelaysMs);
      if (delay !== undefined) return again(delay, `prepare retry ${counts.of('retries')}`);
      return done({ giveUp: `prepare kept failing: ${said(o)}` });
    }
  }
}

// ---------------------------------------------------------------- start (Agora spec §7.2 step 1)

export type Started =
  | { recorder: RecorderRef; adopted: boolean; playlist?: string }
  /** This attempt is over; the next one takes another identity. */
  | { switchIdentity: string; unmanageable?: boolean }
  | { reprepare: string }
  | { fail: string };

export function decideStart(o: StartOutcome, counts: Counts, t: Timings): Step<Started> {
  switch (o.kind) {
    case 'started':
    case 'adopted':
      return done({ recorder: o.recorder, adopted: o.kind === 'adopted', playlist: o.playlist });
    case 'unaddressable':
      return done({ switchIdentity: `a recorder already runs that the vendor will not name, so it cannot be managed: ${said(o)}`, unmanageable: true });
    case 'identity-conflict':
      return done({ switchIdentity: `the identity already records in this channel: ${said(o)}` });
    case 'unavailable':
      return done({ switchIdentity: `start refused: ${said(o)}` });
    case 'lease-unusable':
      return done({ reprepare: `lease unusable: ${said(o)}` });
    case 'rejected':
      return done({ fail: `start rejected: ${said(o)}` });
    case 'rate-limited':
      return again(counts.repeat('rate-limited', t.rateLimitDelaysMs), 'start rate-limited');
    case 'ambiguous': {
      // The start may or may not have happened; the same request again reveals a recorder that did.
      const delay = counts.next('retries', t.startRetryDelaysMs);
      if (delay !== undefined) return again(delay, `start retry ${counts.of('retries')} after ${o.kind}`);
      return done({ switchIdentity: `start kept failing: ${said(o)}` });
    }
  }
}

// ---------------------------------------------------------------- describe (Agora spec §7.2 step 2, §7.3)

/** What one describe round (with its not-found confirmations and retries) concluded. */
export type Probe =
  | { alive: true; idle: boolean }
  | { starting: true }
  | { gone: string; mayStillRun: boolean }
  | { unknown: string };

/**
 * A not-found is confirmed by further queries; ambiguous answers are retried, then reported as
 * unknown; rate limits are waited out. `deadline` (confirmation) turns long waits into unknown.
 * `evidence` is what vendor callbacks said about this recorder (./events).
 */
export function decideDescribe(o: DescribeOutcome, counts: Counts, t: Timings, now: number, deadline?: number, evidence: EventEvidence = {}): Step<Probe> {
  let step: Step<Probe>;
  switch (o.kind) {
    case 'recording':
    case 'idle':
      return done({ alive: true, idle: o.kind === 'idle' });
    case 'starting':
      return done({ starting: true });
    case 'exited':
      return done({ gone: `recorder exited (status ${o.status})`, mayStillRun: true });
    case 'not-found': {
      // A vendor callback already said the recorder ended: that is the confirmation.
      if (evidence.ended) return done({ gone: `query 404 after the vendor's ${evidence.ended}`, mayStillRun: false });
      // A failover in progress answers 404 until the vendor's own recovery is done: do not restart yet.
      if (evidence.failoverUntil !== undefined && now < evidence.failoverUntil) {
        return again(Math.min(t.notFoundConfirmDelaysMs[0], evidence.failoverUntil - now), "404 during the vendor's failover: waiting for its own recovery");
      }
      const delay = counts.next('not-found', t.notFoundConfirmDelaysMs);
      if (delay === undefined) return done({ gone: `query 404 confirmed ${counts.of('not-found') + 1} times`, mayStillRun: false });
      // A confirmation is not cut short by the deadline: the recorder may be in the vendor's failover.
      return again(delay, `confirming 404 (${counts.of('not-found')}/${t.notFoundConfirmDelaysMs.length})`);
    }
    case 'rate-limited':
      step = again(counts.repeat('rate-limited', t.rateLimitDelaysMs), 'query rate-limited');
      break;
    case 'rejected':
      return done({ unknown: said(o) });
    case 'ambiguous': {
      const delay = counts.next('retries', t.serverErrorRetryDelaysMs);
      if (delay === undefined) return done({ unknown: said(o) });
      step = again(delay, `query retry ${counts.of('retries')} after ${o.kind}`);
      break;
    }
  }
  if ('again' in step && deadline !== undefined && now + step.again.delayMs > deadline) return done({ unknown: said(o) });
  return step;
}

// ---------------------------------------------------------------- stop (Agora spec §4.6, §7.1)

export type Stopped =
  | { stopped: true; files: string[]; uploadingStatus?: string; nothingRecorded: boolean }
  | { gone: string }
  /** Not confirmed; `rejected` when the vendor refused rather than failed to answer. */
  | { uncertain: string; rejected: boolean };

export function decideStop(o: StopOutcome, counts: Counts, t: Timings): Step<Stopped> {
  switch (o.kind) {
    case 'stopped':
      return done({ stopped: true, files: o.files, uploadingStatus: o.uploadingStatus, nothingRecorded: false });
    case 'nothing-recorded':
      return done({ stopped: true, files: [], nothingRecorded: true });
    case 'already-gone':
      return done({ gone: `the recorder had already exited: ${said(o)}` });
    case 'rejected':
      return done({ uncertain: `stop rejected: ${said(o)}`, rejected: true });
    case 'rate-limited':
      return again(counts.repeat('rate-limited', t.rateLimitDelaysMs), 'stop rate-limited');
    case 'ambiguous': {
      const delay = counts.next('retries', t.requestRetryDelaysMs);
      if (delay !== undefined) return again(delay, `stop retry ${counts.of('retries')} after ${o.kind}`);
      return done({ uncertain: `stop kept failing: ${said(o)}`, rejected: false });
    }
  }
}

// ---------------------------------------------------------------- update (Agora spec §4.4)

export type Updated = { applied: true } | { kept: string };

export function decideUpdate(o: UpdateOutcome, counts: Counts, t: Timings, what: string): Step<Updated> {
  switch (o.kind) {
    case 'applied':
      return done({ applied: true });
    case 'rate-limited':
      return again(counts.repeat('rate-limited', t.rateLimitDelaysMs), `${what} update rate-limited`);
    case 'ambiguous': {
      const delay = counts.next('retries', t.requestRetryDelaysMs);
      if (delay !== undefined) return again(delay, `${what} update retry`);
      return done({ kept: said(o) });
    }
    case 'rejected':
      return done({ kept: said(o) });
  }
}
