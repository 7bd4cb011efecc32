/**
 * One benchmark environment: a Temporal dev server (in memory, headless, random port), the Agora
 * emulator as a child process, one real worker process (`src/worker.ts` from a prebuilt bundle)
 * and the typed RecordingClient. Every piece registers its teardown before it is used.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { RecordingClient } from '../../src/client';
import { parseWorkerConfig, type WorkerConfig } from '../../src/config';
import { dataDir, startDevServer, type DevServer } from '../../scripts/lib/dev-server';
import { StackControl, stackProfileEnv } from '../../scripts/lib/stack';
import { bundleWorkflows, startWorkerProcess, type WorkerProcess } from '../../scripts/lib/worker-process';
import { onCleanup } from './cleanup';
import { startEmulatorProcess, type EmulatorProcess } from './emulator-process';
import { killTree } from './proc';
import { progress } from './results';

export const benchDataDir = path.join(dataDir, 'bench');

/** 32-character App IDs, recognisable in logs: bench<tag>…0. */
export const appIdFor = (tag: string): string => `bench${tag}`.padEnd(32, '0').slice(0, 32);

/** Decimal SdkAppIds for TRTC, recognisable in logs: 19 followed by a two-digit tag and zeros. */
export const sdkAppIdFor = (tag: number): number => 1_900_000_000 + tag * 1_000_000;

export interface RigOptions {
  name: string;
  /** Which vendor the emulator and the worker's config speak; default agora. */
  provider?: 'agora' | 'trtc';
  /** Agora: the worker's App IDs. TRTC: the worker's SdkAppIds (decimal strings). */
  appIds: string[];
  /** TRTC: further SdkAppIds the emulator knows (their UserSigs verified) but the worker does not serve. */
  extraAppIds?: string[];
  startDelayMs: number;
  /** Emulator gateway limit per App ID (the vendor's is 10). */
  emulatorQps?: number;
  maxConcurrent?: number;
  /** agora/trtc.maxRequestsPerSecond for the worker; undefined = the product default. */
  workerQps?: number;
  /** Extra environment for the worker process (e.g. NODE_OPTIONS). */
  workerEnv?: NodeJS.ProcessEnv;
  /** Extra dev-server dynamic config. */
  dynamicConfig?: Record<string, string | number | boolean>;
  /** Agora: give each App ID an App Certificate, so the worker mints each recorder's RTC token (App IDs must be 32 hex digits). */
  appCertificates?: boolean;
  /** The emulator's vendor hour (resourceExpiredHour, token and UserSig lifetimes); default an hour. */
  hourMs?: number;
  /** dev (default): an in-memory dev server of its own; stack: the running native stack (npm run stack). */
  server?: 'dev' | 'stack';
}

export interface Rig {
  /** The dev server (undefined on the stack). */
  server?: DevServer;
  /** Temporal's processes to sample for CPU and RSS: the dev server, or each stack service and PostgreSQL. */
  serverPids: Record<string, number>;
  emulator: EmulatorProcess;
  worker: WorkerProcess;
  client: RecordingClient;
  /** The worker's effective configuration (secrets included: never print it). */
  config: WorkerConfig;
  /** TRTC: SdkAppId → SDK secret key for every app the emulator knows (never print it). */
  sdkSecretKeys: Record<string, string>;
  taskQueue: string;
}

export async function startRig(o: RigOptions): Promise<Rig> {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // installed already
  }
  const stamp = `${o.name}-${Date.now().toString(36)}`;
  fs.mkdirSync(benchDataDir, { recursive: true });
  let server: DevServer | undefined;
  let serverPids: Record<string, number>;
  let namespace = 'default';
  let workerEnv: NodeJS.ProcessEnv = { ...o.workerEnv };
  if (o.server === 'stack') {
    const stack = StackControl.load();
    serverPids = Object.fromEntries(Object.entries(stack.serverPids()).map(([k, v]) => [k === 'postgres' ? 'postgres' : `temporal ${k}`, v]));
    namespace = stack.state.namespace;
    // The worker and the client reach the stack through its profile, as a deployment's would.
    Object.assign(process.env, stackProfileEnv());
    workerEnv = { ...workerEnv, ...stackProfileEnv() };
    progress(`using the running stack at ${stack.address} (Temporal ${stack.state.versions.temporalServer}, PostgreSQL ${stack.state.versions.postgres})`);
  } else {
    progress('starting the Temporal dev server (in memory, headless)…');
    const dev = await startDevServer({ port: 0, uiPort: null, dbFile: null, dynamicConfig: o.dynamicConfig, logFile: path.join(benchDataDir, `temporal-${stamp}.log`) });
    onCleanup('dev server', () => dev.stop());
    server = dev;
    serverPids = { 'dev server': dev.pid };
    namespace = dev.namespace;
  }

  // A fresh secret per run; it lives only in the emulator's argv (TRTC: environment) and the worker's 0600 config file.
  const customerSecret = crypto.randomBytes(18).toString('base64url');
  const trtc = o.provider === 'trtc';
  const sdkSecretKeys: Record<string, string> = trtc ? Object.fromEntries([...o.appIds, ...(o.extraAppIds ?? [])].map((id) => [id, crypto.randomBytes(16).toString('hex')])) : {};
  const secretId = 'AKIDbenchaccount';
  const emulator = await startEmulatorProcess(
    { vendor: o.provider, startDelayMs: o.startDelayMs, hourMs: o.hourMs, qps: o.emulatorQps, maxConcurrent: o.maxConcurrent, customerId: 'bench-customer', customerSecret, secretId, secretKey: customerSecret, sdkSecretKeys },
    path.join(benchDataDir, `emulator-${stamp}.log`),
  );
  progress(`${trtc ? 'TRTC ' : ''}emulator at ${emulator.baseUrl} (start delay ${o.startDelayMs} ms, qps ${o.emulatorQps ?? (trtc ? 20 : 10)}${trtc ? ' per account' : ''}, max concurrent ${o.maxConcurrent ?? (trtc ? 100 : 50)})`);

  const taskQueue = `bench-${stamp}`;
  const storageSecret = crypto.randomBytes(12).toString('hex');
  const raw = {
    temporal: { ...(server ? { address: server.address } : {}), namespace, taskQueue },
    ...(trtc
      ? {
          trtc: {
            baseUrl: emulator.baseUrl,
            secretId,
            secretKey: customerSecret,
            apps: Object.fromEntries(o.appIds.map((id) => [id, { sdkSecretKey: sdkSecretKeys[id] }])),
            ...(o.workerQps !== undefined ? { maxRequestsPerSecond: o.workerQps } : {}),
            storageProfiles: { default: { CloudStorage: { Vendor: 0, Region: 'ap-guangzhou', Bucket: 'bench-1250000000', AccessKey: 'AKIDbenchcos', SecretKey: storageSecret } } },
          },
        }
      : {
          agora: {
            baseUrls: [emulator.baseUrl, emulator.altBaseUrl],
            customerId: 'bench-customer',
            customerSecret,
            apps: Object.fromEntries(o.appIds.map((id) => [id, o.appCertificates ? { appCertificate: crypto.randomBytes(16).toString('hex') } : {}])),
            ...(o.workerQps !== undefined ? { maxRequestsPerSecond: o.workerQps } : {}),
            storageProfiles: { default: { vendor: 1, region: 0, bucket: 'bench-bucket', accessKey: 'bench-access-key', secretKey: storageSecret } },
          },
        }),
  };
  const config = parseWorkerConfig(raw);
  progress('bundling the workflow code…');
  const bundlePath = await bundleWorkflows(path.join(benchDataDir, `workflow-bundle-${stamp}.js`));
  onCleanup('workflow bundle', async () => fs.rmSync(bundlePath, { force: true }));
  const worker = await startWorkerProcess({ config: raw, bundlePath, name: stamp, logFile: path.join(benchDataDir, `worker-${stamp}.log`), env: workerEnv });
  onCleanup('worker', async () => {
    const timer = setTimeout(() => killTree(worker.pid), 10_000);
    await worker.kill('SIGTERM');
    clearTimeout(timer);
  });
  progress(
    trtc
      ? `worker pid ${worker.pid}, ${o.appIds.length} SdkAppId(s), budget ${config.trtc!.maxRequestsPerSecond} requests/s per account`
      : `worker pid ${worker.pid}, ${o.appIds.length} App ID queue(s), budget ${config.agora!.maxRequestsPerSecond} requests/s per App ID`,
  );

  const client = await RecordingClient.connect({ ...(server ? { address: server.address } : {}), namespace, taskQueue });
  onCleanup('client', () => client.close());
  return { server, serverPids, emulator, worker, client, config, sdkSecretKeys, taskQueue };
}
