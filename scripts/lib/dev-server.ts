import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { recordingSearchAttributes, searchAttributeTypeNames } from '../../src/contract/search-attributes';
import { freePort } from './ports';
import { ensureTemporalCli, repoRoot } from './temporal-cli';

export interface DevServerOptions {
  /** gRPC frontend port; 0 picks a free one. Default 7233. */
  port?: number;
  /** Web UI port; 0 picks a free one; null runs headless. Default 8233. */
  uiPort?: number | null;
  /** SQLite file, so a restarted server keeps its workflows. Default .data/temporal-dev.db; null = in memory. */
  dbFile?: string | null;
  namespace?: string;
  /** Extra dynamic config, KEY=VALUE. */
  dynamicConfig?: Record<string, string | number | boolean>;
  /** Where the server's own output goes. Default .data/temporal-dev-<port>.log. */
  logFile?: string;
  startTimeoutMs?: number;
}

export interface DevServer {
  address: string;
  namespace: string;
  uiUrl?: string;
  port: number;
  uiPort: number | null;
  dbFile: string | null;
  pid: number;
  stop(): Promise<void>;
}

export const dataDir = path.join(repoRoot, '.data');

/**
 * One partition per task queue: the server's per-queue activity rate limit is then enforced in
 * one place, so the vendor QPS budget holds exactly (with partitions each has its own slice and
 * bursts add up). The new matcher honours task priority, so starts go ahead of monitoring polls
 * in that budget (src/workflows/priorities.ts). Production servers set the same in their dynamic
 * config (config/temporal-dynamicconfig.yaml; a test keeps the two equal).
 */
export const recordingDynamicConfig = {
  'matching.numTaskqueueReadPartitions': 1,
  'matching.numTaskqueueWritePartitions': 1,
  'matching.useNewMatcher': true,
};

/**
 * Starts `temporal server start-dev` with the project's search attributes registered and waits
 * until the frontend answers. The search attributes come from src/contract/search-attributes.ts
 * so the server and the workflow cannot disagree on them.
 */
export async function startDevServer(opts: DevServerOptions = {}): Promise<DevServer> {
  const cli = ensureTemporalCli();
  const port = opts.port === 0 ? await freePort() : (opts.port ?? 7233);
  const uiPort = opts.uiPort === null ? null : opts.uiPort === 0 ? await freePort() : (opts.uiPort ?? 8233);
  const namespace = opts.namespace ?? 'default';
  const dbFile = opts.dbFile === null ? null : (opts.dbFile ?? path.join(dataDir, 'temporal-dev.db'));
  fs.mkdirSync(dataDir, { recursive: true });
  if (dbFile) fs.mkdirSync(path.dirname(dbFile), { recursive: true });
  const logFile = opts.logFile ?? path.join(dataDir, `temporal-dev-${port}.log`);

  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--namespace', namespace, '--log-level', 'warn'];
  if (uiPort === null) args.push('--headless');
  else args.push('--ui-port', String(uiPort));
  if (dbFile) args.push('--db-filename', dbFile);
  for (const sa of recordingSearchAttributes) args.push('--search-attribute', `${sa.name}=${searchAttributeTypeNames[sa.type].cli}`);
  for (const [k, v] of Object.entries({ ...recordingDynamicConfig, ...opts.dynamicConfig })) args.push('--dynamic-config-value', `${k}=${JSON.stringify(v)}`);

  const log = fs.openSync(logFile, 'a');
  const child = spawn(cli, args, { stdio: ['ignore', log, log], detached: false });
  fs.closeSync(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const address = `127.0.0.1:${port}`;
  try {
    await waitForFrontend(address, namespace, exited, opts.startTimeoutMs ?? 60_000, logFile);
  } catch (err) {
    await stopChild(child, exited);
    throw err;
  }
  return {
    address,
    namespace,
    uiUrl: uiPort === null ? undefined : `http://localhost:${uiPort}`,
    port,
    uiPort,
    dbFile,
    pid: child.pid!,
    stop: () => stopChild(child, exited),
  };
}

async function waitForFrontend(
  address: string,
  namespace: string,
  exited: Promise<number | null>,
  timeoutMs: number,
  logFile: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let died: number | null | undefined;
  void exited.then((code) => (died = code));
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (died !== undefined) {
      throw new Error(`temporal server start-dev exited with code ${died}; see ${logFile}`);
    }
    try {
      const conn = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        // The namespace answering (not just the port) is what workers and clients need.
        await conn.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await conn.close();
      }
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`Temporal dev server at ${address} did not answer within ${timeoutMs} ms (${String(lastError)}); see ${logFile}`);
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
