/**
 * The Agora emulator as a child process (`tsx src/emulator/main.ts --port 0 …`), so its CPU is
 * its own and never the benchmark driver's, and a thin client for its control API.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type { LogEntry } from '../../src/emulator/stats';
import type { TrtcLogEntry } from '../../src/emulator/trtc';
import { repoRoot } from '../../scripts/lib/temporal-cli';
import { onCleanup } from './cleanup';
import { killTree } from './proc';

export interface EmulatorFlags {
  /** Which vendor the emulator plays; default agora. */
  vendor?: 'agora' | 'trtc';
  startDelayMs: number;
  /** One vendor hour (resourceExpiredHour, token and UserSig lifetimes). */
  hourMs?: number;
  qps?: number;
  maxConcurrent?: number;
  customerId: string;
  customerSecret: string;
  /** trtc: the account's SecretId and SecretKey, and SdkAppId → SDK secret key (UserSigs verified). */
  secretId?: string;
  secretKey?: string;
  sdkSecretKeys?: Record<string, string>;
}

export interface EmulatorTask {
  appId: string;
  cname: string;
  uid: string;
  resourceId: string;
  sid: string;
  status: number;
  live: boolean;
  startedAt: number;
  endedAt: number | null;
  endReason: string | null;
  stuck?: boolean;
}

export interface AppStats {
  requests: Record<string, Record<string, number>>;
  maxPerSecond: number;
  rateLimited: number;
  live: number;
}

export class EmulatorProcess {
  constructor(
    readonly pid: number,
    readonly baseUrl: string,
    readonly altBaseUrl: string,
    readonly flags: EmulatorFlags,
    private readonly exited: Promise<unknown>,
  ) {}

  async control<T>(method: string, p: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.altBaseUrl}/__emulator${p}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`emulator ${method} ${p}: HTTP ${res.status} ${text}`);
    return JSON.parse(text) as T;
  }

  async tasks(): Promise<EmulatorTask[]> {
    return (await this.control<{ tasks: EmulatorTask[] }>('GET', '/tasks')).tasks;
  }

  async kill(sid: string): Promise<EmulatorTask> {
    return (await this.control<{ task: EmulatorTask }>('POST', `/tasks/${encodeURIComponent(sid)}/exit`)).task;
  }

  async stats(): Promise<Record<string, AppStats>> {
    return (await this.control<{ apps: Record<string, AppStats> }>('GET', '/stats')).apps;
  }

  async requests(since: number): Promise<LogEntry[]> {
    return (await this.control<{ requests: LogEntry[] }>('GET', `/requests?since=${since}`)).requests;
  }

  /** The TRTC emulator's request log (its entries carry action, roomId, sdkAppId). */
  async trtcRequests(since: number): Promise<TrtcLogEntry[]> {
    return (await this.control<{ requests: TrtcLogEntry[] }>('GET', `/requests?since=${since}`)).requests;
  }

  async stop(): Promise<void> {
    try {
      process.kill(this.pid, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => killTree(this.pid), 5_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/**
 * Collects the request log incrementally (the emulator keeps the last 20,000 entries), so a long
 * run keeps every entry. Entries at the boundary millisecond are de-duplicated.
 */
export class RequestLog {
  readonly entries: LogEntry[] = [];
  private since = 0;
  private boundary = new Set<string>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly emulator: EmulatorProcess) {}

  async pull(): Promise<void> {
    const got = await this.emulator.requests(this.since);
    for (const e of got) {
      const key = `${e.at}|${e.op}|${e.appId}|${e.cname}|${e.uid}|${e.sid}|${e.httpStatus}|${e.host}`;
      if (e.at === this.since && this.boundary.has(key)) continue;
      if (e.at > this.since) {
        this.since = e.at;
        this.boundary = new Set();
      }
      this.boundary.add(key);
      this.entries.push(e);
    }
  }

  follow(everyMs = 20_000): this {
    this.timer = setInterval(() => void this.pull().catch(() => undefined), everyMs);
    this.timer.unref();
    return this;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.pull();
  }
}

export async function startEmulatorProcess(flags: EmulatorFlags, logFile: string): Promise<EmulatorProcess> {
  const trtc = flags.vendor === 'trtc';
  const args = trtc
    ? ['src/emulator/main.ts', '--vendor', 'trtc', '--port', '0', '--start-delay-ms', String(flags.startDelayMs), '--secret-id', flags.secretId ?? 'AKIDbench']
    : ['src/emulator/main.ts', '--port', '0', '--start-delay-ms', String(flags.startDelayMs), '--customer-id', flags.customerId, '--customer-secret', flags.customerSecret];
  if (flags.qps !== undefined) args.push('--qps', String(flags.qps));
  if (flags.hourMs !== undefined) args.push('--hour-ms', String(flags.hourMs));
  if (flags.maxConcurrent !== undefined) args.push('--max-concurrent', String(flags.maxConcurrent));
  // TRTC's secrets travel in the environment, out of `ps` listings.
  const env = trtc
    ? {
        ...process.env,
        ...(flags.secretKey ? { TRTC_EMULATOR_SECRET_KEY: flags.secretKey } : {}),
        TRTC_EMULATOR_SDK_SECRET_KEYS: Object.entries(flags.sdkSecretKeys ?? {}).map(([app, key]) => `${app}=${key}`).join(','),
      }
    : process.env;
  const wanted = trtc ? 1 : 2; // TRTC listens on one URL, Agora on a primary and an alternate
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const child = spawn(path.join(repoRoot, 'node_modules', '.bin', 'tsx'), args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.stderr!.on('data', (c: Buffer) => fs.appendFileSync(logFile, c));
  const lines = readline.createInterface({ input: child.stdout! });
  const urls: string[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`emulator did not start within 30 s; see ${logFile}`)), 30_000);
      void exited.then((code) => reject(new Error(`emulator exited (${String(code)}) before listening; see ${logFile}`)));
      lines.on('line', (line) => {
        const m = /listening on (\S+)/.exec(line);
        if (m) urls.push(m[1]);
        if (urls.length === wanted) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  } catch (err) {
    killTree(child.pid!);
    throw err;
  }
  const emu = new EmulatorProcess(child.pid!, urls[0], urls[wanted - 1], flags, exited);
  onCleanup('emulator', () => emu.stop());
  return emu;
}
