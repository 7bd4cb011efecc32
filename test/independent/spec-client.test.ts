/**
 * Black-box check: start the emulator as a child process, run the independent
 * spec client (Python, stdlib only) against it, require every check to pass.
 * The only contract used: first stdout line is `emulator listening on <base url>`;
 * SIGTERM stops it.
 */
import { spawn, ChildProcess } from 'node:child_process';
import path from 'node:path';

// This checkout's own emulator (a hard-coded /work/main would test another tree from a worktree or CI clone).
const CWD = path.resolve(__dirname, '../..');
let emulator: ChildProcess | undefined;
let baseUrl = '';

function stopEmulator(): Promise<void> {
  const child = emulator;
  emulator = undefined;
  if (!child || child.pid === undefined || child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  const pid = child.pid;
  const signalGroup = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig); // detached => own process group (npx + tsx + node)
    } catch {
      try { child.kill(sig); } catch { /* already gone */ }
    }
  };
  return new Promise<void>((resolve) => {
    const hard = setTimeout(() => signalGroup('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(hard);
      // make sure no grandchild survives in the group
      try { process.kill(-pid, 'SIGKILL'); } catch { /* none left */ }
      resolve();
    });
    signalGroup('SIGTERM');
  });
}

// Safety net if jest dies without running afterAll.
process.once('exit', () => {
  if (emulator?.pid !== undefined) {
    try { process.kill(-emulator.pid, 'SIGKILL'); } catch { /* gone */ }
  }
});

beforeAll(async () => {
  emulator = spawn('npx', ['tsx', 'src/emulator/main.ts', '--port', '0', '--start-delay-ms', '500'], {
    cwd: CWD,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const child = emulator;
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  baseUrl = await new Promise<string>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`emulator did not print its first line within 60s; stderr: ${stderr}`)), 60_000);
    const onData = (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      child.stdout!.off('data', onData);
      child.stdout!.resume(); // keep draining
      clearTimeout(timer);
      const first = buf.slice(0, nl).replace(/\r$/, '');
      const m = /^emulator listening on (\S+)$/.exec(first);
      if (m) resolve(m[1]);
      else reject(new Error(`unexpected first stdout line: ${JSON.stringify(first)}`));
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code, sig) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited early (code=${code}, signal=${sig}); stderr: ${stderr}`));
    });
  });
}, 90_000);

afterAll(async () => {
  await stopEmulator();
});

test('independent spec client passes against the emulator', async () => {
  const result = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    const py = spawn('python3', [
      'test/independent/agora_spec_client.py',
      '--base-url', baseUrl,
      '--first-query-delay', '1',
      '--poll-interval', '0.5',
    ], { cwd: CWD, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    py.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    py.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    py.on('close', (code) => resolve({ code, out, err }));
  });
  const lines = result.out.trim().split('\n');
  const summary = lines[lines.length - 1] ?? '';
  const m = /^(\d+) passed, (\d+) failed$/.exec(summary);
  if (result.code !== 0 || !m || m[2] !== '0') {
    // show the client's per-step lines on failure
    console.log(`client output:\n${result.out}\n${result.err}`);
  }
  expect(m).not.toBeNull();
  expect(Number(m![1])).toBeGreaterThan(0);
  expect(m![2]).toBe('0');
  expect(result.code).toBe(0);
}, 110_000);
