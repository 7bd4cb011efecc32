/**
 * End-to-end rig: the emulator, real recording workers on the shared dev server, and the typed
 * client. Timings are shortened per recording (the product's own override), never mocked.
 */
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/server';
import { RecordingClient, type RecordingRequest } from '../../src/client';
import { parseWorkerConfig, type WorkerConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { createWorkers, workflowsPath, type RecordingWorkers } from '../../src/worker';
import type { Timings } from '../../src/contract/timings';
import { bundle, connectClient, connectWorker, testAddress, uniqueTaskQueue, type TemporalTarget } from './temporal';
import type { NativeConnection } from '@temporalio/worker';
import type { TaskView } from '../../src/emulator/control';

export const APP_ID = 'a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5';
export const SECRETS = {
  customerSecret: 'cust-secret-Zq8wX2vL9pR4',
  appCertificate: 'f0e1d2c3b4a59687f0e1d2c3b4a59687',
  accessKey: 'AKIA-TEST-ACCESS-KEY-7731',
  secretKey: 'storage-secret-key-Hn3Jk5Lm7',
};

/** Fast but proportionate: the same rules as production, on a seconds scale. */
export const fastTimings: Partial<Timings> = {
  startRetryDelaysMs: [200, 400, 600],
  acquireRetryDelaysMs: [200, 400, 600],
  firstQueryDelayMs: 300,
  confirmPollDelaysMs: [300, 500],
  confirmTimeoutMs: 4_000,
  monitorIntervalMs: 1_000,
  notFoundConfirmDelaysMs: [200, 300, 400],
  serverErrorRetryDelaysMs: [200, 300, 400, 500],
  rateLimitDelaysMs: [200, 400],
  requestRetryDelaysMs: [200, 400, 600],
  restartBackoffInitialMs: 300,
  restartBackoffMaxMs: 2_000,
};

export type EmulatorTask = TaskView;

export class RecordingEnv {
  emulator!: RunningEmulator;
  client!: RecordingClient;
  workers!: RecordingWorkers;
  config!: WorkerConfig;
  private running?: Promise<void>;
  private workerConnection!: NativeConnection;
  private temporal!: TemporalTarget;
  private static bundlePromise?: Promise<{ code: string }>;

  static async start(opts: { emulator?: EmulatorOptions; config?: Partial<WorkerConfig['agora']>; temporal?: TemporalTarget } = {}): Promise<RecordingEnv> {
    const env = new RecordingEnv();
    env.temporal = opts.temporal ?? testAddress();
    env.emulator = await startEmulator({ startDelayMs: 300, customerSecret: SECRETS.customerSecret, ...opts.emulator });
    const taskQueue = uniqueTaskQueue('rec');
    env.config = parseWorkerConfig({
      temporal: { ...env.temporal, taskQueue },
      agora: {
        baseUrls: [env.emulator.baseUrl, env.emulator.altBaseUrl],
        customerId: env.emulator.options.customerId,
        customerSecret: SECRETS.customerSecret,
        timeoutMs: 2_000,
        apps: { [APP_ID]: { appCertificate: SECRETS.appCertificate } },
        ...opts.config,
        storageProfiles: { default: { vendor: 1, region: 0, bucket: 'test-bucket', accessKey: SECRETS.accessKey, secretKey: SECRETS.secretKey } },
      },
    });
    const { client } = await connectClient(env.temporal);
    env.client = new RecordingClient(client, taskQueue);
    env.workerConnection = await connectWorker(env.temporal);
    RecordingEnv.bundlePromise ??= bundle(workflowsPath);
    env.workers = await createWorkers(env.config, {
      connection: env.workerConnection,
      workflowBundle: await RecordingEnv.bundlePromise,
      logger: createLogger(Object.values(SECRETS), 'warn'),
      workerOptions: { shutdownGraceTime: '1 second' },
    });
    env.running = env.workers.run();
    return env;
  }

  /** A second worker process's worth of workers on the same queues: the budget must stay global. */
  async addWorker(): Promise<RecordingEnv> {
    const other = Object.create(RecordingEnv.prototype) as RecordingEnv;
    Object.assign(other, this);
    other.workerConnection = await connectWorker(this.temporal);
    other.workers = await createWorkers(this.config, {
      connection: other.workerConnection,
      workflowBundle: await RecordingEnv.bundlePromise!,
      logger: createLogger(Object.values(SECRETS), 'warn'),
      workerOptions: { shutdownGraceTime: '1 second' },
    });
    other.running = other.workers.run();
    return other;
  }

  async stopWorkerOnly(): Promise<void> {
    this.workers.shutdown();
    await this.running;
    await this.workerConnection.close();
  }

  request(overrides: Partial<RecordingRequest> = {}): RecordingRequest {
    const id = `t-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
    return { recordingId: id, appId: APP_ID, channel: `room_${id}`, mode: 'mix', timings: fastTimings, recordingConfig: { maxIdleTime: 30 }, ...overrides } as RecordingRequest;
  }

  async control<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.emulator.altBaseUrl}/__emulator${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`emulator ${method} ${path}: HTTP ${res.status} ${text}`);
    return text ? JSON.parse(text) : (undefined as T);
  }

  async tasks(cname?: string): Promise<EmulatorTask[]> {
    const { tasks } = await this.control<{ tasks: EmulatorTask[] }>('GET', '/tasks');
    return cname ? tasks.filter((t) => t.cname === cname) : tasks;
  }

  async fault(f: Record<string, unknown>): Promise<void> {
    await this.control('POST', '/faults', f);
  }

  /** Polls the workflow's state query until `pred` holds. */
  async waitForState(recordingId: string, pred: (s: NonNullable<Awaited<ReturnType<RecordingClient['describeRecording']>>['state']>) => boolean, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    while (Date.now() < deadline) {
      const d = await this.client.describeRecording(recordingId).catch(() => undefined);
      last = d?.state;
      if (d?.state && pred(d.state)) return d.state;
      await new Promise((r) => setTimeout(r, 150));
    }
    throw new Error(`state of ${recordingId} never matched; last: ${JSON.stringify(last)}`);
  }

  async stop(): Promise<void> {
    this.workers?.shutdown();
    await this.running;
    await this.client?.close();
    await this.workerConnection?.close();
    await this.emulator?.close();
  }
}
