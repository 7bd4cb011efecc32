import type { IncomingMessage } from 'node:http';
import { INVALID_APP_MESSAGE, type InvalidApps } from './apps';
import { defaultFaultBody, GATEWAY_MESSAGES, type Fault, type FaultSpec, type Op } from './faults';
import type { FaultQueue } from './shared/fault-queue';
import { BodyTooLarge, isObject, parseJson, readBody, reply, type Reply } from './http';
import type { Operations, Route } from './operations';
import type { RateLimiter } from './rate-limit';
import type { Store } from './state';
import type { HostName, LogEntry, Stats } from './stats';
import { VendorError } from './validation';

export const MAX_BODY_BYTES = 1024 * 1024;

const BASE = '^/v1/apps/([^/]+)/cloud_recording';
const ACQUIRE = new RegExp(`${BASE}/acquire$`);
const START = new RegExp(`${BASE}/resourceid/([^/]+)/mode/([^/]+)/start$`);
const SID_OPS = new RegExp(`${BASE}/resourceid/([^/]+)/sid/([^/]+)/mode/([^/]+)/(query|update|updateLayout|stop)$`);

/** Paths and methods are case-sensitive; anything else is the gateway's 404. */
export function matchRoute(method: string, path: string): Route | null {
  const d = (s: string) => decodeURIComponent(s);
  try {
    let m = ACQUIRE.exec(path);
    if (m) return method === 'POST' ? { op: 'acquire', appId: d(m[1]) } : null;
    m = START.exec(path);
    if (m) return method === 'POST' ? { op: 'start', appId: d(m[1]), resourceId: d(m[2]), mode: d(m[3]) } : null;
    m = SID_OPS.exec(path);
    if (!m) return null;
    const op = m[5] as Op;
    if (method !== (op === 'query' ? 'GET' : 'POST')) return null;
    return { op, appId: d(m[1]), resourceId: d(m[2]), sid: d(m[3]), mode: d(m[4]) };
  } catch {
    return null; // malformed %-escapes
  }
}

export const NO_ROUTE = { message: 'no Route matched with those values' };

/** Basic auth as the gateway does it: a missing header and a wrong one get different 401 messages. */
export function authError(header: string | undefined, customerId: string, customerSecret: string): string | null {
  if (!header) return 'Unauthorized';
  const m = /^Basic\s+(\S+)\s*$/i.exec(header);
  if (!m) return 'Invalid authentication credentials';
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  return decoded === `${customerId}:${customerSecret}` ? null : 'Invalid authentication credentials';
}

export interface VendorDeps {
  customerId: string;
  customerSecret: string;
  store: Store;
  ops: Operations;
  faults: FaultQueue<FaultSpec>;
  limiter: RateLimiter;
  stats: Stats;
  apps: InvalidApps;
  /** Resolves after ms, or rejects once the emulator closes. */
  sleep(ms: number): Promise<void>;
}

/** Gateway pipeline: auth → App ID → QPS → body → fault injection → operation. Returns the reply and its log entry. */
export async function handleVendor(
  deps: VendorDeps,
  req: IncomingMessage,
  route: Route,
  host: HostName,
): Promise<{ reply: Reply; entry: LogEntry }> {
  const at = deps.store.now();
  const entry: LogEntry = { op: route.op, appId: route.appId, cname: null, uid: null, sid: route.sid ?? null, host, at, httpStatus: 0, code: null };
  const done = (r: Reply) => {
    if ('status' in r) {
      entry.httpStatus = r.status;
      entry.code = isObject(r.body) && typeof r.body.code === 'number' ? r.body.code : null;
    }
    return { reply: r, entry };
  };

  const auth = authError(req.headers.authorization, deps.customerId, deps.customerSecret);
  if (auth) {
    req.resume();
    return done(reply(401, { message: auth }));
  }
  deps.stats.seen(route.appId, at);
  if (deps.apps.has(route.appId)) {
    req.resume();
    return done(reply(400, { message: INVALID_APP_MESSAGE }));
  }
  if (!deps.limiter.admit(route.appId, at)) {
    req.resume();
    return done(reply(429, { message: GATEWAY_MESSAGES[429] }));
  }

  let body: unknown;
  try {
    body = await readRequestBody(req, route.op);
  } catch (err) {
    if (err instanceof VendorError) return done(reply(err.httpStatus, err.body));
    if (err instanceof BodyTooLarge) return done(reply(413, { message: 'Request size limit exceeded' }, { Connection: 'close' }));
    throw err;
  }

  if (isObject(body)) {
    if (typeof body.cname === 'string') entry.cname = body.cname;
    if (typeof body.uid === 'string') entry.uid = body.uid;
  } else if (route.sid) {
    const task = deps.store.tasks.get(route.sid);
    entry.cname = task?.cname ?? null;
    entry.uid = task?.uid ?? null;
  }

  const fault = deps.faults.take(route.op, { appId: route.appId, cname: entry.cname, uid: entry.uid });
  const perform = (stuck = false): Reply => {
    try {
      return deps.ops.run(route, body, stuck);
    } catch (err) {
      if (err instanceof VendorError) return reply(err.httpStatus, err.body);
      throw err;
    }
  };
  if (!fault) return done(perform());
  return done(await injectFault(deps, fault, route, entry, perform));
}

async function readRequestBody(req: IncomingMessage, op: Op): Promise<unknown> {
  if (op === 'query') {
    req.resume(); // GET: any body is ignored
    return undefined;
  }
  const type = req.headers['content-type'];
  // Wrong Content-Type is a documented cause of code 8; a missing one is tolerated.
  if (type !== undefined && !/^application\/json\b/i.test(type)) {
    req.resume();
    throw new VendorError(400, 8, 'invalid Content-Type, expected application/json');
  }
  const text = await readBody(req, MAX_BODY_BYTES);
  let body: unknown;
  try {
    body = parseJson(text);
  } catch {
    throw new VendorError(400, 8, 'request body is not valid JSON');
  }
  if (body === undefined) throw new VendorError(400, 8, 'request body is empty');
  return body;
}

/**
 * Without `apply` the operation is skipped (or, for a pure delay, performed after the wait); with `apply`
 * (and for "stuck") it is performed on arrival and only the answer is replaced, like a reply lost on the way back.
 */
async function injectFault(
  deps: VendorDeps,
  fault: Fault,
  route: Route,
  entry: LogEntry,
  perform: (stuck?: boolean) => Reply,
): Promise<Reply> {
  const performed = fault.apply || fault.effect === 'stuck' ? perform(fault.effect === 'stuck') : undefined;
  if (fault.delayMs) await deps.sleep(fault.delayMs);
  if (fault.effect === 'hang') return { hang: true };
  if (fault.httpStatus === undefined) return performed ?? perform();
  if (fault.message !== undefined) return reply(fault.httpStatus, { message: fault.message });

  const gateway = GATEWAY_MESSAGES[fault.httpStatus];
  if (gateway && fault.code === undefined) return reply(fault.httpStatus, { message: gateway });
  if (fault.httpStatus === 429) return reply(429, { message: gateway });
  const defaults = defaultFaultBody(route.op, fault.httpStatus);
  const echo: Record<string, string> = {};
  if (entry.cname !== null) echo.cname = entry.cname;
  if (entry.uid !== null) echo.uid = entry.uid;
  if (route.resourceId !== undefined) echo.resourceId = route.resourceId;
  // A start whose reply was lost never told the client its sid.
  if (route.op === 'start') echo.sid = '';
  else if (route.sid !== undefined) echo.sid = route.sid;
  return reply(fault.httpStatus, { ...echo, code: fault.code ?? defaults.code, reason: fault.reason ?? defaults.reason });
}
