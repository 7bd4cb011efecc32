/**
 * The provider's recorder activities as the workflow calls them: on the account's own task queue,
 * each under a summary the Web UI shows. Only a worker misconfiguration escapes as a failure;
 * anything else that goes wrong with the activity is an ambiguous outcome.
 */
import { ActivityFailure, ApplicationFailure, proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { RecordingState } from '../contract/messages';
import { activityTaskQueue, CONFIG_ERROR, type RecorderActivities } from '../contract/recorder';
import type { Timings } from '../contract/timings';
import { said } from './decisions';

/** Outcomes that need no note in lastError. */
const SUCCESS = new Set(['prepared', 'started', 'adopted', 'recording', 'idle', 'starting', 'applied', 'stopped']);

export class Vendor {
  private readonly activities: RecorderActivities;

  constructor(
    provider: string,
    account: string,
    t: Timings,
    private readonly state: RecordingState,
    private readonly misconfigured: (why: string) => Promise<never>,
  ) {
    this.activities = proxyActivities<RecorderActivities>({
      taskQueue: activityTaskQueue(provider, account),
      startToCloseTimeout: t.activityTimeoutMs,
      scheduleToStartTimeout: t.activityScheduleTimeoutMs,
      retry: { maximumAttempts: 3, initialInterval: '1 second', nonRetryableErrorTypes: [CONFIG_ERROR] },
    });
  }

  async call<K extends keyof RecorderActivities>(op: K, summary: string, arg: Parameters<RecorderActivities[K]>[0]): Promise<Awaited<ReturnType<RecorderActivities[K]>>> {
    type Outcome = Awaited<ReturnType<RecorderActivities[K]>>;
    const activity = this.activities[op] as unknown as { executeWithOptions(o: ActivityOptions, a: unknown[]): Promise<Outcome> };
    let o: Outcome;
    try {
      o = await activity.executeWithOptions({ summary } as ActivityOptions, [arg]);
    } catch (err) {
      if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === CONFIG_ERROR) {
        return this.misconfigured(`worker configuration: ${err.cause.message}`);
      }
      const cause = err instanceof ActivityFailure && err.cause ? err.cause.message : (err as Error).message;
      o = { kind: 'ambiguous', error: `${op} activity failed: ${cause}` } as Outcome;
    }
    if (!SUCCESS.has(o.kind)) {
      this.state.lastError = `${op}: ${said(o)}`;
      this.state.lastVendorDetail = o.detail;
    }
    return o;
  }
}
