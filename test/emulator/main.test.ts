import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from '../../src/emulator/main';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

function run(args: string[]) {
  const child = spawn(TSX, ['src/emulator/main.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

test('prints "emulator listening on <url>" first, serves, and exits 0 on SIGTERM', async () => {
  const p = run(['--port', '0', '--start-delay-ms', '100', '--qps=5']);
  try {
    const firstLine = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no output; stderr: ${p.err()}`)), 30_000);
      p.child.stdout.on('data', () => {
        const nl = p.out().indexOf('\n');
        if (nl >= 0) {
          clearTimeout(timer);
          resolve(p.out().slice(0, nl));
        }
      });
    });
    const m = /^emulator listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(firstLine);
    expect(m).not.toBeNull();
    const health = await fetch(`${m![1]}/__emulator/health`);
    expect(await health.json()).toEqual({ ok: true });
    expect(p.out()).toMatch(/\nalternate listening on http:\/\/127\.0\.0\.1:\d+\n/);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  } finally {
    p.child.kill('SIGKILL');
  }
});

test('a bad flag is named in the error and exits 2', async () => {
  const bad = run(['--qps', 'lots']);
  expect(await bad.exited).toBe(2);
  expect(bad.err()).toContain('--qps');
  const unknown = run(['--colour']);
  expect(await unknown.exited).toBe(2);
  expect(unknown.err()).toContain('--colour');
});

test('parseArgs: defaults, both flag forms, alternate port follows the primary', () => {
  expect(parseArgs([])).toMatchObject({ port: 8042, altPort: 8043, qps: 10, maxConcurrent: 50, startDelayMs: 3000, resourceTtlMs: 300000 });
  expect(parseArgs(['--port', '0'])).toMatchObject({ port: 0, altPort: 0 });
  expect(parseArgs(['--port=9000', '--alt-port', '9500', '--customer-id', 'id', '--max-concurrent', '3'])).toMatchObject({
    port: 9000,
    altPort: 9500,
    customerId: 'id',
    maxConcurrent: 3,
  });
  expect(parseArgs([])).toMatchObject({ exitingMs: 0, invalidAppIds: [] });
  expect(parseArgs(['--exiting-ms', '1000', '--invalid-app-ids=a, b'])).toMatchObject({ exitingMs: 1000, invalidAppIds: ['a', 'b'] });
  expect(() => parseArgs(['--invalid-app-ids', 'a,,b'])).toThrow(/--invalid-app-ids/);
  expect(() => parseArgs(['--exiting-ms', '-1'])).toThrow(/--exiting-ms/);
  expect(parseArgs(['--help'])).toBeNull();
  expect(() => parseArgs(['--port', '70000'])).toThrow(/--port/);
  expect(() => parseArgs(['--host'])).toThrow(/--host needs a value/);
  expect(() => parseArgs(['--qps', '0'])).toThrow(/--qps/);
});
