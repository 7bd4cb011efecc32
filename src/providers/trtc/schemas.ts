import { z } from 'zod';

/**
 * Request and response shapes of the four TRTC cloud-recording actions (spec §2). Requests are checked before
 * anything is sent so a bad input fails with the field's path; the top level is strict because API 3.0 rejects
 * parameters it does not know (UnknownParameter), nested objects are not, so newer vendor fields pass.
 */

const int = (min: number, max: number) => z.int().min(min).max(max);
const sdkAppId = int(1, 4294967295);
/** TRTC UserIds: ≤32 characters of letters, digits, underscore, hyphen. */
export const trtcUserIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be ≤32 characters of a-zA-Z0-9_-');
const userList = z.array(z.string().min(1)).max(32, 'at most 32 UserIds per list');

export const subscribeStreamUserIdsSchema = z
  .object({
    SubscribeAudioUserIds: userList.optional(),
    UnSubscribeAudioUserIds: userList.optional(),
    SubscribeVideoUserIds: userList.optional(),
    UnSubscribeVideoUserIds: userList.optional(),
  })
  .superRefine((s, ctx) => {
    for (const k of ['Audio', 'Video'] as const) {
      if (s[`Subscribe${k}UserIds`] && s[`UnSubscribe${k}UserIds`])
        ctx.addIssue({ code: 'custom', path: [`UnSubscribe${k}UserIds`], message: `cannot be set together with Subscribe${k}UserIds` });
    }
  });

export const recordParamsSchema = z.object({
  RecordMode: z.union([z.literal(1), z.literal(2)]),
  MaxIdleTime: int(5, 86400).optional(),
  StreamType: int(0, 2).optional(),
  SubscribeStreamUserIds: subscribeStreamUserIdsSchema.optional(),
  OutputFormat: int(0, 4).optional(),
  AvMerge: int(0, 1).optional(),
  MaxMediaFileDuration: int(1, 1440).optional(),
  MediaId: int(0, 2).optional(),
  FillType: int(0, 1).optional(),
  SubscribeAbility: int(0, 1).optional(),
});

export const cloudStorageSchema = z.object({
  Vendor: int(0, 1),
  Region: z.string().min(1),
  Bucket: z.string().min(1),
  AccessKey: z.string().min(1),
  SecretKey: z.string().min(1),
  FileNamePrefix: z.array(z.string().regex(/^[A-Za-z0-9_-]+$/, 'only a-z A-Z 0-9 _ -')).optional(),
});

export const tencentVodSchema = z.object({
  Procedure: z.string().optional(),
  ExpireTime: z.int().min(0).optional(),
  StorageRegion: z.string().optional(),
  ClassId: z.int().min(0).optional(),
  SubAppId: z.int().min(0).optional(),
  SessionContext: z.string().optional(),
  SourceContext: z.string().optional(),
  MediaType: int(0, 4).optional(),
  UserDefineRecordId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
});

export const storageParamsSchema = z
  .object({ CloudStorage: cloudStorageSchema.optional(), CloudVod: z.object({ TencentVod: tencentVodSchema.optional() }).optional() })
  .refine((s) => (s.CloudStorage === undefined) !== (s.CloudVod === undefined), 'exactly one of CloudStorage and CloudVod');

const box = { Top: int(0, 1920), Left: int(0, 1920), Width: int(0, 1920), Height: int(0, 1920) };
const wmBox = { Top: int(0, 2560), Left: int(0, 2560), Width: int(0, 2560), Height: int(0, 2560) };

export const mixLayoutParamsSchema = z.object({
  MixLayoutMode: int(1, 4),
  MixLayoutList: z
    .array(
      z.object({
        ...box,
        UserId: z.string().optional(),
        Alpha: int(0, 255).optional(),
        RenderMode: int(0, 3).optional(),
        MediaId: int(0, 1).optional(),
        ImageLayer: z.int().min(0).optional(),
        SubBackgroundImage: z.string().optional(),
      }),
    )
    .max(25)
    .optional(),
  BackGroundColor: z.string().regex(/^#[0-9A-Fa-f]{6}$/, 'must be #RRGGBB').optional(),
  MaxResolutionUserId: z.string().optional(),
  MediaId: int(0, 1).optional(),
  BackgroundImageUrl: z.string().optional(),
  PlaceHolderMode: int(0, 1).optional(),
  BackgroundImageRenderMode: int(0, 3).optional(),
  DefaultSubBackgroundImage: z.string().optional(),
  WaterMarkList: z
    .array(
      z.object({
        WaterMarkType: int(0, 2).optional(),
        WaterMarkImage: z.object({ WaterMarkUrl: z.string().min(1), ...wmBox }).optional(),
        WaterMarkChar: z.object({ ...wmBox, Chars: z.string().min(1) }).loose().optional(),
        WaterMarkTimestamp: z.object({ Pos: int(0, 6) }).loose().optional(),
      }),
    )
    .max(25)
    .optional(),
  RenderMode: int(0, 3).optional(),
  MaxResolutionUserAlign: int(0, 1).optional(),
  PureAudioDisableLayout: z.boolean().optional(),
});

export const mixTranscodeParamsSchema = z.object({
  VideoParams: z
    .object({ Width: int(1, 1920), Height: int(1, 1920), Fps: int(1, 60), BitRate: int(64000, 8192000), Gop: int(1, 60) })
    .refine((v) => v.Width * v.Height <= 1920 * 1080, 'Width×Height must be ≤ 1920×1080')
    .optional(),
  AudioParams: z.object({ SampleRate: int(1, 3), Channel: int(1, 2), BitRate: int(32000, 128000) }).optional(),
});

export const createCloudRecordingRequestSchema = z
  .strictObject({
    SdkAppId: sdkAppId,
    RoomId: z.string().min(1),
    UserId: trtcUserIdSchema,
    UserSig: z.string().min(1),
    RecordParams: recordParamsSchema,
    StorageParams: storageParamsSchema,
    RoomIdType: int(0, 1).optional(),
    MixTranscodeParams: mixTranscodeParamsSchema.optional(),
    MixLayoutParams: mixLayoutParamsSchema.optional(),
    ResourceExpiredHour: int(6, 720).optional(),
    PrivateMapKey: z.string().optional(),
  })
  .superRefine((r, ctx) => {
    // Integer rooms (RoomIdType 1, the default) must be numeric; string rooms must say RoomIdType 0 (spec §6.2).
    if ((r.RoomIdType ?? 1) === 1 && (!/^[1-9]\d{0,9}$/.test(r.RoomId) || Number(r.RoomId) > 4294967294))
      ctx.addIssue({ code: 'custom', path: ['RoomId'], message: 'must be an integer room id 1..4294967294 unless RoomIdType is 0 (string room)' });
    if ((r.RoomIdType ?? 1) === 0 && !/^[a-zA-Z0-9 !#$%&()+\-:;<=.>?@[\]^_{}|~,]{1,64}$/.test(r.RoomId))
      ctx.addIssue({ code: 'custom', path: ['RoomId'], message: 'string rooms are ≤64 characters of letters, digits and the allowed symbols' });
  });

export const describeCloudRecordingRequestSchema = z.strictObject({ SdkAppId: sdkAppId, TaskId: z.string().min(1), RecorderKey: z.string().optional() });

export const modifyCloudRecordingRequestSchema = z
  .strictObject({
    SdkAppId: sdkAppId,
    TaskId: z.string().min(1),
    MixLayoutParams: mixLayoutParamsSchema.optional(),
    SubscribeStreamUserIds: subscribeStreamUserIdsSchema.optional(),
  })
  .refine((m) => m.MixLayoutParams !== undefined || m.SubscribeStreamUserIds !== undefined, {
    message: 'needs MixLayoutParams or SubscribeStreamUserIds (Modify overwrites: send the whole desired state)',
    path: ['SubscribeStreamUserIds'],
  });

export const deleteCloudRecordingRequestSchema = z.strictObject({ SdkAppId: sdkAppId, TaskId: z.string().min(1) });

const requestId = z.string().min(1);

export const createCloudRecordingResponseSchema = z.object({ TaskId: z.string().min(1), RequestId: requestId });

export const storageFileSchema = z.object({
  UserId: z.string().nullish(),
  FileName: z.string().min(1),
  TrackType: z.string().nullish(),
  BeginTimeStamp: z.number(),
});

export const taskStatusSchema = z.enum(['Idle', 'InProgress', 'Exited']);

export const describeCloudRecordingResponseSchema = z.object({
  TaskId: z.string().min(1),
  Status: taskStatusSchema,
  StorageFileList: z.array(storageFileSchema).nullish().transform((l) => l ?? []),
  RecorderKey: z.string().nullish(),
  RequestId: requestId,
});

export const modifyCloudRecordingResponseSchema = z.object({ TaskId: z.string().min(1), RequestId: requestId });
export const deleteCloudRecordingResponseSchema = z.object({ TaskId: z.string().min(1), RequestId: requestId });

export type CreateCloudRecordingRequest = z.input<typeof createCloudRecordingRequestSchema>;
export type DescribeCloudRecordingRequest = z.input<typeof describeCloudRecordingRequestSchema>;
export type ModifyCloudRecordingRequest = z.input<typeof modifyCloudRecordingRequestSchema>;
export type DeleteCloudRecordingRequest = z.input<typeof deleteCloudRecordingRequestSchema>;
export type SubscribeStreamUserIds = z.input<typeof subscribeStreamUserIdsSchema>;
export type MixLayoutParams = z.input<typeof mixLayoutParamsSchema>;
export type CreateCloudRecordingResponse = z.output<typeof createCloudRecordingResponseSchema>;
export type DescribeCloudRecordingResponse = z.output<typeof describeCloudRecordingResponseSchema>;
export type ModifyCloudRecordingResponse = z.output<typeof modifyCloudRecordingResponseSchema>;
export type DeleteCloudRecordingResponse = z.output<typeof deleteCloudRecordingResponseSchema>;
export type StorageFile = z.output<typeof storageFileSchema>;
export type TaskStatus = z.output<typeof taskStatusSchema>;
