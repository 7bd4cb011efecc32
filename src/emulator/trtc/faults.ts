import { z } from 'zod';
import type { Queued } from '../shared/fault-queue';
import { ACTIONS, type Action } from './operations';

/** Short names accepted in `op` beside the action names, so fault specs read like Agora's (`op: 'create'`). */
const SHORT: Record<string, Action> = {
  create: 'CreateCloudRecording',
  describe: 'DescribeCloudRecording',
  modify: 'ModifyCloudRecording',
  delete: 'DeleteCloudRecording',
};

export const trtcFaultSchema = z
  .strictObject({
    op: z.enum([...ACTIONS, 'create', 'describe', 'modify', 'delete', '*']).transform((o) => (SHORT[o] ?? o) as Action | '*'),
    times: z.int().min(1).max(1_000_000).default(1),
    /** API error code answered in the envelope with HTTP 200, e.g. "InternalError.CRInternalError". */
    code: z.string().regex(/^[A-Za-z]+(\.[A-Za-z0-9]+)*$/, 'must look like FirstLevel.SecondLevel').optional(),
    message: z.string().min(1).optional(),
    /** A non-200 answer as a broken gateway would give (the SDK surfaces it with httpCode and no code). */
    httpStatus: z.int().min(201).max(599).optional(),
    delayMs: z.int().min(0).max(3_600_000).optional(),
    effect: z.literal('hang').optional(),
    /** Perform the action anyway and only replace the answer, like a reply lost on its way back. */
    apply: z.boolean().optional(),
    match: z
      .strictObject({
        sdkAppId: z.int().optional(),
        roomId: z.string().optional(),
        userId: z.string().optional(),
        taskId: z.string().optional(),
      })
      .optional(),
  })
  .superRefine((f, ctx) => {
    if (f.code === undefined && f.httpStatus === undefined && f.delayMs === undefined && f.effect === undefined)
      ctx.addIssue({ code: 'custom', path: ['code'], message: 'a fault needs code, httpStatus, delayMs or effect' });
    if (f.code !== undefined && f.httpStatus !== undefined)
      ctx.addIssue({ code: 'custom', path: ['httpStatus'], message: 'code (HTTP 200 envelope) excludes httpStatus' });
    if (f.message !== undefined && f.code === undefined && f.httpStatus === undefined)
      ctx.addIssue({ code: 'custom', path: ['message'], message: 'message needs a code or an httpStatus' });
  });

export type TrtcFaultSpec = z.output<typeof trtcFaultSchema>;
export type TrtcFault = Queued<TrtcFaultSpec>;

/** Message for an injected code when the fault gives none. */
export function defaultFaultMessage(code: string): string {
  if (code.startsWith('InternalError')) return 'Cloud recording internal error, please retry with the same parameters.';
  if (code === 'FailedOperation.RestrictedConcurrency') return 'Concurrent recording tasks exceed the limit.';
  if (code.startsWith('RequestLimitExceeded')) return 'Your current request times exceed the frequency limit.';
  if (code === 'ResourceNotFound') return 'The task does not exist or has exited.';
  return `injected fault ${code}`;
}
