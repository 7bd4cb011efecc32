import type { z } from 'zod';
import type { ServerResponse } from './schemas';
import type { AgoraOutcome, Issue, RecordedFile, ServerResponseView } from './types';

/** Body codes from spec §7.1/§8 that callers branch on. */
export const AgoraCode = {
  InvalidParameter: 2,
  AlreadyStarted: 7,
  AlreadyExiting: 49,
  UploadTimeout: 50,
  TaskConflict: 53,
  RequestTimeout: 62,
  NotCompleted: 65,
  WorkerNotFound: 404,
  VendorOverload: 406,
  ResourceExpired: 433,
  NoRecordedData: 435,
  AllocateWorkerFailed: 502,
} as const;

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  host: string;
}

const SNIPPET = 200;

/** Drops undefined keys so outcomes compare and serialise identically. */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseJson(text: string): { json?: unknown; isJson: boolean } {
  if (text.trim() === '') return { isJson: false };
  try {
    return { json: JSON.parse(text), isJson: true };
  } catch {
    return { isJson: false };
  }
}

/** Error bodies come as {code, reason} or {message}, often with echo fields (spec §3); read tolerantly. */
function errorFields(json: unknown): { code?: number; reason?: string; message?: string } {
  if (!isRecord(json)) return {};
  const c = json.code;
  const code =
    typeof c === 'number' && Number.isFinite(c) ? c : typeof c === 'string' && /^-?\d+$/.test(c) ? Number(c) : undefined;
  return compact({
    code,
    reason: typeof json.reason === 'string' ? json.reason : undefined,
    message: typeof json.message === 'string' ? json.message : undefined,
  });
}

function nonEmpty(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function zodIssues(error: z.ZodError): Issue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }));
}

export function issuesText(issues: Issue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join('; ');
}

export function classify<S extends z.ZodType>(label: string, a: RawAnswer, schema: S): AgoraOutcome<z.output<S>> {
  const rid = a.headers['x-request-id'];
  const base = compact({ requestId: Array.isArray(rid) ? rid[0] : rid, host: a.host });
  const { json, isJson } = parseJson(a.text);
  const bodySnippet = isRecord(json) || a.text === '' ? undefined : a.text.slice(0, SNIPPET);
  const err = errorFields(json);

  switch (a.status) {
    case 200: {
      if (!isJson) {
        const issues = [{ path: '(root)', message: a.text === '' ? 'empty body' : 'body is not JSON' }];
        return compact({ kind: 'invalid-response', httpStatus: 200, error: `${label}: ${issuesText(issues)}`, issues, bodySnippet, ...base });
      }
      const parsed = schema.safeParse(json);
      if (parsed.success) return { kind: 'ok', httpStatus: 200, body: parsed.data, ...base };
      const issues = zodIssues(parsed.error);
      return { kind: 'invalid-response', httpStatus: 200, error: `${label}: invalid response: ${issuesText(issues)}`, issues, ...base };
    }
    case 201: {
      const j = isRecord(json) ? json : {};
      return compact({
        kind: 'already-started',
        httpStatus: 201,
        code: err.code,
        reason: err.reason,
        sid: nonEmpty(j.sid),
        resourceId: nonEmpty(j.resourceId),
        ...base,
      });
    }
    case 206:
      return compact({ kind: 'partial', httpStatus: 206, code: err.code, reason: err.reason, body: json, ...base });
    case 404:
      // The gateway's route miss means our URL/method is wrong, not that the task is gone.
      if (err.code === undefined && /no route matched/i.test(err.message ?? '')) {
        return compact({ kind: 'client-error', httpStatus: 404, noRoute: true, ...err, ...base });
      }
      return compact({ kind: 'not-found', httpStatus: 404, ...err, ...base });
    case 429:
      return compact({ kind: 'rate-limited', httpStatus: 429, message: err.message, ...base });
  }
  if (a.status >= 400 && a.status < 500) return compact({ kind: 'client-error', httpStatus: a.status, ...err, bodySnippet, ...base });
  if (a.status >= 500 && a.status < 600) return compact({ kind: 'server-error', httpStatus: a.status, ...err, bodySnippet, ...base });
  const issues = [{ path: '(status)', message: `undocumented HTTP status ${a.status}` }];
  return compact({ kind: 'invalid-response', httpStatus: a.status, error: `${label}: ${issuesText(issues)}`, issues, bodySnippet, ...base });
}

/** Normalised query/stop serverResponse, all modes (spec §4.3, §4.6). */
export function serverResponseView(sr: ServerResponse | undefined): ServerResponseView {
  const files: RecordedFile[] = [];
  const pushAll = (list: unknown) => {
    if (typeof list === 'string') {
      if (list !== '') files.push({ fileName: list });
      return;
    }
    if (!Array.isArray(list)) return;
    for (const f of list) {
      if (!isRecord(f)) continue;
      const fileName = typeof f.fileName === 'string' ? f.fileName : typeof f.filename === 'string' ? f.filename : undefined;
      if (fileName === undefined) continue;
      files.push(
        compact({
          fileName,
          trackType: typeof f.trackType === 'string' ? f.trackType : undefined,
          uid: typeof f.uid === 'string' ? f.uid : undefined,
          mixedAllUser: typeof f.mixedAllUser === 'boolean' ? f.mixedAllUser : undefined,
          isPlayable: typeof f.isPlayable === 'boolean' ? f.isPlayable : undefined,
          sliceStartTime: typeof f.sliceStartTime === 'number' ? f.sliceStartTime : Number(f.sliceStartTime) || undefined,
        }),
      );
    }
  };
  if (!sr) return { files };
  pushAll(sr.fileList);
  let uploadingStatus = sr.uploadingStatus;
  let webRecorderState: string | undefined;
  for (const svc of sr.extensionServiceState ?? []) {
    const p = svc.payload ?? {};
    if (svc.serviceName === 'web_recorder_service') {
      pushAll(p.fileList);
      if (typeof p.state === 'string') webRecorderState = p.state;
    }
    if (typeof p.uploadingStatus === 'string') uploadingStatus ??= p.uploadingStatus;
  }
  return compact({ status: sr.status, files, uploadingStatus, webRecorderState });
}

/** One-line, secret-free summary for logs and activity error messages. */
export function describeOutcome(op: string, o: AgoraOutcome<unknown>): string {
  switch (o.kind) {
    case 'network':
      return `agora ${op}: network ${o.timedOut ? 'timeout' : 'error'} (${o.error}) after ${o.hostsTried.join(', ')}`;
    case 'invalid-request':
    case 'invalid-response':
      return `agora ${op}: ${o.kind}: ${o.error}`;
    default: {
      const x = o as { code?: number; reason?: string; message?: string };
      const detail = [x.code !== undefined ? `code ${x.code}` : '', x.reason ?? '', x.message ?? ''].filter(Boolean).join(' ');
      return `agora ${op}: ${o.kind} HTTP ${o.httpStatus}${detail ? ` (${detail})` : ''} from ${o.host}`;
    }
  }
}
