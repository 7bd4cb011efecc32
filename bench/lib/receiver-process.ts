/**
 * The callback receiver as a child process (`tsx src/services/callbacks/main.ts`), configured
 * through its environment as a container would be (secrets never in argv). It keeps its port
 * across restarts, so the emulators' callback URL stays valid when chaos kills and restarts it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { repoRoot } from '../../scripts/lib/temporal-cli';
import { CALLBACK_PATHS } from '../../src/services/callbacks/vendors';
import { onCleanup } from './cleanup';
import { killTree } from './proc';

export interface ReceiverFlags {
  /** Omitted: the environment's TEMPORAL_* / profile (e.g. the native stack). */
  temporalAddress?: string;
  namespace: string;
  /** The Agora NCS secret, if Agora callbacks are expected. */
  agoraSecret?: string;
  /** SdkAppId → TRTC callback key. */
  trtcKeys?: Record<string, string>;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export class ReceiverProcess {
  private child?: ChildProcess;
  private exited?: Promise<unknown>;
  private running = false;

  private constructor(
    readonly port: number,
    private readonly env: NodeJS.ProcessEnv,
    private readonly logFile: string,
  ) {}

  static async start(flags: ReceiverFlags, logFile: string): Promise<ReceiverProcess> {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      CALLBACKS_HOST: '127.0.0.1',
      CALLBACKS_PORT: String(port),
      TEMPORAL_NAMESPACE: flags.namespace,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      ...(flags.temporalAddress ? { TEMPORAL_ADDRESS: flags.temporalAddress } : {}),
      ...(flags.agoraSecret ? { AGORA_NCS_SECRET: flags.agoraSecret } : {}),
      ...Object.fromEntries(Object.entries(flags.trtcKeys ?? {}).map(([app, key]) => [`TRTC_CALLBACK_KEY_${app}`, key])),
    };
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    const receiver = new ReceiverProcess(port, env, logFile);
    await receiver.restart();
    onCleanup('callback receiver', () => receiver.stop());
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  urlFor(provider: keyof typeof CALLBACK_PATHS): string {
    return this.url + CALLBACK_PATHS[provider];
  }

  get pid(): number | undefined {
    // exitCode stays null for a process ended by a signal: the exit event is what counts.
    return this.running ? this.child!.pid : undefined;
  }

  /** Starts the process (again) on the same port; resolves once /healthz answers. */
  async restart(): Promise<void> {
    if (this.pid !== undefined) throw new Error('the receiver is running');
    const log = fs.openSync(this.logFile, 'a');
    const child = spawn(path.join(repoRoot, 'node_modules', '.bin', 'tsx'), ['src/services/callbacks/main.ts'], { cwd: repoRoot, env: this.env, stdio: ['ignore', log, log] });
    fs.closeSync(log);
    this.child = child;
    this.running = true;
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        this.running = false;
        resolve(code);
      }),
    );
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (!this.running) throw new Error(`callback receiver exited (${child.exitCode}) before listening; see ${this.logFile}`);
      const up = await fetch(`${this.url}/healthz`).then((r) => r.ok, () => false);
      if (up) return;
      if (Date.now() > deadline) {
        killTree(child.pid!);
        throw new Error(`callback receiver did not listen within 30 s; see ${this.logFile}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** SIGKILL to the whole tree (tsx runs node as a child): a crash, nothing drained. */
  async kill(): Promise<void> {
    if (this.pid === undefined) return;
    killTree(this.child!.pid!);
    await this.exited;
  }

  async stop(): Promise<void> {
    if (this.pid === undefined) return;
    try {
      process.kill(this.child!.pid!, 'SIGTERM');
    } catch {
      return; // gone meanwhile
    }
    const timer = setTimeout(() => killTree(this.child!.pid!), 5_000);
    await this.exited;
    clearTimeout(timer);
  }

  /** `callbacks_total` by provider and outcome, from its /metrics. */
  async outcomes(): Promise<Record<string, number>> {
    const text = await fetch(`${this.url}/metrics`).then((r) => r.text());
    const out: Record<string, number> = {};
    for (const m of text.matchAll(/^callbacks_total\{provider="([^"]+)",outcome="([^"]+)"\} (\d+)/gm)) out[`${m[1]} ${m[2]}`] = Number(m[3]);
    return out;
  }
}
