/** pino-compatible subset; the client only ever passes redacted, secret-free objects. */
export interface TrtcLogger {
  warn(obj: object, msg?: string): void;
}

export interface TrtcClientConfig {
  /** Default 'https://trtc.tencentcloudapi.com'; the emulator's e.g. 'http://127.0.0.1:8044'. Path must be '/'. */
  baseUrl?: string;
  /** API key of the Tencent Cloud account (CAM). */
  secretId: string;
  secretKey: string;
  /** X-TC-Region, e.g. 'ap-guangzhou' (spec §1.1 lists the regions that record). */
  region: string;
  /** Per call, covers connect + answer. Default 6000: the seeds' per-call budget (spec §3.1), not the SDK's 60 s. */
  timeoutMs?: number;
  /**
   * Requests per second per account (SecretId), evenly spaced and shared by every TrtcClient in this process
   * (spec §3.1: 20 QPS per account). Default 19, one under the limit for jitter; 0 turns pacing off.
   */
  maxRequestsPerSecond?: number;
  /** Default true: check request bodies against the zod schemas before sending. */
  validateRequests?: boolean;
  /** 'en-US' (default) or 'zh-CN': language of Error.Message. */
  language?: 'en-US' | 'zh-CN';
  logger?: TrtcLogger;
}

export interface TrtcCallOptions {
  timeoutMs?: number;
  /** e.g. the Temporal activity's cancellation signal. */
  signal?: AbortSignal;
}

export interface Issue {
  path: string;
  message: string;
}

/** Coarse class of an API error code, for retry decisions (spec §4.2). */
export type TrtcErrorClass =
  | 'invalid-parameter' // InvalidParameter*, UnknownParameter: fix the input, do not retry
  | 'missing-parameter' // MissingParameter.*
  | 'auth' // AuthFailure.*, UnauthorizedOperation*
  | 'internal' // InternalError.*: retry with the same parameters (3, 6, 12 s …)
  | 'restricted-concurrency' // FailedOperation.RestrictedConcurrency: 100 live tasks; retrying does not help until tasks end
  | 'rate-limited' // RequestLimitExceeded*: over 20 QPS
  | 'not-found' // ResourceNotFound, FailedOperation.TaskNotExist: task exited, unknown or past ResourceExpiredHour
  | 'failed-operation' // other FailedOperation.*
  | 'other';

export interface OkOutcome<T> {
  kind: 'ok';
  body: T;
  requestId: string;
}
/** The vendor answered with `Response.Error` (HTTP 200). */
export interface ErrorOutcome {
  kind: 'error';
  code: string;
  message: string;
  requestId: string;
  errorClass: TrtcErrorClass;
}
/** A non-200 HTTP status: something in front of the API (proxy, gateway) answered, not the API itself. */
export interface HttpErrorOutcome {
  kind: 'http-error';
  httpStatus: number;
  message: string;
}
/** No answer: connection refused/reset, DNS, timeout, or the caller aborted. The request may or may not have been performed. */
export interface NetworkOutcome {
  kind: 'network';
  error: string;
  timedOut: boolean;
  aborted?: true;
}
/** An answer that is not the documented envelope or does not match the response schema. */
export interface InvalidResponseOutcome {
  kind: 'invalid-response';
  error: string;
  issues?: Issue[];
  requestId?: string;
}
/** The request failed local validation; nothing was sent. */
export interface InvalidRequestOutcome {
  kind: 'invalid-request';
  error: string;
  issues: Issue[];
}

export type TrtcOutcome<T> = OkOutcome<T> | ErrorOutcome | HttpErrorOutcome | NetworkOutcome | InvalidResponseOutcome | InvalidRequestOutcome;
export type TrtcOutcomeKind = TrtcOutcome<unknown>['kind'];
