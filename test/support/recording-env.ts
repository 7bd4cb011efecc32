/**
 * End-to-end rig: the emulator, real recording workers on the shared dev server, and the typed
 * client. Timings are shortened per recording (the product's own override), never mocked.
 */
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/server';
import { RecordingClient } from '../../src/client';
import type { AgoraRecordingRequest } from '../../src/providers/agora/request';
import { parseWorkerConfig, type WorkerConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { createWorkers, workflowsPath, type RecordingWorkers } from '../../src/worker';
import type { Timings } from '../../src/contract/timings';
import { bundle, connectClient, connectWorker, testAddress, uniqueTaskQueue, type TemporalTarget } from './temporal';
import type { NativeConnection } from '@temporalio/worker';
import type { TaskView } from '../../src/emulator/control';
import { startTrtcEmulator, type RunningTrtcEmulator, type TrtcEmulatorOptions, type TrtcTaskView } from '../../src/emulator/trtc';
import { parseCallbacksConfig } from '../../src/services/callbacks/config';
import { startCallbackService, type RunningCallbackService } from '../../src/services/callbacks/server';
import { CALLBACK_PATHS } from '../../src/services/callbacks/vendors';
import type { z } from 'zod';
import type { trtcRequestSchema, TrtcRecordingInput } from '../../src/providers/trtc/request';

export const APP_ID = 'a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5';
export const SECRETS = {
  customerSecret: 'cust-secret-Zq8wX2vL9pR4',
  appCertificate: 'f0e1d2c3b4a59687f0e1d2c3b4a59687',
  accessKey: 'AKIA-TEST-ACCESS-KEY-7731',
  secretKey: 'storage-secret-key-Hn3Jk5Lm7',
  trtcSecretKey: 'trtc-api-secret-Vb6Nm2Qx8',
  sdkSecretKey: 'trtc-sdk-secret-5f4e3d2c1b0a',
  cosSecretKey: 'cos-secret-key-Tt9Rr8Ee7',
  ncsSecret: 'ncs-secret-Wq3Er5Ty7Ui9',
  trtcCallbackKey: 'trtcCallbackKey4Gh6Jk8',
};

/** The TRTC application the rig's worker serves. */
export const TRTC_APP = 1400188366;
export type TrtcRequest = z.input<typeof trtcRequestSchema>;
export type { TrtcRecordingInput };

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

/**
 * The callback receiver in-process (its own server module, on the test's Temporal), with both
 * emulators sending it signed callbacks. The emulators' upload model is set here too.
 */
export interface CallbackRigOptions {
  /** Recorder end → upload callbacks (both emulators); the emulators' default is 1000. */
  uploadDelayMs?: number;
  /** Every Nth finished upload ends in the vendor's backup (both emulators). */
  backupEvery?: number;
}

export class RecordingEnv {
  emulator!: RunningEmulator;
  trtcEmulator!: RunningTrtcEmulator;
  /** Set when started with `callbacks`. */
  receiver?: RunningCallbackService;
  client!: RecordingClient;
  workers!: RecordingWorkers;
  config!: WorkerConfig;
  private running?: Promise<void>;
  private workerConnection!: NativeConnection;
  private temporal!: TemporalTarget;
  private static bundlePromise?: Promise<{ code: string }>;

  static async start(
    opts: {
      emulator?: EmulatorOptions;
      trtcEmulator?: TrtcEmulatorOptions;
      config?: Partial<WorkerConfig['agora']>;
      temporal?: TemporalTarget;
      worker?: { notifications?: Record<string, unknown> };
      callbacks?: CallbackRigOptions;
    } = {},
  ): Promise<RecordingEnv> {
    const env = new RecordingEnv();
    env.temporal = opts.temporal ?? testAddress();
    const { client } = await connectClient(env.temporal);
    let agoraCallbacks: EmulatorOptions = {};
    let trtcCallbacks: TrtcEmulatorOptions = {};
    if (opts.callbacks) {
      const config = parseCallbacksConfig({
        host: '127.0.0.1',
        port: 0,
        agora: { secrets: { default: SECRETS.ncsSecret } },
        trtc: { apps: { [String(TRTC_APP)]: { callbackKey: SECRETS.trtcCallbackKey } } },
      });
      env.receiver = await startCallbackService(config, { client, logger: createLogger([SECRETS.ncsSecret, SECRETS.trtcCallbackKey], 'error') });
      const upload = { uploadDelayMs: opts.callbacks.uploadDelayMs, backupEvery: opts.callbacks.backupEvery };
      agoraCallbacks = { callbackUrl: env.receiver.url + CALLBACK_PATHS.agora, callbackSecret: SECRETS.ncsSecret, ...upload };
      trtcCallbacks = { callbackUrl: env.receiver.url + CALLBACK_PATHS.trtc, callbackSecret: SECRETS.trtcCallbackKey, ...upload };
    }
    env.emulator = await startEmulator({ startDelayMs: 300, customerSecret: SECRETS.customerSecret, ...agoraCallbacks, ...opts.emulator });
    env.trtcEmulator = await startTrtcEmulator({
      startDelayMs: 300,
      exitingMs: 800,
      secretKey: SECRETS.trtcSecretKey,
      sdkSecretKeys: { [String(TRTC_APP)]: SECRETS.sdkSecretKey },
      ...trtcCallbacks,
      ...opts.trtcEmulator,
    });
    const taskQueue = uniqueTaskQueue('rec');
    env.config = parseWorkerConfig({
      ...opts.worker,
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
      trtc: {
        baseUrl: env.trtcEmulator.baseUrl,
        secretId: env.trtcEmulator.options.secretId,
        secretKey: SECRETS.trtcSecretKey,
        timeoutMs: 2_000,
        apps: { [String(TRTC_APP)]: { sdkSecretKey: SECRETS.sdkSecretKey } },
        storageProfiles: { default: { CloudStorage: { Vendor: 0, Region: 'ap-shanghai', Bucket: 'test-1250000000', AccessKey: 'AKIDcostest', SecretKey: SECRETS.cosSecretKey } } },
      },
    });
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
    this.workerConnectionClosed = true;
  }

  private workerConnectionClosed = false;

  request(overrides: Partial<AgoraRecordingRequest> = {}): AgoraRecordingRequest {
    const id = `t-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
    return { recordingId: id, appId: APP_ID, channel: `room_${id}`, mode: 'mix', timings: fastTimings, recordingConfig: { maxIdleTime: 30 }, ...overrides } as AgoraRecordingRequest;
  }

  /** A TRTC recording in an integer room of its own, on the rig's application. */
  trtcRequest(overrides: Partial<TrtcRequest> = {}): TrtcRequest & { channel: string } {
    const id = `tr-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
    const room = String(100_000 + Math.floor(Math.random() * 2_000_000_000));
    return { provider: 'trtc', recordingId: id, sdkAppId: TRTC_APP, channel: room, timings: fastTimings, maxIdleTime: 30, ...overrides } as TrtcRequest & { channel: string };
  }

  async trtcControl<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    return this.controlAt(this.trtcEmulator.baseUrl, method, path, body);
  }

  async trtcTasks(roomId?: string): Promise<TrtcTaskView[]> {
    const { tasks } = await this.trtcControl<{ tasks: TrtcTaskView[] }>('GET', '/tasks');
    return roomId ? tasks.filter((t) => t.roomId === roomId) : tasks;
  }

  async control<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    return this.controlAt(this.emulator.altBaseUrl, method, path, body);
  }

  private async controlAt<T>(baseUrl: string, method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${baseUrl}/__emulator${path}`, {
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
    // The receiver signals through the client's connection: it goes first.
    await this.receiver?.close();
    await this.client?.close();
    if (!this.workerConnectionClosed) await this.workerConnection?.close();
    await this.emulator?.close();
    await this.trtcEmulator?.close();
  }
}
