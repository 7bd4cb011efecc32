/**
 * One recording, as the vendors' best-practice guides describe it: keep a confirmed recorder in
 * every slot until stop, restart a lost one on a fresh identity, re-apply the desired settings,
 * stop every recorder explicitly, and carry the state across continue-as-new. Deterministic: all
 * I/O goes through the provider's activities, all decisions through ./decisions.
 */
import { ApplicationFailure, allHandlersFinished, condition, continueAsNew, log, patched, workflowInfo } from '@temporalio/workflow';
import { PATCH } from './patches';
import type { RecorderEvent } from '../contract/events';
import { computeCoverage } from '../contract/coverage';
import type { VendorDetail } from '../contract/detail';
import type { RecordingFailureDetails, RecordingState, RecordingSummary, RecordingWorkflowArgs, Segment, UpdateResult } from '../contract/messages';
import type { RecordingInputBase } from '../contract/request';
import type { SettingName } from '../contract/recorder';
import type { Timings } from '../contract/timings';
import { identitiesFor, specOf, timingsFor } from '../providers/specs';
import type { ProviderSpec } from '../providers/spec';
import { Lane } from './lane';
import { Observer } from './observe';
import type { NotificationData, NotificationType } from '../notifications/types';
import { applyEvent } from './events';
import { Outbox } from './notify';
import { countUploadSettled } from './metrics';
import { endSegment, isLive, iso } from './segments';
import { beginUpload, expireUpload, isPending, overallUpload } from './uploads';
import { DesiredSettings } from './settings';
import { Vendor } from './vendor';
import { Waits } from './waits';

export class Recording {
  readonly state: RecordingState;
  readonly input: RecordingInputBase;
  readonly t: Timings;
  /** Whether the provider hands out a lease before a start (Agora's acquire). */
  readonly leases: boolean;
  /** The vendor's words for an identity and a recorder id (uid and sid, UserId and TaskId). */
  readonly terms: ProviderSpec['terms'];
  readonly vendor: Vendor;
  readonly waits: Waits;
  readonly observer: Observer;
  readonly settings: DesiredSettings;
  private readonly spec: ProviderSpec;
  private readonly lanes: Lane[];
  /** Start requests on the wire (any lane): a failing recording waits for their answers before it stops what runs. */
  startsInFlight = 0;
  /** Backend notifications (docs/notifications.md); absent in histories from before them. */
  private readonly outbox?: Outbox;
  private readonly lanesRunApart = patched(PATCH.lanesRunApart);

  constructor({ input, carried }: RecordingWorkflowArgs) {
    this.input = input;
    this.spec = specOf(input);
    this.t = timingsFor(input);
    this.leases = this.spec.leases;
    this.terms = this.spec.terms;
    this.state = carried ?? {
      recordingId: input.recordingId,
      provider: input.provider,
      account: this.spec.account(input),
      channel: input.channel,
      phase: this.spec.leases ? 'acquiring' : 'starting',
      identities: identitiesFor(input),
      slots: Array.from({ length: input.redundancy ?? 1 }, (_, lane) => ({ lane, switches: 0, consecutiveFailures: 0 })),
      segments: [],
      restarts: 0,
      desired: { subscriptions: input.subscriptions, subscriptionsVersion: 0, layout: input.layout, layoutVersion: 0 },
      runs: 0,
    };
    this.state.runs += 1;
    this.observer = new Observer(this.state);
    this.waits = new Waits(this.state, () => this.observer.show(), () => this.stopRequested);
    this.vendor = new Vendor(input.provider, this.state.account, this.t, this.state, (why) => this.fail(why));
    this.settings = new DesiredSettings(this.state, this.t, this.vendor, this.waits);
    this.lanes = this.state.slots.map((slot) => new Lane(this, slot));
    if (patched(PATCH.backendNotifications)) {
      this.outbox = new Outbox(this.state, { recordingId: input.recordingId, notify: input.notify, deadlineMs: this.t.notificationDeadlineMs, logFields: () => this.observer.logFields() });
      // Notifications a previous run could not deliver go on under their own ids.
      if (this.outbox.pending) this.outbox.start();
    }
    this.observer.publish(true);
  }

  // ------------------------------------------------------------------ the lifecycle

  async run(): Promise<RecordingSummary> {
    if (this.lanesRunApart) {
      // Each lane runs on its own: one lane's restart or handover never delays another's polls.
      await Promise.all(this.lanes.map((lane) => this.runLane(lane)));
      if (!this.stopRequested) await this.continueAsNew();
    } else {
      // Histories from before 0.3 stepped the lanes together.
      while (!this.stopRequested) {
        await Promise.all(this.lanes.map((lane) => lane.step()));
        this.beginUploads();
        if (!this.stopRequested && this.shouldContinueAsNew()) await this.continueAsNew();
      }
    }
    return this.finish();
  }

  private async runLane(lane: Lane): Promise<void> {
    while (!this.stopRequested && !this.continueAsNewDue()) {
      await lane.step();
      this.beginUploads();
    }
  }

  /** Lanes end their steps for it; once one sees it, all do (waits wake on it). */
  continueAsNewDue(): boolean {
    return this.lanesRunApart && this.shouldContinueAsNew();
  }

  // ------------------------------------------------------------------ vendor events and uploads

  /** A backend notification about this recording (./notify): queued in state, sent in order by an activity. */
  notify<T extends NotificationType>(type: T, data: Omit<NotificationData[T], 'provider' | 'account' | 'channel'>): void {
    this.outbox?.emit(type, { provider: this.state.provider, account: this.state.account, channel: this.state.channel, ...data } as NotificationData[T]);
  }

  /** A callback from the receiver (./events); malformed signals are logged, never fatal. */
  onEvent(ev: RecorderEvent): void {
    if (!ev || typeof ev !== 'object' || typeof ev.eventId !== 'string' || typeof ev.recorderId !== 'string' || typeof ev.kind !== 'string') {
      log.warn('ignored a malformed recorder event signal', this.observer.logFields());
      return;
    }
    const before = this.settledCount();
    if (applyEvent(this.state, ev, this.observer.logFields()) === 'upload') this.countSettled(before);
    this.observer.publish();
  }

  private get tracked(): boolean {
    return this.input.trackUploads === true;
  }

  /** Every ended segment that may have files gets its upload record (pending or untracked). */
  private beginUploads(): void {
    const before = this.settledCount();
    for (const seg of this.state.segments) if (seg.endedAt) beginUpload(seg, this.tracked, iso(Date.now()));
    this.countSettled(before);
  }

  private settledCount(): Set<number> {
    return new Set(this.state.segments.filter((s) => s.upload?.settledAt).map((s) => s.index));
  }

  private countSettled(before: Set<number>): void {
    for (const seg of this.state.segments) {
      if (!seg.upload?.settledAt || before.has(seg.index)) continue;
      countUploadSettled(seg.upload.state);
      const state = seg.upload.state;
      if (state === 'uploaded' || state === 'backuped' || state === 'failed' || state === 'unknown') {
        this.notify('recording.uploaded', { segment: seg.index, identity: seg.identity, recorderId: seg.recorderId, files: seg.upload.files?.map((f) => f.name) ?? seg.files, state });
      }
    }
  }

  /** Phase `uploading`: until every segment's upload settles, or the deadline (absolute, so it survives continue-as-new). */
  private async awaitUploads(): Promise<void> {
    const deadline = Date.parse(this.state.uploadDeadlineAt!);
    const pending = () => this.state.segments.filter(isPending);
    while (pending().length) {
      this.observer.setPhase('uploading');
      const settled = await this.waits.until(() => !pending().length || this.shouldContinueAsNew(), deadline, `uploads: ${pending().length} segment(s) awaiting the vendor's upload callbacks`);
      if (!settled) {
        const before = this.settledCount();
        for (const seg of pending()) expireUpload(seg, iso(Date.now()));
        this.countSettled(before);
        log.warn('uploads not settled by their deadline: reported unknown', { ...this.observer.logFields(), deadline: this.state.uploadDeadlineAt });
      } else if (pending().length) await this.continueAsNew();
    }
  }

  // ------------------------------------------------------------------ stop

  requestStop(reason?: string): void {
    if (this.state.stopRequestedAt) return;
    this.state.stopRequestedAt = iso(Date.now());
    this.state.stopReason = reason;
  }

  get stopRequested(): boolean {
    return this.state.stopRequestedAt !== undefined;
  }

  /** Stop every recorder and wait for it; then, if asked, for the uploads. Resumable after continue-as-new. */
  private async finish(): Promise<RecordingSummary> {
    if (!this.state.stoppedAt) {
      this.observer.setPhase('stopping');
      // Every recorder that may run, both of a handover included, on every lane at once.
      const stopped = await Promise.all(
        this.lanes.flatMap((lane) =>
          lane.lives().map(async (seg) => {
            const result = await lane.stopPersistently(seg, 'the recorder');
            if (result.uncertain) seg.stopUncertain = result.uncertain;
            endSegment(seg, this.state.stopReason ? `stopped: ${this.state.stopReason}` : 'stopped');
            return seg.index;
          }),
        ),
      );
      this.state.stoppedSegments = stopped;
      this.state.stoppedAt = iso(Date.now());
      this.state.uploadDeadlineAt = iso(Date.now() + this.t.uploadDeadlineMs);
      const sum = this.summary();
      this.notify('recording.stopped', {
        stopReason: sum.stopReason,
        restarts: sum.restarts,
        segments: sum.segments.length,
        files: sum.files,
        nothingRecorded: sum.nothingRecorded,
        uploadingStatus: sum.uploadingStatus,
        ...(sum.stopUncertain ? { stopUncertain: sum.stopUncertain } : {}),
      });
    }
    this.beginUploads();
    await this.awaitUploads();
    this.observer.setPhase('stopped');
    // The workflow is the notifications' durable sender: it completes once they are delivered (or past their deadline).
    await this.outbox?.drained();
    await condition(allHandlersFinished);
    return this.summary();
  }

  /** What the recording did; complete once the phase is `stopped`, and already true of the recorders in `uploading`. */
  summary(): RecordingSummary {
    const s = this.state;
    const files = s.segments.flatMap((seg) => seg.files);
    const stopped = (s.stoppedSegments ?? []).map((i) => s.segments[i]);
    const uncertain = stopped.map((seg) => seg.stopUncertain).filter(Boolean);
    return {
      recordingId: this.input.recordingId,
      provider: this.input.provider,
      account: s.account,
      channel: this.input.channel,
      status: 'stopped',
      stopReason: s.stopReason,
      segments: s.segments,
      lanes: s.slots.map((slot) => ({ lane: slot.lane, segments: s.segments.filter((seg) => seg.lane === slot.lane).map((seg) => seg.index) })),
      restarts: s.restarts,
      ...(s.handovers ? { handovers: s.handovers } : {}),
      files,
      uploadingStatus: stopped[0]?.uploadingStatus,
      upload: overallUpload(s.segments),
      nothingRecorded: stopped.length > 0 && stopped.every((seg) => !seg.stopUncertain && seg.nothingRecorded) && files.length === 0,
      ...(uncertain.length ? { stopUncertain: uncertain.join('; ') } : {}),
      coverage: computeCoverage(this.state.segments, { stoppedAt: this.state.stopRequestedAt }),
    };
  }

  /** The awaitStopped update: every recorder stopped (phase uploading or stopped), or the recording failed. */
  async awaitStopped(): Promise<RecordingSummary> {
    await condition(() => this.state.phase === 'uploading' || this.state.phase === 'stopped' || this.state.phase === 'failed');
    if (this.state.phase === 'failed') throw ApplicationFailure.nonRetryable(`recording failed: ${this.state.lastError ?? 'unknown error'}`, 'RecordingFailed');
    return this.summary();
  }

  /** The recording fails with the vendor's word, leaving no recorder running. */
  async fail(why: string, detail?: VendorDetail): Promise<never> {
    this.state.lastError = why;
    // Another lane's start on the wire may bring a recorder id: wait for it, so that recorder is stopped too.
    await condition(() => this.startsInFlight === 0);
    for (const lane of this.lanes) {
      for (const seg of lane.lives()) {
        await lane.stopQuietly(seg);
        endSegment(seg, `failed: ${why}`);
      }
    }
    const last = this.state.segments.at(-1);
    if (last && !last.endedAt) endSegment(last, `failed: ${why}`);
    this.observer.setPhase('failed');
    this.notify('recording.failed', { reason: why, ...(detail?.httpStatus !== undefined ? { httpStatus: detail.httpStatus } : {}), ...(detail?.code !== undefined ? { code: detail.code } : {}) });
    await this.outbox?.drained();
    await condition(allHandlersFinished);
    const details: RecordingFailureDetails = { ...detail, segments: this.state.segments };
    throw ApplicationFailure.nonRetryable(why, 'RecordingFailed', details);
  }

  // ------------------------------------------------------------------ settings

  /** Validators must be synchronous; this one checks what the schema cannot see (e.g. the mode). */
  assertSettingAllowed(name: SettingName): void {
    const refused = this.spec.settingRefused(this.input, name);
    if (refused) throw new Error(refused);
    if (this.stopRequested) throw new Error('the recording is stopping');
  }

  changeSetting(name: SettingName, value: Record<string, unknown>): Promise<UpdateResult> {
    return this.settings.change(name, value, () => this.lanes.flatMap((lane) => lane.lives()));
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
}
