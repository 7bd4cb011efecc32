import { spawn } from 'node:child_process';
import path from 'node:path';
import { splitVendor } from '../../../src/emulator/main';
import { parseTrtcArgs } from '../../../src/emulator/trtc/cli';

const ROOT = path.resolve(__dirname, '../../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

function run(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const child = spawn(TSX, ['src/emulator/main.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

test('--vendor trtc prints "emulator listening on <url>" first, serves the TRTC control API, exits 0 on SIGTERM', async () => {
  const p = run(['--vendor', 'trtc', '--port', '0', '--qps=5'], { ...process.env, TRTC_EMULATOR_SECRET_KEY: 'from-env-key' });
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
    expect(await (await fetch(`${m![1]}/__emulator/health`)).json()).toEqual({ ok: true, vendor: 'trtc' });
    expect(p.out()).not.toContain('from-env-key');
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  } finally {
    p.child.kill('SIGKILL');
  }
});

test('bad vendor or TRTC flag is named and exits 2; Agora stays the default', async () => {
  const bad = run(['--vendor', 'zoom']);
  expect(await bad.exited).toBe(2);
  expect(bad.err()).toContain('--vendor');
  const flag = run(['--vendor=trtc', '--alt-port', '1']);
  expect(await flag.exited).toBe(2);
  expect(flag.err()).toContain('--alt-port');
  expect(splitVendor(['--port', '0'])).toEqual({ vendor: 'agora', rest: ['--port', '0'] });
  expect(splitVendor(['--port', '0', '--vendor', 'trtc'])).toEqual({ vendor: 'trtc', rest: ['--port', '0'] });
});

test('parseTrtcArgs: defaults, both flag forms, secrets only from the environment', () => {
  expect(parseTrtcArgs([], {})).toMatchObject({ port: 8044, qps: 20, maxConcurrent: 100, startDelayMs: 3000, exitingMs: 3000, hourMs: 3_600_000 });
  expect(parseTrtcArgs(['--port=0', '--max-concurrent', '3', '--invalid-sdk-app-ids', '1, 2'], {})).toMatchObject({ port: 0, maxConcurrent: 3, invalidSdkAppIds: ['1', '2'] });
  expect(parseTrtcArgs([], { TRTC_EMULATOR_SECRET_KEY: 'k', TRTC_EMULATOR_SDK_SECRET_KEYS: '1400000000=abc' })).toMatchObject({
    secretKey: 'k',
    sdkSecretKeys: { '1400000000': 'abc' },
  });
  expect(() => parseTrtcArgs([], { TRTC_EMULATOR_SDK_SECRET_KEYS: 'nope' })).toThrow(/TRTC_EMULATOR_SDK_SECRET_KEYS/);
  expect(() => parseTrtcArgs(['--qps', '0'], {})).toThrow(/--qps/);
  expect(() => parseTrtcArgs(['--invalid-sdk-app-ids', 'a'], {})).toThrow(/--invalid-sdk-app-ids/);
  expect(parseTrtcArgs(['--help'], {})).toBeNull();
});
