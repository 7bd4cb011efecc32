import { z } from 'zod';
import type { Queued } from './shared/fault-queue';

export const FAULT_OPS = ['acquire', 'start', 'query', 'update', 'updateLayout', 'stop', '*'] as const;
export type Op = Exclude<(typeof FAULT_OPS)[number], '*'>;

export const faultSchema = z
  .strictObject({
    op: z.enum(FAULT_OPS),
    times: z.int().min(1).max(1_000_000).default(1),
    httpStatus: z.int().min(100).max(599).optional(),
    code: z.int().optional(),
    reason: z.string().optional(),
    /** Answer in the gateway's form `{message}` instead of `{code, reason}`, e.g. 400 "appid is invalid". */
    message: z.string().min(1).optional(),
    delayMs: z.int().min(0).max(3_600_000).optional(),
    effect: z.enum(['stuck', 'hang']).optional(),
    apply: z.boolean().optional(),
    match: z
      .strictObject({ cname: z.string().optional(), uid: z.string().optional(), appId: z.string().optional() })
      .optional(),
  })
  .superRefine((f, ctx) => {
    if (f.httpStatus === undefined && f.delayMs === undefined && f.effect === undefined)
      ctx.addIssue({ code: 'custom', path: ['httpStatus'], message: 'a fault needs httpStatus, delayMs or effect' });
    if ((f.code !== undefined || f.reason !== undefined || f.message !== undefined) && f.httpStatus === undefined)
      ctx.addIssue({ code: 'custom', path: ['httpStatus'], message: 'code/reason/message need an httpStatus' });
    if (f.message !== undefined && (f.code !== undefined || f.reason !== undefined))
      ctx.addIssue({ code: 'custom', path: ['message'], message: 'message (gateway body) excludes code/reason (service body)' });
    // A stuck task only makes sense for start; "*" would burn the fault on the first request of any kind.
    if (f.effect === 'stuck' && f.op !== 'start')
      ctx.addIssue({ code: 'custom', path: ['effect'], message: '"stuck" applies to op "start" only' });
  });

export type FaultSpec = z.output<typeof faultSchema>;
export type Fault = Queued<FaultSpec>;

/** Vendor-documented code/reason for an injected status when the fault doesn't name one (spec §7.1). */
export function defaultFaultBody(op: Op, httpStatus: number): { code: number; reason: string } {
  switch (httpStatus) {
    case 201:
      return { code: 7, reason: 'already started' };
    case 206:
      return { code: 65, reason: 'request not completed' };
    case 400:
      return { code: 2, reason: 'invalid parameter' };
    case 404:
      return { code: 404, reason: 'failed to find worker' };
    case 500:
      if (op === 'start') return { code: 502, reason: 'Failed to allocate worker' };
      return { code: 500, reason: 'internal_error' };
    case 501:
      return { code: 501, reason: 'no_worker_manager_available' };
    case 504:
      return { code: 62, reason: 'request timeout' };
    default:
      return { code: httpStatus, reason: 'injected fault' };
  }
}

/** Statuses answered by the API gateway, whose body is `{message}` rather than `{code, reason}`. */
export const GATEWAY_MESSAGES: Record<number, string> = {
  401: 'Invalid authentication credentials',
  429: 'API rate limit exceeded',
};
