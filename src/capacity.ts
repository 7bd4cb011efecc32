/**
 * How much the worker can still take (docs/metrics.md, "Capacity"): for every account queue the
 * server's backlog by priority (./workflows/priorities), its age and dispatch rate, and what is
 * left of the account's request budget. Sampled from the server (DescribeTaskQueue with stats),
 * so every worker reports the same cluster-wide figure: aggregate with max(). The workflow cache
 * is Temporal's own `temporal_sticky_cache_*` and `temporal_workflow_task_replay_latency`.
 */
import type { Client } from '@temporalio/client';
import type { MetricMeter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { Logger } from 'pino';

export interface AccountQueue {
  provider: string;
  account: string;
  taskQueue: string;
  /** The account's vendor requests per second. */
  budget: number;
}

type Stats = temporal.api.taskqueue.v1.ITaskQueueStats | null | undefined;

const count = (s: Stats): number => Number(s?.approximateBacklogCount ?? 0);
const seconds = (s: Stats): number => Number(s?.approximateBacklogAge?.seconds ?? 0) + (s?.approximateBacklogAge?.nanos ?? 0) / 1e9;

export function startCapacityGauges(client: Client, meter: MetricMeter, queues: AccountQueue[], logger: Logger, intervalMs = 15_000): () => void {
  const backlog = meter.createGauge('vendor_queue_backlog', 'int', 'tasks', "Vendor calls waiting in the account's queue, by priority key (1 goes first)");
  const age = meter.createGauge('vendor_queue_backlog_age', 'float', 's', "Age of the oldest vendor call waiting in the account's queue");
  const dispatched = meter.createGauge('vendor_queue_dispatch_rate', 'float', 'requests/s', "Vendor calls handed to workers per second on the account's queue (the server's estimate)");
  const left = meter.createGauge('vendor_request_budget_left', 'float', 'requests/s', "The account's request budget minus the dispatch rate");
  let stopped = false;
  const sample = async (q: AccountQueue) => {
    const r = await client.workflowService.describeTaskQueue({
      namespace: client.options.namespace,
      taskQueue: { name: q.taskQueue },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
      reportStats: true,
    });
    const labels = { provider: q.provider, account: q.account };
    const byKey = Object.entries(r.statsByPriorityKey ?? {});
    if (byKey.length) for (const [key, s] of byKey) backlog.set(count(s), { ...labels, priority: key });
    else backlog.set(count(r.stats), { ...labels, priority: 'all' });
    age.set(seconds(r.stats), labels);
    const rate = Number(r.stats?.tasksDispatchRate ?? 0);
    dispatched.set(rate, labels);
    left.set(Math.max(0, q.budget - rate), labels);
  };
  const tick = async () => {
    for (const q of queues) {
      if (stopped) return;
      await sample(q).catch((err) => logger.warn({ err: (err as Error).message, taskQueue: q.taskQueue }, 'could not read the queue backlog'));
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
