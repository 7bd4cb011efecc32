/**
 * What a vendor call meant, as the workflow sees it. Activities translate the provider
 * client's answers into this JSON-safe union, so workflow history stays small, holds no
 * secrets, and the orchestration does not depend on any one vendor's client types.
 */
export interface VendorMeta {
  httpStatus?: number;
  code?: number;
  reason?: string;
  message?: string;
  requestId?: string;
  host?: string;
}

export type VendorResult<T> =
  | ({ kind: 'ok'; data: T } & VendorMeta)
  | ({ kind: 'already-started'; sid?: string } & VendorMeta)
  | ({ kind: 'partial' } & VendorMeta)
  | ({ kind: 'not-found' } & VendorMeta)
  | ({ kind: 'rate-limited' } & VendorMeta)
  | ({ kind: 'client-error' } & VendorMeta)
  | ({ kind: 'server-error' } & VendorMeta)
  /** No usable answer: network error, timeout, an answer we could not parse, or the activity itself failed. */
  | ({ kind: 'unavailable'; error: string } & VendorMeta);

export interface AcquireData {
  resourceId: string;
}
export interface StartData {
  sid: string;
}
export interface QueryData {
  status?: number;
  files: string[];
}
export interface StopData {
  files: string[];
  uploadingStatus?: string;
}

/** One line for state, logs and failure messages: "HTTP 400 code 53 (task conflict)". */
export function describeResult(r: VendorResult<unknown>): string {
  const parts: string[] = [r.kind];
  if (r.httpStatus !== undefined) parts.push(`HTTP ${r.httpStatus}`);
  if (r.code !== undefined) parts.push(`code ${r.code}`);
  const text = r.reason ?? r.message ?? (r.kind === 'unavailable' ? r.error : undefined);
  if (text) parts.push(`(${text})`);
  return parts.join(' ');
}
