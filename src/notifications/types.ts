/**
 * What the orchestrator tells a backend about a recording: one signed JSON POST per event. Pure
 * (zod only): the workflow builds these, the activity sends them, and the JSON Schema a backend in
 * any language validates against is generated from here (npm run notifications:schema).
 * Objects are loose on purpose: a backend must ignore fields it does not know, so new fields can
 * be added without breaking a receiver.
 */
import { z } from 'zod';

export const NOTIFICATION_TYPES = [
  'recording.started',
  'recording.restarted',
  'recording.degraded',
  'recording.stopped',
  'recording.uploaded',
  'recording.failed',
] as const;
export const notificationTypeSchema = z.enum(NOTIFICATION_TYPES);
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** Which recording it is about, in every payload: a backend routes on these without a lookup. */
const about = {
  provider: z.string().describe('agora | trtc'),
  account: z.string().describe('The provider account: Agora App ID, TRTC SdkAppId.'),
  channel: z.string().describe('The channel (Agora cname, TRTC room).'),
};

const recorder = {
  segment: z.number().int().min(0).describe('Index of the recorder attempt in the recording state.'),
  identity: z.string().describe('Who the recorder is in the channel: Agora uid, TRTC robot UserId.'),
  recorderId: z.string().optional().describe("The vendor's id for the recorder: Agora sid, TRTC TaskId."),
};

export const notificationDataSchemas = {
  'recording.started': z.looseObject({ ...about, ...recorder }).describe('The first recorder is confirmed recording.'),
  'recording.restarted': z
    .looseObject({ ...about, ...recorder, restarts: z.number().int().min(1), reason: z.string().describe('Why the previous recorder ended.') })
    .describe('A lost recorder was replaced by a new one (this segment).'),
  'recording.degraded': z
    .looseObject({ ...about, reason: z.string(), lastStatus: z.union([z.string(), z.number()]).optional() })
    .describe('The vendor answers ambiguously; monitoring goes on.'),
  'recording.stopped': z
    .looseObject({
      ...about,
      stopReason: z.string().optional(),
      restarts: z.number().int().min(0),
      segments: z.number().int().min(0).describe('How many recorder attempts the recording had.'),
      files: z.array(z.string()),
      nothingRecorded: z.boolean(),
      uploadingStatus: z.string().optional(),
      stopUncertain: z.string().optional().describe('Set when the vendor never confirmed the stop; the recorder ends at its idle timeout.'),
    })
    .describe("Every recorder is stopped; files are every segment's files. The last notification, but for recording.uploaded when the recording tracks uploads."),
  'recording.uploaded': z
    .looseObject({
      ...about,
      ...recorder,
      files: z.array(z.string()),
      state: z
        .enum(['uploaded', 'backuped', 'failed', 'unknown'])
        .describe("backuped: some files went to the vendor's backup and arrive later; failed: the vendor said so; unknown: no word by the upload deadline."),
    })
    .describe("A segment's upload settled (with trackUploads, after recording.stopped)."),
  'recording.failed': z
    .looseObject({
      ...about,
      reason: z.string(),
      httpStatus: z.number().int().optional(),
      code: z.string().optional().describe("The vendor's code, as a string."),
    })
    .describe("The recording failed with the vendor's word; no recorder is left running. The last notification."),
} satisfies Record<NotificationType, z.ZodType>;

export type NotificationData = { [T in NotificationType]: z.input<(typeof notificationDataSchemas)[T]> };

const envelope = <T extends NotificationType>(type: T) =>
  z.looseObject({
    id: z.string().min(1).describe('Stable across retries and redeliveries: dedupe on it. "<workflowId>:<type>:<seq>".'),
    type: z.literal(type),
    recordingId: z.string(),
    workflowId: z.string(),
    runId: z.string().optional().describe('The workflow run that emitted it (a recording spans several runs).'),
    occurredAt: z.iso.datetime().describe('When the workflow saw it happen (ISO 8601, UTC); not the delivery time.'),
    data: notificationDataSchemas[type],
  });

export const notificationSchema = z
  .discriminatedUnion('type', [
    envelope('recording.started'),
    envelope('recording.restarted'),
    envelope('recording.degraded'),
    envelope('recording.stopped'),
    envelope('recording.uploaded'),
    envelope('recording.failed'),
  ])
  .describe('A recording-orchestrator backend notification (POST body, application/json, signed in X-Recording-Signature).');

export type Notification<T extends NotificationType = NotificationType> = {
  [K in T]: { id: string; type: K; recordingId: string; workflowId: string; runId?: string; occurredAt: string; data: NotificationData[K] };
}[T];

/** What a recording asks for in its request (`notify`); the signing secret is always the worker's. */
export const notifyRequestSchema = z.strictObject({
  url: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .optional()
    .describe("The backend's endpoint; without it the worker's notifications.url."),
  events: z.array(notificationTypeSchema).max(NOTIFICATION_TYPES.length).optional().describe('Only these types; all when absent.'),
});
export type NotifyRequest = z.infer<typeof notifyRequestSchema>;

/** The activity's answer. Not sent is not an error: nobody asked for notifications. */
export type NotifyResult = { sent: true; status: number } | { sent: false; reason: string };
