/**
 * What a backend may ask of an Agora recording, validated with zod at every door: the client
 * before a workflow starts, the workflow's update validators before anything reaches history.
 * Pure (no I/O): it runs inside the workflow sandbox too.
 */
import { z } from 'zod';
import { commonRequestFields, identitiesSchema, requiredString, utf8Bytes } from '../../contract/request';

import { backgroundItemSchema, layoutItemSchema } from './schemas';
import { isValidUid } from './uid';

export const uidSchema = z
  .string({ error: 'must be a string holding an integer uid' })
  .refine(isValidUid, 'must be a string of an integer in 1..4294967295 (spec §10)');

/** The 89 characters Agora allows in a channel name, under 64 bytes (spec §10). */
const CNAME_CHARS = /^[a-zA-Z0-9 !#$%&()+\-:;<=.>?@[\]^_{}|~,]+$/;

const subscribeList = z
  .array(z.union([z.literal('#allstream#'), uidSchema]))
  .min(1)
  .max(32, 'at most 32 uids (spec §4.2.1)');

export const subscriptionsSchema = z
  .strictObject({
    subscribeAudioUids: subscribeList.optional(),
    unsubscribeAudioUids: subscribeList.optional(),
    subscribeVideoUids: subscribeList.optional(),
    unsubscribeVideoUids: subscribeList.optional(),
  })
  .refine((s) => !(s.subscribeAudioUids && s.unsubscribeAudioUids), {
    message: 'subscribeAudioUids and unsubscribeAudioUids cannot be used together',
    path: ['unsubscribeAudioUids'],
  })
  .refine((s) => !(s.subscribeVideoUids && s.unsubscribeVideoUids), {
    message: 'subscribeVideoUids and unsubscribeVideoUids cannot be used together',
    path: ['unsubscribeVideoUids'],
  });
export type Subscriptions = z.infer<typeof subscriptionsSchema>;

const colour = z.string().regex(/^#[0-9A-Fa-f]{6}$/, 'must be #RRGGBB');
const httpsUrl = z.string().url().startsWith('https://', 'must be an https URL');

export const layoutSchema = z.strictObject({
  mixedVideoLayout: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]),
  maxResolutionUid: uidSchema.optional(),
  backgroundColor: colour.optional(),
  backgroundImage: httpsUrl.optional(),
  defaultUserBackgroundImage: httpsUrl.optional(),
  // The vendor's window and background shapes (./schemas), held to valid uids and https images, and no unknown key.
  layoutConfig: z
    .array(layoutItemSchema.extend({ uid: uidSchema.optional() }).strict())
    .max(17, 'at most 17 windows (spec §4.2.1)')
    .optional(),
  backgroundConfig: z.array(backgroundItemSchema.extend({ uid: uidSchema, image_url: httpsUrl }).strict()).optional(),
})
  .refine((l) => l.mixedVideoLayout !== 3 || (l.layoutConfig?.length ?? 0) > 0, { message: 'layout 3 (custom) needs layoutConfig', path: ['layoutConfig'] })
  .refine((l) => l.mixedVideoLayout !== 2 || l.maxResolutionUid !== undefined, { message: 'layout 2 (vertical) needs maxResolutionUid', path: ['maxResolutionUid'] });
export type Layout = z.infer<typeof layoutSchema>;

/** Non-secret parts of start's recordingConfig (spec §4.2.1). decryption keys are deliberately absent. */
export const recordingConfigSchema = z.strictObject({
  channelType: z.union([z.literal(0), z.literal(1)]).default(0),
  streamTypes: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(2),
  /** 300 s is the vendor's recommendation (spec §7.4); its 30 s default makes brief pauses end recordings. */
  maxIdleTime: z.number().int().min(5).max(2_592_000).default(300),
  subscribeUidGroup: z.number().int().min(0).max(5).optional(),
  streamMode: z.enum(['default', 'standard', 'original']).optional(),
  videoStreamType: z.union([z.literal(0), z.literal(1)]).optional(),
  audioProfile: z.union([z.literal(0), z.literal(1), z.literal(2)]).optional(),
  transcodingConfig: z
    .strictObject({
      width: z.number().int().min(16).max(1920),
      height: z.number().int().min(16).max(1920),
      fps: z.number().int().min(1).max(60),
      bitrate: z.number().int().min(1).max(10_000),
    })
    .optional(),
});

export const webRecorderSchema = z.strictObject({
  url: z.string().url(),
  audioProfile: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(0),
  videoWidth: z.number().int().min(480).max(1920).default(1280),
  videoHeight: z.number().int().min(480).max(1920).default(720),
  maxRecordingHour: z.number().int().min(1).max(720).default(72),
});

export const agoraRequestSchema = z
  .strictObject({
    ...commonRequestFields,
    provider: z.literal('agora'),
    appId: z.string({ error: requiredString }).regex(/^[A-Za-z0-9]{1,64}$/, 'must be the App ID: letters and digits'),
    channel: z.string({ error: requiredString }).min(1),
    mode: z.enum(['individual', 'mix', 'web']).default('mix'),
    /** The recorder uids to use, in the order they are taken; derived from the recording id when absent. */
    identities: identitiesSchema(uidSchema).optional(),
    recordingConfig: recordingConfigSchema.default({ channelType: 0, streamTypes: 2, maxIdleTime: 300 }),
    avFileType: z
      .array(z.enum(['hls', 'mp4']))
      .refine((a) => a.includes('hls'), 'must include "hls" (["mp4"] alone is an error, spec §4.2.2)')
      .default(['hls']),
    webRecorder: webRecorderSchema.optional(),
    subscriptions: subscriptionsSchema.optional(),
    layout: layoutSchema.optional(),
    resourceExpiredHour: z.number().int().min(1).max(720).default(72),
  })
  .superRefine((v, ctx) => {
    if (v.mode === 'web') {
      if (utf8Bytes(v.channel) > 1024) ctx.addIssue({ code: 'custom', path: ['channel'], message: 'at most 1024 bytes in web mode' });
      if (!v.webRecorder) ctx.addIssue({ code: 'custom', path: ['webRecorder'], message: 'required in web mode (the page URL to record)' });
    } else {
      if (utf8Bytes(v.channel) >= 64) ctx.addIssue({ code: 'custom', path: ['channel'], message: 'must be shorter than 64 bytes (spec §10)' });
      if (!CNAME_CHARS.test(v.channel)) ctx.addIssue({ code: 'custom', path: ['channel'], message: 'has a character outside the 89 Agora allows (spec §10)' });
    }
    if (v.layout && v.mode !== 'mix') ctx.addIssue({ code: 'custom', path: ['layout'], message: 'layouts apply to mix mode only' });
    if (v.mode === 'individual' && v.recordingConfig.subscribeUidGroup === undefined) {
      ctx.addIssue({ code: 'custom', path: ['recordingConfig', 'subscribeUidGroup'], message: 'required in individual mode (spec §4.2.1)' });
    }
  });
export type AgoraRecordingInput = z.output<typeof agoraRequestSchema>;
/** What a backend sends; `provider` may be left out (Agora is the default). */
export type AgoraRecordingRequest = Omit<z.input<typeof agoraRequestSchema>, 'provider'> & { provider?: 'agora' };
