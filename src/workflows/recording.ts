/**
 * One recording, as the vendors' best-practice guides describe it: keep a confirmed recorder in
 * every slot until stop, restart a lost one on a fresh identity, re-apply the desired settings,
 * stop every recorder explicitly, and carry the state across continue-as-new. Deterministic: all
 * I/O goes through the provider's activities, all decisions through ./decisions.
 */
import { ApplicationFailure, allHandlersFinished, condition, continueAsNew, workflowInfo } from '@temporalio/workflow';
import { computeCoverage } from '../contract/coverage';
import type { VendorDetail } from '../contract/detail';
import type { RecordingFailureDetails, RecordingState, RecordingSummary, RecordingWorkflowArgs, Segment, UpdateResult } from '../contract/messages';
import type { RecordingInputBase } from '../contract/request';
import type { SettingName } from '../contract/recorder';
import type { Timings } from '../contract/timings';
import { identitiesFor, specOf, timingsFor } from '../providers/catalog';
import type { ProviderSpec } from '../providers/spec';
import { identitiesNeeded } from './identities';
import { Lane } from './lane';
import { Observer } from './observe';
import { endSegment, isLive, iso } from './segments';
import { DesiredSettings } from './settings';
import { Vendor } from './vendor';
import { Waits } from './waits';

/** One slot today; redundant recording asks for more. */
const LANES = 1;

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
      identities: identitiesFor(input, identitiesNeeded(LANES)),
      slots: Array.from({ length: LANES }, (_, lane) => ({ lane, switches: 0, consecutiveFailures: 0 })),
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
    this.observer.publish(true);
  }

  // ------------------------------------------------------------------ the lifecycle

  async run(): Promise<RecordingSummary> {
    while (!this.stopRequested) {
      await Promise.all(this.lanes.map((lane) => lane.step()));
      if (!this.stopRequested && this.shouldContinueAsNew()) await this.continueAsNew();
    }
    return this.finish();
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

  private async finish(): Promise<RecordingSummary> {
    this.observer.setPhase('stopping');
    const stops = await Promise.all(
      this.lanes.map(async (lane) => {
        const seg = lane.live();
        if (!seg) return { seg };
        const result = await lane.stopPersistently(seg, 'the recorder');
        endSegment(seg, this.state.stopReason ? `stopped: ${this.state.stopReason}` : 'stopped');
        return { seg, result };
      }),
    );
    this.observer.setPhase('stopped');
    await condition(allHandlersFinished);
    const files = this.state.segments.flatMap((s) => s.files);
    const stopped = stops.filter((s) => s.result);
    const uncertain = stopped.map((s) => s.result!.uncertain).filter(Boolean);
    return {
      recordingId: this.input.recordingId,
      provider: this.input.provider,
      account: this.state.account,
      channel: this.input.channel,
      status: 'stopped',
      stopReason: this.state.stopReason,
      segments: this.state.segments,
      restarts: this.state.restarts,
      files,
      uploadingStatus: stops.find((s) => s.seg)?.seg?.uploadingStatus,
      nothingRecorded: stopped.length > 0 && stopped.every((s) => s.result!.nothingRecorded) && files.length === 0,
      ...(uncertain.length ? { stopUncertain: uncertain.join('; ') } : {}),
      coverage: computeCoverage(this.state.segments, { stoppedAt: this.state.stopRequestedAt }),
    };
  }

  /** The recording fails with the vendor's word, leaving no recorder running. */
  async fail(why: string, detail?: VendorDetail): Promise<never> {
    this.state.lastError = why;
    for (const lane of this.lanes) {
      const seg = lane.live();
      if (!seg) continue;
      await lane.stopQuietly(seg);
      endSegment(seg, `failed: ${why}`);
    }
    const last = this.state.segments.at(-1);
    if (last && !last.endedAt) endSegment(last, `failed: ${why}`);
    this.observer.setPhase('failed');
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
    return this.settings.change(name, value, () => this.lanes.map((lane) => lane.live()).filter(isLive) as Segment[]);
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
