/**
 * Configuring notifications: the worker's section (secret from the environment, errors naming the
 * field), a recording's `notify`, and the recording worker serving notifyBackend with that secret.
 */
import type { Client, Connection } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import pino from 'pino';
import { ConfigError, configSecrets, parseWorkerConfig } from '../../src/config';
import { InvalidInputError, parseOrThrow } from '../../src/contract/request';
import { commonTimings } from '../../src/contract/timings';
import { recordingRequestSchema } from '../../src/providers/catalog';
import { createWorkers } from '../../src/worker';
import { bundle, connectClient, connectWorker, testAddress, uniqueTaskQueue, withWorker } from '../support/temporal';
import type { OutboxTestResult } from './outbox-workflow';
import { startSink } from './sink';

const secret = 'notify-secret-Kp4Wq9Zr2Lx7';
const agora = { customerId: 'cid', customerSecret: 'cust-secret-Zq8wX2vL9pR4', apps: { a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5: {} } };

describe('the notifications section of the worker config', () => {
  it('is optional, defaults timeoutMs to 5 s, and takes the secret from the environment', () => {
    expect(parseWorkerConfig({ agora }).notifications).toBeUndefined();
    const c = parseWorkerConfig({ agora, notifications: { url: 'https://backend.example/hooks', secret: 'env:HOOK_SECRET' } }, { HOOK_SECRET: secret });
    expect(c.notifications).toEqual({ url: 'https://backend.example/hooks', secret, timeoutMs: 5_000 });
    const fromEnv = parseWorkerConfig({ agora }, { NOTIFICATIONS_URL: 'http://10.0.0.5:8080/rec', NOTIFICATIONS_SECRET: secret, NOTIFICATIONS_TIMEOUT_MS: '2000' });
    expect(fromEnv.notifications).toEqual({ url: 'http://10.0.0.5:8080/rec', secret, timeoutMs: 2_000 });
    expect(configSecrets(fromEnv)).toContain(secret);
  });

  it('names the bad field', () => {
    const bad = (notifications: unknown, env = {}) => () => parseWorkerConfig({ agora, notifications }, env);
    expect(bad({ url: 'https://x.example' })).toThrow('notifications.secret: is required (the HMAC signing secret)');
    expect(bad({ secret: 'short' })).toThrow('notifications.secret: must be at least 16 characters');
    expect(bad({ secret, url: 'ftp://x.example/hooks' })).toThrow('notifications.url: must be an http(s) URL');
    expect(bad({ secret, timeoutMs: 120_000 })).toThrow(/notifications\.timeoutMs: /);
    expect(bad({ secret: 'env:NOPE' })).toThrow(ConfigError);
    expect(bad({ secret: 'env:NOPE' })).toThrow('notifications.secret: environment variable NOPE is not set');
  });
});

describe("a recording's notify and its deadline", () => {
  const request = { recordingId: 'r1', appId: 'a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5', channel: 'math_101', mode: 'mix' };

  it('accepts an http(s) URL and a list of types, on every provider', () => {
    const notify = { url: 'https://backend.example/hooks?tenant=7', events: ['recording.stopped', 'recording.failed'] };
    expect(parseOrThrow(recordingRequestSchema, { ...request, notify }).notify).toEqual(notify);
    const trtc = { provider: 'trtc', recordingId: 'r2', sdkAppId: 1400188366, channel: '1234', notify: { events: ['recording.started'] } };
    expect(parseOrThrow(recordingRequestSchema, trtc).notify).toEqual({ events: ['recording.started'] });
  });

  it('names the bad field', () => {
    expect(() => parseOrThrow(recordingRequestSchema, { ...request, notify: { url: 'javascript:alert(1)' } })).toThrow('notify.url: must be an http(s) URL');
    expect(() => parseOrThrow(recordingRequestSchema, { ...request, notify: { events: ['recording.paused'] } })).toThrow(InvalidInputError);
    expect(() => parseOrThrow(recordingRequestSchema, { ...request, notify: { events: ['recording.paused'] } })).toThrow(/notify\.events\.0: /);
    expect(() => parseOrThrow(recordingRequestSchema, { ...request, notify: { secret } })).toThrow(/notify: Unrecognized key: "secret"/);
  });

  it('the deadline is a timing: 24 h by default, overridable per recording', () => {
    expect(commonTimings.notificationDeadlineMs).toBe(24 * 3600 * 1000);
    expect(parseOrThrow(recordingRequestSchema, { ...request, timings: { notificationDeadlineMs: 600_000 } }).timings).toEqual({ notificationDeadlineMs: 600_000 });
  });
});

describe('the recording worker serves notifyBackend', () => {
  let client: Client;
  let connection: Connection;
  let workerConnection: NativeConnection;
  beforeAll(async () => {
    ({ client, connection } = await connectClient());
    workerConnection = await connectWorker();
  });
  afterAll(async () => {
    await connection?.close();
    await workerConnection?.close();
  });

  it("on its workflow task queue, signing with the config's secret", async () => {
    const sink = await startSink(secret);
    const recordingQueue = uniqueTaskQueue('rec');
    const config = parseWorkerConfig({ temporal: { ...testAddress(), taskQueue: recordingQueue }, agora, notifications: { url: sink.url, secret: 'env:HOOK_SECRET' } }, { HOOK_SECRET: secret });
    const rw = await createWorkers(config, { connection: workerConnection, workflowBundle: await bundle(require.resolve('../fixtures/ping-workflow')), logger: pino({ level: 'silent' }), workerOptions: { shutdownGraceTime: '1 second' } });
    const running = rw.run();
    try {
      const taskQueue = uniqueTaskQueue('outbox');
      const workflowBundle = await bundle(require.resolve('./outbox-workflow'));
      const result = await withWorker(workerConnection, { taskQueue, workflowBundle }, () =>
        client.workflow.execute('outboxTestWorkflow', { taskQueue, workflowId: `recording-${taskQueue}`, args: [{ types: ['recording.stopped'], taskQueue: recordingQueue }] }) as Promise<OutboxTestResult>,
      );
      expect(result.pending).toBe(0);
      expect(sink.received.map((r) => [r.notification?.type, r.signatureError, r.status])).toEqual([['recording.stopped', undefined, 200]]);
    } finally {
      rw.shutdown();
      await running;
      await sink.close();
    }
  });
});
