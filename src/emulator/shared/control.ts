import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { BodyTooLarge, ClientGone, parseJson, readBody, sendJson } from '../http';

/** `after` runs once the reply is sent, since the reply may travel on the listener it takes down. */
export interface ControlResult {
  reply: { status: number; body: unknown };
  after?: () => void;
}

export const answer = (status: number, body: unknown): ControlResult => ({ reply: { status, body } });

export const controlError = (status: number, message: string, field?: string): ControlResult =>
  answer(status, field === undefined ? { error: message } : { error: `${field}: ${message}`, field });

/** Validates a control body, naming the first bad field the way tests and demos read it. */
export function parseControl<T>(schema: z.ZodType<T>, body: unknown, what: string): { ok: true; value: T } | { ok: false; result: ControlResult } {
  const r = schema.safeParse(body ?? {});
  if (r.success) return { ok: true, value: r.data };
  const issue = r.error.issues[0];
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys.join(',')] : issue.path;
  const field = path.map(String).join('.') || 'body';
  return { ok: false, result: controlError(400, `invalid ${what}: ${issue.message}`, field) };
}

export function isControlPath(path: string): boolean {
  return path === '/__emulator' || path.startsWith('/__emulator/');
}

export interface ControlBodyLimits {
  maxBodyBytes: number;
  /** What an oversized body is called in the 400 answer; each emulator keeps the wording its clients already see. */
  tooLargeMessage: string;
}

/** Reads a control request's JSON body, lets `handle` decide, and sends its answer. */
export async function serveControl(
  req: IncomingMessage,
  res: ServerResponse,
  limits: ControlBodyLimits,
  handle: (body: unknown) => ControlResult,
): Promise<void> {
  let body: unknown;
  try {
    if (req.method === 'GET') req.resume();
    else body = parseJson(await readBody(req, limits.maxBodyBytes));
  } catch (err) {
    if (err instanceof ClientGone) return;
    const message = err instanceof BodyTooLarge ? limits.tooLargeMessage : 'body is not valid JSON';
    return sendJson(res, 400, { error: message, field: 'body' }, { Connection: 'close' });
  }
  const result = handle(body);
  if (result.after) {
    res.on('finish', result.after);
    return sendJson(res, result.reply.status, result.reply.body, { Connection: 'close' });
  }
  sendJson(res, result.reply.status, result.reply.body);
}

/** `/__emulator/faults`: list, clear, or queue one fault (validated by the vendor's schema); undefined for other methods. */
export function faultRoutes<S>(
  method: string,
  faults: { list(): unknown[]; clear(): void; add(spec: S): unknown },
  schema: z.ZodType<S, unknown>,
  body: unknown,
): ControlResult | undefined {
  if (method === 'GET') return answer(200, { faults: faults.list() });
  if (method === 'DELETE') {
    faults.clear();
    return answer(200, { faults: [] });
  }
  if (method === 'POST') {
    const p = parseControl(schema, body, 'fault');
    if (!p.ok) return p.result;
    return answer(201, { fault: faults.add(p.value) });
  }
  return undefined;
}

/** What both emulators keep that their control API reads and resets. */
export interface ControlState {
  store: { reset(): void; liveCount(caller: string): number };
  faults: { clear(): void };
  stats: { snapshot(live: (caller: string) => number): unknown; requests(since: number): unknown[]; reset(): void };
  limiter: { reset(): void };
  apps: { reset(): void };
  /** The callback observer (what was reported) and the sender (log, faults, deliveries); their settings stay. */
  callbacks: { reset(): void; sender: { reset(): void } };
}

/** `GET /__emulator/stats`, `GET /__emulator/requests?since=`, `POST /__emulator/reset`; undefined for other routes. */
export function stateRoutes(route: string, query: URLSearchParams, deps: ControlState): ControlResult | undefined {
  if (route === 'GET /__emulator/stats') return answer(200, deps.stats.snapshot((caller) => deps.store.liveCount(caller)));
  if (route === 'GET /__emulator/requests') {
    const raw = query.get('since');
    const since = raw === null || raw === '' ? 0 : Number(raw);
    if (!Number.isFinite(since)) return controlError(400, 'must be epoch milliseconds', 'since');
    return answer(200, { requests: deps.stats.requests(since) });
  }
  if (route === 'POST /__emulator/reset') {
    deps.store.reset();
    deps.faults.clear();
    deps.stats.reset();
    deps.limiter.reset();
    deps.apps.reset();
    deps.callbacks.reset();
    deps.callbacks.sender.reset();
    return answer(200, { ok: true });
  }
  return undefined;
}
