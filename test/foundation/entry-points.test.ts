import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '../..');

/** Every command a user runs: `--help` prints its usage (exit 0), a bad flag one line naming it (exit 2), never a stack trace. */
const ENTRY_POINTS: Array<[string, string[]]> = [
  ['cli', ['src/cli.ts']],
  ['worker', ['src/worker.ts']],
  ['emulator (agora)', ['src/emulator/main.ts']],
  ['emulator (trtc)', ['src/emulator/main.ts', '--vendor', 'trtc']],
  ['demo', ['scripts/demo.ts']],
  ['dev-server', ['scripts/dev-server.ts']],
  ['stack', ['scripts/stack.ts']],
  ['contract', ['scripts/contract.ts']],
  ['chaos', ['chaos/main.ts']],
  ['bench', ['bench/main.ts']],
  ['bench start-overhead', ['bench/main.ts', 'start-overhead']],
  ['bench recovery-gap', ['bench/main.ts', 'recovery-gap']],
  ['bench scale', ['bench/main.ts', 'scale']],
  ['bench history-cost', ['bench/main.ts', 'history-cost']],
];

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, timeout: 60_000, env: { ...process.env, RECORDING_CONFIG: '' } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('entry points', () => {
  it.each(ENTRY_POINTS)('%s: --help prints its usage; --no-such-flag is one line naming it', async (_name, args) => {
    const [help, bad] = await Promise.all([run([...args, '--help']), run([...args, '--no-such-flag'])]);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^usage: /im);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('--no-such-flag');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });
});
