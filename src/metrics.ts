/**
 * The worker's Prometheus endpoint: Temporal's own runtime metrics plus the domain metrics of
 * docs/metrics.md, all through the SDK's metric meter, so one scrape target carries everything.
 * Workflow-side metrics (restarts, confirm latency, restart gap) live in src/workflows/metrics.ts.
 */
import type { Client } from '@temporalio/client';
import type { MetricMeter } from '@temporalio/common';
import { Runtime } from '@temporalio/worker';
import type { Logger } from 'pino';
import { sdkLogger } from './logger';
import { PHASES } from './contract/messages';
import { RecordingPhase } from './contract/search-attributes';

/** Seconds; the defaults stop at 10 s, and a confirmation may take 90 s, a restart gap minutes. */
const BUCKETS: Record<string, number[]> = {
  vendor_request_latency: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  vendor_queue_wait: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
  recording_confirm_latency: [1, 2, 5, 10, 15, 30, 45, 60, 90, 120],
  recording_restart_gap: [1, 5, 10, 30, 60, 90, 120, 150, 180, 300, 600],
  recording_coverage_gap: [0, 1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
  recording_coverage_ratio: [0.5, 0.8, 0.9, 0.95, 0.99, 0.999, 1],
};

/** `vendor_request_budget{provider,account}`: this worker's share of the account's QPS budget (sum over workers = the budget). */
export function exportRequestBudget(meter: MetricMeter, provider: string, account: string, perSecond: number): void {
  meter.createGauge('vendor_request_budget', 'float', 'requests/s', "This worker's share of the account's vendor QPS budget").set(perSecond, { provider, account });
}

/** Installs the Temporal runtime once per process: pino for its logs, Prometheus on `metricsPort` if set. */
export function installRuntime(logger: Logger, metricsPort?: number): void {
  Runtime.install({
    logger: sdkLogger(logger),
    telemetryOptions: {
      logging: { forward: {}, filter: `${process.env.TEMPORAL_LOG_LEVEL ?? 'WARN'}` },
      ...(metricsPort !== undefined
        ? {
            metrics: {
              prometheus: { bindAddress: `0.0.0.0:${metricsPort}`, countersTotalSuffix: true, useSecondsForDurations: true, histogramBucketOverrides: BUCKETS },
            },
          }
        : {}),
    },
  });
}

/**
 * `recordings{phase}`: running recordings per phase, counted in visibility (not summed from
 * workflows, which replays and crashes would skew). Every worker reports the same cluster-wide
 * figure: aggregate with max(), not sum().
 */
export function startPhaseGauge(client: Client, meter: MetricMeter, logger: Logger, intervalMs = 15_000): () => void {
  const gauge = meter.createGauge('recordings', 'int', 'recordings', 'Running recordings by phase (from visibility)');
  let stopped = false;
  const sample = async () => {
    for (const phase of PHASES) {
      if (stopped) return;
      const { count } = await client.workflow.count(`ExecutionStatus = "Running" AND ${RecordingPhase.name} = "${phase}"`);
      gauge.set(count, { phase });
    }
  };
  const tick = () =>
    sample().catch((err) => logger.warn({ err: (err as Error).message }, 'could not count recordings by phase'));
  void tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
