/**
 * The provider's recorder activities as the workflow calls them: on the account's own task queue,
 * each under a summary the Web UI shows and with its priority in the account's budget
 * (./priorities). Only a worker misconfiguration escapes as a failure; anything else that goes
 * wrong with the activity is an ambiguous outcome.
 */
import { ActivityFailure, ApplicationFailure, patched, proxyActivities, TimeoutFailure, type ActivityOptions } from '@temporalio/workflow';
import { PATCH } from './patches';
import type { RecordingState } from '../contract/messages';
import { activityTaskQueue, CONFIG_ERROR, type RecorderActivities } from '../contract/recorder';
import type { Timings } from '../contract/timings';
import { said } from './decisions';
import { countPollPromoted } from './metrics';
import { PRIORITY, URGENCY_OF, type Urgency } from './priorities';

/** Outcomes that need no note in lastError. */
const SUCCESS = new Set(['prepared', 'started', 'adopted', 'recording', 'idle', 'starting', 'applied', 'stopped']);

export class Vendor {
  private readonly activities: RecorderActivities;

  constructor(
    provider: string,
    account: string,
    private readonly t: Timings,
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

  /**
   * One vendor call. A `routine` poll waits at most monitorQueueWaitMs in the account's queue; the
   * vendor never heard it then, so it is reissued at once ahead of everything else: monitoring
   * stretches under a burst of starts, by a bounded amount.
   */
  async call<K extends keyof RecorderActivities>(op: K, summary: string, arg: Parameters<RecorderActivities[K]>[0], urgency: Urgency = URGENCY_OF[op]): Promise<Awaited<ReturnType<RecorderActivities[K]>>> {
    type Outcome = Awaited<ReturnType<RecorderActivities[K]>>;
    const activity = this.activities[op] as unknown as { executeWithOptions(o: ActivityOptions, a: unknown[]): Promise<Outcome> };
    const routine = urgency === 'routine';
    let o: Outcome;
    try {
      o = await activity.executeWithOptions(
        { summary, priority: { priorityKey: PRIORITY[urgency] }, ...(routine ? { scheduleToStartTimeout: this.t.monitorQueueWaitMs } : {}) } as ActivityOptions,
        [arg],
      );
    } catch (err) {
      if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === CONFIG_ERROR) {
        return this.misconfigured(`worker configuration: ${err.cause.message}`);
      }
      if (routine && err instanceof ActivityFailure && err.cause instanceof TimeoutFailure && err.cause.timeoutType === 'SCHEDULE_TO_START' && patched(PATCH.routinePollsPromoted)) {
        countPollPromoted();
        return this.call(op, summary, arg, 'finish');
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
