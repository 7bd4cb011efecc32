/**
 * Recording workers as real child processes (`src/worker.ts`), so chaos can SIGKILL them and
 * benchmarks can read their CPU and RSS. Configuration goes through a RECORDING_CONFIG file,
 * exactly as in production; the workflow bundle is built once and shared by every process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeWorkflowBundle } from '../../src/bundle-workflows';
import { dataDir } from './dev-server';
import { repoRoot } from './temporal-cli';

export interface WorkerProcessOptions {
  /** Raw worker configuration (the RECORDING_CONFIG file's content). */
  config: unknown;
  /** Path of a bundle from bundleWorkflows(); without it the worker bundles at boot (slower). */
  bundlePath?: string;
  /** Appended to the worker's stdout/stderr; default .data/worker-<name>.log. */
  logFile?: string;
  name?: string;
  env?: NodeJS.ProcessEnv;
  readyTimeoutMs?: number;
  /** Where the config is written (0600); default a temporary directory removed when the worker exits. */
  configFile?: string;
  /**
   * Outlives this process (npm run stack): its own session, output straight to logFile, readiness
   * read from that file. `exited` and `kill` still work while this process lives.
   */
  detached?: boolean;
}

export interface WorkerProcess {
  name: string;
  /** The worker's own pid: a signal reaches the worker itself, not a wrapper. */
  pid: number;
  /** The Temporal identity the SDK gives this worker by default, `<pid>@<host>`. */
  identity: string;
  child: ChildProcess;
  logFile: string;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
  alive(): boolean;
  kill(signal?: NodeJS.Signals): Promise<number | string>;
}

/** Bundles src/workflows once into a file every worker process can load. */
export async function bundleWorkflows(file = path.join(dataDir, 'workflow-bundle.js')): Promise<string> {
  return writeWorkflowBundle(file);
}

/**
 * Starts `node --import tsx src/worker.ts` and resolves once it logs that its workers are polling.
 * Not the tsx CLI: that is a parent which relays signals, so a SIGKILL would miss the worker.
 */
export async function startWorkerProcess(opts: WorkerProcessOptions): Promise<WorkerProcess> {
  const name = opts.name ?? `w${process.pid}-${Date.now()}`;
  const tempConfig = !opts.configFile;
  const configFile = opts.configFile ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ro-worker-')), 'config.json');
  fs.mkdirSync(path.dirname(configFile), { recursive: true });
  fs.writeFileSync(configFile, JSON.stringify(opts.config), { mode: 0o600 });
  const logFile = opts.logFile ?? path.join(dataDir, `worker-${name}.log`);
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const log = fs.openSync(logFile, 'a');
  const logStart = fs.fstatSync(log).size;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'src', 'worker.ts')], {
    cwd: repoRoot,
    env: {
      ...process.env,
      RECORDING_CONFIG: configFile,
      ...(opts.bundlePath ? { WORKFLOW_BUNDLE: opts.bundlePath } : {}),
      ...opts.env,
    },
    stdio: opts.detached ? ['ignore', log, log] : ['ignore', 'pipe', 'pipe'],
    detached: opts.detached ?? false,
  });
  fs.closeSync(log);
  if (opts.detached) child.unref();
  let done = false;
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => {
      done = true;
      if (tempConfig) fs.rmSync(path.dirname(configFile), { recursive: true, force: true });
      resolve(code ?? signal ?? -1);
    }),
  );

  const ready = opts.detached ? waitForLogLine(logFile, logStart, exited, name, opts.readyTimeoutMs ?? 60_000) : new Promise<void>((resolve, reject) => {
    let tail = '';
    let isReady = false;
    const onData = (chunk: Buffer) => {
      fs.appendFileSync(logFile, chunk);
      if (isReady) return;
      tail = (tail + chunk.toString()).slice(-4_096);
      if (tail.includes('recording workers running')) {
        isReady = true;
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => fs.appendFileSync(logFile, chunk));
    exited.then((code) => reject(new Error(`worker ${name} exited (${code}) before it was ready; see ${logFile}`)));
    setTimeout(() => reject(new Error(`worker ${name} not ready after ${opts.readyTimeoutMs ?? 60_000} ms; see ${logFile}`)), opts.readyTimeoutMs ?? 60_000).unref();
  });
  try {
    await ready;
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    name,
    pid: child.pid!,
    identity: `${child.pid}@${os.hostname()}`,
    child,
    logFile,
    exited,
    alive: () => !done,
    kill: async (signal = 'SIGTERM') => {
      if (!done) child.kill(signal);
      return exited;
    },
  };
}

/** A detached worker's readiness: its log (from where this start began) says its workers are polling. */
async function waitForLogLine(logFile: string, from: number, exited: Promise<number | string>, name: string, timeoutMs: number): Promise<void> {
  let code: number | string | undefined;
  void exited.then((c) => (code = c));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (code !== undefined) throw new Error(`worker ${name} exited (${code}) before it was ready; see ${logFile}`);
    const fd = fs.openSync(logFile, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const buf = Buffer.alloc(Math.max(0, size - from));
      fs.readSync(fd, buf, 0, buf.length, from);
      if (buf.toString().includes('recording workers running')) return;
    } finally {
      fs.closeSync(fd);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`worker ${name} not ready after ${timeoutMs} ms; see ${logFile}`);
}
