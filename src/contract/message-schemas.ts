/**
 * zod mirrors of the interfaces in messages.ts (state, result, failure details, update result,
 * stop request), so the language-neutral JSON Schemas in contract/ can be generated from them.
 * messages.ts stays the source of truth: the checks at the bottom fail the type-check whenever a
 * field is added, removed or retyped on one side only (then `npm run contract` regenerates).
 */
import { z } from 'zod';
import type { VendorDetail } from './detail';
import { PHASES, type RecordingFailureDetails, type RecordingState, type RecordingSummary, type Segment, type Slot, type StopRequest, type UpdateResult } from './messages';

const isoTime = z.string().describe('ISO-8601 time');

export const vendorDetailSchema = z.object({
  httpStatus: z.number().int().optional(),
  code: z.string().optional(),
  reason: z.string().optional(),
  requestId: z.string().optional(),
  host: z.string().optional(),
});

export const segmentSchema = z.object({
  index: z.number().int(),
  lane: z.number().int(),
  identity: z.string(),
  lease: z.string().optional(),
  recorderId: z.string().optional(),
  requestedAt: isoTime,
  startedAt: isoTime.optional(),
  confirmedAt: isoTime.optional(),
  lastAliveAt: isoTime.optional(),
  endedAt: isoTime.optional(),
  endReason: z.string().optional(),
  unmanageable: z.boolean().optional(),
  adopted: z.boolean().optional(),
  files: z.array(z.string()),
  playlist: z.string().optional(),
  uploadingStatus: z.string().optional(),
  credentialExpiresAt: isoTime.optional(),
  manageableUntil: isoTime.optional(),
  vendor: z.record(z.string(), z.string()).optional(),
  subscriptionsVersion: z.number().int(),
  layoutVersion: z.number().int(),
});

export const slotSchema = z.object({
  lane: z.number().int(),
  switches: z.number().int(),
  consecutiveFailures: z.number().int(),
  nextPollAt: isoTime.optional(),
});

export const recordingStateSchema = z.object({
  recordingId: z.string(),
  provider: z.string(),
  account: z.string(),
  channel: z.string(),
  phase: z.enum(PHASES),
  identities: z.array(z.string()),
  slots: z.array(slotSchema),
  segments: z.array(segmentSchema),
  restarts: z.number().int(),
  lastStatus: z.union([z.string(), z.number()]).optional(),
  lastError: z.string().optional(),
  lastVendorDetail: vendorDetailSchema.optional(),
  waiting: z.object({ reason: z.string(), until: isoTime }).optional(),
  stopRequestedAt: isoTime.optional(),
  stopReason: z.string().optional(),
  desired: z.object({
    subscriptions: z.record(z.string(), z.unknown()).optional(),
    subscriptionsVersion: z.number().int(),
    layout: z.record(z.string(), z.unknown()).optional(),
    layoutVersion: z.number().int(),
  }),
  runs: z.number().int(),
});

export const recordingSummarySchema = z.object({
  recordingId: z.string(),
  provider: z.string(),
  account: z.string(),
  channel: z.string(),
  status: z.literal('stopped'),
  stopReason: z.string().optional(),
  segments: z.array(segmentSchema),
  restarts: z.number().int(),
  files: z.array(z.string()),
  uploadingStatus: z.string().optional(),
  nothingRecorded: z.boolean(),
  stopUncertain: z.string().optional(),
});

export const recordingFailureDetailsSchema = vendorDetailSchema.extend({ segments: z.array(segmentSchema) });

export const updateResultSchema = z.object({
  applied: z.boolean(),
  recorderId: z.string().optional(),
  detail: z.string(),
});

export const stopRequestSchema = z.object({ reason: z.string().optional() });

// Compile-time drift checks: each schema's type must equal its interface exactly.
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const same = <A, B>(ok: Same<A, B>) => ok;
same<z.output<typeof vendorDetailSchema>, VendorDetail>(true);
same<z.output<typeof segmentSchema>, Segment>(true);
same<z.output<typeof slotSchema>, Slot>(true);
same<z.output<typeof recordingStateSchema>, RecordingState>(true);
same<z.output<typeof recordingSummarySchema>, RecordingSummary>(true);
same<z.output<typeof recordingFailureDetailsSchema>, RecordingFailureDetails>(true);
same<z.output<typeof updateResultSchema>, UpdateResult>(true);
same<z.output<typeof stopRequestSchema>, StopRequest>(true);
