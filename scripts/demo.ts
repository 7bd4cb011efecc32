/**
 * The Quick-start demo on the embedded default: a Temporal dev server (Web UI on 8233), the
 * vendor's emulator (Agora, or TRTC with --provider trtc) and a recording worker, all on this
 * machine. It starts a recording, has the emulator kill the recorder, shows the automatic restart
 * on the other identity, stops, and prints the segments and the coverage (the kill leaves a gap),
 * and writes the HTML report to .data/demo-report.html.
 *
 *   npm run demo [-- --provider agora|trtc] [-- --keep] [-- --json] [-- --port 7233 --ui-port 8233]
 *   npm run demo -- --server stack   (against `npm run stack -- start`: its workers, emulator and profile)
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { RecordingClient } from '../src/client';
import { parseWorkerConfig } from '../src/config';
import { startEmulator } from '../src/emulator/server';
import { startTrtcEmulator } from '../src/emulator/trtc';
import type { RecordingRequest } from '../src/providers/catalog';
import { createLogger } from '../src/logger';
import { createWorkers } from '../src/worker';
import type { RecordingState } from '../src/contract/messages';
import { renderRecordingHtml } from '../src/report/html';
import { coverageLine, gapLines } from '../src/report/text';
import { startDemoEvents, type DemoEvents } from './lib/demo-callbacks';
import { dataDir, startDevServer } from './lib/dev-server';

const { values: flags } = (() => {
  try {
    return parseDemoArgs();
  } catch (err) {
    console.error(`demo: ${(err as Error).message.split('\n')[0]} (see: npm run demo -- --help)`);
    process.exit(2);
  }
})();
function parseDemoArgs() {
  return parseArgs({
  options: {
    provider: { type: 'string', default: 'agora' },
    keep: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    port: { type: 'string', default: '7233' },
    'ui-port': { type: 'string', default: '8233' },
    server: { type: 'string', default: 'dev' },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});
}
const USAGE = `usage: npm run demo [-- --provider agora|trtc] [-- --keep] [-- --json] [-- --port 7233 --ui-port 8233] [-- --server dev|stack]
  --provider      agora (default) or trtc: whose emulator records (trtc with --server dev)
  --server dev    (default) a Temporal dev server, the emulator and a worker started for the demo
  --server stack  the running native stack (npm run stack -- start): its recording workers and
                  emulator, reached through its temporal.toml profile`;
if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}
if (flags.server !== 'dev' && flags.server !== 'stack') {
  console.error(`demo: --server: must be dev or stack, got '${flags.server}'`);
  process.exit(2);
}
if (flags.provider !== 'agora' && flags.provider !== 'trtc') {
  console.error(`demo: --provider: must be agora or trtc, got '${flags.provider}'`);
  process.exit(2);
}
if (flags.provider === 'trtc' && flags.server === 'stack') {
  console.error('demo: --provider trtc runs with --server dev (the stack starts the Agora emulator)');
  process.exit(2);
}
const trtc = flags.provider === 'trtc';
const say = (line: string) => (flags.json ? process.stderr : process.stdout).write(`${line}\n`);

const APP_ID = '0123456789abcdef0123456789abcdef';
const SDK_APP_ID = 1400000001;

/** The demo's parts: started here (dev), or those of the running stack. */
interface Parts {
  client: RecordingClient;
  emulatorUrl: string;
  uiUrl?: string;
  /** dev: the callback receiver and the backend endpoint (uploads tracked, notifications shown). */
  events?: DemoEvents;
  cleanup(): Promise<void>;
}

async function stackParts(): Promise<Parts> {
  const { readState, stackProfileEnv, alive } = await import('./lib/stack');
  const state = readState();
  if (!state || !state.procs.some((p) => p.name === 'temporal-frontend' && alive(p))) throw new Error('the stack is not running: npm run stack -- start');
  if (!state.emulator || !state.procs.some((p) => p.name === 'emulator' && alive(p))) throw new Error('the stack runs no Agora emulator: npm run stack -- start --agora emulator');
  if (!state.procs.some((p) => p.name.startsWith('recording-worker') && alive(p))) throw new Error('the stack runs no recording worker: npm run stack -- start --workers 2');
  // Through the stack's profile, as any Temporal tool would connect (TLS included when it has it).
  Object.assign(process.env, stackProfileEnv());
  const client = await RecordingClient.connect({ taskQueue: state.taskQueue });
  say(`Stack: Temporal ${state.versions.temporalServer} on PostgreSQL ${state.versions.postgres} at 127.0.0.1:${state.ports.grpc.frontend}; ${state.procs.filter((p) => p.name.startsWith('recording-worker')).length} worker process(es); emulator ${state.emulator.baseUrl}`);
  return { client, emulatorUrl: state.emulator.baseUrl, uiUrl: state.ui && 'url' in state.ui ? state.ui.url : undefined, cleanup: () => client.close() };
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const parts = flags.server === 'stack' ? await stackParts() : await devParts();
  const { client, emulatorUrl } = parts;
  try {
    await demo(client, emulatorUrl, parts.uiUrl, parts.events);
  } finally {
    await parts.cleanup();
  }
}

async function devParts(): Promise<Parts> {
  say('Starting the Temporal dev server (first run builds the Temporal CLI)...');
  const server = await startDevServer({ port: Number(flags.port), uiPort: Number(flags['ui-port']), dbFile: path.join(dataDir, 'demo.db') });
  const client = await RecordingClient.connect({ address: server.address, taskQueue: 'recordings' });
  // The vendors' callbacks reach the recording through the receiver; the upload takes 1.5 s.
  const events = await startDemoEvents(client.temporal, SDK_APP_ID, 1_500);
  const emulator = await startEmulator({ startDelayMs: 2_000, ...events.agoraEmulator });
  const trtcEmulator = trtc ? await startTrtcEmulator({ startDelayMs: 2_000, sdkSecretKeys: { [String(SDK_APP_ID)]: 'demo-sdk-secret-key' }, ...events.trtcEmulator }) : undefined;
  say(
    trtcEmulator
      ? `Temporal at ${server.address}, Web UI ${server.uiUrl}; TRTC emulator at ${trtcEmulator.baseUrl}`
      : `Temporal at ${server.address}, Web UI ${server.uiUrl}; Agora emulator at ${emulator.baseUrl} (alternate ${emulator.altBaseUrl})`,
  );

  const config = parseWorkerConfig({
    temporal: { address: server.address, taskQueue: 'recordings' },
    notifications: events.notifications,
    agora: {
      baseUrls: [emulator.baseUrl, emulator.altBaseUrl],
      customerId: emulator.options.customerId,
      customerSecret: emulator.options.customerSecret,
      apps: { [APP_ID]: {} },
      storageProfiles: { default: { vendor: 1, region: 0, bucket: 'demo-bucket', accessKey: 'demo-access-key', secretKey: 'demo-secret-key' } },
    },
    ...(trtcEmulator
      ? {
          trtc: {
            baseUrl: trtcEmulator.baseUrl,
            secretId: trtcEmulator.options.secretId,
            secretKey: trtcEmulator.options.secretKey,
            apps: { [String(SDK_APP_ID)]: { sdkSecretKey: 'demo-sdk-secret-key' } },
            storageProfiles: { default: { CloudStorage: { Vendor: 0, Region: 'ap-shanghai', Bucket: 'demo-1250000000', AccessKey: 'demo-access-key', SecretKey: 'demo-secret-key' } } },
          },
        }
      : {}),
  });
  const connection = await NativeConnection.connect({ address: server.address });
  const workers = await createWorkers(config, { connection, logger: createLogger([], 'warn') });
  const running = workers.run();

  const cleanup = async () => {
    workers.shutdown();
    await running;
    await connection.close();
    await events.close();
    await client.close();
    await emulator.close();
    await trtcEmulator?.close();
    await server.stop();
  };
  return { client, emulatorUrl: trtcEmulator?.baseUrl ?? emulator.baseUrl, uiUrl: server.uiUrl, events, cleanup };
}

async function demo(client: RecordingClient, emulatorUrl: string, uiUrl: string | undefined, events?: DemoEvents): Promise<void> {
  {
    const recordingId = `demo-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    // Its own channel (TRTC: an integer room), so the orphan count is this recording's even on an emulator others share (the stack's).
    const channel = trtc ? String(100_000 + (Date.now() % 1_000_000_000)) : `demo_class_${Date.now().toString(36)}`;
    // Spec timings scaled down so the demo takes seconds; production runs on the defaults.
    const timings = {
      firstQueryDelayMs: 2_000,
      confirmPollDelaysMs: [2_000],
      confirmTimeoutMs: 30_000,
      monitorIntervalMs: 5_000,
      notFoundConfirmDelaysMs: [1_000, 1_000, 1_000],
    };
    const request: RecordingRequest = trtc
      ? { provider: 'trtc', recordingId, sdkAppId: SDK_APP_ID, channel, recordMode: 'mixed', timings, trackUploads: !!events }
      : { recordingId, appId: APP_ID, channel, mode: 'mix', timings, trackUploads: !!events };
    await client.startRecording(request);
    // What each vendor calls the recorder and its identity, for the lines below.
    const [rid, who] = trtc ? ['TaskId', 'robot UserId'] : ['sid', 'uid'];
    const uiLink = uiUrl ? `${uiUrl}/namespaces/default/workflows/recording-${recordingId}` : `(no Web UI) workflow recording-${recordingId}`;
    say(`Started recording ${recordingId}: ${uiLink}`);

    let state = await waitFor(client, recordingId, (s) => s.phase === 'recording');
    const first = state.segments[0];
    say(`Recording: ${rid} ${first.recorderId} on the first ${who} ${first.identity} (status ${state.lastStatus})`);

    // Record for a while first (and after the restart), so the coverage has something to compare the gap with.
    const recordFor = () => new Promise((r) => setTimeout(r, 2 * timings.monitorIntervalMs!));
    await recordFor();
    say(`The emulator now kills recorder ${first.recorderId}...`);
    await fetch(`${emulatorUrl}/__emulator/tasks/${encodeURIComponent(first.recorderId!)}/exit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    state = await waitFor(client, recordingId, (s) => s.segments.length >= 2 && s.phase === 'recording', 60_000);
    const second = state.segments[state.segments.length - 1];
    say(`Detected (${state.segments[0].endReason}) and restarted: ${rid} ${second.recorderId} on the other ${who} ${second.identity}`);

    await recordFor();
    const summary = await client.stopRecording(recordingId, { reason: 'demo finished' });
    const tasks = (await (await fetch(`${emulatorUrl}/__emulator/tasks`)).json()) as { tasks: Array<{ live: boolean; cname?: string; roomId?: string }> };
    const orphans = tasks.tasks.filter((t) => t.live && (t.cname ?? t.roomId) === channel).length;
    say('\nSegments:');
    for (const s of summary!.segments) {
      say(`  #${s.index} ${who} ${s.identity} ${rid} ${s.recorderId} ${s.confirmedAt ? 'confirmed' : 'unconfirmed'} ${s.startedAt} → ${s.endedAt}: ${s.endReason}; files ${s.files.join(', ') || '-'}`);
    }
    say(`Uploading status: ${summary!.uploadingStatus ?? 'not reported by the stop answer'}; recorders still live at the emulator: ${orphans}`);
    let uploads: unknown[] | undefined;
    if (events) {
      say(`Uploads after stop: ${summary!.upload}; waiting for the vendor's upload callbacks...`);
      const settled = await client.awaitUploads(recordingId);
      uploads = settled.segments.map((s) => ({ index: s.index, recorderId: s.recorderId, ...s.upload }));
      for (const s of settled.segments) say(`  #${s.index} ${rid} ${s.recorderId}: ${s.upload?.state} (${Object.entries(s.upload?.stages ?? {}).map(([k, v]) => `${k} ${v.state} by event ${v.vendorEvent}`).join(', ') || '-'})`);
      say(`Backend notifications received (${events.received.length}): ${events.received.map((n) => n.type).join(', ')}`);
    }
    const coverage = summary!.coverage!;
    say(`Coverage: ${coverageLine(coverage)}`);
    for (const line of gapLines(coverage)) say(line);
    const reportFile = path.join(dataDir, 'demo-report.html');
    fs.mkdirSync(path.dirname(reportFile), { recursive: true });
    fs.writeFileSync(reportFile, renderRecordingHtml(await client.reportRecording(recordingId)));
    say(`Report: ${reportFile}`);
    say(`Web UI: ${uiLink}`);
    if (flags.json) {
      console.log(JSON.stringify({ recordingId, segments: summary!.segments, orphans, coverage: { ratio: coverage.ratio, gaps: coverage.gaps }, report: reportFile, uploads, notifications: events?.received }));
    }

    if (flags.keep) {
      say('\n--keep: everything stays up; browse the Web UI, press Ctrl-C to stop.');
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    }
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
