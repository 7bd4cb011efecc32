/**
 * The fields every recording request has, whatever its provider, and the one way inputs are
 * validated and reported. Secrets have no field here on purpose: credentials, tokens and storage
 * keys live in the worker's config, and a recording names its storage profile only.
 */
import { z } from 'zod';
import { formatIssues, InvalidInputError } from './input-errors';
import type { TimingOverrides } from './timings';
import { timingOverridesSchema } from './timing-schemas';
import { notifyRequestSchema, type NotifyRequest } from '../notifications/types';

/** "required" when absent, "must be a string" when of another type. */
export function requiredString(issue: { input: unknown }): string {
  return issue.input === undefined ? 'is required' : 'must be a string';
}

export const recordingIdSchema = z
  .string({ error: requiredString })
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9._:@-]+$/, 'may contain only letters, digits and . _ : @ -');

/** Recorder identities (uids, robot UserIds): two at least, so a restart never reuses a live one; all distinct. */
export function identitiesSchema(identity: z.ZodType<string>) {
  return z
    .array(identity)
    .min(2, 'needs at least 2 identities: a restart must not reuse the identity of a recorder that may linger')
    .max(16)
    .refine((ids) => new Set(ids).size === ids.length, 'must all differ');
}

export { formatIssues, identitiesNeeded, InvalidInputError } from './input-errors';

/** Fields shared by every provider's request schema. */
export const commonRequestFields = {
  recordingId: recordingIdSchema,
  storageProfile: z.string().min(1).default('default'),
  timings: timingOverridesSchema.optional(),
  /**
   * Keep the recording open after stop until the vendor's upload callbacks settle every segment
   * (phase `uploading`, at most timings.uploadDeadlineMs). Needs the callback receiver; without it
   * the segments end 'unknown' at the deadline, so it is off unless asked for.
   */
  trackUploads: z.boolean().default(false),
  /**
   * Recorders running at once, each on its own lane (own identities, own restarts and handovers):
   * the vendor's advice for critical recordings (seed 000). Each lane is a billed recorder.
   */
  redundancy: z.int().min(1).max(4).default(1),
  /** Backend notifications for this recording (docs/notifications.md); the signing secret is the worker's. */
  notify: notifyRequestSchema.optional(),
};

/** What the lifecycle reads of any provider's validated request. */
export interface RecordingInputBase {
  recordingId: string;
  provider: string;
  channel: string;
  storageProfile: string;
  identities?: string[];
  timings?: TimingOverrides;
  trackUploads?: boolean;
  redundancy?: number;
  notify?: NotifyRequest;
  subscriptions?: Record<string, unknown>;
  layout?: Record<string, unknown>;
}

export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new InvalidInputError(formatIssues(r.error, prefix));
  return r.data;
}

/** Buffer is not in the workflow sandbox; TextEncoder is. */
export function utf8Bytes(s: string): number {
  return new TextEncoder().encode(s).length;
}
