import { z } from 'zod';
import { isValidUid } from './uid';

/*
 * Every object is a looseObject: the vendor adds fields over time (spec §9.3 "new fields may be
 * added") and echoes extra ones in error bodies, so unknown keys must pass through untouched.
 */

// ---------------------------------------------------------------- responses

/** `status: "5"` appears in an old doc example (spec §4.3); accept numeric strings. */
const numeric = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/).transform(Number)]);
const boolish = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);
const uidString = z.union([z.string(), z.number().transform(String)]);

/** fileName vs filename spelling CONFLICT (spec §4.3): normalised to fileName. */
export const fileItemSchema = z
  .looseObject({
    fileName: z.string().optional(),
    filename: z.string().optional(),
    trackType: z.string().optional(),
    uid: uidString.optional(),
    mixedAllUser: boolish.optional(),
    isPlayable: boolish.optional(),
    sliceStartTime: numeric.optional(),
  })
  .refine((f) => typeof (f.fileName ?? f.filename) === 'string', {
    message: 'fileName (or filename) is required',
    path: ['fileName'],
  })
  .transform(({ filename, ...rest }) => ({ ...rest, fileName: (rest.fileName ?? filename) as string }));

/** `playload` (official schema typo, spec §4.6) vs `payload`: normalised to payload. */
export const extensionServiceStateSchema = z
  .looseObject({
    serviceName: z.string(),
    payload: z.looseObject({}).optional(),
    playload: z.looseObject({}).optional(),
  })
  .transform(({ playload, ...rest }) => ({ ...rest, payload: rest.payload ?? playload }));

export const serverResponseSchema = z.looseObject({
  status: numeric.optional(),
  fileListMode: z.string().optional(),
  fileList: z.union([z.string(), z.array(fileItemSchema)]).optional(),
  sliceStartTime: numeric.optional(),
  uploadingStatus: z.string().optional(),
  extensionServiceState: z.array(extensionServiceStateSchema).optional(),
});

const echo = {
  cname: z.string().optional(),
  uid: uidString.optional(),
  resourceId: z.string().optional(),
  sid: z.string().optional(),
};

export const acquireResponseSchema = z.looseObject({ ...echo, resourceId: z.string().min(1) });
export const startResponseSchema = z.looseObject({ ...echo, sid: z.string().min(1) });
export const queryResponseSchema = z.looseObject({ ...echo, serverResponse: serverResponseSchema });
export const updateResponseSchema = z.looseObject(echo);
/** serverResponse optional: older docs show stop answering with ids only. */
export const stopResponseSchema = z.looseObject({ ...echo, serverResponse: serverResponseSchema.optional() });

export type FileItem = z.output<typeof fileItemSchema>;
export type ServerResponse = z.output<typeof serverResponseSchema>;
export type AcquireResponse = z.output<typeof acquireResponseSchema>;
export type StartResponse = z.output<typeof startResponseSchema>;
export type QueryResponse = z.output<typeof queryResponseSchema>;
export type UpdateResponse = z.output<typeof updateResponseSchema>;
export type StopResponse = z.output<typeof stopResponseSchema>;

// ---------------------------------------------------------------- requests

/** Decimal string 1..2^32-1 (spec §10). */
export const uidSchema = z.string().refine(isValidUid, 'must be a decimal string 1..4294967295');
const cnameSchema = z.string().min(1);
const uidList = z.array(z.string()).max(32);
const int = z.number().int();

export const storageConfigSchema = z.looseObject({
  vendor: int,
  region: int,
  bucket: z.string(),
  accessKey: z.string(),
  secretKey: z.string(),
  stsToken: z.string().optional(),
  stsExpiration: z.number().optional(),
  fileNamePrefix: z.array(z.string()).optional(),
  extensionParams: z
    .looseObject({ sse: z.string().optional(), tag: z.string().optional(), endpoint: z.string().optional() })
    .optional(),
});

/** Both blacklist spellings exist (spec §4.2.1 CONFLICT); accepted and sent as given. */
const subscriptionLists = {
  subscribeAudioUids: uidList.optional(),
  unsubscribeAudioUids: uidList.optional(),
  unSubscribeAudioUids: uidList.optional(),
  subscribeVideoUids: uidList.optional(),
  unsubscribeVideoUids: uidList.optional(),
  unSubscribeVideoUids: uidList.optional(),
};

const unit = z.number().min(0).max(1);
export const layoutItemSchema = z.looseObject({
  uid: z.string().optional(),
  x_axis: unit,
  y_axis: unit,
  width: unit,
  height: unit,
  alpha: unit.optional(),
  render_mode: z.literal([0, 1]).optional(),
});
export const backgroundItemSchema = z.looseObject({
  uid: z.string(),
  image_url: z.string(),
  render_mode: z.literal([0, 1]).optional(),
});

const layoutFields = {
  mixedVideoLayout: z.literal([0, 1, 2, 3]).optional(),
  maxResolutionUid: z.string().optional(),
  backgroundColor: z.string().optional(),
  backgroundImage: z.string().optional(),
  defaultUserBackgroundImage: z.string().optional(),
  layoutConfig: z.array(layoutItemSchema).max(17).optional(),
  backgroundConfig: z.array(backgroundItemSchema).optional(),
};

export const transcodingConfigSchema = z.looseObject({
  width: int.positive().optional(),
  height: int.positive().optional(),
  fps: int.positive().optional(),
  bitrate: int.positive().optional(),
  ...layoutFields,
});

/** Upper bound of maxIdleTime is a CONFLICT (spec §11.3); only the lower bound is checked. */
export const recordingConfigSchema = z.looseObject({
  channelType: z.literal([0, 1]).optional(),
  streamTypes: z.literal([0, 1, 2]).optional(),
  maxIdleTime: int.min(5).optional(),
  ...subscriptionLists,
  subscribeUidGroup: int.min(0).optional(),
  streamMode: z.string().optional(),
  videoStreamType: z.literal([0, 1]).optional(),
  decryptionMode: int.min(0).optional(),
  secret: z.string().optional(),
  salt: z.string().optional(),
  audioProfile: z.literal([0, 1, 2]).optional(),
  transcodingConfig: transcodingConfigSchema.optional(),
  privateParams: z.string().optional(),
});

export const recordingFileConfigSchema = z.looseObject({ avFileType: z.array(z.string()).optional() });
export const snapshotConfigSchema = z.looseObject({
  captureInterval: int.optional(),
  fileType: z.array(z.string()),
});
export const extensionServiceConfigSchema = z.looseObject({
  errorHandlePolicy: z.string().optional(),
  extensionServices: z.array(
    z.looseObject({
      serviceName: z.string(),
      errorHandlePolicy: z.string().optional(),
      serviceParam: z.looseObject({}),
    }),
  ),
});

export const startClientRequestSchema = z.looseObject({
  token: z.string().optional(),
  storageConfig: storageConfigSchema,
  recordingConfig: recordingConfigSchema.optional(),
  recordingFileConfig: recordingFileConfigSchema.optional(),
  snapshotConfig: snapshotConfigSchema.optional(),
  extensionServiceConfig: extensionServiceConfigSchema.optional(),
  appsCollection: z.looseObject({}).optional(),
  transcodeOptions: z.looseObject({}).optional(),
});

/** `region` (docs) and `regionAffinity` (official clients) both exist (spec §4.1 CONFLICT). */
export const acquireClientRequestSchema = z.looseObject({
  scene: z.literal([0, 1, 2]).optional(),
  resourceExpiredHour: int.min(1).max(720).optional(),
  excludeResourceIds: z.array(z.string()).optional(),
  region: z.string().optional(),
  regionAffinity: int.optional(),
  startParameter: startClientRequestSchema.optional(),
});

export const updateClientRequestSchema = z.looseObject({
  streamSubscribe: z
    .looseObject({
      audioUidList: z.looseObject(subscriptionLists).optional(),
      videoUidList: z.looseObject(subscriptionLists).optional(),
    })
    .optional(),
  webRecordingConfig: z.looseObject({ onhold: z.boolean() }).optional(),
  rtmpPublishConfig: z.looseObject({ outputs: z.array(z.looseObject({ rtmpUrl: z.string() })) }).optional(),
  storageConfig: storageConfigSchema.optional(),
});

export const updateLayoutClientRequestSchema = z.looseObject(layoutFields);
export const stopClientRequestSchema = z.looseObject({ async_stop: z.boolean().optional() });

const envelope = <T extends z.ZodType>(clientRequest: T) =>
  z.looseObject({ cname: cnameSchema, uid: uidSchema, clientRequest });

export const acquireRequestSchema = envelope(acquireClientRequestSchema);
export const startRequestSchema = envelope(startClientRequestSchema);
export const updateRequestSchema = envelope(updateClientRequestSchema);
export const updateLayoutRequestSchema = envelope(updateLayoutClientRequestSchema);
/** Older docs send `clientRequest: {}`; the client fills it in when omitted. */
export const stopRequestSchema = envelope(stopClientRequestSchema.optional());

export type StorageConfig = z.input<typeof storageConfigSchema>;
export type RecordingConfig = z.input<typeof recordingConfigSchema>;
export type StartClientRequest = z.input<typeof startClientRequestSchema>;
export type AcquireRequest = z.input<typeof acquireRequestSchema>;
export type StartRequest = z.input<typeof startRequestSchema>;
export type UpdateRequest = z.input<typeof updateRequestSchema>;
export type UpdateLayoutRequest = z.input<typeof updateLayoutRequestSchema>;
export type StopRequest = z.input<typeof stopRequestSchema>;
