/**
 * One recorder slot's lifecycle, step by step as the vendors' guides write it: prepare → start →
 * confirm → monitor, restart on a fresh identity when the recorder is lost, and stop. Decisions
 * come from ./decisions; every vendor call runs through the one retry loop.
 */
import { log } from '@temporalio/workflow';
import type { VendorDetail } from '../contract/detail';
import type { Phase, Segment, Slot } from '../contract/messages';
import { decideDescribe, decidePrepare, decideStart, decideStop, restartBackoffMs, type Probe } from './decisions';
import { evidenceFor } from './events';
import { identityFor } from './identities';
import { countHandover, countRestart, recordConfirmLatency, recordRestartGap, type RestartReason } from './metrics';
import { Counts, retrying } from './retry';
import type { Urgency } from './priorities';
import { endSegment, isLive, iso, refOf } from './segments';
import type { Recording } from './recording';
import type { Vendor } from './vendor';

/** Confirmed (alive, perhaps idle: in the channel with nobody to record), cut short by stop, or failed. */
type Confirmed = { idle: boolean } | 'stop' | { why: string; mayStillRun: boolean };
type Stop = { uncertain?: string; rejected?: boolean; nothingRecorded: boolean };

const now = (): number => Date.now();

export class Lane {
  /** A successor is being started and confirmed (./handover). */
  private inHandover = false;

  constructor(
    private readonly r: Recording,
    readonly slot: Slot,
  ) {}

  /** The lane's current recorder: during a handover the predecessor, until its successor is confirmed. */
  live(): Segment | undefined {
    const lives = this.lives();
    return lives.find((s) => s.confirmedAt) ?? lives.at(-1);
  }

  /** Every recorder of the lane that may run: two during a handover. */
  lives(): Segment[] {
    return this.segments().filter(isLive);
  }

  /** One step: watch the live recorder until its next query (or its handover), or start one. */
  async step(): Promise<void> {
    const seg = this.live();
    if (!seg) return this.startRecorder();
    const due = this.handoverDueAt(seg);
    if (due !== undefined && now() >= due) return this.handover(seg);
    return this.monitor(seg, due);
  }

  // ------------------------------------------------------------------ start (Agora spec §7.2)

  /** Prepare → start → confirm, on the lane's next identity, backing off on repeated failure. */
  private async startRecorder(): Promise<void> {
    const { t } = this.r;
    if (this.slot.consecutiveFailures >= t.maxConsecutiveFailedAttempts) {
      await this.r.fail(`restart budget exhausted: ${this.slot.consecutiveFailures} consecutive attempts never reached status 4/5`);
    }
    // The first switch after a failure happens at once (spec); repeats back off so a dead vendor is not hammered.
    const backoff = restartBackoffMs(t, this.slot.consecutiveFailures - 1);
    if (backoff > 0) {
      this.setPhase('restarting');
      if (await this.r.waits.wait(backoff, `restart backoff after ${this.slot.consecutiveFailures} failed attempts`)) return;
    }

    const seg = this.openSegment(identityFor(this.r.state.identities, this.slot.lane, this.slot.switches));
    const r = await this.attempt(seg);
    if ('stop' in r) return;
    if ('failed' in r) {
      if (r.switchIdentity) this.slot.switches += 1;
      return this.failAttempt(seg, r.failed, r.reason);
    }
    const previous = this.segments().at(-2);
    const lastAlive = previous?.lastAliveAt ?? previous?.confirmedAt;
    if (lastAlive) recordRestartGap((now() - Date.parse(lastAlive)) / 1000);
    this.slot.consecutiveFailures = 0;
    const lost = this.segments().filter((s) => s.confirmedAt).at(-1);
    await this.confirmed(seg, r.idle);
    const about = { segment: seg.index, identity: seg.identity, recorderId: seg.recorderId };
    if (!lost) {
      if (this.r.state.segments.filter((s) => s.confirmedAt).length === 1) this.r.notify('recording.started', about);
    } else this.r.notify('recording.restarted', { ...about, restarts: this.r.state.restarts, reason: lost.endReason ?? 'recorder lost' });
  }

  /** A recorder proved it records: due times, phase, and the desired settings. */
  private async confirmed(seg: Segment, idle: boolean): Promise<void> {
    const { t } = this.r;
    seg.confirmedAt = iso(now());
    recordConfirmLatency((now() - Date.parse(seg.startedAt!)) / 1000);
    if (seg.endOfLife) {
      // Never sooner than half its remaining life: a lead longer than the life would hand over forever.
      const eol = Date.parse(seg.endOfLife);
      seg.handoverAt = iso(Math.max(eol - t.handoverLeadMs, now() + (eol - now()) / 2));
    }
    this.slot.nextPollAt = iso(now() + t.monitorIntervalMs);
    this.setPhase(idle ? 'idle' : 'recording');
    await this.r.settings.reconcile(seg);
  }

  /**
   * One attempt on one identity: prepare → start → confirm. The segment stays open: the caller
   * ends it (a failure) or keeps it (confirmed; or cut short by stop, when finish stops what runs).
   */
  private async attempt(seg: Segment): Promise<{ idle: boolean } | { stop: true } | { failed: string; reason: RestartReason; switchIdentity: boolean }> {
    let lease = await this.prepare(seg);
    let reprepared = false;
    while (lease !== undefined) {
      if (this.r.stopRequested) {
        endSegment(seg, 'stop requested before start');
        return { stop: true };
      }
      seg.lease = lease || undefined;
      const started = await this.start(seg, lease);
      if (started === 'started') break;
      // One fresh lease per attempt: a vendor that keeps refusing it goes through the restart backoff.
      if ('reprepare' in started && !reprepared) {
        reprepared = true;
        lease = await this.prepare(seg);
        continue;
      }
      if ('switchIdentity' in started) return { failed: started.switchIdentity, reason: 'start-rejected', switchIdentity: true };
      return { failed: started.reprepare, reason: 'start-rejected', switchIdentity: false };
    }
    if (!seg.recorderId) {
      if (this.r.stopRequested) {
        endSegment(seg, 'stop requested before start');
        return { stop: true };
      }
      return { failed: seg.endReason ?? 'prepare failed', reason: 'acquire-failed', switchIdentity: false };
    }
    if (this.r.stopRequested) return { stop: true };

    const confirmed = await this.confirm(seg);
    if (confirmed === 'stop') return { stop: true };
    if ('why' in confirmed) {
      if (confirmed.mayStillRun) await this.stopQuietly(seg);
      return { failed: confirmed.why, reason: 'unconfirmed', switchIdentity: true };
    }
    return confirmed;
  }

  // ------------------------------------------------------------------ planned handover

  /**
   * When the current recorder's successor is due: its handoverAt, or the retry time after a failed
   * successor. Past the end of life the tries go on while the recorder lives: a recorder past its
   * own maxRecorderLifetimeMs still runs, and one whose token expired is lost and restarted anyway.
   */
  private handoverDueAt(seg: Segment): number | undefined {
    if (!seg.handoverAt) return undefined;
    const h = this.slot.handover;
    return Date.parse(h?.of === seg.index && h.nextAt ? h.nextAt : seg.handoverAt);
  }

  /**
   * A gapless handover: a successor on the lane's other identity, confirmed while the predecessor
   * still records; only then is the predecessor stopped. A successor that does not confirm leaves
   * the predecessor current, and the handover is retried with backoff until its end of life.
   */
  private async handover(pred: Segment): Promise<void> {
    const { t, state } = this.r;
    const h = this.slot.handover?.of === pred.index ? this.slot.handover : (this.slot.handover = { of: pred.index, attempts: 0 });
    h.attempts += 1;
    h.nextAt = undefined;
    this.inHandover = true;
    this.setPhase('handover');
    const identity = this.otherIdentity(pred.identity);
    log.info('handing over before the recorder\'s end of life', { ...this.r.observer.logFields(pred), endOfLife: pred.endOfLife, attempt: h.attempts, successorIdentity: identity });
    const succ = this.openSegment(identity, pred.index);
    const r = await this.attempt(succ).finally(() => (this.inHandover = false));
    if ('stop' in r) return;
    if ('failed' in r) {
      endSegment(succ, r.failed);
      h.lastError = r.failed;
      h.nextAt = iso(now() + restartBackoffMs(t, h.attempts));
      countHandover('failed');
      log.warn('handover successor not confirmed; the predecessor keeps recording', { ...this.r.observer.logFields(succ), why: r.failed, retryAt: h.nextAt });
      this.setPhase('recording');
      return;
    }
    // The successor records: the predecessor may go. Its identity is now the lane's current one.
    this.slot.switches += 1;
    this.slot.handover = undefined;
    pred.handedOverTo = succ.index;
    countHandover('completed');
    await this.stopQuietly(pred);
    endSegment(pred, `handed over to recorder #${succ.index} before its end of life ${pred.endOfLife}`);
    state.lastError = undefined;
    await this.confirmed(succ, r.idle);
  }

  /** While a successor is being brought up, the recording's phase says handover, whatever step the successor is at. */
  private setPhase(phase: Phase): void {
    this.r.observer.setPhase(this.inHandover ? 'handover' : phase);
  }

  private otherIdentity(identity: string): string {
    const own = [0, 1].map((i) => identityFor(this.r.state.identities, this.slot.lane, i));
    return own[0] === identity ? own[1] : own[0];
  }

  /** A lease for the start ('' for providers without one); undefined when this attempt is over. */
  private async prepare(seg: Segment): Promise<string | undefined> {
    if (!this.r.leases) return '';
    this.setPhase('acquiring');
    let last: VendorDetail | undefined;
    const r = await retrying(
      async () => {
        const o = await this.r.vendor.call('prepareRecorder', `acquire a resource for ${this.r.terms.identity} ${seg.identity}`, { recording: this.r.input, identity: seg.identity });
        last = o.detail;
        return o;
      },
      (o, counts) => decidePrepare(o, counts, this.r.t),
      // Stop may cut this wait short: no recorder exists yet.
      (ms, why) => this.r.waits.wait(ms, why),
      () => undefined,
    );
    if (r === undefined) return undefined;
    if ('fail' in r) return this.r.fail(r.fail, last);
    if ('giveUp' in r) {
      seg.endReason = r.giveUp;
      return undefined;
    }
    return r.lease;
  }

  private async start(seg: Segment, lease: string): Promise<'started' | { switchIdentity: string } | { reprepare: string }> {
    this.setPhase('starting');
    let last: VendorDetail | undefined;
    const r = await retrying(
      async () => {
        // Marked with what the start carries: an update may arrive while it is on the wire.
        const mark = this.r.settings.carriedBy(seg);
        this.r.startsInFlight += 1;
        const o = await this.r.vendor
          .call('startRecorder', `start recorder #${seg.index} on ${this.r.terms.identity} ${seg.identity}`, {
            recording: this.r.input,
            identity: seg.identity,
            ...(lease ? { lease } : {}),
            settings: this.r.settings.current(),
          })
          .finally(() => (this.r.startsInFlight -= 1));
        mark();
        last = o.detail;
        return o;
      },
      (o, counts) => decideStart(o, counts, this.r.t),
      // Not cut short by stop: after an ambiguous answer only a retry can reveal a recorder that
      // did start, and we must know it to stop it.
      (ms, why) => this.r.waits.sleep(ms, why).then(() => false),
      () => ({ fail: 'interrupted' }),
    );
    if ('fail' in r) return this.r.fail(r.fail, last);
    if ('switchIdentity' in r) {
      if (r.unmanageable) seg.unmanageable = true;
      return { switchIdentity: r.switchIdentity };
    }
    if ('reprepare' in r) return { reprepare: r.reprepare };
    const { recorder } = r;
    seg.recorderId = recorder.recorderId;
    seg.startedAt = iso(now());
    if (r.adopted) seg.adopted = true;
    if (r.playlist) seg.playlist = r.playlist;
    if (recorder.credentialExpiresAt) seg.credentialExpiresAt = recorder.credentialExpiresAt;
    if (recorder.manageableUntil) seg.manageableUntil = recorder.manageableUntil;
    if (recorder.vendor) seg.vendor = recorder.vendor;
    if (recorder.uploadStages) seg.uploadStages = recorder.uploadStages;
    const lives = [recorder.credentialExpiresAt, recorder.manageableUntil].filter((x): x is string => !!x).map(Date.parse);
    if (this.r.t.maxRecorderLifetimeMs > 0) lives.push(now() + this.r.t.maxRecorderLifetimeMs);
    if (lives.length) seg.endOfLife = iso(Math.min(...lives));
    this.r.observer.publish();
    return 'started';
  }

  /** First query soon after the recorder id, back off, give up at the confirm deadline (Agora spec §7.2 steps 2–3). */
  private async confirm(seg: Segment): Promise<Confirmed> {
    const { t } = this.r;
    this.setPhase('confirming');
    const deadline = Date.parse(seg.startedAt!) + t.confirmTimeoutMs;
    let delay = t.firstQueryDelayMs;
    const polls = new Counts();
    for (;;) {
      // A vendor event (the recorder started, or ended) brings the next query forward.
      await this.r.waits.waitUntil(Math.min(now() + delay, deadline), 'confirm: next query', this.woken);
      if (this.r.stopRequested) return 'stop';
      this.takeWake();
      const p = await this.probe(seg, deadline);
      if ('alive' in p) return { idle: p.idle };
      if ('interrupted' in p) return 'stop';
      if ('gone' in p) return { why: p.gone, mayStillRun: p.mayStillRun };
      if (now() >= deadline) {
        return { why: `no status 4/5 within ${t.confirmTimeoutMs / 1000} s of the sid (last status ${this.r.state.lastStatus ?? 'unknown'})`, mayStillRun: true };
      }
      delay = polls.repeat('poll', t.confirmPollDelaysMs);
    }
  }

  // ------------------------------------------------------------------ monitor (Agora spec §7.3)

  /**
   * A query on a durable timer; the due time is absolute, so it survives continue-as-new. The wait
   * ends early for a vendor event, a handover that falls due first, or a continue-as-new.
   */
  private async monitor(seg: Segment, handoverAt?: number): Promise<void> {
    const { t, state } = this.r;
    const due = this.slot.nextPollAt ? Date.parse(this.slot.nextPollAt) : now() + t.monitorIntervalMs;
    if (handoverAt !== undefined && handoverAt < due) {
      if (!(await this.r.waits.waitUntil(handoverAt, 'handover: successor due', this.interrupts))) return;
    } else await this.r.waits.waitUntil(due, 'monitor: next query', this.interrupts);
    if (this.r.stopRequested || (this.slot.wake === undefined && this.r.continueAsNewDue())) return;
    // A poll a vendor event asked for is urgent; a timed one may wait behind starts (./priorities).
    const routine = this.slot.wake === undefined;
    this.takeWake();
    const p = await this.probe(seg, undefined, routine);
    if ('interrupted' in p) return;
    this.slot.nextPollAt = iso(now() + t.monitorIntervalMs);
    if ('alive' in p) return this.setPhase(p.idle ? 'idle' : 'recording');
    // The vendor cannot tell us; the recorder may well be fine. Keep watching, visibly.
    if ('unknown' in p) {
      if (this.r.state.phase !== 'degraded') this.r.notify('recording.degraded', { reason: p.unknown, ...(state.lastStatus !== undefined ? { lastStatus: state.lastStatus } : {}) });
      return this.setPhase('degraded');
    }
    const why = 'gone' in p ? p.gone : `status left 4/5 (status ${state.lastStatus ?? 'unknown'})`;
    countRestart('gone' in p ? (p.mayStillRun ? 'exited' : 'not-found') : 'status-left');
    if ('starting' in p || p.mayStillRun) await this.stopQuietly(seg);
    this.slot.switches += 1;
    state.lastError = why;
    endSegment(seg, why);
    log.warn('recorder lost; restarting on another identity', { ...this.r.observer.logFields(seg), why });
  }

  /**
   * One describe, with the follow-ups the guide asks for: a not-found is confirmed by further
   * queries; ambiguous answers are retried; rate limits wait without counting.
   */
  private probe(seg: Segment, deadline?: number, routine = false): Promise<Probe | { interrupted: true }> {
    // Only the first query of a routine poll is routine: its follow-ups chase a doubtful answer.
    let urgency: Urgency = routine ? 'routine' : 'finish';
    return retrying<Awaited<ReturnType<Vendor['call']>>, Probe | { interrupted: true }>(
      async () => {
        const o = await this.r.vendor.call('describeRecorder', `query ${this.r.terms.recorderId} ${seg.recorderId}`, refOf(this.r.state, seg), urgency);
        urgency = 'finish';
        if ('files' in o) {
          this.r.state.lastStatus = o.status;
          if (o.files.length) seg.files = o.files;
        }
        if (o.kind === 'recording' || o.kind === 'idle') seg.lastAliveAt = iso(now());
        return o;
      },
      (o, counts) => decideDescribe(o as Parameters<typeof decideDescribe>[0], counts, this.r.t, now(), deadline, evidenceFor(seg, this.r.t.failoverGraceMs, now())),
      // A vendor event during a confirmation wait (an exit after a fatal error) asks again at once.
      async (ms, why) => {
        await this.r.waits.waitUntil(now() + ms, why, this.woken);
        if (this.r.stopRequested) return true;
        this.takeWake();
        return false;
      },
      () => ({ interrupted: true }),
    );
  }

  // ------------------------------------------------------------------ stop (Agora spec §4.6)

  /**
   * Nothing else will ever stop this recorder (and a successor must not run beside it): past a
   * vendor outage the stop is retried with the restart backoff; only a rejection or the restart
   * budget ends the tries.
   */
  async stopPersistently(seg: Segment, what: string): Promise<Stop> {
    for (let round = 1; ; round++) {
      const result = await this.stopOnce(seg);
      if (!result.uncertain || result.rejected || round >= this.r.t.maxConsecutiveFailedAttempts) return result;
      await this.r.waits.sleep(restartBackoffMs(this.r.t, round), `stop of ${what} ${seg.recorderId} uncertain (${result.uncertain}); retrying`);
    }
  }

  /** A superseded recorder that may still run is stopped before its successor starts. */
  async stopQuietly(seg: Segment): Promise<void> {
    const { uncertain } = await this.stopPersistently(seg, 'superseded recorder');
    if (uncertain) log.warn('could not stop a superseded recorder', { ...this.r.observer.logFields(seg), uncertain });
  }

  private async stopOnce(seg: Segment): Promise<Stop> {
    const r = await retrying(
      () => this.r.vendor.call('stopRecorder', `stop ${this.r.terms.recorderId} ${seg.recorderId}`, refOf(this.r.state, seg)),
      (o, counts) => decideStop(o, counts, this.r.t),
      (ms, why) => this.r.waits.sleep(ms, why).then(() => false),
      () => ({ uncertain: 'interrupted', rejected: false }),
    );
    if ('stopped' in r) {
      // The stop answer is authoritative: a playlist name seen by query is no proof of data.
      if (r.nothingRecorded) {
        seg.files = [];
        seg.nothingRecorded = true;
      } else if (r.files.length) seg.files = r.files;
      seg.uploadingStatus = r.uploadingStatus;
      return { nothingRecorded: r.nothingRecorded };
    }
    if ('gone' in r) return { nothingRecorded: false };
    this.r.state.lastError = r.uncertain;
    return { uncertain: r.uncertain, rejected: r.rejected, nothingRecorded: false };
  }

  // ------------------------------------------------------------------ vendor events (./events)

  /** A vendor event asked this lane to query now. */
  private readonly woken = (): boolean => this.slot.wake !== undefined;

  /** What ends a monitoring wait early besides stop: a vendor event, or the run's continue-as-new (other lanes wait for this one). */
  private readonly interrupts = (): boolean => this.woken() || this.r.continueAsNewDue();

  private takeWake(): void {
    if (this.slot.wake === undefined) return;
    log.info('vendor event: querying the recorder now', { ...this.r.observer.logFields(this.live()), event: this.slot.wake });
    this.slot.wake = undefined;
  }

  // ------------------------------------------------------------------ segments

  private segments(): Segment[] {
    return this.r.state.segments.filter((s) => s.lane === this.slot.lane);
  }

  /** A new recorder attempt; `successorOf` marks a planned handover's successor (not a restart). */
  private openSegment(identity: string, successorOf?: number): Segment {
    const { state } = this.r;
    const seg: Segment = {
      index: state.segments.length,
      lane: this.slot.lane,
      identity,
      requestedAt: iso(now()),
      files: [],
      subscriptionsVersion: 0,
      layoutVersion: 0,
      ...(successorOf !== undefined ? { successorOf } : {}),
    };
    if (successorOf !== undefined) state.handovers = (state.handovers ?? 0) + 1;
    else if (this.segments().length > 0) state.restarts += 1;
    state.segments.push(seg);
    return seg;
  }

  private failAttempt(seg: Segment, why: string, reason: RestartReason): void {
    countRestart(reason);
    log.warn('recorder attempt failed; trying again', { ...this.r.observer.logFields(seg), why, reason });
    endSegment(seg, why);
    this.r.state.lastError = why;
    this.slot.consecutiveFailures += 1;
    this.setPhase('restarting');
  }
}
