import { ApplicationFailure } from '@temporalio/common';
import pino from 'pino';
import { createNotificationActivities, NOTIFICATION_NOT_DELIVERED, NOTIFICATION_REFUSED } from '../../src/notifications/activity';
import { notificationSchema } from '../../src/notifications/types';
import { sampleNotification } from './samples';
import { startSink, type Sink } from './sink';

const secret = 'notify-secret-Kp4Wq9Zr2Lx7';
const logger = pino({ level: 'silent' });
const sinks: Sink[] = [];
afterAll(() => Promise.all(sinks.map((s) => s.close())));

async function sink(answer?: Parameters<typeof startSink>[1]): Promise<Sink> {
  const s = await startSink(secret, answer);
  sinks.push(s);
  return s;
}

async function failureOf(p: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

describe('the notifyBackend activity against a real HTTP endpoint', () => {
  it('POSTs the notification as signed JSON with its id in a header, and answers sent with the status', async () => {
    const s = await sink(() => 204);
    const { notifyBackend } = createNotificationActivities({ url: s.url, secret, timeoutMs: 2_000 }, logger);
    const n = sampleNotification('recording.stopped');
    await expect(notifyBackend(n)).resolves.toEqual({ sent: true, status: 204 });
    expect(s.received).toHaveLength(1);
    const [r] = s.received;
    expect(r.signatureError).toBeUndefined();
    expect(r.notification).toEqual(n);
    expect(notificationSchema.parse(r.notification)).toEqual(n);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.headers['x-recording-event-id']).toBe(n.id);
    expect(r.rawBody).not.toContain(secret);
  });

  it("sends to the recording's own URL over the worker's", async () => {
    const worker = await sink();
    const own = await sink();
    const { notifyBackend } = createNotificationActivities({ url: worker.url, secret, timeoutMs: 2_000 }, logger);
    await notifyBackend(sampleNotification('recording.started'), { url: own.url });
    expect([own.received.length, worker.received.length]).toEqual([1, 0]);
  });

  it('answers not sent, without an error, when there is no endpoint or no signing secret', async () => {
    const s = await sink();
    await expect(createNotificationActivities({ secret, timeoutMs: 2_000 }, logger).notifyBackend(sampleNotification('recording.started'))).resolves.toEqual({ sent: false, reason: 'no endpoint' });
    const unsigned = createNotificationActivities(undefined, logger);
    await expect(unsigned.notifyBackend(sampleNotification('recording.started'))).resolves.toEqual({ sent: false, reason: 'no endpoint' });
    await expect(unsigned.notifyBackend(sampleNotification('recording.started'), { url: s.url })).resolves.toMatchObject({ sent: false, reason: expect.stringContaining('no signing secret') });
    expect(s.received).toHaveLength(0);
  });

  it.each([500, 503, 408, 429])('HTTP %i is retryable', async (status) => {
    const s = await sink(() => status);
    const { notifyBackend } = createNotificationActivities({ url: s.url, secret, timeoutMs: 2_000 }, logger);
    const f = await failureOf(notifyBackend(sampleNotification('recording.degraded')));
    expect([f.type, f.nonRetryable]).toEqual([NOTIFICATION_NOT_DELIVERED, false]);
    expect(f.message).toBe(`backend answered HTTP ${status}: nope ${status}`);
  });

  it.each([400, 401, 404, 410, 302])('HTTP %i is refused for good (not retried)', async (status) => {
    const s = await sink(() => status);
    const { notifyBackend } = createNotificationActivities({ url: s.url, secret, timeoutMs: 2_000 }, logger);
    const f = await failureOf(notifyBackend(sampleNotification('recording.failed')));
    expect([f.type, f.nonRetryable]).toEqual([NOTIFICATION_REFUSED, true]);
  });

  it('a backend slower than timeoutMs, or not listening, is retryable', async () => {
    const slow = await sink(() => new Promise((r) => setTimeout(() => r(200), 1_500)));
    const { notifyBackend } = createNotificationActivities({ url: slow.url, secret, timeoutMs: 300 }, logger);
    const f = await failureOf(notifyBackend(sampleNotification('recording.started')));
    expect([f.type, f.nonRetryable, f.message]).toEqual([NOTIFICATION_NOT_DELIVERED, false, 'backend unreachable: no answer within 300 ms']);

    const gone = await sink();
    await gone.close();
    sinks.splice(sinks.indexOf(gone), 1);
    const down = createNotificationActivities({ url: gone.url, secret, timeoutMs: 1_000 }, logger);
    const g = await failureOf(down.notifyBackend(sampleNotification('recording.started')));
    expect([g.type, g.nonRetryable]).toEqual([NOTIFICATION_NOT_DELIVERED, false]);
    expect(g.message).toMatch(/^backend unreachable: .*ECONNREFUSED/);
  });

  it('never echoes the signing secret back in a failure', async () => {
    // A backend that prints what it was configured with must not put the secret into history.
    const s = await sink(() => ({ status: 400, body: `bad signature, expected secret ${secret}` }));
    const { notifyBackend } = createNotificationActivities({ url: s.url, secret, timeoutMs: 2_000 }, logger);
    const f = await failureOf(notifyBackend(sampleNotification('recording.failed')));
    expect(f.message).toBe('backend answered HTTP 400: bad signature, expected secret [redacted]');
  });
});
