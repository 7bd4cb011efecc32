/**
 * The callback receiver's HTTP service (node:http: two POST routes need no framework). Stateless
 * apart from a best-effort dedupe cache, so replicas behind a load balancer may share the traffic.
 * Answers, in order of checks:
 *   413 body over maxBodyBytes · 401 unsigned / forged / no secret for the account · 400 a signed
 *   body that cannot be read (the message names the field) · 200 ignored (not a recording event)
 *   · 200 duplicate (delivered before by this replica) · 200 delivered · 200 unknown (no
 *   recording owns it: the vendor must stop resending) · 503 Temporal unreachable or the signal
 *   failed (the vendor resends: at-least-once). Nothing is signalled on any 4xx.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { RecorderEvent } from '../../contract/events';
import { MalformedCallbackError } from '../../providers/callback-support';
import type { CallbacksConfig } from './config';
import { RecentEvents } from './dedupe';
import { CallbackMetrics, type CallbackOutcome } from './metrics';
import { routeEvent, type RoutingResult } from './routing';
import { vendorEndpoints, type VendorEndpoint } from './vendors';

export interface RunningCallbackService {
  url: string;
  port: number;
  metrics: CallbackMetrics;
  close(): Promise<void>;
}

interface Answer {
  status: number;
  outcome: CallbackOutcome;
  body: Record<string, unknown>;
}

const ok = (outcome: CallbackOutcome, extra: Record<string, unknown> = {}): Answer => ({ status: 200, outcome, body: { code: 0, outcome, ...extra } });
const refuse = (status: number, outcome: CallbackOutcome, error: string): Answer => ({ status, outcome, body: { code: status, error } });

class BodyTooLarge extends Error {}

/** Reads the raw body once (the signature covers its exact bytes), refusing more than `limit` bytes. */
function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > limit) return reject(new BodyTooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        reject(new BodyTooLarge());
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startCallbackService(config: CallbacksConfig, deps: { client: Client; logger: Logger }): Promise<RunningCallbackService> {
  const { client, logger } = deps;
  const metrics = new CallbackMetrics();
  const recent = new RecentEvents(config.dedupeSize);
  /** Deliveries under way, so a redundant copy arriving meanwhile waits for the first instead of signalling again. */
  const inFlight = new Map<string, Promise<RoutingResult>>();
  const endpoints = new Map(vendorEndpoints(config).map((e) => [e.path, e]));

  async function deliver(vendor: VendorEndpoint, event: RecorderEvent, arrivedAt: number): Promise<Answer> {
    const key = `${event.provider}:${event.eventId}`;
    if (recent.has(key)) return ok('duplicate');
    const pending = inFlight.get(key);
    if (pending) {
      // The copy shares the first delivery's fate, a 503 included.
      const first = await pending.catch(() => undefined);
      if (!first) return refuse(503, 'unavailable', 'recording service unavailable, retry');
      return first.delivered ? ok('duplicate') : ok('unknown');
    }
    const deadline = arrivedAt + vendor.answerWithinMs - config.marginMs;
    const attempt = routeEvent(client, event, { deadline, visibilityUntil: Math.min(arrivedAt + vendor.visibilityWaitMs, deadline), pollMs: config.visibilityPollMs });
    inFlight.set(key, attempt);
    const ids = { provider: event.provider, account: event.account, eventId: event.eventId, vendorEvent: event.vendorEvent, kind: event.kind, recorderId: event.recorderId, channel: event.channel };
    try {
      const result = await attempt;
      const seconds = (Date.now() - arrivedAt) / 1000;
      if (result.delivered) {
        recent.add(key);
        metrics.remembered.set(recent.size);
        metrics.routed.observe({ provider: event.provider, route: result.route }, seconds);
        logger.info({ ...ids, route: result.route, workflowIds: result.workflowIds, seconds }, 'callback delivered');
        return ok('delivered', { route: result.route });
      }
      metrics.routed.observe({ provider: event.provider, route: 'none' }, seconds);
      // Not remembered: a later copy may find a recording that was not yet visible.
      logger.warn({ ...ids, why: result.why, seconds }, 'callback for an unknown recorder');
      return ok('unknown', { why: result.why });
    } catch (err) {
      logger.error({ ...ids, err: (err as Error).message }, 'callback not delivered: Temporal unreachable or the signal failed; the vendor will resend');
      return refuse(503, 'unavailable', 'recording service unavailable, retry');
    } finally {
      inFlight.delete(key);
    }
  }

  async function handle(vendor: VendorEndpoint, req: http.IncomingMessage, arrivedAt: number): Promise<Answer> {
    let raw: Buffer;
    try {
      raw = await readBody(req, config.maxBodyBytes);
    } catch (err) {
      if (err instanceof BodyTooLarge) return refuse(413, 'too-large', `body: larger than ${config.maxBodyBytes} bytes`);
      throw err;
    }
    const verdict = vendor.verify(raw, req.headers);
    if (!verdict.ok) {
      metrics.rejected.inc({ provider: vendor.provider, reason: verdict.reason });
      logger.warn({ provider: vendor.provider, reason: verdict.reason, remote: req.socket.remoteAddress }, 'callback refused: signature');
      return refuse(401, 'unauthorized', `signature: ${verdict.reason}`);
    }
    let translation;
    try {
      translation = vendor.translate(raw, req.headers);
    } catch (err) {
      if (!(err instanceof MalformedCallbackError)) throw err;
      logger.warn({ provider: vendor.provider, error: err.message }, 'callback refused: malformed');
      return refuse(400, 'malformed', err.message);
    }
    if (translation.kind === 'ignored') {
      logger.info({ provider: vendor.provider, reason: translation.reason }, 'callback ignored');
      return ok('ignored', { reason: translation.reason });
    }
    return deliver(vendor, translation.event, arrivedAt);
  }

  const server = http.createServer((req, res) => {
    const arrivedAt = Date.now();
    const send = (status: number, body: string, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/metrics') {
      void metrics.registry.metrics().then((text) => send(200, text, metrics.registry.contentType));
      return;
    }
    if (req.method === 'GET' && path === '/healthz') return send(200, '{"status":"ok"}');
    const vendor = endpoints.get(path);
    if (!vendor) return send(404, JSON.stringify({ code: 404, error: `no callback endpoint at ${path}` }));
    if (req.method !== 'POST') return send(405, JSON.stringify({ code: 405, error: 'method: POST only' }));
    handle(vendor, req, arrivedAt)
      .catch((err: Error): Answer => {
        logger.error({ provider: vendor.provider, err: err.message }, 'callback handler failed');
        return refuse(500, 'unavailable', 'internal error, retry');
      })
      .then((answer) => {
        metrics.callbacks.inc({ provider: vendor.provider, outcome: answer.outcome });
        // A refused oversized body is not drained: close the connection instead.
        if (answer.status === 413) res.setHeader('connection', 'close');
        send(answer.status, JSON.stringify(answer.body));
      });
  });
  // Slow senders cannot hold sockets for long: the vendors answer-wait at most 10 s anyway.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  logger.info({ port, endpoints: [...endpoints.keys()] }, 'callback receiver listening');
  return {
    url: `http://${host}:${port}`,
    port,
    metrics,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
