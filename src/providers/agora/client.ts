import { Agent, type Dispatcher } from 'undici';
import type { z } from 'zod';
import { RequestPacer } from './rate-limiter';
import { redactDeep, secretsIn } from '../../redact';
import { classify, issuesText, zodIssues } from './outcome';
import {
  acquireRequestSchema,
  acquireResponseSchema,
  queryResponseSchema,
  startRequestSchema,
  startResponseSchema,
  stopRequestSchema,
  stopResponseSchema,
  updateLayoutRequestSchema,
  updateRequestSchema,
  updateResponseSchema,
  type AcquireRequest,
  type AcquireResponse,
  type QueryResponse,
  type StartRequest,
  type StartResponse,
  type StopRequest,
  type StopResponse,
  type UpdateLayoutRequest,
  type UpdateRequest,
  type UpdateResponse,
} from './schemas';
import type { AgoraClientConfig, AgoraLogger, AgoraOutcome, CallOptions, NetworkOutcome, RecordingMode } from './types';

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_SYNC_STOP_TIMEOUT_MS = 30_000;
/** Request-body keys whose string values must never leave the client (storage keys, RTC token, decryption). */
const SECRET_KEY = /secret|accesskey|ststoken|^token$|salt|password/i;

interface Base {
  origin: string;
  /** Path prefix of the base URL (usually ''), kept so proxies under a sub-path work. */
  prefix: string;
}

type Attempt =
  | { type: 'answer'; status: number; headers: Record<string, string | string[] | undefined>; text: string }
  | { type: 'failed'; error: string; timedOut: boolean; aborted: boolean };

function parseBase(url: string, index: number): Base {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`AgoraClient: baseUrls[${index}] is not a valid URL`);
  }
  // Credentials in a base URL would end up in logs and `host`; refuse them outright.
  if (u.username || u.password) throw new Error(`AgoraClient: baseUrls[${index}] must not contain credentials`);
  if (u.search || u.hash) throw new Error(`AgoraClient: baseUrls[${index}] must not contain a query or fragment`);
  return { origin: u.origin, prefix: u.pathname.replace(/\/+$/, '') };
}

function errorText(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const code = (e as { code?: unknown }).code;
  let msg = e.message;
  // Node's happy-eyeballs connect failures are AggregateErrors with an empty message.
  if (!msg && e instanceof AggregateError && e.errors[0] instanceof Error) msg = e.errors[0].message;
  return typeof code === 'string' ? `${code}: ${msg}` : `${e.name}: ${msg}`;
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

/**
 * Agora Cloud Recording REST client. Every method resolves to a JSON-safe AgoraOutcome (safe to
 * return from a Temporal activity); it rejects only on programming errors inside the client.
 */
export class AgoraClient {
  private readonly bases: Base[];
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly auth: string;
  private readonly timeoutMs: number;
  private readonly syncStopTimeoutMs: number;
  private readonly failover: boolean;
  private readonly validate: boolean;
  private readonly baseSecrets: string[];
  private readonly logger?: AgoraLogger;
  private readonly pacer?: RequestPacer;

  constructor(config: AgoraClientConfig) {
    if (config.baseUrls.length < 1 || config.baseUrls.length > 2) {
      throw new Error('AgoraClient: baseUrls must be [primary] or [primary, alternate]');
    }
    if (!config.customerId || !config.customerSecret) throw new Error('AgoraClient: customerId and customerSecret are required');
    this.bases = config.baseUrls.map(parseBase);
    if (config.maxRequestsPerSecond !== undefined) this.pacer = new RequestPacer(config.maxRequestsPerSecond);
    this.timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.syncStopTimeoutMs = config.syncStopTimeoutMs ?? Math.max(this.timeoutMs, DEFAULT_SYNC_STOP_TIMEOUT_MS);
    this.failover = config.failover ?? true;
    this.validate = config.validateRequests ?? true;
    this.logger = config.logger;
    const token = Buffer.from(`${config.customerId}:${config.customerSecret}`).toString('base64');
    this.auth = `Basic ${token}`;
    this.baseSecrets = [config.customerSecret, token];
    this.ownsDispatcher = !config.dispatcher;
    this.dispatcher =
      config.dispatcher ??
      new Agent({
        keepAliveTimeout: 10_000,
        keepAliveMaxTimeout: 60_000,
        connect: { timeout: Math.min(this.timeoutMs, DEFAULT_TIMEOUT_MS) },
      });
  }

  /** Closes the keep-alive pool (only if the client created it). */
  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  acquire(appId: string, body: AcquireRequest, opts?: CallOptions): Promise<AgoraOutcome<AcquireResponse>> {
    return this.call('acquire', appId, 'POST', `/v1/apps/${enc(appId)}/cloud_recording/acquire`, body, acquireRequestSchema, acquireResponseSchema, opts);
  }

  start(appId: string, resourceId: string, mode: RecordingMode, body: StartRequest, opts?: CallOptions): Promise<AgoraOutcome<StartResponse>> {
    const path = `/v1/apps/${enc(appId)}/cloud_recording/resourceid/${enc(resourceId)}/mode/${enc(mode)}/start`;
    return this.call('start', appId, 'POST', path, body, startRequestSchema, startResponseSchema, opts);
  }

  query(appId: string, resourceId: string, sid: string, mode: RecordingMode, opts?: CallOptions): Promise<AgoraOutcome<QueryResponse>> {
    return this.call('query', appId, 'GET', taskPath(appId, resourceId, sid, mode, 'query'), undefined, undefined, queryResponseSchema, opts);
  }

  update(appId: string, resourceId: string, sid: string, mode: RecordingMode, body: UpdateRequest, opts?: CallOptions): Promise<AgoraOutcome<UpdateResponse>> {
    return this.call('update', appId, 'POST', taskPath(appId, resourceId, sid, mode, 'update'), body, updateRequestSchema, updateResponseSchema, opts);
  }

  /** Mix mode only (spec §4.5). Each call replaces the whole layout. */
  updateLayout(appId: string, resourceId: string, sid: string, body: UpdateLayoutRequest, opts?: CallOptions): Promise<AgoraOutcome<UpdateResponse>> {
    const path = taskPath(appId, resourceId, sid, 'mix', 'updateLayout');
    return this.call('updateLayout', appId, 'POST', path, body, updateLayoutRequestSchema, updateResponseSchema, opts);
  }

  stop(appId: string, resourceId: string, sid: string, mode: RecordingMode, body: StopRequest, opts?: CallOptions): Promise<AgoraOutcome<StopResponse>> {
    const full = { ...body, clientRequest: body.clientRequest ?? {} };
    // A synchronous stop answers only after uploading (spec §4.6), so it gets a longer per-attempt budget.
    const sync = full.clientRequest.async_stop !== true;
    const o = { ...opts, timeoutMs: opts?.timeoutMs ?? (sync ? this.syncStopTimeoutMs : this.timeoutMs) };
    return this.call('stop', appId, 'POST', taskPath(appId, resourceId, sid, mode, 'stop'), full, stopRequestSchema, stopResponseSchema, o);
  }

  private async call<S extends z.ZodType>(
    op: string,
    appId: string,
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    requestSchema: z.ZodType | undefined,
    responseSchema: S,
    opts: CallOptions = {},
  ): Promise<AgoraOutcome<z.output<S>>> {
    const secrets = [...this.baseSecrets];
    secrets.push(...secretsIn(body, SECRET_KEY));

    if (this.validate && requestSchema) {
      const checked = requestSchema.safeParse(body);
      if (!checked.success) {
        const issues = zodIssues(checked.error);
        return redactDeep({ kind: 'invalid-request', error: `${op}: invalid request: ${issuesText(issues)}`, issues }, secrets);
      }
    }

    // The original body is sent, not the zod output: unknown fields and spellings must pass unchanged.
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    const plan = this.failover ? [this.bases[0], this.bases[0], ...this.bases.slice(1)] : [this.bases[0]];
    const hostsTried: string[] = [];
    let last: Extract<Attempt, { type: 'failed' }> = { type: 'failed', error: 'not attempted', timedOut: false, aborted: false };

    for (const base of plan) {
      if (opts.signal?.aborted) {
        last = { type: 'failed', error: 'aborted by caller', timedOut: false, aborted: true };
        break;
      }
      hostsTried.push(base.origin);
      try {
        await this.pacer?.take(appId, opts.signal);
      } catch {
        last = { type: 'failed', error: 'aborted by caller while waiting for the QPS budget', timedOut: false, aborted: true };
        break;
      }
      const r = await this.attempt(base, method, path, payload, timeoutMs, opts.signal);
      if (r.type === 'answer') {
        const outcome = classify(op, { ...r, host: base.origin }, responseSchema);
        return redactDeep(outcome, secrets);
      }
      last = r;
      this.logger?.warn(redactDeep({ op, host: base.origin, error: r.error, timedOut: r.timedOut }, secrets), 'agora request got no answer');
      if (r.aborted) break;
    }

    const outcome: NetworkOutcome = { kind: 'network', error: last.error, timedOut: last.timedOut, hostsTried };
    if (last.aborted) outcome.aborted = true;
    return redactDeep(outcome, secrets);
  }

  private async attempt(base: Base, method: 'GET' | 'POST', path: string, payload: string | undefined, timeoutMs: number, external?: AbortSignal): Promise<Attempt> {
    const ac = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ac.abort(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const onAbort = () => ac.abort(new Error('aborted by caller'));
    external?.addEventListener('abort', onAbort, { once: true });

    const headers: Record<string, string> = { authorization: this.auth, accept: 'application/json' };
    if (payload !== undefined) headers['content-type'] = 'application/json;charset=utf-8';
    try {
      const res = await this.dispatcher.request({
        origin: base.origin,
        path: base.prefix + path,
        method,
        headers,
        body: payload,
        signal: ac.signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      // Reading the body is part of the answer: a reset mid-body counts as no answer.
      const text = await res.body.text();
      return { type: 'answer', status: res.statusCode, headers: res.headers, text };
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      const isTimeout = timedOut || (typeof code === 'string' && TIMEOUT_CODES.has(code));
      const aborted = !timedOut && external?.aborted === true;
      const error = timedOut ? `timeout: no answer within ${timeoutMs} ms` : aborted ? 'aborted by caller' : errorText(e);
      return { type: 'failed', error, timedOut: isTimeout, aborted };
    } finally {
      clearTimeout(timer);
      external?.removeEventListener('abort', onAbort);
    }
  }
}

function enc(s: string): string {
  return encodeURIComponent(s);
}

function taskPath(appId: string, resourceId: string, sid: string, mode: RecordingMode, action: string): string {
  return `/v1/apps/${enc(appId)}/cloud_recording/resourceid/${enc(resourceId)}/sid/${enc(sid)}/mode/${enc(mode)}/${action}`;
}
