/**
 * The Grafana dashboard and the Prometheus alert rules (deploy/) name only metrics a real worker
 * exports: a worker process runs a recording through a 429, a lost recorder and a stop, then its
 * /metrics is scraped and every metric in every panel query and rule expression must be there.
 * The rules also pass `promtool check rules` and their unit tests (`promtool test rules`).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { RecordingClient } from '../../src/client';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server';
import { freePort } from '../../scripts/lib/ports';
import { bundleWorkflows, startWorkerProcess, type WorkerProcess } from '../../scripts/lib/worker-process';
import { APP_ID, fastTimings, SECRETS } from '../support/recording-env';
import { connectClient, testAddress, uniqueTaskQueue } from '../support/temporal';
import { waitFor } from '../support/wait';
import { metricNames } from './promql';

const root = path.resolve(__dirname, '../..');
const deploy = path.join(root, 'deploy');
const dashboardFile = path.join(deploy, 'grafana/dashboards/recording-orchestrator.json');
const rulesFile = path.join(deploy, 'prometheus/alerts.yml');

interface Panel {
  title: string;
  type: string;
  targets?: Array<{ expr: string }>;
  panels?: Panel[];
}
const dashboard = JSON.parse(fs.readFileSync(dashboardFile, 'utf8')) as { panels: Panel[]; templating?: { list: Array<{ query?: unknown; definition?: string }> } };
const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.type !== 'row');
const rules = (parse(fs.readFileSync(rulesFile, 'utf8')) as { groups: Array<{ rules: Array<{ alert: string; expr: string }> }> }).groups.flatMap((g) => g.rules);

/** A sample's base metric: histogram series end in _bucket/_sum/_count. */
function exported(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)![0];
    names.add(name);
  }
  return names;
}

describe('dashboards and alert rules', () => {
  let emulator: RunningEmulator;
  let worker: WorkerProcess;
  let client: RecordingClient;
  let metricsPort: number;
  let names: Set<string>;

  beforeAll(async () => {
    emulator = await startEmulator({ startDelayMs: 300, customerSecret: SECRETS.customerSecret });
    metricsPort = await freePort();
    const taskQueue = uniqueTaskQueue('dash');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ro-dash-'));
    worker = await startWorkerProcess({
      name: 'dashboards',
      bundlePath: await bundleWorkflows(path.join(dir, 'bundle.js')),
      logFile: path.join(dir, 'worker.log'),
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

  const scrape = async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();

  it('a recording with a 429, a lost recorder and a stop makes the worker export every metric', async () => {
    const recordingId = `dash-${Date.now().toString(36)}`;
    const channel = `room_${recordingId}`;
    const state = async () => (await client.describeRecording(recordingId)).state;
    await client.startRecording({ recordingId, appId: APP_ID, channel, mode: 'mix', timings: fastTimings, recordingConfig: { maxIdleTime: 30 } });
    const first = await waitFor(async () => { const s = await state(); return s?.phase === 'recording' && s; }, { timeoutMs: 60_000, what: 'first recorder confirmed' });
    const control = (method: string, p: string, body?: unknown) =>
      fetch(`${emulator.baseUrl}/__emulator${p}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    await control('POST', '/faults', { op: 'query', httpStatus: 429, times: 1, match: { cname: channel } });
    await control('POST', `/tasks/${first.segments[0].recorderId}/exit`);
    await waitFor(async () => { const s = await state(); return s?.phase === 'recording' && s.segments.length === 2; }, { timeoutMs: 60_000, what: 'restart confirmed' });
    const summary = await client.stopRecording(recordingId, { reason: 'dashboards' });
    expect(summary?.coverage?.gaps.length).toBeGreaterThanOrEqual(2);
    // The phase gauge samples visibility every 15 s.
    const text = await waitFor(async () => { const t = await scrape(); return /^recordings\{/m.test(t) && /^recordings_finished_total\{/m.test(t) && t; }, { timeoutMs: 40_000, intervalMs: 1_000, what: 'recordings and recordings_finished_total on /metrics' });
    names = exported(text);
    expect(names.has('vendor_request_budget')).toBe(true);
  }, 180_000);

  it('every dashboard panel queries only exported metrics', () => {
    expect(panels.length).toBeGreaterThanOrEqual(10);
    for (const p of panels) {
      expect({ panel: p.title, targets: (p.targets ?? []).length > 0 }).toEqual({ panel: p.title, targets: true });
      for (const t of p.targets!) {
        const used = metricNames(t.expr);
        expect({ panel: p.title, expr: t.expr, named: used.length > 0 }).toEqual({ panel: p.title, expr: t.expr, named: true });
        expect({ panel: p.title, missing: used.filter((m) => !names.has(m)) }).toEqual({ panel: p.title, missing: [] });
      }
    }
    for (const v of dashboard.templating?.list ?? []) {
      const q = typeof v.query === 'string' ? v.query : ((v.query as { query?: string } | undefined)?.query ?? v.definition ?? '');
      const m = /label_values\((\w+)/.exec(q);
      if (m) expect(names.has(m[1])).toBe(true);
    }
  });

  it('every alert rule expression names only exported metrics', () => {
    expect(rules.map((r) => r.alert)).toEqual(expect.arrayContaining(['RecordingFailed', 'RestartBudgetExhausted', 'RecorderRestartingRepeatedly', 'RecordingCoverageGap', 'VendorRateLimited']));
    for (const r of rules) expect({ alert: r.alert, missing: metricNames(r.expr).filter((m) => !names.has(m)) }).toEqual({ alert: r.alert, missing: [] });
  });

  it('promtool accepts the rules and their unit tests pass', () => {
    const promtool = execFileSync('bash', [path.join(root, 'scripts/ensure-promtool.sh')], { encoding: 'utf8', timeout: 600_000 }).trim();
    const check = execFileSync(promtool, ['check', 'rules', rulesFile], { encoding: 'utf8' });
    expect(check).toMatch(new RegExp(`SUCCESS: ${rules.length} rules found`));
    const test = execFileSync(promtool, ['test', 'rules', path.join(deploy, 'prometheus/alerts.test.yml')], { encoding: 'utf8', cwd: path.join(deploy, 'prometheus') });
    expect(test).toMatch(/SUCCESS/);
    const config = execFileSync(promtool, ['check', 'config', path.join(deploy, 'prometheus/prometheus.yml')], { encoding: 'utf8', cwd: path.join(deploy, 'prometheus') });
    expect(config).toMatch(/SUCCESS/);
  }, 600_000);
});
