/**
 * The chaos rig: a real Temporal dev server on a db file, the vendor's emulator (Agora's, or TRTC's
 * with --provider trtc; in this process, so it outlives every worker kill), two recording worker
 * processes and the typed client. Scenarios
 * drive recordings through it and break things; checks.ts judges what is left.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { RecordingClient, workflowIdFor, type RecordingRequest, type RecordingState, type UpdateResult } from '../src/client';
import type { AgoraRecordingRequest } from '../src/providers/agora/request';
import type { Timings } from '../src/contract/timings';
import { dataDir, startDevServer, type DevServer } from '../scripts/lib/dev-server';
import { bundleWorkflows } from '../scripts/lib/worker-process';
import { startWorkerProcess, type WorkerProcess } from '../scripts/lib/worker-process';
import { StackControl, stackProfileEnv } from '../scripts/lib/stack';
import { startVendor, type ChaosProvider, type EmulatorTask, type RequestSeen, type VendorSide } from './vendors';

export type { EmulatorTask };

export const chaosDir = path.join(dataDir, 'chaos');

/**
 * The product's rules on a seconds scale. Activities time out after 8 s, so a task lost with a
 * killed worker is retried quickly; one vendor call (primary twice, alternate once, 2 s each) fits.
 */
export const chaosTimings: Partial<Timings> = {
  startRetryDelaysMs: [300, 600, 900],
  acquireRetryDelaysMs: [200, 400, 600],
  firstQueryDelayMs: 500,
  confirmPollDelaysMs: [500, 1_000],
  confirmTimeoutMs: 30_000,
  monitorIntervalMs: 2_000,
  notFoundConfirmDelaysMs: [300, 500, 700],
  serverErrorRetryDelaysMs: [300, 500, 700, 1_000],
  rateLimitDelaysMs: [300, 600],
  requestRetryDelaysMs: [300, 600, 900],
  restartBackoffInitialMs: 500,
  restartBackoffMaxMs: 3_000,
  activityTimeoutMs: 8_000,
  activityScheduleTimeoutMs: 120_000,
};

/** One message sent to a workflow and what came back. */
export interface SentUpdate {
  uids: string[];
  sentAt: number;
  result?: UpdateResult;
  rejected?: string;
  error?: string;
}

/** A recording a scenario started; checks.ts reads what was sent to it. */
export interface Tracked {
  recordingId: string;
  channel: string;
  identities: string[];
  stopSentAt?: number;
  stopError?: string;
  updates: SentUpdate[];
}

export const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Where the rig's Temporal runs: its own dev server, or the running native stack (npm run stack). */
export type ServerKind = 'dev' | 'stack';

export class Rig {
  server!: DevServer;
  /** With --server stack: handles to kill and restart the cluster's processes and PostgreSQL. */
  stack?: StackControl;
  private address = '';
  vendor!: VendorSide;
  client!: RecordingClient;
  private bundlePath!: string;
  private dbFile!: string;
  private port = 0;
  private readonly workers: (WorkerProcess | undefined)[] = [undefined, undefined];
  private readonly spawning = new Set<Promise<unknown>>();
  private spawned = 0;
  private seq = 0;
  private closed = false;
  /** Things worth telling the reader that are not failures (e.g. a worker that died with the server). */
  readonly notes: string[] = [];
  readonly runTag = new Date().toISOString().replace(/[-:.TZ]/g, '').slice(4, 14);

  static async start(log: (line: string) => void, kind: ServerKind = 'dev', provider: ChaosProvider = 'agora'): Promise<Rig> {
    const rig = new Rig();
    try {
      await rig.boot(log, kind, provider);
    } catch (err) {
      await rig.close();
      throw err;
    }
    return rig;
  }

  get provider(): ChaosProvider {
    return this.vendor.provider;
  }

  private async boot(log: (line: string) => void, kind: ServerKind, provider: ChaosProvider): Promise<void> {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
    fs.mkdirSync(chaosDir, { recursive: true });
    if (kind === 'stack') {
      this.stack = StackControl.load();
      this.address = this.stack.address;
      // The client and the workers connect through the stack's profile (TLS included when it has it).
      Object.assign(process.env, stackProfileEnv());
      log(`using the running stack: Temporal ${this.stack.state.versions.temporalServer} on PostgreSQL ${this.stack.state.versions.postgres} at ${this.address}`);
    } else {
      this.dbFile = path.join(chaosDir, `temporal-${this.runTag}.db`);
      log(`starting the Temporal dev server on ${path.relative(process.cwd(), this.dbFile)}`);
      this.server = await startDevServer({ port: 0, uiPort: null, dbFile: this.dbFile, logFile: path.join(chaosDir, `temporal-${this.runTag}.log`) });
      this.port = this.server.port;
      this.address = this.server.address;
    }
    this.vendor = await startVendor(provider);
    log(`${this.vendor.describe}; bundling workflows`);
    this.bundlePath = await bundleWorkflows(path.join(chaosDir, 'workflow-bundle.js'));
    this.client = await RecordingClient.connect({ ...(this.stack ? {} : { address: this.address }), taskQueue: 'chaos-recordings' });
    await Promise.all([this.spawnInto(0), this.spawnInto(1)]);
    log(`two worker processes up (pids ${this.workers.map((w) => w!.pid).join(', ')})`);
  }

  private workerConfig() {
    return { temporal: { ...(this.stack ? {} : { address: this.address }), taskQueue: 'chaos-recordings' }, ...this.vendor.workerSection() };
  }

  // ---------------------------------------------------------------- workers

  private async spawnInto(slot: number): Promise<WorkerProcess> {
    const name = `w${slot}-${++this.spawned}`;
    const p = startWorkerProcess({
      name,
      config: this.workerConfig(),
      bundlePath: this.bundlePath,
      logFile: path.join(chaosDir, `worker-${this.runTag}-${name}.log`),
      ...(this.stack ? { env: stackProfileEnv() } : {}),
    });
    this.spawning.add(p);
    try {
      const w = await p;
      if (this.closed) await w.kill('SIGKILL');
      this.workers[slot] = w;
      return w;
    } finally {
      this.spawning.delete(p);
    }
  }

  liveWorkers(): WorkerProcess[] {
    return this.workers.filter((w): w is WorkerProcess => !!w && w.alive());
  }

  /** SIGKILLs the worker with this Temporal identity and starts its replacement in the background. */
  async killWorker(identity: string): Promise<WorkerProcess> {
    const slot = this.workers.findIndex((w) => w?.identity === identity && w.alive());
    if (slot < 0) throw new Error(`no live worker has identity ${identity} (live: ${this.liveWorkers().map((w) => w.identity).join(', ')})`);
    const victim = this.workers[slot]!;
    await victim.kill('SIGKILL');
    void this.spawnInto(slot).catch((err) => this.notes.push(`replacement worker failed to start: ${(err as Error).message}`));
    return victim;
  }

  /** Waits for replacements and restarts any worker that died, so two always serve the next scenario. */
  async ensureWorkers(): Promise<void> {
    await Promise.allSettled([...this.spawning]);
    for (let slot = 0; slot < this.workers.length; slot++) {
      const w = this.workers[slot];
      if (w && !w.alive()) this.notes.push(`worker ${w.name} had exited (${await w.exited}); restarted`);
      if (!w || !w.alive()) await this.spawnInto(slot);
    }
  }

  // ---------------------------------------------------------------- server

  /** Stops the dev server and starts it again on the same port and db file; workflows survive in the db. */
  async restartServer(downMs: number): Promise<void> {
    if (this.stack) throw new Error('server-restart restarts a dev server; on the stack see the stack-faults scenarios');
    await this.server.stop();
    await pause(downMs);
    this.server = await startDevServer({ port: this.port, uiPort: null, dbFile: this.dbFile, logFile: path.join(chaosDir, `temporal-${this.runTag}.log`) });
  }

  // ---------------------------------------------------------------- emulator

  async control<T = any>(method: string, p: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.vendor.controlBase}/__emulator${p}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`emulator ${method} ${p}: HTTP ${res.status} ${text}`);
    return text ? JSON.parse(text) : (undefined as T);
  }

  async tasks(): Promise<EmulatorTask[]> {
    return (await this.control<{ tasks: unknown[] }>('GET', '/tasks')).tasks.map((t) => this.vendor.task(t));
  }

  async fault(f: Record<string, unknown>): Promise<void> {
    const fault = this.vendor.fault(f);
    if (fault) await this.control('POST', '/faults', fault);
  }

  async requests(since: number): Promise<RequestSeen[]> {
    return (await this.control<{ requests: unknown[] }>('GET', `/requests?since=${since}`)).requests.map((r) => this.vendor.request_(r));
  }

  // ---------------------------------------------------------------- recordings

  /** Starts a recording on its own channel; `prepare` runs first (e.g. to queue faults matching that channel). */
  async startRecording(
    label: string,
    overrides: Partial<AgoraRecordingRequest> & { timings?: Partial<Timings> } = {},
    prepare?: (channel: string) => Promise<void>,
  ): Promise<Tracked> {
    const recordingId = `chaos-${this.runTag}-${++this.seq}-${label}`.slice(0, 100);
    const channel = this.vendor.channel(this.runTag, this.seq);
    if (prepare) await prepare(channel);
    const { timings, ...rest } = overrides;
    const req = {
      ...this.vendor.request(recordingId, channel),
      ...rest,
      timings: { ...chaosTimings, ...timings },
    } as RecordingRequest;
    await this.client.startRecording(req);
    const state = await this.waitState(recordingId, () => true, 'the first state');
    return { recordingId, channel, identities: state.identities, updates: [] };
  }

  /** Sends updateSubscriptions and records the answer; a rejection is an answer, not a failure. */
  async update(t: Tracked, uids: string[]): Promise<SentUpdate> {
    const u: SentUpdate = { uids, sentAt: Date.now() };
    t.updates.push(u);
    try {
      u.result = await this.client.updateSubscriptions(t.recordingId, this.vendor.subscription(uids) as never);
    } catch (err) {
      if ((err as Error).name === 'UpdateRejectedError') u.rejected = (err as Error).message;
      else u.error = (err as Error).message;
    }
    return u;
  }

  async stop(t: Tracked, reason = 'chaos'): Promise<void> {
    t.stopSentAt ??= Date.now();
    try {
      await this.client.stopRecording(t.recordingId, { reason, wait: false });
    } catch (err) {
      t.stopError = (err as Error).message;
    }
  }

  async state(recordingId: string): Promise<RecordingState | undefined> {
    return (await this.client.describeRecording(recordingId).catch(() => undefined))?.state;
  }

  async waitState(recordingId: string, pred: (s: RecordingState) => boolean, what: string, timeoutMs = 60_000): Promise<RecordingState> {
    const deadline = Date.now() + timeoutMs;
    let last: RecordingState | undefined;
    while (Date.now() < deadline) {
      last = await this.state(recordingId);
      if (last && pred(last)) return last;
      await pause(100);
    }
    throw new Error(`${recordingId}: ${what} not reached in ${timeoutMs} ms (phase ${last?.phase}, last error ${last?.lastError})`);
  }

  /** The identity of the worker running this recording's `type` activity, once it has started. */
  async waitActivityStarted(recordingId: string, type: string, timeoutMs = 30_000): Promise<string> {
    const handle = this.client.temporal.workflow.getHandle(workflowIdFor(recordingId));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const d = await handle.describe().catch(() => undefined);
      const a = d?.raw.pendingActivities?.find((p) => p.activityType?.name === type && p.lastWorkerIdentity && Number(p.state) === 2);
      if (a) return a.lastWorkerIdentity!;
      await pause(50);
    }
    throw new Error(`${recordingId}: no ${type} activity started within ${timeoutMs} ms`);
  }

  async waitTaskLive(channel: string, timeoutMs = 30_000): Promise<EmulatorTask> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const t = (await this.tasks()).find((x) => x.cname === channel && x.live);
      if (t) return t;
      await pause(50);
    }
    throw new Error(`${channel}: no live task at the emulator within ${timeoutMs} ms`);
  }

  // ---------------------------------------------------------------- teardown

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.spawning]);
    await Promise.allSettled(this.workers.map((w) => w?.kill('SIGKILL')));
    await this.client?.close().catch(() => undefined);
    await this.vendor?.close().catch(() => undefined);
    // The stack is the user's: it stays up, and whatever an interrupted fault left stopped is started again.
    if (this.stack) {
      const restored = await this.stack.restore().catch((err) => [`restore failed: ${(err as Error).message}`]);
      if (restored.length) this.notes.push(`stack: started again after the run: ${restored.join(', ')}`);
    }
    await this.server?.stop().catch(() => undefined);
  }
}
