import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { recordingSummarySchema } from '../../src/contract/message-schemas';
import { APP_ID, RecordingEnv } from '../support/recording-env';
import { testAddress } from '../support/temporal';

const ROOT = path.resolve(__dirname, '../..');
// Asynchronous: the recording workers run in this process and must keep polling meanwhile.
const run = async (cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) =>
  (await promisify(execFile)(cmd, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 240_000, maxBuffer: 64 << 20 })).stdout;

/** What a backend writes after `npm install @recording-orchestrator/client`. */
const BACKEND = `
import { InvalidInputError, RecordingAlreadyFinishedError, RecordingClient, type RecordingSummary } from '@recording-orchestrator/client';

async function main(): Promise<void> {
  const id = process.env.RECORDING_ID!;
  const request = { recordingId: id, appId: process.env.AGORA_APP_ID!, channel: process.env.CHANNEL!, mode: 'mix' as const, storageProfile: 'default' };
  const recordings = await RecordingClient.connect({ taskQueue: process.env.TASK_QUEUE });
  try {
    const invalid = await recordings.startRecording({ ...request, channel: 'a/b' }).then(() => '', (e: unknown) => (e instanceof InvalidInputError ? e.message : String(e)));
    const started = await recordings.startRecording(request);
    let described = await recordings.describeRecording(id);
    while (described.state?.phase !== 'recording') {
      await new Promise((r) => setTimeout(r, 250));
      described = await recordings.describeRecording(id);
    }
    const update = await recordings.updateSubscriptions(id, { subscribeAudioUids: ['#allstream#'] });
    const summary: RecordingSummary | undefined = await recordings.stopRecording(id, { reason: 'class over' });
    // stopRecording returns once the recorders are stopped; the recording completes right after.
    await recordings.awaitUploads(id);
    const again = await recordings.startRecording(request).then(() => '', (e: unknown) => (e instanceof RecordingAlreadyFinishedError ? e.message : String(e)));
    console.log(JSON.stringify({ started, webUiUrl: described.webUiUrl, recorderId: described.state.segments[0].recorderId, update, summary, invalid, again }));
  } finally {
    await recordings.close();
  }
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
`;

describe('the client package, installed by name into an empty project', () => {
  let env: RecordingEnv;
  let dir: string;
  beforeAll(async () => {
    env = await RecordingEnv.start();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ro-backend-'));
  });
  afterAll(async () => {
    await env?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('packs, installs without worker dependencies, type-checks, and starts, updates and stops a recording', async () => {
    // npm pack runs the package's prepack: a fresh tsc build of src/client.ts and what it imports.
    const packed = JSON.parse(await run('npm', ['pack', '--json', '--pack-destination', dir, '--workspace', '@recording-orchestrator/client'], ROOT)) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const tarball = path.join(dir, path.basename(packed[0].filename));
    const shipped = packed[0].files.map((f) => f.path);
    expect(shipped).toContain('dist/client-package.d.ts');
    expect(shipped.filter((f) => /workflows\/|worker|emulator|adapter|registry|\.ts$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);

    const app = path.join(dir, 'backend');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'backend', private: true }));
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], app);
    const installed = JSON.parse(fs.readFileSync(path.join(app, 'node_modules/@recording-orchestrator/client/package.json'), 'utf8'));
    expect(Object.keys(installed.dependencies).sort()).toEqual(['@temporalio/client', '@temporalio/common', '@temporalio/envconfig', 'zod']);
    for (const workerOnly of ['@temporalio/worker', '@temporalio/workflow', '@temporalio/core-bridge', 'undici', 'pino', 'agora-token', 'tencentcloud-sdk-nodejs-common']) {
      expect({ workerOnly, present: fs.existsSync(path.join(app, 'node_modules', workerOnly)) }).toEqual({ workerOnly, present: false });
    }

    fs.writeFileSync(path.join(app, 'backend.ts'), BACKEND);
    const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
    await run(process.execPath, [tsc, 'backend.ts', '--strict', '--target', 'ES2022', '--module', 'commonjs', '--moduleResolution', 'node', '--skipLibCheck', '--typeRoots', path.join(ROOT, 'node_modules/@types'), '--types', 'node'], app);

    const id = `pkg-${Date.now().toString(36)}`;
    const channel = `pkg_${id}`;
    const { address, namespace } = testAddress();
    const out = await run(process.execPath, ['backend.js'], app, {
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: namespace,
      TASK_QUEUE: env.client.taskQueue,
      AGORA_APP_ID: APP_ID,
      RECORDING_ID: id,
      CHANNEL: channel,
      TEMPORAL_UI_URL: 'http://temporal-ui.internal:8080',
    });
    const r = JSON.parse(out.trim().split('\n').pop()!);
    expect(r.invalid).toMatch(/^invalid input: channel: /);
    expect(r.started).toMatchObject({ recordingId: id, workflowId: `recording-${id}` });
    expect(r.webUiUrl).toBe(`http://temporal-ui.internal:8080/namespaces/${namespace}/workflows/recording-${id}`);
    expect(r.update).toMatchObject({ applied: true, recorderId: r.recorderId });
    const summary = recordingSummarySchema.strict().parse(r.summary);
    expect(summary).toMatchObject({ recordingId: id, status: 'stopped', stopReason: 'class over', uploadingStatus: 'uploaded' });
    expect(summary.files).toContain(`${r.recorderId}_${channel}.m3u8`);
    expect(r.again).toBe(`recording ${id} already finished; use a new id`);
    expect((await env.tasks(channel)).filter((t) => t.live)).toEqual([]);
  });
});
