import http from 'node:http';
import https from 'node:https';
import { CommonClient } from 'tencentcloud-sdk-nodejs-common';
import type { z } from 'zod';
import { redactDeep, secretsIn } from '../../redact';
import { RequestPacer } from '../agora/rate-limiter';
import { describeOutcome, fromSdkError, issuesText, zodIssues } from './outcome';
import {
  createCloudRecordingRequestSchema,
  createCloudRecordingResponseSchema,
  deleteCloudRecordingRequestSchema,
  deleteCloudRecordingResponseSchema,
  describeCloudRecordingRequestSchema,
  describeCloudRecordingResponseSchema,
  modifyCloudRecordingRequestSchema,
  modifyCloudRecordingResponseSchema,
  type CreateCloudRecordingRequest,
  type CreateCloudRecordingResponse,
  type DeleteCloudRecordingRequest,
  type DeleteCloudRecordingResponse,
  type DescribeCloudRecordingRequest,
  type DescribeCloudRecordingResponse,
  type ModifyCloudRecordingRequest,
  type ModifyCloudRecordingResponse,
} from './schemas';
import type { TrtcCallOptions, TrtcClientConfig, TrtcLogger, TrtcOutcome } from './types';

export const TRTC_API_VERSION = '2019-07-22';
export const TRTC_DEFAULT_BASE_URL = 'https://trtc.tencentcloudapi.com';
const DEFAULT_TIMEOUT_MS = 6_000;
/**
 * One under the vendor's 20 QPS per account (spec §3.1), like Agora's 9 for 10: evenly spaced sends at exactly
 * the limit put the 21st request 1000 ms after the 1st, and any network jitter folds it into the same second
 * (measured against the emulator: RequestLimitExceeded in 2 of 3 runs at 5/s vs a 5 QPS limit, none at 4/s).
 */
const DEFAULT_QPS = 19;
/** Request keys whose string values never leave the client in an outcome or log (UserSig, storage keys, permission ticket). */
const SECRET_KEY = /^(UserSig|SecretKey|AccessKey|PrivateMapKey)$/;

/** One pacer per rate for the whole process, so several clients of one account share its 20 QPS. */
const pacers = new Map<number, RequestPacer>();
function sharedPacer(rate: number): RequestPacer {
  let p = pacers.get(rate);
  if (!p) pacers.set(rate, (p = new RequestPacer(rate)));
  return p;
}

function parseBaseUrl(url: string): { protocol: 'http://' | 'https://'; endpoint: string } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error('TrtcClient: baseUrl is not a valid URL');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('TrtcClient: baseUrl must be http:// or https://');
  if (u.username || u.password) throw new Error('TrtcClient: baseUrl must not contain credentials');
  if ((u.pathname !== '/' && u.pathname !== '') || u.search || u.hash) throw new Error('TrtcClient: baseUrl must have no path, query or fragment (API 3.0 posts to "/")');
  return { protocol: `${u.protocol}//` as 'http://' | 'https://', endpoint: u.host };
}

/**
 * TRTC cloud-recording client over Tencent's official SDK (CommonClient of tencentcloud-sdk-nodejs-common, which
 * does the TC3-HMAC-SHA256 signing). Every method resolves to a JSON-safe, secret-free TrtcOutcome (safe to return
 * from a Temporal activity); it rejects only on programming errors.
 */
export class TrtcClient {
  private readonly sdk: CommonClient;
  private readonly agent: http.Agent;
  private readonly secretId: string;
  private readonly timeoutMs: number;
  private readonly validate: boolean;
  private readonly pacer?: RequestPacer;
  private readonly baseSecrets: string[];
  private readonly logger?: TrtcLogger;
  readonly baseUrl: string;

  constructor(config: TrtcClientConfig) {
    if (!config.secretId) throw new Error('TrtcClient: secretId is required');
    if (!config.secretKey) throw new Error('TrtcClient: secretKey is required');
    if (!config.region) throw new Error('TrtcClient: region is required (e.g. ap-guangzhou)');
    const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new Error('TrtcClient: timeoutMs must be a positive number');
    const rate = config.maxRequestsPerSecond ?? DEFAULT_QPS;
    if (!Number.isFinite(rate) || rate < 0) throw new Error('TrtcClient: maxRequestsPerSecond must be ≥ 0');
    const { protocol, endpoint } = parseBaseUrl(config.baseUrl ?? TRTC_DEFAULT_BASE_URL);
    this.baseUrl = `${protocol}${endpoint}`;
    this.secretId = config.secretId;
    this.timeoutMs = timeoutMs;
    this.validate = config.validateRequests ?? true;
    this.logger = config.logger;
    if (rate > 0) this.pacer = sharedPacer(rate);
    this.baseSecrets = [config.secretKey];
    // An explicit agent is what keeps the SDK off `http_proxy`: its fetch wraps every request in that proxy
    // (even for 127.0.0.1, no NO_PROXY) unless an agent is given (spec §7.2).
    this.agent = protocol === 'https://' ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
    this.sdk = new CommonClient(endpoint, TRTC_API_VERSION, {
      credential: { secretId: config.secretId, secretKey: config.secretKey },
      region: config.region,
      profile: {
        language: config.language ?? 'en-US',
        // reqTimeout (seconds, SDK default 60) is only a backstop: each call aborts on its own timer.
        httpProfile: { endpoint, protocol, reqMethod: 'POST', reqTimeout: Math.ceil(timeoutMs / 1000) + 60, agent: this.agent },
      },
    });
  }

  /** Frees the keep-alive sockets. */
  close(): void {
    this.agent.destroy();
  }

  createCloudRecording(req: CreateCloudRecordingRequest, opts?: TrtcCallOptions): Promise<TrtcOutcome<CreateCloudRecordingResponse>> {
    return this.call('CreateCloudRecording', req, createCloudRecordingRequestSchema, createCloudRecordingResponseSchema, opts);
  }

  describeCloudRecording(req: DescribeCloudRecordingRequest, opts?: TrtcCallOptions): Promise<TrtcOutcome<DescribeCloudRecordingResponse>> {
    return this.call('DescribeCloudRecording', req, describeCloudRecordingRequestSchema, describeCloudRecordingResponseSchema, opts);
  }

  /** A full overwrite (spec §2.3): send the whole desired MixLayoutParams / SubscribeStreamUserIds every time. */
  modifyCloudRecording(req: ModifyCloudRecordingRequest, opts?: TrtcCallOptions): Promise<TrtcOutcome<ModifyCloudRecordingResponse>> {
    return this.call('ModifyCloudRecording', req, modifyCloudRecordingRequestSchema, modifyCloudRecordingResponseSchema, opts);
  }

  deleteCloudRecording(req: DeleteCloudRecordingRequest, opts?: TrtcCallOptions): Promise<TrtcOutcome<DeleteCloudRecordingResponse>> {
    return this.call('DeleteCloudRecording', req, deleteCloudRecordingRequestSchema, deleteCloudRecordingResponseSchema, opts);
  }

  private async call<S extends z.ZodType>(
    action: string,
    body: unknown,
    requestSchema: z.ZodType,
    responseSchema: S,
    opts: TrtcCallOptions = {},
  ): Promise<TrtcOutcome<z.output<S>>> {
    const secrets = [...this.baseSecrets];
    secrets.push(...secretsIn(body, SECRET_KEY));
    const safe = <T>(o: T): T => redactDeep(o, secrets);

    if (this.validate) {
      const checked = requestSchema.safeParse(body);
      if (!checked.success) {
        const issues = zodIssues(checked.error);
        return safe({ kind: 'invalid-request', error: `${action}: invalid request: ${issuesText(issues)}`, issues });
      }
    }
    if (opts.signal?.aborted) return { kind: 'network', error: 'aborted by caller', timedOut: false, aborted: true };
    try {
      await this.pacer?.take(this.secretId, opts.signal);
    } catch {
      return { kind: 'network', error: 'aborted by caller while waiting for the QPS budget', timedOut: false, aborted: true };
    }

    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    const ac = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ac.abort();
    }, timeoutMs);
    const onAbort = () => ac.abort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    let outcome: TrtcOutcome<z.output<S>>;
    try {
      // The original body is sent, not the zod output, so fields pass exactly as the caller wrote them.
      const data: unknown = await this.sdk.request(action, body as object, { signal: ac.signal as never });
      const parsed = responseSchema.safeParse(data);
      const rid = typeof (data as { RequestId?: unknown })?.RequestId === 'string' ? (data as { RequestId: string }).RequestId : undefined;
      if (parsed.success) outcome = { kind: 'ok', body: parsed.data, requestId: rid ?? '' };
      else {
        const issues = zodIssues(parsed.error);
        outcome = { kind: 'invalid-response', error: `${action}: invalid response: ${issuesText(issues)}`, issues, ...(rid ? { requestId: rid } : {}) };
      }
    } catch (e) {
      outcome = fromSdkError(e, { timedOut, aborted: !timedOut && opts.signal?.aborted === true, timeoutMs });
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
    }
    outcome = safe(outcome);
    if (outcome.kind === 'network' || outcome.kind === 'http-error' || outcome.kind === 'invalid-response')
      this.logger?.warn({ action, kind: outcome.kind, summary: describeOutcome(action, outcome) }, 'trtc request failed');
    return outcome;
  }
}
