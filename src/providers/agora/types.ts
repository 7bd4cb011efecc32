import type { Dispatcher } from 'undici';

export type RecordingMode = 'individual' | 'mix' | 'web';

/** pino-compatible subset; the client only ever passes redacted, secret-free objects. */
export interface AgoraLogger {
  warn(obj: object, msg?: string): void;
}

export interface AgoraClientConfig {
  /** [primary, alternate?] e.g. ['https://api.agora.io', 'https://api.sd-rtn.com'] (spec §1.1). */
  baseUrls: readonly string[];
  customerId: string;
  customerSecret: string;
  /** Per attempt, covers connect + headers + body. Default 10 000. */
  timeoutMs?: number;
  /**
   * Per attempt for a synchronous stop (async_stop not true): the vendor answers only after
   * uploading, which may take ~20 s (spec §4.6). Default max(timeoutMs, 30 000).
   */
  syncStopTimeoutMs?: number;
  /** Default true: primary, primary again, then alternate on network errors (spec §1.1). false: one attempt. */
  failover?: boolean;
  /** Default true: check request bodies against the zod schemas before sending. */
  validateRequests?: boolean;
  /**
   * HTTP attempts per App ID per second from this client, evenly spaced (spec §1.3: 10 QPS per
   * App ID). Unset: no client-side limit.
   */
  maxRequestsPerSecond?: number;
  /** Tests inject a MockAgent here; an injected dispatcher is not closed by close(). */
  dispatcher?: Dispatcher;
  logger?: AgoraLogger;
}

export interface CallOptions {
  timeoutMs?: number;
  /** e.g. the Temporal activity's cancellation signal; aborting ends the call without failover. */
  signal?: AbortSignal;
}

export interface Issue {
  path: string;
  message: string;
}

interface Answered {
  /** `X-Request-Id` response header, when present. */
  requestId?: string;
  /** Origin (scheme://host:port) of the base URL that answered; never carries credentials. */
  host: string;
}

interface VendorError {
  code?: number;
  reason?: string;
  message?: string;
}

export interface OkOutcome<T> extends Answered {
  kind: 'ok';
  httpStatus: 200;
  body: T;
}
export interface AlreadyStartedOutcome extends Answered {
  kind: 'already-started';
  httpStatus: 201;
  code?: number;
  reason?: string;
  sid?: string;
  resourceId?: string;
}
export interface PartialOutcome extends Answered {
  kind: 'partial';
  httpStatus: 206;
  code?: number;
  reason?: string;
  /** Parsed JSON body as received (may contain serverResponse on stop). */
  body?: unknown;
}
export interface NotFoundOutcome extends Answered, VendorError {
  kind: 'not-found';
  httpStatus: 404;
}
export interface RateLimitedOutcome extends Answered {
  kind: 'rate-limited';
  httpStatus: 429;
  message?: string;
}
export interface ClientErrorOutcome extends Answered, VendorError {
  kind: 'client-error';
  httpStatus: number;
  /** 404 `no Route matched with those values`: wrong URL/method — a bug on our side, not a missing task. */
  noRoute?: true;
  /** First bytes of a non-JSON body. */
  bodySnippet?: string;
}
export interface ServerErrorOutcome extends Answered, VendorError {
  kind: 'server-error';
  httpStatus: number;
  bodySnippet?: string;
}
/** A 200 whose body does not match the schema, or a status the API never documents (e.g. 204, 302). */
export interface InvalidResponseOutcome extends Answered {
  kind: 'invalid-response';
  httpStatus: number;
  error: string;
  issues: Issue[];
  bodySnippet?: string;
}
/** Request body failed local validation; nothing was sent. */
export interface InvalidRequestOutcome {
  kind: 'invalid-request';
  error: string;
  issues: Issue[];
}
/** No HTTP answer from any host tried. */
export interface NetworkOutcome {
  kind: 'network';
  error: string;
  timedOut: boolean;
  /** Caller's signal aborted the call. */
  aborted?: true;
  /** In order, one entry per attempt, e.g. [primary, primary, alternate]. */
  hostsTried: string[];
}

export type AgoraOutcome<T> =
  | OkOutcome<T>
  | AlreadyStartedOutcome
  | PartialOutcome
  | NotFoundOutcome
  | RateLimitedOutcome
  | ClientErrorOutcome
  | ServerErrorOutcome
  | InvalidResponseOutcome
  | InvalidRequestOutcome
  | NetworkOutcome;

/** Normalised view of query/stop `serverResponse` (all modes). */
export interface RecordedFile {
  fileName: string;
  trackType?: string;
  uid?: string;
  mixedAllUser?: boolean;
  isPlayable?: boolean;
  sliceStartTime?: number;
}
export interface ServerResponseView {
  status?: number;
  files: RecordedFile[];
  uploadingStatus?: string;
  /** web mode: web_recorder_service payload.state ('init' | 'inProgress' | 'exit'). */
  webRecorderState?: string;
}
