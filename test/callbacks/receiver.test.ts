/**
 * The receiver end to end: real HTTP in, the real dev server's visibility and signals out, a small
 * collector workflow (./collector-workflow.ts) on its own worker as the owner of recorders.
 */
import net from 'node:net';
import { Writable } from 'node:stream';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { createLogger } from '../../src/logger';
import { parseCallbacksConfig, type CallbacksConfig } from '../../src/services/callbacks/config';
import { startCallbackService, type RunningCallbackService } from '../../src/services/callbacks/server';
import { receiverConnectionOptions } from '../../src/services/callbacks/routing';
import { CALLBACK_PATHS } from '../../src/services/callbacks/vendors';
import { bundle, connectClient, connectWorker, testAddress, uniqueTaskQueue } from '../support/temporal';
import { waitFor } from '../support/wait';
import { collectorWorkflow, eventsQuery, finishSignal, ownRecorderSignal, type CollectorInput } from './collector-workflow';
import { agoraBody, agoraHeaders, NCS_SECRET, post, trtcBody, trtcHeaders, TRTC_APP, TRTC_KEY, uniqueId } from './support';

const taskQueue = uniqueTaskQueue('callbacks');
const logLines: string[] = [];
const logSink = new Writable({
  write(chunk, _enc, cb) {
    logLines.push(String(chunk));
    cb();
  },
});
const logger = createLogger([NCS_SECRET, TRTC_KEY], 'info', logSink);

const baseConfig = {
  host: '127.0.0.1',
  port: 0,
  visibilityPollMs: 100,
  agora: { secrets: { main: NCS_SECRET }, visibilityWaitMs: 3_000 },
  trtc: { apps: { [TRTC_APP]: { callbackKey: TRTC_KEY } } },
};
const config: CallbacksConfig = parseCallbacksConfig(baseConfig);

let client: Client;
let connection: Connection;
let worker: Worker;
let running: Promise<void>;
let receiver: RunningCallbackService;
const started: WorkflowHandle[] = [];

beforeAll(async () => {
  ({ client, connection } = await connectClient());
  worker = await Worker.create({
    connection: await connectWorker(),
    namespace: testAddress().namespace,
    taskQueue,
    workflowBundle: await bundle(require.resolve('./collector-workflow')),
  });
  running = worker.run();
  receiver = await startCallbackService(config, { client, logger });
});

afterAll(async () => {
  await Promise.all(started.map((h) => h.signal(finishSignal).catch(() => undefined)));
  await receiver?.close();
  worker?.shutdown();
  await running;
  await connection?.close();
});

async function collector(input: CollectorInput): Promise<WorkflowHandle<typeof collectorWorkflow>> {
  const handle = await client.workflow.start(collectorWorkflow, { taskQueue, workflowId: uniqueId('collector-'), args: [input] });
  started.push(handle);
  return handle;
}

const events = (h: WorkflowHandle) => h.query(eventsQuery);
const agoraUrl = () => `${receiver.url}${CALLBACK_PATHS.agora}`;
const trtcUrl = () => `${receiver.url}${CALLBACK_PATHS.trtc}`;

async function metric(r: RunningCallbackService, name: string, labels: Record<string, string>): Promise<number> {
  const m = (await r.metrics.registry.getSingleMetricAsString(name)).split('\n');
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = m.find((l) => l.startsWith(`${name}{`) && want.every((w) => l.includes(w)));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('callback receiver, end to end', () => {
  it('routes an Agora event to the recording that owns the sid, translated', async () => {
    const sid = uniqueId('sid');
    const h = await collector({ provider: 'agora', channel: 'math_101', recorderIds: [sid] });
    const body = agoraBody({ sid, cname: 'math_101', eventType: 11, sequence: 3, details: { exitStatus: 0 } });
    const res = await post(agoraUrl(), body, agoraHeaders(body));
    expect(res).toMatchObject({ status: 200, json: { code: 0, outcome: 'delivered', route: 'recorder-id' } });
    expect(await events(h)).toEqual([
      expect.objectContaining({ provider: 'agora', kind: 'exited', recorderId: sid, channel: 'math_101', eventId: `${sid}:11:3`, reason: 'x exitStatus 0' }),
    ]);
  });

  it('routes a TRTC event (numeric RoomId, string EventTs) with its SdkAppId as account', async () => {
    const taskId = uniqueId('task-');
    const h = await collector({ provider: 'trtc', channel: '635055', account: TRTC_APP, recorderIds: ['other', taskId] });
    const body = trtcBody({ taskId, roomId: 635055, eventTs: '1700000000', eventType: 302, payload: { LeaveCode: 99 } });
    const res = await post(trtcUrl(), body, trtcHeaders(body));
    expect(res).toMatchObject({ status: 200, json: { outcome: 'delivered' } });
    expect(await events(h)).toEqual([expect.objectContaining({ provider: 'trtc', account: TRTC_APP, kind: 'exited', recorderId: taskId, channel: '635055' })]);
  });

  it('turns resends and redundant copies into one signal; a resend after a receiver restart still arrives', async () => {
    const sid = uniqueId('sid');
    const h = await collector({ provider: 'agora', recorderIds: [sid] });
    const body = agoraBody({ sid, cname: 'c', eventType: 31, noticeId: uniqueId('notice-'), details: { fileList: [{ fileName: 'a.m3u8' }] } });
    // Two redundant copies at once, then the vendor's resend: the copies share one delivery.
    const [a, b] = await Promise.all([post(agoraUrl(), body, agoraHeaders(body)), post(agoraUrl(), body, agoraHeaders(body))]);
    const c = await post(agoraUrl(), body, agoraHeaders(body));
    expect([a, b, c].map((r) => r.status)).toEqual([200, 200, 200]);
    expect([a, b, c].map((r) => r.json.outcome).sort()).toEqual(['delivered', 'duplicate', 'duplicate']);
    expect(await events(h)).toHaveLength(1);

    // A fresh replica (the receiver crashed and restarted) has forgotten: at-least-once, and the
    // workflow's own dedupe by eventId settles it.
    const restarted = await startCallbackService(config, { client, logger });
    try {
      const d = await post(`${restarted.url}${CALLBACK_PATHS.agora}`, body, agoraHeaders(body));
      expect(d.json.outcome).toBe('delivered');
      const got = await events(h);
      expect(got).toHaveLength(2);
      expect(got[0].eventId).toBe(got[1].eventId);
    } finally {
      await restarted.close();
    }
  });

  it('refuses unsigned, forged and malformed bodies without signalling, and counts them', async () => {
    const sid = uniqueId('sid');
    const taskId = uniqueId('task-');
    const h = await collector({ provider: 'agora', recorderIds: [sid] });
    const ht = await collector({ provider: 'trtc', recorderIds: [taskId] });
    const before = {
      unsigned: await metric(receiver, 'callback_signature_failures_total', { provider: 'agora', reason: 'unsigned' }),
      forged: await metric(receiver, 'callback_signature_failures_total', { provider: 'agora', reason: 'forged' }),
      trtcForged: await metric(receiver, 'callback_signature_failures_total', { provider: 'trtc', reason: 'forged' }),
    };
    const body = agoraBody({ sid, cname: 'c', eventType: 40 });
    expect(await post(agoraUrl(), body, { 'content-type': 'application/json' })).toMatchObject({ status: 401, json: { error: 'signature: unsigned' } });
    expect(await post(agoraUrl(), body, agoraHeaders(body, 'wrong-secret'))).toMatchObject({ status: 401, json: { error: 'signature: forged' } });
    // Signed, then changed in flight.
    expect((await post(agoraUrl(), body.replace('"eventType":40', '"eventType":11'), agoraHeaders(body))).status).toBe(401);
    const tbody = trtcBody({ taskId, roomId: 'r', eventType: 301 });
    expect((await post(trtcUrl(), tbody, trtcHeaders(tbody, 'wrongKey'))).status).toBe(401);
    expect(await post(trtcUrl(), tbody, trtcHeaders(tbody, TRTC_KEY, '1400000001'))).toMatchObject({ status: 401, json: { error: 'signature: unknown-account' } });

    const noSid = body.replace(`"sid":"${sid}",`, '');
    expect(await post(agoraUrl(), noSid, agoraHeaders(noSid))).toMatchObject({ status: 400, json: { error: expect.stringMatching(/^payload\.sid: /) } });
    const badTs = trtcBody({ taskId, roomId: 'r', eventType: 301, eventTs: 'yesterday' });
    expect(await post(trtcUrl(), badTs, trtcHeaders(badTs))).toMatchObject({ status: 400, json: { error: expect.stringMatching(/^EventInfo\.EventTs: /) } });
    expect((await post(agoraUrl(), '{"productId":', agoraHeaders('{"productId":'))).status).toBe(400);

    // A valid event after them all is the only one that arrived.
    expect((await post(agoraUrl(), body, agoraHeaders(body))).json.outcome).toBe('delivered');
    expect((await events(h)).map((e) => e.vendorEvent)).toEqual(['40']);
    expect(await events(ht)).toEqual([]);
    expect(await metric(receiver, 'callback_signature_failures_total', { provider: 'agora', reason: 'unsigned' })).toBe(before.unsigned + 1);
    expect(await metric(receiver, 'callback_signature_failures_total', { provider: 'agora', reason: 'forged' })).toBe(before.forged + 2);
    expect(await metric(receiver, 'callback_signature_failures_total', { provider: 'trtc', reason: 'forged' })).toBe(before.trtcForged + 1);
    expect(await metric(receiver, 'callbacks_total', { provider: 'agora', outcome: 'malformed' })).toBeGreaterThanOrEqual(2);
  });

  it('answers 200 for an unknown recorder (the vendor stops resending), logged and counted', async () => {
    const before = await metric(receiver, 'callbacks_total', { provider: 'trtc', outcome: 'unknown' });
    const taskId = uniqueId('task-');
    const body = trtcBody({ taskId, roomId: uniqueId('room'), eventType: 305, payload: { Status: 0 } });
    const res = await post(trtcUrl(), body, trtcHeaders(body));
    expect(res).toMatchObject({ status: 200, json: { code: 0, outcome: 'unknown', why: 'nowhere' } });
    // It waited for visibility (2 s default for TRTC) and still answered inside TRTC's 5 s.
    expect(res.ms).toBeGreaterThanOrEqual(1_700);
    expect(res.ms).toBeLessThan(5_000);
    expect(await metric(receiver, 'callbacks_total', { provider: 'trtc', outcome: 'unknown' })).toBe(before + 1);
    expect(logLines.some((l) => l.includes('callback for an unknown recorder') && l.includes(taskId))).toBe(true);
  });

  it('waits out the visibility race: an event that arrives before the upsert is visible is still delivered by recorder id', async () => {
    const sid = uniqueId('sid');
    const h = await collector({ provider: 'agora', recorderIds: [] });
    const body = agoraBody({ sid, cname: uniqueId('ch'), eventType: 40 });
    const answer = post(agoraUrl(), body, agoraHeaders(body));
    // The recorder's start answer reaches the workflow after its recorder_started callback.
    await new Promise((r) => setTimeout(r, 700));
    await h.signal(ownRecorderSignal, sid);
    const res = await answer;
    expect(res).toMatchObject({ status: 200, json: { outcome: 'delivered', route: 'recorder-id' } });
    expect(res.ms).toBeGreaterThanOrEqual(700);
    expect(await events(h)).toEqual([expect.objectContaining({ kind: 'started', recorderId: sid })]);
  });

  it('falls back to running recordings of the channel (same provider and account) when no recording names the recorder', async () => {
    const room = uniqueId('room');
    const h = await collector({ provider: 'trtc', channel: room, account: TRTC_APP, recorderIds: [] });
    const other = await collector({ provider: 'trtc', channel: room, account: '1400000009', recorderIds: [] });
    await waitFor(async () => (await client.workflow.count(`RecordingChannel = "${room}"`)).count === 2, { what: 'channel visible' });
    const body = trtcBody({ taskId: uniqueId('task-'), roomId: room, eventType: 301 });
    const res = await post(trtcUrl(), body, trtcHeaders(body));
    expect(res).toMatchObject({ status: 200, json: { outcome: 'delivered', route: 'channel' } });
    expect(await events(h)).toHaveLength(1);
    expect(await events(other)).toEqual([]);
  });

  it('answers 503 inside the vendor deadline when Temporal is unreachable, so the vendor resends', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
    const down = Connection.lazy({ address: `127.0.0.1:${closed}`, ...receiverConnectionOptions() });
    const cut = await startCallbackService(config, { client: new Client({ connection: down }), logger });
    try {
      const body = trtcBody({ taskId: uniqueId('task-'), roomId: 'r', eventType: 301 });
      const res = await post(`${cut.url}${CALLBACK_PATHS.trtc}`, body, trtcHeaders(body));
      expect(res.status).toBe(503);
      expect(res.ms).toBeLessThan(5_000);
      expect(await metric(cut, 'callbacks_total', { provider: 'trtc', outcome: 'unavailable' })).toBe(1);
      // Not remembered as delivered: the resend is routed again (and fails again while Temporal is
      // down), and a redundant copy arriving meanwhile shares that 503.
      const again = await Promise.all([0, 1].map(() => post(`${cut.url}${CALLBACK_PATHS.trtc}`, body, trtcHeaders(body))));
      expect(again.map((r) => r.status)).toEqual([503, 503]);
    } finally {
      await cut.close();
      // The SDK's retry timers of the last call end at its deadline; closing under them would throw.
      await new Promise((r) => setTimeout(r, 1_500));
      await down.close().catch(() => undefined);
    }
  });

  it('refuses oversized bodies, other methods and paths; serves /metrics; never logs a secret', async () => {
    const big = 'x'.repeat(config.maxBodyBytes + 1);
    expect((await post(agoraUrl(), big, agoraHeaders(big))).status).toBe(413);
    expect((await fetch(agoraUrl())).status).toBe(405);
    expect((await fetch(`${receiver.url}/callbacks/zoom`, { method: 'POST', body: '{}' })).status).toBe(404);
    const text = await (await fetch(`${receiver.url}/metrics`)).text();
    expect(text).toMatch(/callbacks_total\{provider="agora",outcome="delivered"\} \d+/);
    expect(text).toMatch(/callback_routing_seconds_bucket/);
    const all = logLines.join('');
    expect(all.length).toBeGreaterThan(0);
    expect(all).not.toContain(NCS_SECRET);
    expect(all).not.toContain(TRTC_KEY);
  });
});
