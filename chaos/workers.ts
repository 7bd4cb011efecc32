/**
 * Recording workers as real processes that SIGKILL really kills. `node --import tsx src/worker.ts`
 * makes the child's pid the worker's own (and its Temporal identity `<pid>@<host>`); the tsx CLI
 * that scripts/lib/worker-process.ts spawns is only a parent that relays signals, so a SIGKILL
 * sent to it leaves the worker running (see docs/chaos.md, "Findings").
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../scripts/lib/temporal-cli';

export interface ChaosWorker {
  name: string;
  pid: number;
  /** The Temporal identity the SDK gives this worker by default. */
  identity: string;
  exited: Promise<number | string>;
  alive(): boolean;
  kill(signal?: NodeJS.Signals): Promise<number | string>;
}

export async function spawnWorker(opts: { name: string; config: unknown; bundlePath: string; logFile: string; readyTimeoutMs?: number }): Promise<ChaosWorker> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ro-chaos-worker-'));
  const configFile = path.join(dir, 'config.json');
  fs.writeFileSync(configFile, JSON.stringify(opts.config), { mode: 0o600 });
  fs.mkdirSync(path.dirname(opts.logFile), { recursive: true });
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'src', 'worker.ts')], {
    cwd: repoRoot,
    env: { ...process.env, RECORDING_CONFIG: configFile, WORKFLOW_BUNDLE: opts.bundlePath },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let done = false;
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => {
      done = true;
      fs.rmSync(dir, { recursive: true, force: true });
      resolve(code ?? signal ?? -1);
    }),
  );
  const ready = new Promise<void>((resolve, reject) => {
    let tail = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      fs.appendFileSync(opts.logFile, chunk);
      tail = (tail + chunk.toString()).slice(-4096);
      if (tail.includes('recording workers running')) resolve();
    });
    child.stderr!.on('data', (chunk: Buffer) => fs.appendFileSync(opts.logFile, chunk));
    void exited.then((code) => reject(new Error(`worker ${opts.name} exited (${code}) before it was ready; see ${opts.logFile}`)));
    setTimeout(() => reject(new Error(`worker ${opts.name} not ready after ${opts.readyTimeoutMs ?? 60_000} ms; see ${opts.logFile}`)), opts.readyTimeoutMs ?? 60_000).unref();
  });
  try {
    await ready;
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    name: opts.name,
    pid: child.pid!,
    identity: `${child.pid}@${os.hostname()}`,
    exited,
    alive: () => !done,
    kill: async (signal = 'SIGTERM') => {
      if (!done) child.kill(signal);
      return exited;
    },
  };
}
