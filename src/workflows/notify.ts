/**
 * The recording's outbox of backend notifications. emit() appends to state (JSON-safe, carried
 * across continue-as-new) with a deterministic id, and one background sender delivers them in
 * order, one at a time, through the notifyBackend activity, which Temporal retries with backoff
 * until the notification's deadline. Nothing is scheduled until something is emitted, so a
 * recording that emits nothing keeps the history it had before notifications existed.
 */
import { ActivityFailure, CancellationScope, type ActivityInterfaceFor, condition, log, proxyActivities, workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import type { NotificationActivities } from '../notifications/activity';
import type { Notification, NotificationData, NotificationType, NotifyRequest } from '../notifications/types';

/** The part of a workflow's state the outbox owns (RecordingState has both fields). */
export interface OutboxState {
  outbox?: Notification[];
  notifySeq?: number;
}

export interface OutboxOptions {
  recordingId: string;
  /** The request's `notify`: its endpoint and the types it wants. */
  notify?: NotifyRequest;
  /** A notification still undelivered this long after its event is dropped (timings.notificationDeadlineMs). */
  deadlineMs: number;
  /** One delivery attempt, above the worker's notifications.timeoutMs (at most 30 s). */
  attemptTimeoutMs?: number;
  /** Where notifyBackend runs; the workflow's own task queue (its worker registers it) by default. */
  taskQueue?: string;
  /** The fields every log line about the recording carries. */
  logFields?: () => Record<string, unknown>;
}

/**
 * 1 s, 2 s, 4 s … capped at 5 min: a backend down for an hour is retried about 15 times, not 3,600.
 * No attempt limit: the notification's deadline (scheduleToCloseTimeout) bounds the retries.
 */
const RETRY = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' } as const;

export class Outbox {
  private readonly activities: ActivityInterfaceFor<NotificationActivities>;
  private started = false;

  constructor(
    private readonly state: OutboxState,
    private readonly opts: OutboxOptions,
  ) {
    this.activities = proxyActivities<NotificationActivities>({ startToCloseTimeout: '1 minute', retry: RETRY, ...(opts.taskQueue ? { taskQueue: opts.taskQueue } : {}) });
  }

  /** Queues a notification unless the request filtered its type out. */
  emit<T extends NotificationType>(type: T, data: NotificationData[T]): void {
    if (this.opts.notify?.events && !this.opts.notify.events.includes(type)) return;
    const seq = (this.state.notifySeq ?? 0) + 1;
    this.state.notifySeq = seq;
    const { workflowId, runId } = workflowInfo();
    const n = { id: `${workflowId}:${type}:${seq}`, type, recordingId: this.opts.recordingId, workflowId, runId, occurredAt: new Date(Date.now()).toISOString(), data };
    (this.state.outbox ??= []).push(n as Notification);
    this.start();
  }

  /** Starts the sender once; a run that carried undelivered notifications calls it to resume them. */
  start(): void {
    if (this.started) return;
    this.started = true;
    // Delivery outlives a cancel: the last notification (stopped, failed) matters most.
    void CancellationScope.nonCancellable(() => this.sendForever());
  }

  get pending(): number {
    return this.state.outbox?.length ?? 0;
  }

  /**
   * Resolves when every emitted notification is delivered or dropped: await it before completing.
   * With `withinMs`, gives up waiting after that long and answers false; what is left stays in
   * state for the next run (continue-as-new), which sends it again (a backend dedupes on the id).
   */
  async drained(withinMs?: number): Promise<boolean> {
    if (this.pending === 0) return true;
    this.start();
    if (withinMs === undefined) {
      await condition(() => this.pending === 0);
      return true;
    }
    return condition(() => this.pending === 0, withinMs);
  }

  private async sendForever(): Promise<never> {
    for (;;) {
      await condition(() => this.pending > 0);
      await this.send(this.state.outbox![0]);
      this.state.outbox!.shift();
    }
  }

  private async send(n: Notification): Promise<void> {
    const left = Date.parse(n.occurredAt) + this.opts.deadlineMs - Date.now();
    if (left <= 0) {
      log.warn('notification dropped: its deadline passed before it was sent', { ...this.opts.logFields?.(), notification: n.id, type: n.type });
      return;
    }
    const options: ActivityOptions = {
      startToCloseTimeout: this.opts.attemptTimeoutMs ?? 60_000,
      scheduleToCloseTimeout: left,
      retry: RETRY,
      summary: `notify ${n.type}`,
    };
    try {
      const r = await this.activities.notifyBackend.executeWithOptions(options, [n, this.opts.notify?.url ? { url: this.opts.notify.url } : {}]);
      // Nobody asked for notifications is the common case: not worth an info line per event.
      if (!r.sent) log.debug('notification not sent', { ...this.opts.logFields?.(), notification: n.id, type: n.type, reason: r.reason });
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      // At the deadline (a timeout) or refused by the backend (a 4xx): the next one must not wait behind it.
      log.warn('notification dropped', { ...this.opts.logFields?.(), notification: n.id, type: n.type, cause: err.cause?.message ?? err.message });
    }
  }
}
