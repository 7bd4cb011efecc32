/**
 * The Outbox end to end: a real dev server, a real worker running the notifyBackend activity, and
 * a real HTTP endpoint that verifies signatures and dedupes by id as a backend would.
 */
import type { Client, Connection } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import pino from 'pino';
import { createNotificationActivities } from '../../src/notifications/activity';
import { notificationSchema, type NotificationType } from '../../src/notifications/types';
import { bundle, connectClient, connectWorker, uniqueTaskQueue, withWorker } from '../support/temporal';
import type { OutboxTestArgs, OutboxTestResult } from './outbox-workflow';
import { startSink, type Answer, type Sink } from './sink';

const secret = 'notify-secret-Kp4Wq9Zr2Lx7';

describe('the Outbox on a real worker', () => {
  let client: Client;
  let connection: Connection;
  let workerConnection: NativeConnection;
  let workflowBundle: { code: string };
  const sinks: Sink[] = [];

  beforeAll(async () => {
    ({ client, connection } = await connectClient());
    workerConnection = await connectWorker();
    workflowBundle = await bundle(require.resolve('./outbox-workflow'));
  });
  afterAll(async () => {
    await Promise.all(sinks.map((s) => s.close()));
    await connection?.close();
    await workerConnection?.close();
  });

  async function run(args: OutboxTestArgs, answer?: (nth: number, id: string | undefined) => Answer, workerUrl?: string | null) {
    const sink = await startSink(secret, (nth, n) => (answer ? answer(nth, n?.id) : 200));
    sinks.push(sink);
    const taskQueue = uniqueTaskQueue('notify');
    const workflowId = `recording-${taskQueue}`;
    const activities = createNotificationActivities({ ...(workerUrl === null ? {} : { url: workerUrl ?? sink.url }), secret, timeoutMs: 2_000 }, pino({ level: 'silent' }));
    const result = await withWorker(workerConnection, { taskQueue, workflowBundle, activities }, () =>
      client.workflow.execute('outboxTestWorkflow', { taskQueue, workflowId, args: [args], workflowExecutionTimeout: '60 seconds' }) as Promise<OutboxTestResult>,
    );
    const events = [];
    for (const runId of result.runs) {
      const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
      events.push(...(history.events ?? []));
    }
    return { sink, workflowId, result, events };
  }

  const ids = (workflowId: string, types: NotificationType[]) => types.map((t, i) => `${workflowId}:${t}:${i + 1}`);

  it('a notification arrives exactly once after dedupe even when its endpoint fails twice (3 attempts)', async () => {
    // The backend stores the first two and then fails to answer: the retries are duplicates it must drop.
    const { sink, workflowId, result, events } = await run({ types: ['recording.started'] }, (nth) => (nth <= 2 ? 500 : 200));
    expect(sink.received.map((r) => r.status)).toEqual([500, 500, 200]);
    expect(sink.received.every((r) => r.signatureError === undefined)).toBe(true);
    expect(new Set(sink.received.map((r) => r.notification!.id))).toEqual(new Set(ids(workflowId, ['recording.started'])));
    expect(sink.deduped()).toHaveLength(1);
    // Retried by Temporal with backoff (1 s, then 2 s), not by a loop in the activity.
    expect(sink.received[2].at - sink.received[0].at).toBeGreaterThanOrEqual(2_500);
    const started = events.filter((e) => e.activityTaskStartedEventAttributes);
    expect(started.map((e) => e.activityTaskStartedEventAttributes!.attempt)).toEqual([3]);
    expect(result).toMatchObject({ pending: 0, notifySeq: 1 });
    // The payload is in history (the activity's input); the signing secret never is.
    const text = JSON.stringify(events, (k, v) => (k === 'data' && typeof v === 'string' ? Buffer.from(v, 'base64').toString('utf8') : v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : v));
    expect(text).toContain(`${workflowId}:recording.started:1`);
    expect(text).not.toContain(secret);
  });

  it('three notifications across a continue-as-new arrive in order, each once after dedupe, with deterministic ids', async () => {
    const types: NotificationType[] = ['recording.started', 'recording.restarted', 'recording.stopped'];
    // The first one fails twice, so the run continues as new while it is still undelivered: the carried outbox resends it.
    const firstFails = (nth: number, id: string | undefined) => (id?.endsWith(':recording.started:1') && nth <= 2 ? 503 : 200);
    const { sink, workflowId, result } = await run({ types, continueBefore: 2 }, firstFails);
    expect(result.runs).toHaveLength(2);
    const got = sink.deduped();
    expect(got.map((n) => n.id)).toEqual(ids(workflowId, types));
    expect(got.map((n) => n.type)).toEqual(types);
    for (const n of got) expect(notificationSchema.parse(n)).toEqual(n);
    expect(got[0]).toMatchObject({ recordingId: 'r-outbox', workflowId, runId: result.runs[0], data: { channel: 'math_101', identity: '3000000001' } });
    expect(got[2].runId).toBe(result.runs[1]);
    // In order: nothing of a later notification arrives before an earlier one was accepted.
    const firstAccepted = (id: string) => sink.received.findIndex((r) => r.notification?.id === id && r.status === 200);
    const firstSeen = (id: string) => sink.received.findIndex((r) => r.notification?.id === id);
    expect(firstSeen(got[1].id)).toBeGreaterThan(firstAccepted(got[0].id));
    expect(firstSeen(got[2].id)).toBeGreaterThan(firstAccepted(got[1].id));
    expect(result).toMatchObject({ pending: 0, notifySeq: 3 });
  });

  it('drained before continue-as-new: the new run starts with an empty outbox and the sequence goes on', async () => {
    const types: NotificationType[] = ['recording.started', 'recording.degraded', 'recording.stopped'];
    const { sink, workflowId, result } = await run({ types, continueBefore: 1, drainBeforeContinue: true });
    expect(sink.deduped().map((n) => n.id)).toEqual(ids(workflowId, types));
    expect(sink.received).toHaveLength(3);
    expect(result.notifySeq).toBe(3);
  });

  it('a recording that emits nothing schedules nothing: no activity, no timer', async () => {
    const { sink, events, result } = await run({ types: [] });
    expect(sink.received).toHaveLength(0);
    expect(events.filter((e) => e.activityTaskScheduledEventAttributes || e.timerStartedEventAttributes)).toEqual([]);
    expect(result).toMatchObject({ pending: 0 });
  });

  it('a refused notification (4xx) is dropped at once and the next one still goes out', async () => {
    const { sink, workflowId } = await run({ types: ['recording.degraded', 'recording.stopped'] }, (_nth, id) => (id?.includes('degraded') ? 400 : 200));
    expect(sink.received.map((r) => [r.notification!.id, r.status])).toEqual([
      [`${workflowId}:recording.degraded:1`, 400],
      [`${workflowId}:recording.stopped:2`, 200],
    ]);
  });

  it('past its deadline a notification is dropped, so drained() resolves while the endpoint is still down', async () => {
    const started = Date.now();
    const { sink, result } = await run({ types: ['recording.failed'], deadlineMs: 3_000 }, () => 503);
    expect(result.pending).toBe(0);
    expect(sink.received.length).toBeGreaterThanOrEqual(2);
    expect(sink.received.every((r) => r.status === 503)).toBe(true);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it("the request's notify: its own URL over the worker's, only the types it asks for", async () => {
    const own = await startSink(secret);
    sinks.push(own);
    const types: NotificationType[] = ['recording.started', 'recording.uploaded', 'recording.stopped'];
    const { sink, workflowId, result } = await run({ types, notify: { url: own.url, events: ['recording.stopped'] } });
    expect(sink.received).toHaveLength(0);
    expect(own.deduped().map((n) => n.id)).toEqual([`${workflowId}:recording.stopped:1`]);
    expect(result.notifySeq).toBe(1);
  });

  it('without any endpoint the activity answers not sent and the workflow completes', async () => {
    const { sink, events, result } = await run({ types: ['recording.stopped'] }, undefined, null);
    expect(sink.received).toHaveLength(0);
    const completed = events.find((e) => e.activityTaskCompletedEventAttributes);
    expect(completed).toBeDefined();
    expect(result).toMatchObject({ pending: 0, notifySeq: 1 });
  });
});
