/**
 * Desired settings (subscriptions, layout): each change gets a version, is sent to every live
 * recorder, and stays desired whatever the vendor answers, so every recorder started later
 * carries it and a recorder that missed it is reconciled once confirmed. An update is never
 * lost to a restart.
 */
import type { RecordingState, Segment, UpdateResult } from '../contract/messages';
import type { SettingName, Settings } from '../contract/recorder';
import type { Timings } from '../contract/timings';
import { decideUpdate } from './decisions';
import { Mutex } from './mutex';
import { retrying } from './retry';
import { refOf } from './segments';
import type { Vendor } from './vendor';
import type { Waits } from './waits';

const VERSION = { subscriptions: 'subscriptionsVersion', layout: 'layoutVersion' } as const;

export class DesiredSettings {
  /** The vendor asks to wait for each update's answer before sending the next (Agora spec §4.4). */
  private readonly sending = new Mutex();

  constructor(
    private readonly state: RecordingState,
    private readonly t: Timings,
    private readonly vendor: Vendor,
    private readonly waits: Waits,
  ) {}

  /** The whole desired state, as a start or an overwriting update carries it. */
  current(): Settings {
    const d = this.state.desired;
    return { ...(d.subscriptions ? { subscriptions: d.subscriptions } : {}), ...(d.layout ? { layout: d.layout } : {}) };
  }

  version(name: SettingName): number {
    return this.state.desired[VERSION[name]];
  }

  /** What a start about to be sent carries; the recorder is marked with these versions, not later ones. */
  carriedBy(seg: Segment): () => void {
    const carried = { subscriptions: this.version('subscriptions'), layout: this.version('layout') };
    return () => {
      seg.subscriptionsVersion = carried.subscriptions;
      seg.layoutVersion = carried.layout;
    };
  }

  async change(name: SettingName, value: Record<string, unknown>, live: () => Segment[]): Promise<UpdateResult> {
    this.state.desired[name] = value;
    const version = ++this.state.desired[VERSION[name]];
    return this.apply(name, version, live);
  }

  /** A recorder confirmed after a change it did not carry gets it now. */
  async reconcile(seg: Segment): Promise<void> {
    for (const name of ['subscriptions', 'layout'] as const) {
      if (seg[VERSION[name]] < this.version(name)) await this.apply(name, this.version(name), () => [seg]);
    }
  }

  private apply(name: SettingName, version: number, live: () => Segment[]): Promise<UpdateResult> {
    return this.sending.run(async () => {
      const targets = live().filter((s) => s.recorderId && s.confirmedAt && !s.endedAt);
      if (targets.length === 0) return { applied: false, detail: 'no confirmed recorder now; applied when the next one starts' };
      const results: UpdateResult[] = [];
      for (const seg of targets) results.push(await this.applyTo(seg, name, version));
      const failed = results.find((r) => !r.applied);
      return failed ?? results[results.length - 1];
    });
  }

  private async applyTo(seg: Segment, name: SettingName, version: number): Promise<UpdateResult> {
    const key = VERSION[name];
    if (seg[key] >= version) return { applied: true, recorderId: seg.recorderId, detail: 'already applied' };
    // The version each call sends: another change accepted meanwhile must still be sent after it.
    let sent = 0;
    const r = await retrying(
      () => {
        sent = this.version(name);
        return this.vendor.call('updateRecorder', `update ${name} of ${seg.recorderId} (v${version})`, {
          recorder: refOf(this.state, seg),
          changed: name,
          settings: this.current(),
        });
      },
      (o, counts) => decideUpdate(o, counts, this.t, name),
      (ms, why) => this.waits.sleep(ms, why).then(() => false),
      () => ({ kept: 'interrupted' }),
    );
    if ('kept' in r) return { applied: false, recorderId: seg.recorderId, detail: `kept for the next recorder; the vendor answered ${r.kept}` };
    seg[key] = Math.max(seg[key], sent);
    return { applied: true, recorderId: seg.recorderId, detail: `applied to ${seg.recorderId}` };
  }
}
