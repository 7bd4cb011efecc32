import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ClientGone, isObject } from '../http';
import type { RateLimiter } from '../rate-limit';
import { TrtcError } from './errors';
import type { FaultQueue } from '../shared/fault-queue';
import { defaultFaultMessage, type TrtcFault, type TrtcFaultSpec } from './faults';
import { ACTIONS, type Action, type TrtcOperations } from './operations';
import type { TrtcStore } from './state';
import type { TrtcLogEntry, TrtcStats } from './stats';
import { verifyTc3, type Credentials } from './tc3';

export const API_VERSION = '2019-07-22';
export const MAX_BODY_BYTES = 1024 * 1024;
/** Union of the regions the zh and en pages list for the recording actions (spec §1.1). */
export const REGIONS = ['ap-beijing', 'ap-guangzhou', 'ap-shanghai', 'ap-singapore', 'ap-mumbai'];

/** What the gateway answers: an HTTP status (200 for every API error) and a body, or no answer at all. */
export type TrtcReply = { status: number; body: unknown; headers?: Record<string, string> } | { hang: true };

export interface GatewayDeps {
  accounts: readonly Credentials[];
  store: TrtcStore;
  ops: TrtcOperations;
  faults: FaultQueue<TrtcFaultSpec>;
  limiter: RateLimiter;
  qps: number;
  stats: TrtcStats;
  sleep(ms: number): Promise<void>;
}

class TooLarge extends Error {}

function readRaw(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (err: Error | null) => {
      if (done) return;
      done = true;
      if (err) reject(err);
      else resolve(Buffer.concat(chunks));
    };
    req.on('data', (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > limit) {
        req.pause();
        return finish(new TooLarge());
      }
      chunks.push(c);
    });
    req.on('end', () => finish(null));
    req.on('error', finish);
    req.on('close', () => finish(new ClientGone('request closed before its body ended')));
  });
}

const envelope = (requestId: string, inner: Record<string, unknown>) => ({ Response: { ...inner, RequestId: requestId } });
const errorBody = (requestId: string, code: string, message: string) => envelope(requestId, { Error: { Code: code, Message: message } });

/**
 * API 3.0 pipeline: path/method → body → action and version → TC3 signature → region → per-account QPS →
 * JSON → fault injection → the action. API errors are HTTP 200 with the error envelope (spec §1.4, §7.6).
 */
export async function handleApi(deps: GatewayDeps, req: IncomingMessage, path: string): Promise<{ reply: TrtcReply; entry: TrtcLogEntry }> {
  const at = deps.store.now();
  const requestId = randomUUID();
  const h = (n: string) => {
    const v = req.headers[n];
    return Array.isArray(v) ? v[0] : v;
  };
  const entry: TrtcLogEntry = { action: h('x-tc-action') ?? null, secretId: null, sdkAppId: null, roomId: null, userId: null, taskId: null, httpStatus: 0, code: null, requestId, at };
  const traceId = h('x-tc-traceid');
  const headers: Record<string, string> = traceId ? { 'X-TC-TraceId': traceId } : {};
  const done = (r: TrtcReply) => {
    if ('status' in r) {
      entry.httpStatus = r.status;
      const err = isObject(r.body) && isObject(r.body.Response) ? r.body.Response.Error : undefined;
      entry.code = isObject(err) && typeof err.Code === 'string' ? err.Code : null;
    }
    return { reply: r, entry };
  };
  const fail = (code: string, message: string, status = 200) => done({ status, body: errorBody(requestId, code, message), headers });

  if (path !== '/') {
    req.resume();
    return fail('InvalidRequest', 'API 3.0 requests go to the path "/".', 404);
  }
  if (req.method !== 'POST') {
    req.resume();
    return fail('UnsupportedProtocol', 'This endpoint accepts API 3.0 POST requests with a JSON body (TC3-HMAC-SHA256).');
  }
  let raw: Buffer;
  try {
    raw = await readRaw(req, MAX_BODY_BYTES);
  } catch (err) {
    if (err instanceof TooLarge) return done({ status: 200, body: errorBody(requestId, 'RequestSizeLimitExceeded', 'The request body exceeds 1 MB.'), headers: { ...headers, Connection: 'close' } });
    throw err;
  }

  const action = h('x-tc-action');
  if (!action) return fail('MissingParameter', 'The request is missing a required parameter `Action` (header X-TC-Action).');
  if (!(ACTIONS as readonly string[]).includes(action)) return fail('InvalidAction', `The action \`${action}\` does not exist.`);
  const version = h('x-tc-version');
  if (!version) return fail('MissingParameter', 'The request is missing a required parameter `Version` (header X-TC-Version).');
  if (version !== API_VERSION) return fail('NoSuchVersion', `The API version \`${version}\` does not exist; use ${API_VERSION}.`);
  const type = h('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) return fail('InvalidRequest', 'Content-Type must be application/json for TC3-HMAC-SHA256 POST requests.');

  const auth = verifyTc3(req.headers, raw, deps.accounts, Math.floor(at / 1000));
  if (!auth.ok) return fail(auth.code, auth.message);
  entry.secretId = auth.secretId;

  const region = h('x-tc-region');
  if (!region) return fail('MissingParameter', 'The request is missing a required parameter `Region` (header X-TC-Region).');
  if (!REGIONS.includes(region)) return fail('UnsupportedRegion', `The region \`${region}\` is not supported by ${action}.`);

  deps.stats.seen(auth.secretId, at);
  // 20 QPS per account, shared by the four actions (spec §3.1; §8.2 leaves the code open: RequestLimitExceeded).
  if (!deps.limiter.admit(auth.secretId, at))
    return fail('RequestLimitExceeded', `Your current request times exceed the frequency limit of ${deps.qps} per second. Please reduce the frequency of calls.`);

  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return fail('InvalidParameter', 'The request body is not valid JSON.');
  }
  if (isObject(body)) {
    if (typeof body.SdkAppId === 'number') entry.sdkAppId = body.SdkAppId;
    if (typeof body.RoomId === 'string') entry.roomId = body.RoomId;
    if (typeof body.UserId === 'string') entry.userId = body.UserId;
    if (typeof body.TaskId === 'string') {
      entry.taskId = body.TaskId;
      const t = deps.store.tasks.get(body.TaskId);
      entry.roomId ??= t?.roomId ?? null;
      entry.userId ??= t?.userId ?? null;
    }
  }

  const perform = (): TrtcReply => {
    try {
      return { status: 200, body: envelope(requestId, deps.ops.run(action as Action, body, auth.secretId)), headers };
    } catch (err) {
      if (err instanceof TrtcError) return { status: 200, body: errorBody(requestId, err.code, err.message), headers };
      throw err;
    }
  };
  const fault = deps.faults.take(action as Action, entry);
  if (!fault) {
    const r = perform();
    if ('status' in r && action === 'CreateCloudRecording' && isObject(r.body) && isObject(r.body.Response) && typeof r.body.Response.TaskId === 'string')
      entry.taskId = r.body.Response.TaskId;
    return done(r);
  }
  return done(await inject(deps, fault, requestId, headers, perform));
}

/** Without `apply` the action is skipped (a pure delay performs it after the wait); with `apply` it runs first and only the answer is replaced. */
async function inject(deps: GatewayDeps, fault: TrtcFault, requestId: string, headers: Record<string, string>, perform: () => TrtcReply): Promise<TrtcReply> {
  const performed = fault.apply ? perform() : undefined;
  if (fault.delayMs) await deps.sleep(fault.delayMs);
  if (fault.effect === 'hang') return { hang: true };
  if (fault.httpStatus !== undefined) return { status: fault.httpStatus, body: { message: fault.message ?? 'injected gateway fault' }, headers };
  if (fault.code !== undefined) return { status: 200, body: errorBody(requestId, fault.code, fault.message ?? defaultFaultMessage(fault.code)), headers };
  return performed ?? perform();
}
