/**
 * Black-box check for TRTC: start the emulator as a child process (`--vendor trtc`), run the independent spec
 * client (Python, stdlib only, written from the spec) against it, require every check to pass.
 * Contract used: first stdout line `emulator listening on <base url>`; SIGTERM stops it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const SECRET_ID = 'AKIDindependent';
const SECRET_KEY = 'independent-client-secret-key';
let emulator: ChildProcess | undefined;
let baseUrl = '';

function stop(): Promise<void> {
  const child = emulator;
  emulator = undefined;
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const hard = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(hard);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

beforeAll(async () => {
  emulator = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['src/emulator/main.ts', '--vendor', 'trtc', '--port', '0', '--start-delay-ms', '500', '--secret-id', SECRET_ID], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TRTC_EMULATOR_SECRET_KEY: SECRET_KEY },
  });
  const child = emulator;
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  baseUrl = await new Promise<string>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`emulator did not print its first line within 60s; stderr: ${stderr}`)), 60_000);
    const onData = (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      child.stdout!.off('data', onData);
      child.stdout!.resume();
      clearTimeout(timer);
      const m = /^emulator listening on (\S+)$/.exec(buf.slice(0, nl));
      if (m) resolve(m[1]);
      else reject(new Error(`unexpected first stdout line: ${JSON.stringify(buf.slice(0, nl))}`));
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code, sig) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited early (code=${code}, signal=${sig}); stderr: ${stderr}`));
    });
  });
}, 90_000);

afterAll(stop);

test('independent TRTC spec client passes against the emulator', async () => {
  const result = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    const py = spawn('python3', ['test/independent/trtc_spec_client.py', '--base-url', baseUrl, '--secret-id', SECRET_ID, '--poll-interval', '0.25'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TRTC_SECRET_KEY: SECRET_KEY },
    });
    let out = '';
    let err = '';
    py.stdout.on('data', (d: Buffer) => (out += d.toString()));
    py.stderr.on('data', (d: Buffer) => (err += d.toString()));
    py.on('close', (code) => resolve({ code, out, err }));
  });
  const lines = result.out.trim().split('\n');
  const m = /^(\d+) passed, (\d+) failed$/.exec(lines[lines.length - 1] ?? '');
  if (result.code !== 0 || !m || m[2] !== '0') console.log(`client output:\n${result.out}\n${result.err}`);
  expect(result.out).not.toContain(SECRET_KEY);
  expect(m).not.toBeNull();
  expect(Number(m![1])).toBeGreaterThanOrEqual(20);
  expect(m![2]).toBe('0');
  expect(result.code).toBe(0);
}, 110_000);
