/**
 * The native stack, end to end: `npm run stack -- start` with the frontend on mTLS (certificates
 * generated here with openssl), a recording worker process connected through the stack's
 * temporal.toml profile, the CLI through the same profile, a wrong client certificate refused with
 * a message naming the setting, and `stop` leaving no process behind.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { runCli } from '../../src/cli';

const root = path.resolve(__dirname, '../..');
const stackDir = path.join(root, '.data', 'stack-test');
const PORT_BASE = '27000';
const env = { ...process.env, STACK_DATA_DIR: stackDir };
const run = promisify(execFile);
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const stack = (...args: string[]) => run(tsx, ['scripts/stack.ts', ...args], { cwd: root, env, maxBuffer: 16 * 1024 * 1024 });

interface State {
  procs: Array<{ name: string; pid: number }>;
  ports: { grpc: { frontend: number } };
  emulator: { altBaseUrl: string };
  timings: { toolsMs: number; startMs: number; builtTools: boolean };
}
const state = (): State => JSON.parse(fs.readFileSync(path.join(stackDir, 'state.json'), 'utf8'));
const profileEnv = { TEMPORAL_CONFIG_FILE: path.join(stackDir, 'temporal.toml'), TEMPORAL_PROFILE: 'stack' };

async function cli(args: string[], extraEnv: Record<string, string | undefined>) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, env: { HOME: os.tmpdir(), ...extraEnv } });
  return { code, stdout, stderr };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

let certDir: string;
let pids: number[] = [];

beforeAll(async () => {
  await stack('stop').catch(() => undefined);
  // A fresh cluster each run: initdb, schema creation and namespace registration are part of what is tested.
  fs.rmSync(stackDir, { recursive: true, force: true });
  certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stack-certs-'));
  // The test makes its own certificates, with openssl, including a client certificate from another CA.
  const { generateCerts } = await import('../../scripts/lib/certs');
  generateCerts(certDir, { rogue: true });
  const started = await stack('start', '--tls-dir', certDir, '--workers', '1', '--no-ui', '--port-base', PORT_BASE, '--json');
  const s = state();
  pids = [...s.procs.map((p) => p.pid), Number(fs.readFileSync(path.join(stackDir, 'pg', 'data', 'postmaster.pid'), 'utf8').split('\n')[0])];
  expect(JSON.parse(started.stdout.trim().split('\n').pop()!).tlsDir).toBe(certDir);
  process.stderr.write(`stack test: Go tools ${s.timings.builtTools ? 'built' : 'reused'} (${s.timings.toolsMs} ms), cluster start ${s.timings.startMs} ms\n`);
}, 1_500_000);

afterAll(async () => {
  await stack('stop').catch(() => undefined);
  if (certDir) fs.rmSync(certDir, { recursive: true, force: true });
});

describe('npm run stack', () => {
  it('runs the four services as separate processes, healthy, with PostgreSQL', async () => {
    const names = state().procs.map((p) => p.name);
    for (const svc of ['temporal-frontend', 'temporal-history', 'temporal-matching', 'temporal-worker', 'emulator', 'recording-worker-1']) expect(names).toContain(svc);
    const pidsOfServices = state().procs.filter((p) => p.name.startsWith('temporal-')).map((p) => p.pid);
    expect(new Set(pidsOfServices).size).toBe(4);
    const st = await stack('status', '--json');
    const out = JSON.parse(st.stdout.trim().split('\n').pop()!) as { running: boolean; procs: Array<{ name: string; up: boolean; health: string }> };
    expect(out.procs.every((p) => p.up)).toBe(true);
    expect(out.procs.find((p) => p.name === 'postgres')!.health).toMatch(/accepting connections/);
    expect(out.procs.find((p) => p.name === 'temporal-frontend')!.health).toMatch(/SERVING.*namespace default ok/);
    expect(st.stderr).toMatch(/\(mTLS\)/); // with --json, the human lines go to stderr
  });

  it('answers --help and names a bad flag in one line', async () => {
    const help = await stack('--help');
    expect(help.stdout).toMatch(/usage: npm run stack -- <start\|stop\|status>/);
    const bad = await stack('start', '--wrokers', '2').catch((e) => e);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('stack: unknown option --wrokers (see: npm run stack -- --help)');
  });

  it('a worker (through the profile, on mTLS) and the CLI (through the profile) run a recording', async () => {
    const id = `stack-test-${Date.now()}`;
    const channel = `stack_${Date.now()}`;
    const timings = JSON.stringify({ timings: { firstQueryDelayMs: 1000, confirmPollDelaysMs: [1000], monitorIntervalMs: 3000 } });
    const started = await cli(['start', '--recording-id', id, '--app-id', '0123456789abcdef0123456789abcdef', '--channel', channel, '--options-json', timings, '--json'], profileEnv);
    expect(started).toMatchObject({ code: 0, stderr: '' });
    const deadline = Date.now() + 60_000;
    let phase = '';
    while (Date.now() < deadline && phase !== 'recording') {
      const d = await cli(['describe', id, '--json'], profileEnv);
      phase = d.code === 0 ? JSON.parse(d.stdout).phase : '';
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(phase).toBe('recording');
    const stopped = await cli(['stop', id, '--json'], profileEnv);
    expect(stopped.code).toBe(0);
    const tasks = (await (await fetch(`${state().emulator.altBaseUrl}/__emulator/tasks`)).json()) as { tasks: Array<{ cname: string; live: boolean }> };
    expect(tasks.tasks.filter((t) => t.cname === channel)).toHaveLength(1);
    expect(tasks.tasks.filter((t) => t.live)).toHaveLength(0);
    // The worker said how it connected, without any secret.
    const log = fs.readFileSync(path.join(stackDir, 'logs', 'recording-worker-1.log'), 'utf8');
    expect(log).toMatch(/connected to Temporal/);
    expect(log).toMatch(/mTLS; profile 'stack'/);
    expect(log).not.toContain(fs.readFileSync(path.join(certDir, 'client.key'), 'utf8').split('\n')[1]);
  });

  it('a wrong client certificate fails with one line naming the setting (CLI and worker)', async () => {
    const rogue = { ...profileEnv, TEMPORAL_TLS_CLIENT_CERT_PATH: path.join(certDir, 'rogue-client.pem'), TEMPORAL_TLS_CLIENT_KEY_PATH: path.join(certDir, 'rogue-client.key') };
    const r = await cli(['list'], rogue);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: cannot connect to Temporal at 127\.0\.0\.1:27233: .*refused the client certificate from TEMPORAL_TLS_CLIENT_CERT_PATH \(.*rogue-client\.pem\)/);

    // TLS without a client certificate, from the environment alone: the message says which settings to give.
    const none = await cli(['list'], {
      TEMPORAL_ADDRESS: '127.0.0.1:27233',
      TEMPORAL_TLS: 'true',
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: path.join(certDir, 'ca.pem'),
      TEMPORAL_TLS_SERVER_NAME: 'localhost',
    });
    expect(none.code).toBe(1);
    expect(none.stderr.trim().split('\n')).toHaveLength(1);
    expect(none.stderr).toMatch(/requires a client certificate: set TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH/);

    // Plaintext against the mTLS frontend: refused, in one line, naming where the address came from.
    const plain = await cli(['list'], { TEMPORAL_ADDRESS: '127.0.0.1:27233' });
    expect(plain.code).toBe(1);
    expect(plain.stderr.trim().split('\n')).toHaveLength(1);
    expect(plain.stderr).toMatch(/^error: cannot connect to Temporal at 127\.0\.0\.1:27233: .*TEMPORAL_ADDRESS/);

    const configFile = path.join(certDir, 'worker.json');
    fs.writeFileSync(configFile, JSON.stringify({ temporal: { taskQueue: 'rogue' }, agora: { baseUrls: ['http://127.0.0.1:9'], customerId: 'x', customerSecret: 'y', apps: { a1: {} } } }));
    const worker = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], { cwd: root, env: { ...process.env, ...rogue, RECORDING_CONFIG: configFile }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    worker.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => worker.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/TEMPORAL_TLS_CLIENT_CERT_PATH \(.*rogue-client\.pem\)/);
  });

  it('a missing profile is named', async () => {
    const r = await cli(['list'], { ...profileEnv, TEMPORAL_PROFILE: 'nope' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: TEMPORAL_PROFILE: Profile 'nope' not found in .*temporal\.toml/);
  });

  it('stop leaves no process behind', async () => {
    expect(pids.length).toBe(7); // four services, emulator, one recording worker, PostgreSQL
    await stack('stop');
    for (const pid of pids) expect({ pid, alive: alive(pid) }).toEqual({ pid, alive: false });
    expect(fs.existsSync(path.join(stackDir, 'pg', 'data', 'postmaster.pid'))).toBe(false);
    const st = await stack('status').catch((e) => e);
    expect(st.code).toBe(1);
  });
});
