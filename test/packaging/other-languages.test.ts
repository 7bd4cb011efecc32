import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { recordingStateSchema, recordingSummarySchema, updateResultSchema } from '../../src/contract/message-schemas';
import { APP_ID, RecordingEnv } from '../support/recording-env';
import { testAddress } from '../support/temporal';

const ROOT = path.resolve(__dirname, '../..');

/** The ```python block of docs/other-languages.md, run as written. */
function pythonExample(): string {
  const doc = fs.readFileSync(path.join(ROOT, 'docs/other-languages.md'), 'utf8');
  const m = /```python\n([\s\S]*?)```/.exec(doc);
  if (!m) throw new Error('docs/other-languages.md has no python block');
  return m[1];
}

describe("the Python example (PyPI temporalio) against the contract", () => {
  let env: RecordingEnv;
  let python: string;
  let dir: string;
  beforeAll(async () => {
    python = execFileSync('bash', [path.join(ROOT, 'scripts/ensure-python-temporalio.sh')], { encoding: 'utf8', timeout: 300_000 }).trim();
    env = await RecordingEnv.start();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ro-python-'));
  }, 360_000);
  afterAll(async () => {
    await env?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts, queries, updates and stops a recording from a second SDK', async () => {
    const file = path.join(dir, 'recording.py');
    fs.writeFileSync(file, pythonExample());
    const id = `py-${Date.now().toString(36)}`;
    const { address, namespace } = testAddress();
    // Asynchronous: the recording workers run in this process and must keep polling meanwhile.
    const { stdout: out } = await promisify(execFile)(python, [file], {
      env: { ...process.env, TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: namespace, TEMPORAL_TASK_QUEUE: env.client.taskQueue, AGORA_APP_ID: APP_ID, RECORDING_ID: id },
      encoding: 'utf8',
      timeout: 90_000,
    }).catch((err: { code?: number; signal?: string; stdout?: string; stderr?: string }) => {
      // The Python SDK's native runtime can abort while the interpreter finalizes, after the script has
      // printed its result; the result is still checked below. Any other failure is the example's.
      const finalizing = err.signal === 'SIGABRT' && /Python runtime state: finalizing/.test(err.stderr ?? '') && /"summary"/.test(err.stdout ?? '');
      if (finalizing) return { stdout: err.stdout! };
      throw new Error(`the Python example exited ${err.code ?? err.signal}: ${err.stderr || err.stdout || '(no output)'}`);
    });
    const r = JSON.parse(out.trim().split('\n').pop()!);
    expect(r.phase).toBe('recording');
    expect(updateResultSchema.strict().parse(r.update)).toMatchObject({ applied: true, recorderId: r.recorderId });
    const summary = recordingSummarySchema.strict().parse(r.summary);
    expect(summary).toMatchObject({ recordingId: id, provider: 'agora', channel: 'math_101', status: 'stopped', stopReason: 'class over', uploadingStatus: 'uploaded' });
    expect(summary.files).toContain(`${r.recorderId}_math_101.m3u8`);

    // The same workflow, seen from the TypeScript side: its state matches the state schema too.
    const d = await env.client.describeRecording(id);
    expect(d.status).toBe('COMPLETED');
    expect(recordingStateSchema.strict().parse(d.state)).toMatchObject({ phase: 'stopped', desired: { subscriptions: { subscribeAudioUids: ['#allstream#'] } } });
    expect((await env.tasks('math_101')).filter((t) => t.live && t.sid === r.recorderId)).toEqual([]);
  });
});
