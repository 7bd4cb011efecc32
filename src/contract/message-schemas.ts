/**
 * zod mirrors of the interfaces in messages.ts (state, result, failure details, update result,
 * stop request), so the language-neutral JSON Schemas in contract/ can be generated from them.
 * messages.ts stays the source of truth: the checks at the bottom fail the type-check whenever a
 * field is added, removed or retyped on one side only (then `npm run contract` regenerates).
 */
import { z } from 'zod';
import type { Coverage } from './coverage';
import type { VendorDetail } from './detail';
import { RECORDER_EVENT_KINDS, UPLOAD_STAGES, UPLOAD_STATES, type RecorderEvent } from './events';
import { notificationSchema } from '../notifications/types';
import { PHASES, type RecordingFailureDetails, type RecordingState, type RecordingSummary, type Segment, type Slot, type StopRequest, type UpdateResult } from './messages';

const isoTime = z.string().describe('ISO-8601 time');

export const vendorDetailSchema = z.object({
  httpStatus: z.number().int().optional(),
  code: z.string().optional(),
  reason: z.string().optional(),
  requestId: z.string().optional(),
  host: z.string().optional(),
});

const stageSchema = z.object({ state: z.enum(UPLOAD_STATES), at: isoTime, vendorEvent: z.string() });

const intervalShape = { start: isoTime, end: isoTime, seconds: z.number() };
export const coverageSchema = z.object({
  from: isoTime.optional(),
  to: isoTime.optional(),
  final: z.boolean(),
  sessionSeconds: z.number(),
  coveredSeconds: z.number(),
  gapSeconds: z.number(),
  unknownSeconds: z.number(),
  ratio: z.number(),
  covered: z.array(z.object(intervalShape)),
  gaps: z.array(
    z.object({
      ...intervalShape,
      kind: z.enum(['start', 'loss', 'never']),
      unknownSeconds: z.number(),
      after: z.number().int().optional(),
      before: z.number().int().optional(),
      reason: z.string(),
    }),
  ),
  overlaps: z.array(z.object({ ...intervalShape, segments: z.array(z.number().int()) })),
  lanes: z.array(z.object({ lane: z.number().int(), coveredSeconds: z.number(), ratio: z.number() })),
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
  endOfLife: isoTime.optional(),
  handoverAt: isoTime.optional(),
  successorOf: z.number().int().optional(),
  handedOverTo: z.number().int().optional(),
  uploadStages: z.array(z.enum(UPLOAD_STAGES)).optional(),
  evidence: z
    .object({
      kind: z.enum(RECORDER_EVENT_KINDS).extract(['started', 'start-failed', 'exited', 'left', 'fatal', 'failover']),
      vendorEvent: z.string(),
      at: isoTime,
      identity: z.string().optional(),
      reason: z.string().optional(),
    })
    .optional(),
  failovers: z.array(z.object({ at: isoTime, newIdentity: z.string().optional() })).optional(),
  upload: z
    .object({
      state: z.enum([...UPLOAD_STATES, 'pending', 'untracked', 'unknown']),
      stages: z.object({ storage: stageSchema.optional(), mp4: stageSchema.optional(), vod: stageSchema.optional() }),
      settledAt: isoTime.optional(),
      files: z.array(z.object({ name: z.string(), startedAt: isoTime.optional(), endedAt: isoTime.optional() })).optional(),
    })
    .optional(),
  stopUncertain: z.string().optional(),
  nothingRecorded: z.boolean().optional(),
  subscriptionsVersion: z.number().int(),
  layoutVersion: z.number().int(),
});

export const slotSchema = z.object({
  lane: z.number().int(),
  switches: z.number().int(),
  consecutiveFailures: z.number().int(),
  nextPollAt: isoTime.optional(),
  wake: z.string().optional(),
  handover: z.object({ of: z.number().int(), attempts: z.number().int(), lastError: z.string().optional(), nextAt: isoTime.optional() }).optional(),
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
  handovers: z.number().int().optional(),
  lastStatus: z.union([z.string(), z.number()]).optional(),
  lastError: z.string().optional(),
  lastVendorDetail: vendorDetailSchema.optional(),
  waiting: z.object({ reason: z.string(), until: isoTime }).optional(),
  stopRequestedAt: isoTime.optional(),
  stopReason: z.string().optional(),
  stoppedAt: isoTime.optional(),
  stoppedSegments: z.array(z.number().int()).optional(),
  uploadDeadlineAt: isoTime.optional(),
  seenEvents: z.array(z.string()).optional(),
  desired: z.object({
    subscriptions: z.record(z.string(), z.unknown()).optional(),
    subscriptionsVersion: z.number().int(),
    layout: z.record(z.string(), z.unknown()).optional(),
    layoutVersion: z.number().int(),
  }),
  runs: z.number().int(),
  outbox: z.array(notificationSchema).optional(),
  notifySeq: z.number().int().optional(),
  coverage: coverageSchema.optional(),
});

export const recordingSummarySchema = z.object({
  recordingId: z.string(),
  provider: z.string(),
  account: z.string(),
  channel: z.string(),
  status: z.literal('stopped'),
  stopReason: z.string().optional(),
  segments: z.array(segmentSchema),
  lanes: z.array(z.object({ lane: z.number().int(), segments: z.array(z.number().int()) })),
  restarts: z.number().int(),
  handovers: z.number().int().optional(),
  files: z.array(z.string()),
  uploadingStatus: z.string().optional(),
  upload: z.enum([...UPLOAD_STATES, 'pending', 'untracked', 'unknown']),
  nothingRecorded: z.boolean(),
  stopUncertain: z.string().optional(),
  coverage: coverageSchema.optional(),
});

export const recordingFailureDetailsSchema = vendorDetailSchema.extend({ segments: z.array(segmentSchema) });

export const updateResultSchema = z.object({
  applied: z.boolean(),
  recorderId: z.string().optional(),
  detail: z.string(),
});

export const stopRequestSchema = z.object({ reason: z.string().optional() });

export const recorderEventSchema = z.object({
  provider: z.string(),
  account: z.string(),
  eventId: z.string(),
  vendorEvent: z.string(),
  kind: z.enum(RECORDER_EVENT_KINDS),
  recorderId: z.string(),
  channel: z.string(),
  identity: z.string().optional(),
  at: isoTime,
  reason: z.string().optional(),
  newIdentity: z.string().optional(),
  upload: z.object({ stage: z.enum(UPLOAD_STAGES), state: z.enum(UPLOAD_STATES) }).optional(),
  files: z.array(z.object({ name: z.string(), startedAt: isoTime.optional(), endedAt: isoTime.optional() })).optional(),
});

// Compile-time drift checks: each schema's type must equal its interface exactly.
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const same = <A, B>(ok: Same<A, B>) => ok;
same<z.output<typeof vendorDetailSchema>, VendorDetail>(true);
same<z.output<typeof coverageSchema>, Coverage>(true);
same<z.output<typeof segmentSchema>, Segment>(true);
same<z.output<typeof slotSchema>, Slot>(true);
// The outbox holds notifications as their own schema (src/notifications/types.ts) reads them, open to new fields.
same<Omit<z.output<typeof recordingStateSchema>, 'outbox'>, Omit<RecordingState, 'outbox'>>(true);
same<z.output<typeof recordingSummarySchema>, RecordingSummary>(true);
same<z.output<typeof recordingFailureDetailsSchema>, RecordingFailureDetails>(true);
same<z.output<typeof updateResultSchema>, UpdateResult>(true);
same<z.output<typeof stopRequestSchema>, StopRequest>(true);
same<z.output<typeof recorderEventSchema>, RecorderEvent>(true);
