/**
 * What a backend may ask of a TRTC recording (TRTC spec §2.1, §6), validated at the client and
 * again in the workflow. Subscriptions and layout use TRTC's own field names, so a team that knows
 * the API reads them as the API documents them. Pure: runs inside the workflow sandbox too.
 */
import { z } from 'zod';
import { commonRequestFields, identitiesSchema, requiredString } from '../../contract/request';
import { mixLayoutParamsSchema, mixTranscodeParamsSchema, trtcUserIdSchema } from './schemas';

const userList = z.array(z.string().min(1)).min(1).max(32, 'at most 32 UserIds per list (spec §2.1)');

/** Modify overwrites, so the whole desired list travels every time; strict, so a misspelt key is an error, not a no-op. */
export const trtcSubscriptionsSchema = z
  .strictObject({
    SubscribeAudioUserIds: userList.optional(),
    UnSubscribeAudioUserIds: userList.optional(),
    SubscribeVideoUserIds: userList.optional(),
    UnSubscribeVideoUserIds: userList.optional(),
  })
  .superRefine((s, ctx) => {
    if (Object.keys(s).length === 0) ctx.addIssue({ code: 'custom', path: [], message: 'needs at least one UserId list' });
    for (const k of ['Audio', 'Video'] as const) {
      if (s[`Subscribe${k}UserIds`] && s[`UnSubscribe${k}UserIds`]) {
        ctx.addIssue({ code: 'custom', path: [`UnSubscribe${k}UserIds`], message: `cannot be set together with Subscribe${k}UserIds` });
      }
    }
  });
export type TrtcSubscriptions = z.infer<typeof trtcSubscriptionsSchema>;

export const trtcLayoutSchema = mixLayoutParamsSchema.strict();
export type TrtcLayout = z.infer<typeof trtcLayoutSchema>;

/** Characters TRTC allows in a string room id (spec §6.2). */
const STRING_ROOM = /^[a-zA-Z0-9 !#$%&()+\-:;<=.>?@[\]^_{}|~,]{1,64}$/;

export const trtcRequestSchema = z
  .strictObject({
    ...commonRequestFields,
    provider: z.literal('trtc'),
    sdkAppId: z.number({ error: 'must be the SdkAppId (a number)' }).int().min(1).max(4294967295),
    /** The RoomId. */
    channel: z.string({ error: requiredString }).min(1),
    /** 1: integer room ids (TRTC's default); 0: string room ids, which must say so (spec §6.2). */
    roomIdType: z.union([z.literal(0), z.literal(1)]).default(1),
    recordMode: z.enum(['single', 'mixed']).default('mixed'),
    /** 300 s like Agora's recommendation: the 2-minute describe must stay below it (TRTC's own default is 60 s). */
    maxIdleTime: z.number().int().min(5).max(86_400).default(300),
    /** 0 audio and video, 1 audio only, 2 video only. */
    streamType: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(0),
    outputFormat: z.number().int().min(0).max(4).optional(),
    avMerge: z.union([z.literal(0), z.literal(1)]).optional(),
    maxMediaFileDuration: z.number().int().min(1).max(1440).optional(),
    /** The robot UserIds to use, in the order they are taken; derived from the recording id when absent. */
    identities: identitiesSchema(trtcUserIdSchema).optional(),
    subscriptions: trtcSubscriptionsSchema.optional(),
    layout: trtcLayoutSchema.optional(),
    transcode: mixTranscodeParamsSchema.optional(),
    resourceExpiredHour: z.number().int().min(6).max(720).default(72),
  })
  .superRefine((v, ctx) => {
    if (v.roomIdType === 1 && (!/^[1-9]\d{0,9}$/.test(v.channel) || Number(v.channel) > 4294967294)) {
      ctx.addIssue({ code: 'custom', path: ['channel'], message: 'must be an integer room id 1..4294967294, or set roomIdType 0 for a string room (spec §6.2)' });
    }
    if (v.roomIdType === 0 && !STRING_ROOM.test(v.channel)) {
      ctx.addIssue({ code: 'custom', path: ['channel'], message: 'string rooms are at most 64 letters, digits and allowed symbols (spec §6.2)' });
    }
    if ((v.layout || v.transcode) && v.recordMode !== 'mixed') ctx.addIssue({ code: 'custom', path: [v.layout ? 'layout' : 'transcode'], message: 'applies to recordMode "mixed" only' });
  });
export type TrtcRecordingInput = z.output<typeof trtcRequestSchema>;
