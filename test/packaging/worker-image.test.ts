import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { RecordingClient } from '../../src/client';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server';
import { freePort } from '../../scripts/lib/ports';
import { APP_ID, SECRETS } from '../support/recording-env';
import { connectClient, testAddress, uniqueTaskQueue } from '../support/temporal';
import { waitFor } from '../support/wait';

const ROOT = path.resolve(__dirname, '../..');
const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
const stages = dockerfile.split(/^FROM /m).slice(1);

/** No Docker engine runs here: the Dockerfile is checked statically, and its entry point is run as the image would. */
describe('Dockerfile', () => {
  it('builds with dev dependencies and runs compiled code on production ones, as a non-root user', () => {
    expect(stages).toHaveLength(2);
    const [build, runtime] = stages;
    expect(build).toMatch(/^node:20-slim AS build/);
    expect(build).toMatch(/^RUN npm ci --no-audit --no-fund$/m);
    expect(build).toMatch(/^RUN npm run build$/m);
    expect(runtime).toMatch(/^RUN npm ci .*--omit=dev/m);
    expect(runtime).toMatch(/^COPY --from=build \/app\/dist \.\/dist$/m);
    expect(runtime).not.toMatch(/COPY src|tsx/);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/WORKFLOW_BUNDLE=\/app\/dist\/workflow-bundle\.js/);
    expect(runtime).toMatch(/^CMD \["node", "dist\/worker\.js"\]$/m);
    expect(runtime).toMatch(/^STOPSIGNAL SIGTERM$/m);
    // The health check reads the readiness endpoint on HEALTH_PORT.
    expect(runtime).toMatch(/HEALTH_PORT=8081/);
    expect(runtime).toMatch(/^HEALTHCHECK [\s\S]*\/ready/m);
    // Every path the build copies exists.
    for (const m of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
      for (const src of m[1].split(' ')) expect({ src, exists: fs.existsSync(path.join(ROOT, src)) }).toEqual({ src, exists: true });
    }
  });
});

describe('the compiled worker (node dist/worker.js with the prebuilt bundle)', () => {
  let emulator: RunningEmulator;
  let worker: ChildProcess | undefined;
  let dir: string;
  let log = '';

  beforeAll(async () => {
    // The image's build step, exactly.
    await promisify(execFile)('npm', ['run', 'build'], { cwd: ROOT, timeout: 300_000, maxBuffer: 64 << 20 });
    emulator = await startEmulator({ startDelayMs: 300, customerSecret: SECRETS.customerSecret });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ro-image-'));
  }, 360_000);
  afterAll(async () => {
    worker?.kill('SIGKILL');
    await emulator?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('boots from dist/, reports ready, records, and drains on SIGTERM within the bound', async () => {
    const taskQueue = uniqueTaskQueue('image');
    const { address, namespace } = testAddress();
    const config = {
      temporal: { address, namespace, taskQueue },
      agora: {
        baseUrls: [emulator.baseUrl, emulator.altBaseUrl],
        customerId: emulator.options.customerId,
        customerSecret: 'env:AGORA_CUSTOMER_SECRET',
        apps: { [APP_ID]: { appCertificate: SECRETS.appCertificate } },
        storageProfiles: { default: { vendor: 1, region: 0, bucket: 'b', accessKey: SECRETS.accessKey, secretKey: SECRETS.secretKey } },
      },
    };
    fs.writeFileSync(path.join(dir, 'worker.json'), JSON.stringify(config), { mode: 0o600 });
    const healthPort = await freePort();
    const ready = () => fetch(`http://127.0.0.1:${healthPort}/ready`).then((r) => r.status, () => 0);
    const bootStart = Date.now();
    // The image's CMD and environment.
    worker = spawn(process.execPath, ['dist/worker.js'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, NODE_ENV: 'production', RECORDING_CONFIG: path.join(dir, 'worker.json'), AGORA_CUSTOMER_SECRET: SECRETS.customerSecret, WORKFLOW_BUNDLE: path.join(ROOT, 'dist/workflow-bundle.js'), HEALTH_PORT: String(healthPort), SHUTDOWN_GRACE_MS: '3000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout!.on('data', (c: Buffer) => (log += c.toString()));
    worker.stderr!.on('data', (c: Buffer) => (log += c.toString()));
    const exited = new Promise<number | null>((resolve) => worker!.once('exit', (code) => resolve(code)));

    await waitFor(async () => (await ready()) === 200, { timeoutMs: 30_000, intervalMs: 100, what: `/ready on :${healthPort}; log:\n${log}` });
    // A prebuilt bundle is loaded, not made: the worker is ready in seconds.
    expect(Date.now() - bootStart).toBeLessThan(15_000);
    const lines = log.trim().split('\n').map((l) => JSON.parse(l) as { level: number; msg: string });
    expect(lines.filter((l) => l.level >= 40)).toEqual([]);
    expect(lines.map((l) => l.msg)).toContain(`serving recording workflows on ${taskQueue}; vendor activities on agora-${APP_ID} (9/s)`);

    const { client: temporal } = await connectClient();
    const recordings = new RecordingClient(temporal, taskQueue);
    const id = `image-${Date.now().toString(36)}`;
    await recordings.startRecording({ recordingId: id, appId: APP_ID, channel: `img_${id}`, timings: { firstQueryDelayMs: 300, confirmPollDelaysMs: [300, 500] } });
    await waitFor(async () => (await recordings.describeRecording(id)).state?.phase === 'recording', { timeoutMs: 30_000, what: 'phase recording' });
    const summary = await recordings.stopRecording(id);
    expect(summary).toMatchObject({ recordingId: id, status: 'stopped' });
    await temporal.connection.close();

    const signalled = Date.now();
    worker.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(3_000 + 5_000);
    expect(log).toContain('shutting down');
    expect(await ready()).toBe(0);
    expect(log).not.toContain(SECRETS.customerSecret);
  });
});
