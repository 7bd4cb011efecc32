import type { z } from 'zod';
import type { Issue, TrtcErrorClass, TrtcOutcome } from './types';

/** Codes callers branch on (spec §4.1, plus this project's choices for §8's open points). */
export const TrtcCode = {
  InternalError: 'InternalError.CRInternalError',
  RestrictedConcurrency: 'FailedOperation.RestrictedConcurrency',
  /** Chosen (spec §8.2) for over-QPS, by the emulator and expected from the vendor. */
  RequestLimitExceeded: 'RequestLimitExceeded',
  /** Chosen (spec §8.1) for an exited, unknown or expired TaskId. */
  ResourceNotFound: 'ResourceNotFound',
  SignatureFailure: 'AuthFailure.SignatureFailure',
} as const;

export function trtcErrorClass(code: string): TrtcErrorClass {
  const first = code.split('.')[0];
  if (code === TrtcCode.RestrictedConcurrency) return 'restricted-concurrency';
  if (code === 'ResourceNotFound' || code.startsWith('ResourceNotFound.') || code === 'FailedOperation.TaskNotExist') return 'not-found';
  switch (first) {
    case 'InvalidParameter':
    case 'InvalidParameterValue':
    case 'UnknownParameter':
      return 'invalid-parameter';
    case 'MissingParameter':
      return 'missing-parameter';
    case 'AuthFailure':
    case 'UnauthorizedOperation':
      return 'auth';
    case 'InternalError':
      return 'internal';
    case 'RequestLimitExceeded':
      return 'rate-limited';
    case 'FailedOperation':
      return 'failed-operation';
    default:
      return 'other';
  }
}

export function zodIssues(error: z.ZodError): Issue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }));
}

export function issuesText(issues: Issue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join('; ');
}

/**
 * Maps what Tencent's SDK threw to an outcome. The SDK throws TencentCloudSDKHttpException with `.code` for an
 * error envelope, with `.httpCode` for a non-200 status, with neither for a transport failure (its message is
 * node-fetch's); a body that is not JSON or lacks `Response` surfaces as a FetchError 'invalid-json' or TypeError.
 */
export function fromSdkError(e: unknown, ctx: { timedOut: boolean; aborted: boolean; timeoutMs: number }): TrtcOutcome<never> {
  const err = (typeof e === 'object' && e !== null ? e : {}) as { code?: unknown; httpCode?: unknown; requestId?: unknown; message?: unknown; type?: unknown; name?: unknown };
  const message = typeof err.message === 'string' ? err.message : String(e);
  if (typeof err.code === 'string' && err.code !== '') {
    return { kind: 'error', code: err.code, message, requestId: typeof err.requestId === 'string' ? err.requestId : '', errorClass: trtcErrorClass(err.code) };
  }
  if (typeof err.httpCode === 'number') return { kind: 'http-error', httpStatus: err.httpCode, message };
  if (ctx.timedOut) return { kind: 'network', error: `timeout: no answer within ${ctx.timeoutMs} ms`, timedOut: true };
  if (ctx.aborted) return { kind: 'network', error: 'aborted by caller', timedOut: false, aborted: true };
  if (err.type === 'invalid-json' || err.name === 'TypeError' || err.name === 'SyntaxError')
    return { kind: 'invalid-response', error: `answer is not an API 3.0 envelope: ${message}` };
  return { kind: 'network', error: message, timedOut: /network timeout/i.test(message) };
}

/** One-line, secret-free summary for logs and activity failures. */
export function describeOutcome(action: string, o: TrtcOutcome<unknown>): string {
  switch (o.kind) {
    case 'ok':
      return `trtc ${action}: ok (RequestId ${o.requestId})`;
    case 'error':
      return `trtc ${action}: ${o.code} (${o.errorClass}): ${o.message} (RequestId ${o.requestId || 'none'})`;
    case 'http-error':
      return `trtc ${action}: HTTP ${o.httpStatus} ${o.message}`.trimEnd();
    case 'network':
      return `trtc ${action}: network ${o.aborted ? 'aborted' : o.timedOut ? 'timeout' : 'error'} (${o.error})`;
    case 'invalid-response':
    case 'invalid-request':
      return `trtc ${action}: ${o.kind}: ${o.error}`;
  }
}
