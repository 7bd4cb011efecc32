/**
 * The production worker entry (src/worker.ts) as a real process: its Prometheus endpoint, its
 * JSON logs (ours, the SDK's and the workflow's) and what the Web UI reads (current details,
 * activity and timer summaries), while a recording loses its recorder and draws a 429.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { RecordingClient, workflowIdFor } from '../../src/client';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server';
import { freePort } from '../../scripts/lib/ports';
import { bundleWorkflows, startWorkerProcess, type WorkerProcess } from '../../scripts/lib/worker-process';
import { APP_ID, fastTimings, SECRETS } from '../support/recording-env';
import { connectClient, testAddress, uniqueTaskQueue } from '../support/temporal';
import { waitFor } from '../support/wait';

type LogLine = Record<string, unknown> & { msg: string };

describe('worker process: metrics, logs and what the Web UI shows', () => {
  let emulator: RunningEmulator;
  let worker: WorkerProcess;
  let client: RecordingClient;
  let metricsPort: number;
  let logFile: string;
  const recordingId = `obs-${Date.now().toString(36)}`;
  const channel = `room_${recordingId}`;

  beforeAll(async () => {
    emulator = await startEmulator({ startDelayMs: 300, customerSecret: SECRETS.customerSecret });
    metricsPort = await freePort();
    const taskQueue = uniqueTaskQueue('obs');
    logFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ro-obs-')), 'worker.log');
    worker = await startWorkerProcess({
      name: 'observability',
      bundlePath: await bundleWorkflows(path.join(path.dirname(logFile), 'bundle.js')),
      logFile,
      env: { LOG_LEVEL: 'debug' },
      config: {
        temporal: { ...testAddress(), taskQueue },
        agora: {
          baseUrls: [emulator.baseUrl, emulator.altBaseUrl],
          customerId: emulator.options.customerId,
          customerSecret: SECRETS.customerSecret,
          timeoutMs: 2_000,
          apps: { [APP_ID]: { appCertificate: SECRETS.appCertificate } },
          storageProfiles: { default: { vendor: 1, region: 0, bucket: 'b', accessKey: SECRETS.accessKey, secretKey: SECRETS.secretKey } },
        },
        metricsPort,
      },
    });
    const { client: temporal } = await connectClient();
    client = new RecordingClient(temporal, taskQueue);
  }, 120_000);

  afterAll(async () => {
    await worker?.kill('SIGTERM');
    await client?.close();
    await emulator?.close();
  });

  const control = (method: string, p: string, body?: unknown) =>
    fetch(`${emulator.baseUrl}/__emulator${p}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const scrape = async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const value = (text: string, name: string, labels: Record<string, string>): number => {
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
    return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : Number.NaN;
  };
  const state = async () => (await client.describeRecording(recordingId)).state;

  it('runs a recording through a lost recorder and a 429, then stops it', async () => {
    await client.startRecording({ recordingId, appId: APP_ID, channel, mode: 'mix', timings: fastTimings, recordingConfig: { maxIdleTime: 30 } });
    const first = await waitFor(async () => { const s = await state(); return s?.phase === 'recording' && s; }, { timeoutMs: 60_000, what: 'first recorder confirmed' });

    // The phase gauge counts running recordings in visibility every 15 s.
    await waitFor(async () => value(await scrape(), 'recordings', { phase: 'recording' }) >= 1, { timeoutMs: 40_000, intervalMs: 1_000, what: 'recordings{phase="recording"}' });

    await control('POST', '/faults', { op: 'query', httpStatus: 429, times: 1, match: { cname: channel } });
    await control('POST', `/tasks/${first.segments[0].recorderId}/exit`);
    const second = await waitFor(async () => { const s = await state(); return s?.phase === 'recording' && s.segments.length === 2 && s; }, { timeoutMs: 60_000, what: 'restart confirmed' });

    const { client: temporal } = await connectClient();
    const details = await temporal.workflow.getHandle(workflowIdFor(recordingId)).query<{ currentDetails: string }>('__temporal_workflow_metadata');
    await temporal.connection.close();
    expect(details.currentDetails).toContain('**recording**');
    expect(details.currentDetails).toContain(second.segments[1].recorderId!);
    expect(details.currentDetails).toContain('Restarts: 1');

    const summary = await client.stopRecording(recordingId, { reason: 'test done' });
    expect(summary?.segments).toHaveLength(2);
  }, 150_000);

  it('exports vendor calls, 429s, restarts by reason, confirm latency and restart gap on /metrics', async () => {
    const m = await scrape();
    const app = { provider: 'agora', account: APP_ID };
    expect(value(m, 'vendor_requests_total', { ...app, op: 'prepare', http_status: '200', outcome: 'prepared' })).toBe(2);
    expect(value(m, 'vendor_requests_total', { ...app, op: 'start', http_status: '200', outcome: 'started' })).toBe(2);
    expect(value(m, 'vendor_requests_total', { ...app, op: 'describe', http_status: '404', outcome: 'not-found' })).toBeGreaterThanOrEqual(4);
    expect(value(m, 'vendor_requests_total', { ...app, op: 'stop', http_status: '200', outcome: 'stopped' })).toBe(1);
    expect(value(m, 'vendor_rate_limited_total', { ...app, op: 'describe' })).toBe(1);
    expect(value(m, 'vendor_request_latency_count', { provider: 'agora', op: 'describe' })).toBeGreaterThan(4);
    expect(value(m, 'recording_restarts_total', { reason: 'not-found' })).toBe(1);
    expect(value(m, 'recording_confirm_latency_count', {})).toBe(2);
    const gap = value(m, 'recording_restart_gap_sum', {});
    // Last status 4/5 → successor confirmed: at least the 404 confirmations, well under the confirm timeout.
    expect(gap).toBeGreaterThan(0.5);
    expect(gap).toBeLessThan(30);
    // Temporal's own runtime metrics come out of the same endpoint.
    expect(m).toMatch(/^temporal_workflow_task_execution_latency/m);
    // The time each call waited for the account's budget, by priority (src/workflows/priorities.ts).
    expect(value(m, 'vendor_queue_wait_count', { ...app, op: 'prepare', priority: '3' })).toBe(2);
    expect(value(m, 'vendor_queue_wait_count', { ...app, op: 'start', priority: '2' })).toBe(2);
    expect(value(m, 'vendor_queue_wait_count', { ...app, op: 'stop', priority: '1' })).toBe(1);
    expect(value(m, 'vendor_queue_wait_count', { ...app, op: 'describe', priority: '4' })).toBeGreaterThanOrEqual(1);
  });

  it("exports the account queue's backlog, dispatch rate and budget left, read from the server", async () => {
    const app = { provider: 'agora', account: APP_ID };
    const m = await waitFor(async () => { const t = await scrape(); return t.includes('vendor_request_budget_left{') && t; }, { timeoutMs: 40_000, intervalMs: 1_000, what: 'vendor_request_budget_left' });
    expect(value(m, 'vendor_request_budget_left', app)).toBeGreaterThan(0);
    expect(value(m, 'vendor_request_budget_left', app)).toBeLessThanOrEqual(value(m, 'vendor_request_budget', app));
    expect(value(m, 'vendor_queue_dispatch_rate', app)).toBeGreaterThanOrEqual(0);
    expect(value(m, 'vendor_queue_backlog_age', app)).toBeGreaterThanOrEqual(0);
    expect(m).toMatch(new RegExp(`^vendor_queue_backlog\\{[^}]*account="${APP_ID}"`, 'm'));
    // The workflow cache, from Temporal's own metrics: what the sizing rule is read from.
    expect(m).toMatch(/^temporal_sticky_cache_size/m);
  }, 60_000);

  it('names every activity and timer in the history so the Web UI event list reads well', async () => {
    const { client: temporal } = await connectClient();
    const history = await temporal.workflow.getHandle(workflowIdFor(recordingId)).fetchHistory();
    const summaries = (type: string) =>
      history.events!.filter((e) => e[type as keyof typeof e]).map((e) => (e.userMetadata?.summary ? defaultPayloadConverter.fromPayload<string>(e.userMetadata.summary as never) : undefined));
    const activities = summaries('activityTaskScheduledEventAttributes');
    const timers = summaries('timerStartedEventAttributes');
    expect(activities.length).toBeGreaterThan(5);
    expect(activities.every((s) => typeof s === 'string' && s.length > 0)).toBe(true);
    expect(activities).toEqual(expect.arrayContaining([expect.stringMatching(/^acquire a resource for uid \d+$/), expect.stringMatching(/^start recorder #1 on uid \d+$/), expect.stringMatching(/^stop sid \w+$/)]));
    // Later steps of a start go first, routine polls last (src/workflows/priorities.ts).
    const priorities = new Map<string, Set<number>>();
    for (const e of history.events!) {
      const a = e.activityTaskScheduledEventAttributes;
      if (a) (priorities.get(a.activityType!.name!) ?? priorities.set(a.activityType!.name!, new Set()).get(a.activityType!.name!)!).add(a.priority?.priorityKey ?? 0);
    }
    expect(priorities.get('prepareRecorder')).toEqual(new Set([3]));
    expect(priorities.get('startRecorder')).toEqual(new Set([2]));
    expect(priorities.get('stopRecorder')).toEqual(new Set([1]));
    expect(priorities.get('describeRecorder')).toEqual(new Set([1, 4]));
    expect(timers.every((s) => typeof s === 'string' && s.length > 0)).toBe(true);
    expect(timers).toEqual(expect.arrayContaining(['monitor: next query', 'confirm: next query', expect.stringMatching(/^confirming 404/)]));
    await temporal.connection.close();
  });

  it('logs JSON lines naming the recording on every line about it, and never a secret', async () => {
    const text = fs.readFileSync(logFile, 'utf8');
    for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
    const lines = text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as LogLine);
    const about = lines.filter((l) => l.recordingId !== undefined || l.workflowId !== undefined || l.op !== undefined);
    const vendor = about.filter((l) => l.op !== undefined);
    const workflow = about.filter((l) => l.sdkComponent === 'workflow');
    expect(vendor.length).toBeGreaterThan(10);
    expect(workflow.map((l) => l.msg)).toEqual(expect.arrayContaining(['phase confirming → recording', 'recorder lost; restarting on another identity']));
    // At info and above (the production level) every line names the recording fully; the SDK's
    // debug lifecycle lines ("Activity started") know only the workflow, so they carry recordingId.
    for (const l of about) {
      expect(l).toMatchObject((l.level as number) >= 30 || l.op !== undefined || l.sdkComponent === 'workflow' ? { recordingId, account: APP_ID, channel } : { recordingId });
    }
    expect(about.filter((l) => (l.level as number) < 30 && l.sdkComponent === 'worker').length).toBeGreaterThan(0);
    for (const l of vendor.filter((v) => ['describe', 'stop'].includes(v.op as string))) expect(l.recorderId).toEqual(expect.stringMatching(/^\w{8,}$/));
    const lost = workflow.find((l) => l.msg === 'recorder lost; restarting on another identity')!;
    expect(lost).toMatchObject({ level: 40, workflowId: workflowIdFor(recordingId), recorderId: expect.any(String), why: expect.stringContaining('404') });
  });
});
