/**
 * The state of one recording and the steps of the vendor's best-practice guide (spec §7.2–7.3).
 * Deterministic workflow code: all I/O goes through activities, all decisions through ./policy.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  upsertSearchAttributes,
  workflowInfo,
  log,
  patched,
  setCurrentDetails,
  sleep,
  type ActivityOptions,
} from '@temporalio/workflow';
import { activityTaskQueue, CONFIG_ERROR, type RecorderActivities, type RecorderRef } from '../domain/activities';
import type { Layout, RecordingInput, Subscriptions } from '../domain/input';
import { describeResult, type QueryData, type VendorResult } from '../domain/vendor';
import type { Phase, RecordingState, RecordingSummary, RecordingWorkflowArgs, Segment, UpdateResult } from './messages';
import { currentDetails } from './details';
import { countRestart, recordConfirmLatency, recordRestartGap, type RestartReason } from './metrics';
import { Mutex } from './mutex';
import {
  decideAcquire,
  decideStart,
  decideStop,
  deriveUids,
  judgeQuery,
  nth,
  resolveTimings,
  restartBackoffMs,
  type Timings,
} from './policy';
import {
  RecordingAppId,
  RecordingChannel,
  RecordingPhase,
  RecordingProvider,
  RecordingRestarts,
  RecordingSid,
  RecordingUid,
} from './search-attributes';

/** What one query round (with its 404 confirmations and retries) concluded about a recorder. */
type Probe =
  | { alive: true; status: number }
  | { alive: false; starting: true; status?: number }
  | { alive: false; gone: true; why: string; mayStillRun: boolean }
  | { alive: false; unknown: true; why: string }
  | { alive: false; interrupted: true };

type StartOutcome = { sid: string } | { next: 'switch-uid' | 'reacquire' | 'give-up'; why: string };

/** Fixes found by the chaos suite (docs/chaos.md); histories recorded before them replay the old way. */
const PATCH_VERSIONS_READ_BEFORE_CALL = 'update-versions-read-before-call';
const PATCH_RETRY_UNCERTAIN_STOP = 'retry-uncertain-stop';

const now = (): number => Date.now();
const iso = (t: number): string => new Date(t).toISOString();

export class Recording {
  readonly state: RecordingState;
  private readonly input: RecordingInput;
  private readonly t: Timings;
  private readonly vendor: RecorderActivities;
  private readonly updates = new Mutex();
  private lastUpserted?: string;

  constructor({ input, carried }: RecordingWorkflowArgs) {
    this.input = input;
    this.t = resolveTimings(input.timings, input.recordingConfig.maxIdleTime);
    this.vendor = proxyActivities<RecorderActivities>({
      taskQueue: activityTaskQueue(input.provider, input.appId),
      startToCloseTimeout: this.t.activityTimeoutMs,
      scheduleToStartTimeout: this.t.activityScheduleTimeoutMs,
      retry: { maximumAttempts: 3, initialInterval: '1 second', nonRetryableErrorTypes: [CONFIG_ERROR] },
    });
    this.state = carried ?? {
      recordingId: input.recordingId,
      provider: input.provider,
      appId: input.appId,
      channel: input.channel,
      mode: input.mode,
      phase: 'acquiring',
      uids: input.uids ?? deriveUids(input.recordingId),
      uidSwitches: 0,
      segments: [],
      restarts: 0,
      consecutiveFailures: 0,
      desired: {
        subscriptions: input.subscriptions,
        subscriptionsVersion: 0,
        layout: input.layout,
        layoutVersion: 0,
      },
      runs: 0,
    };
    this.state.runs += 1;
    this.publish(true);
  }

  // ------------------------------------------------------------------ the lifecycle

  async run(): Promise<RecordingSummary> {
    while (!this.stopRequested) {
      const seg = this.live();
      if (seg) await this.monitor(seg);
      else await this.startRecorder();
      if (!this.stopRequested && this.shouldContinueAsNew()) await this.continueAsNew();
    }
    return this.finish();
  }

  /** Acquire → start → confirm, alternating uids and backing off on repeated failure (spec §7.2). */
  private async startRecorder(): Promise<void> {
    if (this.state.consecutiveFailures >= this.t.maxConsecutiveFailedAttempts) {
      await this.fail(`restart budget exhausted: ${this.state.consecutiveFailures} consecutive attempts never reached status 4/5`);
    }
    // The first switch after a failure happens at once (spec); repeats back off so a dead vendor is not hammered.
    const backoff = restartBackoffMs(this.t, this.state.consecutiveFailures - 1);
    if (backoff > 0) {
      this.setPhase('restarting');
      if (await this.wait(backoff, `restart backoff after ${this.state.consecutiveFailures} failed attempts`)) return;
    }

    const seg = this.openSegment();
    let resourceId = await this.acquire(seg);
    let reacquired = false;
    while (resourceId) {
      if (this.stopRequested) return this.endSegment(seg, 'stop requested before start');
      seg.resourceId = resourceId;
      const started = await this.start(seg, resourceId);
      if ('sid' in started) break;
      // One fresh resource per attempt: a vendor that keeps refusing it goes through the restart backoff.
      if (started.next === 'reacquire' && !reacquired) {
        reacquired = true;
        resourceId = await this.acquire(seg);
        continue;
      }
      if (started.next === 'switch-uid') this.state.uidSwitches += 1;
      return this.failAttempt(seg, started.why, 'start-rejected');
    }
    if (!seg.sid) return this.failAttempt(seg, seg.endReason ?? 'acquire failed', 'acquire-failed');
    if (this.stopRequested) return;

    const confirmed = await this.confirm(seg);
    if (confirmed === 'stop') return;
    if (confirmed !== 'ok') {
      if (confirmed.mayStillRun) await this.stopQuietly(seg);
      this.state.uidSwitches += 1;
      return this.failAttempt(seg, confirmed.why, 'unconfirmed');
    }
    seg.confirmedAt = iso(now());
    recordConfirmLatency((now() - Date.parse(seg.startedAt!)) / 1000);
    const previous = this.state.segments[seg.index - 1];
    const lastAlive = previous?.lastAliveAt ?? previous?.confirmedAt;
    if (lastAlive) recordRestartGap((now() - Date.parse(lastAlive)) / 1000);
    this.state.consecutiveFailures = 0;
    this.state.nextPollAt = iso(now() + this.t.monitorIntervalMs);
    this.setPhase('recording');
    await this.reconcileUpdates(seg);
  }

  private async acquire(seg: Segment): Promise<string | undefined> {
    this.setPhase('acquiring');
    let retries = 0;
    let rateLimited = 0;
    for (;;) {
      const r = await this.call('acquire', `acquire a resource for uid ${seg.uid}`, {
        appId: this.input.appId,
        cname: this.input.channel,
        uid: seg.uid,
        mode: this.input.mode,
        resourceExpiredHour: this.input.resourceExpiredHour,
      });
      const d = decideAcquire(r, retries, rateLimited, this.t);
      switch (d.action) {
        case 'acquired':
          return d.resourceId;
        case 'fail':
          return this.fail(`${d.why}: ${describeResult(r)}`, r);
        case 'give-up-attempt':
          seg.endReason = `${d.why}: ${describeResult(r)}`;
          return undefined;
        case 'wait':
          if (d.counts) retries += 1;
          else rateLimited += 1;
          // Stop may cut this wait short: no recorder exists yet.
          if (await this.wait(d.delayMs, d.why)) return undefined;
      }
    }
  }

  private async start(seg: Segment, resourceId: string): Promise<StartOutcome> {
    this.setPhase('starting');
    let retries = 0;
    let rateLimited = 0;
    for (;;) {
      // Read with the settings the start carries: an update may arrive while it is on the wire.
      const carried = { subscriptions: this.state.desired.subscriptionsVersion, layout: this.state.desired.layoutVersion };
      const r = await this.call('start', `start recorder #${seg.index} on uid ${seg.uid}`, {
        appId: this.input.appId,
        cname: this.input.channel,
        uid: seg.uid,
        mode: this.input.mode,
        resourceId,
        storageProfile: this.input.storageProfile,
        recordingConfig: this.input.recordingConfig,
        avFileType: this.input.avFileType,
        webRecorder: this.input.webRecorder,
        subscriptions: this.state.desired.subscriptions,
        layout: this.state.desired.layout,
      });
      // What the start carried; later updates are reconciled against these versions.
      const moved = carried.subscriptions !== this.state.desired.subscriptionsVersion || carried.layout !== this.state.desired.layoutVersion;
      const fixed = moved && patched(PATCH_VERSIONS_READ_BEFORE_CALL);
      seg.subscriptionsVersion = fixed ? carried.subscriptions : this.state.desired.subscriptionsVersion;
      seg.layoutVersion = fixed ? carried.layout : this.state.desired.layoutVersion;
      const d = decideStart(r, retries, rateLimited, this.t);
      switch (d.action) {
        case 'started':
          seg.sid = d.sid;
          seg.startedAt = iso(now());
          seg.adopted = d.adopted || undefined;
          if (this.input.mode === 'mix') seg.m3u8 = `${d.sid}_${this.input.channel}.m3u8`;
          this.publish();
          return { sid: d.sid };
        case 'fail':
          return this.fail(`${d.why}: ${describeResult(r)}`, r);
        case 'switch-uid':
          if (r.kind === 'already-started') seg.unmanageable = true;
          return { next: 'switch-uid', why: `${d.why}: ${describeResult(r)}` };
        case 'reacquire':
          return { next: 'reacquire', why: d.why };
        case 'retry':
        case 'wait':
          // Not interruptible by stop: after an ambiguous answer only a retry (201 + sid) can reveal
          // a recorder that did start, and we must know it to stop it.
          if (d.action === 'retry') retries += 1;
          else rateLimited += 1;
          await this.sleepFor(d.delayMs, d.why);
      }
    }
  }

  /** First query 5 s after the sid, back off, give up 90 s after the sid (spec §7.2 steps 2–3). */
  private async confirm(seg: Segment): Promise<'ok' | 'stop' | { why: string; mayStillRun: boolean }> {
    this.setPhase('confirming');
    const deadline = Date.parse(seg.startedAt!) + this.t.confirmTimeoutMs;
    let delay = this.t.firstQueryDelayMs;
    for (let i = 0; ; i++) {
      const at = Math.min(now() + delay, deadline);
      if (await this.waitUntil(at, 'confirm: next query')) return 'stop';
      const p = await this.probe(seg, deadline);
      if (p.alive) return 'ok';
      if ('interrupted' in p) return 'stop';
      if ('gone' in p) return { why: p.why, mayStillRun: p.mayStillRun };
      if (now() >= deadline) {
        return { why: `no status 4/5 within ${this.t.confirmTimeoutMs / 1000} s of the sid (last status ${this.state.lastStatus ?? 'unknown'})`, mayStillRun: true };
      }
      delay = nth(this.t.confirmPollDelaysMs, i);
    }
  }

  /** A query on a durable timer (spec §7.3); the deadline is absolute, so it survives continue-as-new. */
  private async monitor(seg: Segment): Promise<void> {
    const due = this.state.nextPollAt ? Date.parse(this.state.nextPollAt) : now() + this.t.monitorIntervalMs;
    if (await this.waitUntil(due, 'monitor: next query')) return;
    const p = await this.probe(seg);
    if ('interrupted' in p) return;
    this.state.nextPollAt = iso(now() + this.t.monitorIntervalMs);
    if (p.alive) {
      this.setPhase('recording');
      return;
    }
    if ('unknown' in p) {
      // The vendor cannot tell us; the recorder may well be fine. Keep watching, visibly.
      this.setPhase('degraded');
      return;
    }
    const why = 'gone' in p ? p.why : `status left 4/5 (status ${p.status ?? 'unknown'})`;
    countRestart('gone' in p ? (p.mayStillRun ? 'exited' : 'not-found') : 'status-left');
    if ('starting' in p || p.mayStillRun) await this.stopQuietly(seg);
    this.state.uidSwitches += 1;
    this.state.lastError = why;
    this.endSegment(seg, why);
    log.warn('recorder lost; restarting on the other uid', { ...this.logFields(seg), why });
  }

  /**
   * One query, with the follow-ups the guide asks for: a 404 is confirmed by queries after 5,
   * 10 and 15 s; 206/50x are retried after 5, 10, 15 and 30 s; 429 waits without counting.
   */
  private async probe(seg: Segment, deadline?: number): Promise<Probe> {
    let notFound = 0;
    let transient = 0;
    let rateLimited = 0;
    for (;;) {
      const r = await this.call('query', `query sid ${seg.sid}`, this.ref(seg));
      const v = judgeQuery(r);
      if (r.kind === 'ok') this.noteQuery(seg, r.data);
      let delay: number;
      let why: string;
      switch (v.verdict) {
        case 'recording':
          seg.lastAliveAt = iso(now());
          return { alive: true, status: v.status };
        case 'not-yet':
          return { alive: false, starting: true, status: v.status };
        case 'exited':
          return { alive: false, gone: true, why: `recorder exited (status ${v.status})`, mayStillRun: true };
        case 'not-found':
          if (notFound >= this.t.notFoundConfirmDelaysMs.length) {
            return { alive: false, gone: true, why: `query 404 confirmed ${notFound + 1} times`, mayStillRun: false };
          }
          delay = this.t.notFoundConfirmDelaysMs[notFound++];
          why = `confirming 404 (${notFound}/${this.t.notFoundConfirmDelaysMs.length})`;
          break;
        case 'rate-limited':
          delay = nth(this.t.rateLimitDelaysMs, rateLimited++);
          why = 'query rate-limited (429)';
          break;
        case 'transient':
        case 'rejected':
          if (v.verdict === 'rejected' || transient >= this.t.serverErrorRetryDelaysMs.length) {
            return { alive: false, unknown: true, why: describeResult(r) };
          }
          delay = this.t.serverErrorRetryDelaysMs[transient++];
          why = `query retry ${transient} after ${r.kind}`;
          break;
      }
      if (deadline !== undefined && now() + delay > deadline && v.verdict !== 'not-found') {
        return { alive: false, unknown: true, why: describeResult(r) };
      }
      if (await this.wait(delay, why)) return { alive: false, interrupted: true };
    }
  }

  // ------------------------------------------------------------------ stop

  requestStop(reason?: string): void {
    if (this.state.stopRequestedAt) return;
    this.state.stopRequestedAt = iso(now());
    this.state.stopReason = reason;
  }

  get stopRequested(): boolean {
    return this.state.stopRequestedAt !== undefined;
  }

  private async finish(): Promise<RecordingSummary> {
    this.setPhase('stopping');
    let stopUncertain: string | undefined;
    let nothingRecorded = false;
    const seg = this.live();
    if (seg) {
      const result = await this.stopPersistently(seg, 'the recorder');
      if (result.uncertain) stopUncertain = result.uncertain;
      nothingRecorded = result.nothingRecorded;
      this.endSegment(seg, this.state.stopReason ? `stopped: ${this.state.stopReason}` : 'stopped');
    }
    this.setPhase('stopped');
    await condition(allHandlersFinished);
    const files = this.state.segments.flatMap((s) => s.files);
    return {
      recordingId: this.input.recordingId,
      appId: this.input.appId,
      channel: this.input.channel,
      mode: this.input.mode,
      status: 'stopped',
      stopReason: this.state.stopReason,
      segments: this.state.segments,
      restarts: this.state.restarts,
      files,
      uploadingStatus: seg?.uploadingStatus,
      nothingRecorded: nothingRecorded && files.length === 0,
      stopUncertain,
    };
  }

  /** stop → files and uploadingStatus; 435 = nothing recorded; 404 = already gone (spec §4.6, §7.1). */
  private async stopRecorder(seg: Segment): Promise<{ uncertain?: string; rejected?: boolean; nothingRecorded: boolean }> {
    let retries = 0;
    let rateLimited = 0;
    for (;;) {
      const r = await this.call('stop', `stop sid ${seg.sid}`, this.ref(seg));
      const d = decideStop(r, retries, rateLimited, this.t);
      switch (d.action) {
        case 'stopped':
          // The stop answer is authoritative: a playlist name seen by query is no proof of data.
          if (d.nothingRecorded) seg.files = [];
          else if (d.files.length) seg.files = d.files;
          seg.uploadingStatus = d.uploadingStatus;
          return { nothingRecorded: d.nothingRecorded };
        case 'gone':
          return { nothingRecorded: false };
        case 'give-up':
          this.state.lastError = `${d.why}: ${describeResult(r)}`;
          return { uncertain: this.state.lastError, rejected: r.kind === 'client-error', nothingRecorded: false };
        case 'retry':
        case 'wait':
          if (d.action === 'retry') retries += 1;
          else rateLimited += 1;
          await this.sleepFor(d.delayMs, d.why);
      }
    }
  }

  /** A superseded recorder that may still run is stopped before its successor starts. */
  private async stopQuietly(seg: Segment): Promise<void> {
    const { uncertain } = await this.stopPersistently(seg, 'superseded recorder');
    if (uncertain) log.warn('could not stop a superseded recorder', { ...this.logFields(seg), uncertain });
  }

  /**
   * Nothing else will ever stop this recorder (and a successor must not run beside it): past a
   * vendor outage (50x, no answer) the stop is retried with the restart backoff; only a rejection
   * or the restart budget ends the tries.
   */
  private async stopPersistently(seg: Segment, what: string): Promise<{ uncertain?: string; nothingRecorded: boolean }> {
    for (let round = 1; ; round++) {
      const result = await this.stopRecorder(seg);
      if (!result.uncertain || result.rejected || round >= this.t.maxConsecutiveFailedAttempts || !patched(PATCH_RETRY_UNCERTAIN_STOP)) return result;
      await this.sleepFor(restartBackoffMs(this.t, round), `stop of ${what} ${seg.sid} uncertain (${result.uncertain}); retrying`);
    }
  }

  // ------------------------------------------------------------------ updates

  async updateSubscriptions(subscriptions: Subscriptions): Promise<UpdateResult> {
    this.state.desired.subscriptions = subscriptions;
    const version = ++this.state.desired.subscriptionsVersion;
    return this.applyUpdate('subscriptions', version);
  }

  async updateLayout(layout: Layout): Promise<UpdateResult> {
    this.state.desired.layout = layout;
    const version = ++this.state.desired.layoutVersion;
    return this.applyUpdate('layout', version);
  }

  /** Validators must be synchronous; this one checks what the schema cannot see: the mode. */
  assertLayoutAllowed(): void {
    if (this.input.mode !== 'mix') throw new Error(`updateLayout applies to mix mode only; this recording is ${this.input.mode}`);
  }

  private async reconcileUpdates(seg: Segment): Promise<void> {
    if (seg.subscriptionsVersion < this.state.desired.subscriptionsVersion) await this.applyUpdate('subscriptions', this.state.desired.subscriptionsVersion);
    if (seg.layoutVersion < this.state.desired.layoutVersion) await this.applyUpdate('layout', this.state.desired.layoutVersion);
  }

  /**
   * Sends the desired setting to the live recorder. Whatever happens it stays desired, so the
   * next start carries it: an update is never lost to a restart.
   */
  private applyUpdate(kind: 'subscriptions' | 'layout', version: number): Promise<UpdateResult> {
    return this.updates.run(async () => {
      const seg = this.live();
      const versionKey = kind === 'subscriptions' ? 'subscriptionsVersion' : 'layoutVersion';
      if (!seg?.sid || !seg.confirmedAt) return { applied: false, detail: 'no confirmed recorder now; applied when the next one starts' };
      if (seg[versionKey] >= version) return { applied: true, sid: seg.sid, detail: 'already applied' };
      let retries = 0;
      let rateLimited = 0;
      for (;;) {
        // The version this call sends; another update accepted meanwhile must still be sent after it.
        const sending = kind === 'subscriptions' ? this.state.desired.subscriptionsVersion : this.state.desired.layoutVersion;
        const r =
          kind === 'subscriptions'
            ? await this.call('updateSubscriptions', `update subscriptions of sid ${seg.sid} (v${version})`, this.ref(seg), this.state.desired.subscriptions!)
            : await this.call('updateLayout', `update layout of sid ${seg.sid} (v${version})`, this.ref(seg), this.state.desired.layout!);
        if (r.kind === 'ok') {
          const latest = kind === 'subscriptions' ? this.state.desired.subscriptionsVersion : this.state.desired.layoutVersion;
          seg[versionKey] = Math.max(seg[versionKey], latest !== sending && patched(PATCH_VERSIONS_READ_BEFORE_CALL) ? sending : latest);
          return { applied: true, sid: seg.sid, detail: `applied to ${seg.sid}` };
        }
        if (r.kind === 'rate-limited') {
          await this.sleepFor(nth(this.t.rateLimitDelaysMs, rateLimited++), `${kind} update rate-limited`);
          continue;
        }
        const retryable = r.kind === 'partial' || r.kind === 'server-error' || r.kind === 'unavailable';
        if (retryable && retries < this.t.requestRetryDelaysMs.length) {
          await this.sleepFor(this.t.requestRetryDelaysMs[retries++], `${kind} update retry`);
          continue;
        }
        return { applied: false, sid: seg.sid, detail: `kept for the next recorder; the vendor answered ${describeResult(r)}` };
      }
    });
  }

  // ------------------------------------------------------------------ continue-as-new

  private shouldContinueAsNew(): boolean {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength > this.t.continueAsNewAfterEvents;
  }

  private async continueAsNew(): Promise<never> {
    await condition(allHandlersFinished);
    this.state.waiting = undefined;
    return continueAsNew<(args: RecordingWorkflowArgs) => Promise<RecordingSummary>>({ input: this.input, carried: this.state });
  }

  // ------------------------------------------------------------------ helpers

  private live(): Segment | undefined {
    const seg = this.state.segments[this.state.segments.length - 1];
    return seg && seg.sid && !seg.endedAt ? seg : undefined;
  }

  private ref(seg: Segment): RecorderRef {
    return { appId: this.input.appId, cname: this.input.channel, uid: seg.uid, mode: this.input.mode, resourceId: seg.resourceId!, sid: seg.sid! };
  }

  private openSegment(): Segment {
    const { uids, uidSwitches } = this.state;
    const seg: Segment = {
      index: this.state.segments.length,
      uid: uidSwitches % 2 === 0 ? uids.primary : uids.backup,
      requestedAt: iso(now()),
      files: [],
      subscriptionsVersion: 0,
      layoutVersion: 0,
    };
    if (seg.index > 0) this.state.restarts += 1;
    this.state.segments.push(seg);
    return seg;
  }

  private endSegment(seg: Segment, reason: string): void {
    if (seg.endedAt) return;
    seg.endedAt = iso(now());
    seg.endReason = reason;
  }

  private failAttempt(seg: Segment, why: string, reason: RestartReason): void {
    countRestart(reason);
    log.warn('recorder attempt failed; trying again', { ...this.logFields(seg), why, reason });
    this.endSegment(seg, why);
    this.state.lastError = why;
    this.state.consecutiveFailures += 1;
    this.setPhase('restarting');
  }

  private noteQuery(seg: Segment, data: QueryData): void {
    this.state.lastStatus = data.status;
    if (data.files.length) seg.files = data.files;
  }

  /**
   * Runs a vendor activity under a summary the Web UI shows in the event history; only a worker
   * misconfiguration escapes, everything else is a typed result.
   */
  private async call<K extends keyof RecorderActivities>(op: K, summary: string, ...args: Parameters<RecorderActivities[K]>): Promise<Awaited<ReturnType<RecorderActivities[K]>>> {
    type Result = Awaited<ReturnType<RecorderActivities[K]>>;
    const activity = this.vendor[op] as unknown as { executeWithOptions(o: ActivityOptions, a: unknown[]): Promise<Result> };
    let r: Result;
    try {
      r = await activity.executeWithOptions({ summary } as ActivityOptions, args);
    } catch (err) {
      if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === CONFIG_ERROR) {
        return this.fail(`worker configuration: ${err.cause.message}`);
      }
      const cause = err instanceof ActivityFailure && err.cause ? err.cause.message : (err as Error).message;
      r = { kind: 'unavailable', error: `${op} activity failed: ${cause}` } as Result;
    }
    if (r.kind !== 'ok') this.state.lastError = `${op}: ${describeResult(r)}`;
    return r;
  }

  /** The recording fails with the vendor's code and reason, leaving no recorder running. */
  private async fail(why: string, r?: VendorResult<unknown>): Promise<never> {
    this.state.lastError = why;
    const seg = this.live();
    if (seg) {
      await this.stopQuietly(seg);
      this.endSegment(seg, `failed: ${why}`);
    }
    const last = this.state.segments[this.state.segments.length - 1];
    if (last && !last.endedAt) this.endSegment(last, `failed: ${why}`);
    this.setPhase('failed');
    await condition(allHandlersFinished);
    throw ApplicationFailure.nonRetryable(why, 'RecordingFailed', {
      httpStatus: r?.httpStatus,
      code: r?.code,
      reason: r?.reason ?? r?.message,
      segments: this.state.segments,
    });
  }

  /** Waits `ms` unless stop is requested first; true when stop interrupted. */
  private async wait(ms: number, reason: string): Promise<boolean> {
    return this.waitUntil(now() + ms, reason);
  }

  private async waitUntil(at: number, reason: string): Promise<boolean> {
    this.state.waiting = { reason, until: iso(at) };
    const ms = at - now();
    this.show();
    const interrupted = ms > 0 ? await condition(() => this.stopRequested, ms, { summary: reason }) : this.stopRequested;
    this.state.waiting = undefined;
    this.show();
    return interrupted;
  }

  /** Waits that stop must not cut short (a retry that may reveal a running recorder). */
  private async sleepFor(ms: number, reason: string): Promise<void> {
    this.state.waiting = { reason, until: iso(now() + ms) };
    this.show();
    await sleep(ms, { summary: reason });
    this.state.waiting = undefined;
    this.show();
  }

  private setPhase(phase: Phase): void {
    if (phase !== this.state.phase) log.info(`phase ${this.state.phase} → ${phase}`, { ...this.logFields(), phase });
    this.state.phase = phase;
    this.publish();
  }

  /** The fields every log line about this recording carries (the SDK adds workflowId and runId). */
  private logFields(seg = this.state.segments[this.state.segments.length - 1]): Record<string, string | undefined> {
    return { recordingId: this.input.recordingId, appId: this.input.appId, channel: this.input.channel, uid: seg?.uid, sid: seg?.sid };
  }

  /** The Web UI's "Current Details": no command, no history event, just what the UI reads. */
  private show(): void {
    setCurrentDetails(currentDetails(this.state));
  }

  /** Search attributes follow every phase change, so the Web UI lists and filters recordings. */
  private publish(initial = false): void {
    this.show();
    const seg = this.state.segments[this.state.segments.length - 1];
    const snapshot = JSON.stringify([this.state.phase, seg?.sid, seg?.uid, this.state.restarts]);
    if (snapshot === this.lastUpserted) return;
    this.lastUpserted = snapshot;
    upsertSearchAttributes([
      { key: RecordingPhase, value: this.state.phase },
      { key: RecordingRestarts, value: this.state.restarts },
      ...(seg?.uid ? [{ key: RecordingUid, value: seg.uid }] : []),
      ...(seg?.sid ? [{ key: RecordingSid, value: seg.sid }] : []),
      ...(initial
        ? [
            { key: RecordingChannel, value: this.input.channel },
            { key: RecordingAppId, value: this.input.appId },
            { key: RecordingProvider, value: this.input.provider },
          ]
        : []),
    ]);
  }
}
