/**
 * The recording worker: one workflow worker on the main task queue, plus, for every configured
 * provider, one activity worker per account on that account's own queue. The server rate-limits
 * each activity queue (maxTaskQueueActivitiesPerSecond), so vendor QPS stays bounded however many
 * workers run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { NativeConnection, Runtime, Worker, type NativeConnectionOptions, type WorkerOptions } from '@temporalio/worker';
import type { Logger } from 'pino';
import { recorderActivityInterceptors } from './activity-interceptors';
import { startCapacityGauges, type AccountQueue } from './capacity';
import { configSecrets, configuredProviders, loadWorkerConfig, type WorkerConfig } from './config';
import { activityTaskQueue } from './contract/recorder';
import { inputActivities } from './input-check';
import { createLogger } from './logger';
import { createNotificationActivities } from './notifications/activity';
import { parseFlags } from './command-line';
import { serveHealth } from './health';
import { exportRequestBudget, installRuntime, startPhaseGauge } from './metrics';
import { providerWorkers, type OpenedProvider, type ProviderWorker } from './providers/registry';
import { connectClient, explainConnectErrorProbed, resolveConnection, resolveWorkerConnection, type TemporalConnectionSettings } from './temporal-connection';

export interface RecordingWorkers {
  workers: Worker[];
  /** Every account's activity queue this worker serves, with its request budget. */
  queues: AccountQueue[];
  /** Resolves when every worker has shut down. */
  run(): Promise<void>;
  shutdown(): void;
}

export interface CreateWorkersOptions {
  connection?: NativeConnection;
  /** Pre-bundled workflow code (tests bundle once); otherwise src/workflows is bundled at start. */
  workflowBundle?: { code: string };
  logger?: Logger;
  identity?: string;
  /** Worker options for tests (e.g. shorter shutdown grace). */
  workerOptions?: Partial<WorkerOptions>;
}

export const workflowsPath = path.join(__dirname, 'workflows');

/**
 * Two seconds of the account's budget (at least 4): calls beyond it wait in the server's priority
 * queue, not in the worker's pacer (first come, first served: with the SDK's 100 slots a burst's
 * starts were confirmed up to 24 s out of order). start-burst measured 1 s too: the first start 0.8 s
 * sooner, but order inversions p99 27.6 s instead of 4.7 s.
 */
export const activitySlots = (requestsPerSecond: number): number => Math.max(4, Math.ceil(2 * requestsPerSecond));

/** The worker's own connection; here rather than in temporal-connection.ts, which the client package ships without @temporalio/worker. */
export async function connectWorker(s: TemporalConnectionSettings): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect(s.connectionOptions as NativeConnectionOptions);
  } catch (err) {
    throw await explainConnectErrorProbed(s, err);
  }
}

export async function createWorkers(config: WorkerConfig, opts: CreateWorkersOptions = {}): Promise<RecordingWorkers> {
  const logger = opts.logger ?? createLogger(configSecrets(config));
  const connection = opts.connection ?? (await connectWorker(resolveConnection({ explicit: { address: config.temporal.address, namespace: config.temporal.namespace } })));
  const common = { connection, namespace: config.temporal.namespace, shutdownGraceTime: config.shutdownGraceMs, ...(opts.identity ? { identity: opts.identity } : {}), ...opts.workerOptions };

  const workers: Worker[] = [
    await Worker.create({
      ...common,
      taskQueue: config.temporal.taskQueue,
      // Backend notifications run beside the workflows (the worker's secret signs them, docs/notifications.md), and the input check outside the sandbox.
      activities: { ...createNotificationActivities(config.notifications, logger), ...inputActivities },
      ...(config.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: config.maxCachedWorkflows } : {}),
      ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: require.resolve(workflowsPath) }),
    }),
  ];
  const opened: OpenedProvider[] = [];
  const served: Record<string, string[]> = {};
  const queues: AccountQueue[] = [];
  for (const provider of configuredProviders(config)) {
    const section = config[provider]!;
    const pw = providerWorkers[provider] as ProviderWorker<typeof section>;
    const { activities, close } = pw.open(section, logger);
    opened.push({ activities, close });
    served[provider] = pw.accounts(section);
    for (const account of served[provider]) {
      exportRequestBudget(Runtime.instance().metricMeter, provider, account, pw.maxRequestsPerSecond(section));
      queues.push({ provider, account, taskQueue: activityTaskQueue(provider, account), budget: pw.maxRequestsPerSecond(section) });
      workers.push(
        await Worker.create({
          ...common,
          taskQueue: activityTaskQueue(provider, account),
          activities,
          interceptors: { activity: [recorderActivityInterceptors(provider, account, logger, Runtime.instance().metricMeter)] },
          maxTaskQueueActivitiesPerSecond: pw.maxRequestsPerSecond(section),
          // Few calls wait inside the worker for its pacer (first come, first served): the rest wait
          // in the server's queue, where priority orders them (src/workflows/priorities.ts).
          maxConcurrentActivityTaskExecutions: activitySlots(pw.maxRequestsPerSecond(section)),
        }),
      );
    }
  }
  logger.info(
    { taskQueue: config.temporal.taskQueue, accounts: served },
    `serving recording workflows on ${config.temporal.taskQueue}; vendor activities on ${queues.map((q) => `${q.taskQueue} (${q.budget}/s)`).join(', ') || 'no queue'}`,
  );
  return {
    workers,
    queues,
    run: async () => {
      try {
        await Promise.all(workers.map((w) => w.run()));
      } finally {
        await Promise.all(opened.map((p) => p.close()));
        if (!opts.connection) await connection.close();
      }
    },
    shutdown: () => workers.forEach((w) => w.getState() === 'RUNNING' && w.shutdown()),
  };
}

async function main(): Promise<void> {
  parseFlags(
    {
      program: 'node dist/worker.js',
      about:
        'The recording worker (npm start in development). Configured by the JSON file RECORDING_CONFIG names and environment variables (README, "Configuration (worker)"); WORKFLOW_BUNDLE loads a prebuilt bundle; HEALTH_PORT serves GET /ready; SIGTERM drains within SHUTDOWN_GRACE_MS + 5 s.',
    },
    {},
  );
  const config = loadWorkerConfig();
  const logger = createLogger(configSecrets(config));
  installRuntime(logger, config.metricsPort);
  // A prebuilt bundle (bundleWorkflows() in scripts/lib/worker-process.ts) starts a worker in about a second instead of bundling at boot.
  const bundlePath = process.env.WORKFLOW_BUNDLE;
  // Profile (temporal.toml) and TEMPORAL_* variables, as every Temporal tool: src/temporal-connection.ts.
  const settings = resolveWorkerConnection();
  Object.assign(config.temporal, { address: settings.address, namespace: settings.namespace });
  const connection = await connectWorker(settings);
  logger.info({ temporal: settings.describe() }, 'connected to Temporal');
  const rw = await createWorkers(config, { logger, connection, ...(bundlePath ? { workflowBundle: { code: fs.readFileSync(bundlePath, 'utf8') } } : {}) });
  let draining = false;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      draining = true;
      logger.info({ signal: sig, graceMs: config.shutdownGraceMs }, 'shutting down: polling stops, in-flight vendor calls may finish');
      rw.shutdown();
      // Bounded: an orchestrator's stop timeout must not be the one to end us.
      setTimeout(() => {
        logger.error({ graceMs: config.shutdownGraceMs }, 'workers did not shut down in time; exiting');
        process.exit(1);
      }, config.shutdownGraceMs + 5_000).unref();
    });
  }
  const running = rw.run();
  const health = config.healthPort !== undefined ? await serveHealth(config.healthPort, () => !draining && rw.workers.every((w) => w.getState() === 'RUNNING')) : undefined;
  // recordings{phase} and the queue figures need a client; only a worker that exports metrics opens one.
  const visibility =
    config.metricsPort !== undefined
      ? new Client({ connection: await connectClient(settings), namespace: settings.namespace })
      : undefined;
  const stopGauges = visibility ? [startPhaseGauge(visibility, Runtime.instance().metricMeter, logger), startCapacityGauges(visibility, Runtime.instance().metricMeter, rw.queues, logger)] : [];
  logger.info({ pid: process.pid, metricsPort: config.metricsPort, healthPort: config.healthPort }, 'recording workers running');
  try {
    await running;
  } finally {
    health?.close();
    stopGauges.forEach((stop) => stop());
    await visibility?.connection.close();
    await connection.close();
  }
}

if (require.main === module) {
  main().catch((err) => {
    // ConfigError messages name the bad field; nothing else of the config is printed.
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
