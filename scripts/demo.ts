/**
 * The Quick-start demo on the embedded default: a Temporal dev server (Web UI on 8233), the Agora
 * emulator and a recording worker, all on this machine. It starts a recording, has the emulator
 * kill the recorder, shows the automatic restart on the backup uid, stops, and prints the segments.
 *
 *   npm run demo [-- --keep] [-- --json] [-- --port 7233 --ui-port 8233]
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { RecordingClient } from '../src/client';
import { parseWorkerConfig } from '../src/config';
import { startEmulator } from '../src/emulator/server';
import { createLogger } from '../src/logger';
import { createWorkers } from '../src/worker';
import type { RecordingState } from '../src/contract/messages';
import { dataDir, startDevServer } from './lib/dev-server';

const { values: flags } = parseArgs({
  options: {
    keep: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    port: { type: 'string', default: '7233' },
    'ui-port': { type: 'string', default: '8233' },
    help: { type: 'boolean', default: false },
  },
});
if (flags.help) {
  console.log('usage: npm run demo [-- --keep] [-- --json] [-- --port 7233 --ui-port 8233]');
  process.exit(0);
}
const say = (line: string) => (flags.json ? process.stderr : process.stdout).write(`${line}\n`);

const APP_ID = '0123456789abcdef0123456789abcdef';

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  say('Starting the Temporal dev server (first run builds the Temporal CLI)...');
  const server = await startDevServer({ port: Number(flags.port), uiPort: Number(flags['ui-port']), dbFile: path.join(dataDir, 'demo.db') });
  const emulator = await startEmulator({ startDelayMs: 2_000 });
  say(`Temporal at ${server.address}, Web UI ${server.uiUrl}; Agora emulator at ${emulator.baseUrl} (alternate ${emulator.altBaseUrl})`);

  const config = parseWorkerConfig({
    temporal: { address: server.address, taskQueue: 'recordings' },
    agora: {
      baseUrls: [emulator.baseUrl, emulator.altBaseUrl],
      customerId: emulator.options.customerId,
      customerSecret: emulator.options.customerSecret,
      apps: { [APP_ID]: {} },
      storageProfiles: { default: { vendor: 1, region: 0, bucket: 'demo-bucket', accessKey: 'demo-access-key', secretKey: 'demo-secret-key' } },
    },
  });
  const connection = await NativeConnection.connect({ address: server.address });
  const workers = await createWorkers(config, { connection, logger: createLogger([], 'warn') });
  const running = workers.run();
  const client = await RecordingClient.connect({ address: server.address, taskQueue: 'recordings' });

  const cleanup = async () => {
    workers.shutdown();
    await running;
    await connection.close();
    await client.close();
    await emulator.close();
    await server.stop();
  };

  try {
    const recordingId = `demo-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    // Spec timings scaled down so the demo takes seconds; production runs on the defaults.
    const timings = {
      firstQueryDelayMs: 2_000,
      confirmPollDelaysMs: [2_000],
      confirmTimeoutMs: 30_000,
      monitorIntervalMs: 5_000,
      notFoundConfirmDelaysMs: [1_000, 1_000, 1_000],
    };
    await client.startRecording({ recordingId, appId: APP_ID, channel: 'demo_class_101', mode: 'mix', timings });
    const uiLink = `${server.uiUrl}/namespaces/default/workflows/recording-${recordingId}`;
    say(`Started recording ${recordingId}: ${uiLink}`);

    let state = await waitFor(client, recordingId, (s) => s.phase === 'recording');
    const first = state.segments[0];
    say(`Recording: sid ${first.recorderId} on the primary uid ${first.identity} (status ${state.lastStatus})`);

    say(`The emulator now kills recorder ${first.recorderId}...`);
    await fetch(`${emulator.baseUrl}/__emulator/tasks/${first.recorderId}/exit`, { method: 'POST' });
    state = await waitFor(client, recordingId, (s) => s.segments.length >= 2 && s.phase === 'recording', 60_000);
    const second = state.segments[state.segments.length - 1];
    say(`Detected (${first.endReason ?? state.segments[0].endReason}) and restarted: sid ${second.recorderId} on the backup uid ${second.identity}`);

    const summary = await client.stopRecording(recordingId, { reason: 'demo finished' });
    const tasks = (await (await fetch(`${emulator.baseUrl}/__emulator/tasks`)).json()) as { tasks: Array<{ live: boolean }> };
    const orphans = tasks.tasks.filter((t) => t.live).length;
    say('\nSegments:');
    for (const s of summary!.segments) {
      say(`  #${s.index} uid ${s.identity} sid ${s.recorderId} ${s.confirmedAt ? 'confirmed' : 'unconfirmed'} ${s.startedAt} → ${s.endedAt}: ${s.endReason}; files ${s.files.join(', ') || '-'}`);
    }
    say(`Uploading status: ${summary!.uploadingStatus}; recorders still live at the emulator: ${orphans}`);
    say(`Web UI: ${uiLink}`);
    if (flags.json) console.log(JSON.stringify({ recordingId, segments: summary!.segments, orphans }));

    if (flags.keep) {
      say('\n--keep: everything stays up; browse the Web UI, press Ctrl-C to stop.');
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    }
  } finally {
    await cleanup();
  }
}

async function waitFor(client: RecordingClient, id: string, pred: (s: RecordingState) => boolean, timeoutMs = 60_000): Promise<RecordingState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { state } = await client.describeRecording(id);
    if (state && pred(state)) return state;
    if (state?.phase === 'failed') throw new Error(`recording failed: ${state.lastError}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting; phase ${state?.phase}, last error ${state?.lastError}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
