import { isObject } from '../http';
import { invalid, missing, outOfRange, TrtcError } from './errors';

type Obj = Record<string, unknown>;

/** Room ids for RoomIdType 0 (string rooms): ≤64 bytes of this set; integer rooms are 1..4294967294. */
const STR_ROOM_RE = /^[a-zA-Z0-9 !#$%&()+\-:;<=.>?@[\]^_{}|~,]{1,64}$/;
/** TRTC user ids: ≤32 bytes of letters, digits, underscore and hyphen (tls-sig-api-v2 documents the same). */
export const USER_ID_RE = /^[A-Za-z0-9_-]{1,32}$/;
const PREFIX_RE = /^[A-Za-z0-9_-]+$/;
const COLOR_RE = /^#[0-9A-Fa-f]{6}$/;
const MAX_LIST = 32;

const CREATE_FIELDS = [
  'SdkAppId', 'RoomId', 'UserId', 'UserSig', 'RecordParams', 'StorageParams', 'RoomIdType',
  'MixTranscodeParams', 'MixLayoutParams', 'ResourceExpiredHour', 'PrivateMapKey',
];

export interface SubscribeLists {
  SubscribeAudioUserIds?: string[];
  UnSubscribeAudioUserIds?: string[];
  SubscribeVideoUserIds?: string[];
  UnSubscribeVideoUserIds?: string[];
}

export interface CreateRequest {
  sdkAppId: number;
  roomId: string;
  roomIdType: 0 | 1;
  userId: string;
  userSig: string;
  recordMode: 1 | 2;
  maxIdleTime: number;
  streamType: 0 | 1 | 2;
  avMerge: 0 | 1;
  outputFormat: number;
  subscribe: SubscribeLists | null;
  storage: 'cos' | 'vod';
  fileNamePrefix: string[];
  layout: Obj | null;
  resourceExpiredHour: number;
}

/** Field checks that throw the documented codes with a message naming the field path. */
export class Fields {
  constructor(
    readonly obj: Obj,
    private readonly path: string,
    private readonly missingCodes: Record<string, string> = {},
  ) {}

  private name(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  private get(key: string, required: boolean): unknown {
    const v = this.obj[key];
    if ((v === undefined || v === null) && required) throw missing(this.name(key), this.missingCodes[key]);
    return v === null ? undefined : v;
  }

  int(key: string, min: number, max: number, required = false): number | undefined {
    const v = this.get(key, required);
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v)) throw invalid(this.name(key), 'must be an integer');
    if (v < min || v > max) throw outOfRange(this.name(key), `must be in [${min}, ${max}], got ${v}`);
    return v;
  }

  oneOf(key: string, values: readonly number[], required = false): number | undefined {
    const v = this.int(key, Math.min(...values), Math.max(...values), required);
    if (v !== undefined && !values.includes(v)) throw outOfRange(this.name(key), `must be one of ${values.join(', ')}, got ${v}`);
    return v;
  }

  str(key: string, required = false, re?: RegExp, what = 'has an invalid format'): string | undefined {
    const v = this.get(key, required);
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw invalid(this.name(key), 'must be a string');
    if (required && v === '') throw missing(this.name(key), this.missingCodes[key]);
    if (re && !re.test(v)) throw invalid(this.name(key), what);
    return v;
  }

  bool(key: string): boolean | undefined {
    const v = this.get(key, false);
    if (v !== undefined && typeof v !== 'boolean') throw invalid(this.name(key), 'must be a boolean');
    return v as boolean | undefined;
  }

  obj_(key: string, required = false): Fields | undefined {
    const v = this.get(key, required);
    if (v === undefined) return undefined;
    if (!isObject(v)) throw invalid(this.name(key), 'must be an object');
    return new Fields(v, this.name(key), this.missingCodes);
  }

  raw(key: string): unknown {
    return this.get(key, false);
  }

  list(key: string, max: number): unknown[] | undefined {
    const v = this.get(key, false);
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) throw invalid(this.name(key), 'must be an array');
    if (v.length > max) throw outOfRange(this.name(key), `has at most ${max} elements, got ${v.length}`);
    return v;
  }

  strList(key: string, max: number, re?: RegExp): string[] | undefined {
    const v = this.list(key, max);
    v?.forEach((x, i) => {
      if (typeof x !== 'string' || x === '') throw invalid(`${this.name(key)}[${i}]`, 'must be a non-empty string');
      if (re && !re.test(x)) throw invalid(`${this.name(key)}[${i}]`, 'has an invalid format');
    });
    return v as string[] | undefined;
  }

  objAt(key: string, i: number, v: unknown): Fields {
    if (!isObject(v)) throw invalid(`${this.name(key)}[${i}]`, 'must be an object');
    return new Fields(v, `${this.name(key)}[${i}]`, this.missingCodes);
  }
}

function body(raw: unknown): Obj {
  if (!isObject(raw)) throw new TrtcError('InvalidParameter', 'The request body must be a JSON object.');
  return raw;
}

/** API 3.0 rejects top-level parameters it does not know (names are case-sensitive). */
function noUnknown(obj: Obj, known: readonly string[]): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key)) throw new TrtcError('UnknownParameter', `The parameter \`${key}\` is not recognized.`);
  }
}

const MISSING_CODES: Record<string, string> = {
  SdkAppId: 'MissingParameter.SdkAppId',
  RoomId: 'MissingParameter.RoomId',
  UserId: 'MissingParameter.UserId',
  UserSig: 'MissingParameter.UserSig',
  TaskId: 'MissingParameter.TaskId',
  RecordParams: 'MissingParameter.RecordParams',
  RecordMode: 'MissingParameter.RecordMode',
  StorageParams: 'MissingParameter.StorageParams',
  Vendor: 'MissingParameter.Vendor',
  Region: 'MissingParameter.Region',
  Bucket: 'MissingParameter.Bucket',
  AccessKey: 'MissingParameter.AccessKey',
  SecretKey: 'MissingParameter.SecretKey',
};

function sdkAppId(f: Fields): number {
  try {
    return f.int('SdkAppId', 1, 4294967295, true)!;
  } catch (err) {
    // A malformed SdkAppId has its own code (spec §4.1); a missing one keeps MissingParameter.SdkAppId.
    if (err instanceof TrtcError && err.code !== 'MissingParameter.SdkAppId') throw new TrtcError('InvalidParameter.SdkAppId', err.message);
    throw err;
  }
}

export function validateSubscribe(f: Fields | undefined): SubscribeLists | null {
  if (!f) return null;
  const out: SubscribeLists = {};
  for (const kind of ['Audio', 'Video'] as const) {
    const allow = f.strList(`Subscribe${kind}UserIds`, MAX_LIST);
    const deny = f.strList(`UnSubscribe${kind}UserIds`, MAX_LIST);
    if (allow && deny)
      throw invalid(`Subscribe${kind}UserIds`, `and UnSubscribe${kind}UserIds cannot both be set`);
    if (allow) out[`Subscribe${kind}UserIds`] = allow;
    if (deny) out[`UnSubscribe${kind}UserIds`] = deny;
  }
  return out;
}

function validateLayout(f: Fields): Obj {
  f.oneOf('MixLayoutMode', [1, 2, 3, 4], true);
  f.str('BackGroundColor', false, COLOR_RE, 'must be #RRGGBB');
  f.str('MaxResolutionUserId');
  f.oneOf('MediaId', [0, 1]);
  f.str('BackgroundImageUrl');
  f.oneOf('PlaceHolderMode', [0, 1]);
  f.oneOf('BackgroundImageRenderMode', [0, 1, 2, 3]);
  f.str('DefaultSubBackgroundImage');
  f.oneOf('RenderMode', [0, 1, 2, 3]);
  f.oneOf('MaxResolutionUserAlign', [0, 1]);
  f.bool('PureAudioDisableLayout');
  f.list('MixLayoutList', 25)?.forEach((v, i) => {
    const t = f.objAt('MixLayoutList', i, v);
    for (const k of ['Top', 'Left', 'Width', 'Height']) t.int(k, 0, 1920, true);
    t.str('UserId');
    t.int('Alpha', 0, 255);
    t.oneOf('RenderMode', [0, 1, 2, 3]);
    t.oneOf('MediaId', [0, 1]);
    t.int('ImageLayer', 0, 1_000_000);
    t.str('SubBackgroundImage');
  });
  f.list('WaterMarkList', 25)?.forEach((v, i) => {
    const w = f.objAt('WaterMarkList', i, v);
    const type = w.oneOf('WaterMarkType', [0, 1, 2]) ?? 0;
    if (type === 0) {
      const img = w.obj_('WaterMarkImage', true)!;
      img.str('WaterMarkUrl', true);
      for (const k of ['Top', 'Left', 'Width', 'Height']) img.int(k, 0, 2560, true);
    } else if (type === 1) {
      const c = w.obj_('WaterMarkChar', true)!;
      for (const k of ['Top', 'Left', 'Width', 'Height']) c.int(k, 0, 2560, true);
      c.str('Chars', true);
    } else {
      w.obj_('WaterMarkTimestamp', true)!.int('Pos', 0, 6, true);
    }
  });
  return f.obj;
}

function validateTranscode(f: Fields): void {
  // If an object is given every field inside it is required (spec §2.1), no defaults apply.
  const v = f.obj_('VideoParams');
  if (v) {
    const w = v.int('Width', 1, 1920, true)!;
    const h = v.int('Height', 1, 1920, true)!;
    if (w * h > 1920 * 1080) throw outOfRange('MixTranscodeParams.VideoParams', `Width×Height must be ≤ 1920×1080, got ${w}×${h}`);
    v.int('Fps', 1, 60, true);
    v.int('BitRate', 64000, 8192000, true);
    v.int('Gop', 1, 60, true);
  }
  const a = f.obj_('AudioParams');
  if (a) {
    a.oneOf('SampleRate', [1, 2, 3], true);
    a.oneOf('Channel', [1, 2], true);
    a.int('BitRate', 32000, 128000, true);
  }
}

export function validateCreate(raw: unknown): CreateRequest {
  const obj = body(raw);
  noUnknown(obj, CREATE_FIELDS);
  const f = new Fields(obj, '', MISSING_CODES);
  const appId = sdkAppId(f);
  const roomIdType = (f.oneOf('RoomIdType', [0, 1]) ?? 1) as 0 | 1;
  const roomId = f.str('RoomId', true)!;
  if (roomIdType === 1) {
    if (!/^[1-9]\d{0,9}$/.test(roomId) || Number(roomId) > 4294967294)
      throw invalid('RoomId', 'must be an integer room id in 1..4294967294 when RoomIdType is 1 (use RoomIdType 0 for string rooms)');
  } else if (!STR_ROOM_RE.test(roomId)) {
    throw invalid('RoomId', 'must be ≤64 characters of letters, digits and the allowed symbols');
  }
  const userId = f.str('UserId', true, USER_ID_RE, 'must be ≤32 characters of letters, digits, underscore or hyphen')!;
  const userSig = f.str('UserSig', true)!;
  f.str('PrivateMapKey');

  const rp = f.obj_('RecordParams', true)!;
  const recordMode = rp.oneOf('RecordMode', [1, 2], true) as 1 | 2;
  const maxIdleTime = rp.int('MaxIdleTime', 5, 86400) ?? 30;
  const streamType = (rp.oneOf('StreamType', [0, 1, 2]) ?? 0) as 0 | 1 | 2;
  const outputFormat = rp.oneOf('OutputFormat', [0, 1, 2, 3, 4]) ?? 0;
  const avMerge = (rp.oneOf('AvMerge', [0, 1]) ?? 0) as 0 | 1;
  rp.int('MaxMediaFileDuration', 1, 1440);
  rp.oneOf('MediaId', [0, 1, 2]);
  rp.oneOf('FillType', [0, 1]);
  rp.oneOf('SubscribeAbility', [0, 1]);
  const subscribe = validateSubscribe(rp.obj_('SubscribeStreamUserIds'));

  const sp = f.obj_('StorageParams', true)!;
  const cloud = sp.obj_('CloudStorage');
  const vod = sp.obj_('CloudVod');
  if (cloud && vod) throw invalid('StorageParams', 'must set exactly one of CloudStorage and CloudVod, not both');
  if (!cloud && !vod) throw missing('StorageParams.CloudStorage', 'MissingParameter.CloudStorage');
  let fileNamePrefix: string[] = [];
  if (cloud) {
    cloud.oneOf('Vendor', [0, 1], true);
    cloud.str('Region', true);
    cloud.str('Bucket', true);
    cloud.str('AccessKey', true);
    cloud.str('SecretKey', true);
    fileNamePrefix = cloud.strList('FileNamePrefix', 32, PREFIX_RE) ?? [];
  } else {
    const tv = vod!.obj_('TencentVod');
    if (tv) {
      tv.str('Procedure');
      tv.int('ExpireTime', 0, Number.MAX_SAFE_INTEGER);
      tv.str('StorageRegion');
      tv.int('ClassId', 0, Number.MAX_SAFE_INTEGER);
      tv.int('SubAppId', 0, Number.MAX_SAFE_INTEGER);
      tv.str('SessionContext');
      tv.str('SourceContext');
      const media = tv.oneOf('MediaType', [0, 1, 2, 3, 4]);
      if ((media === 2 || media === 4) && streamType !== 1)
        throw invalid('StorageParams.CloudVod.TencentVod.MediaType', 'aac outputs (2, 4) need RecordParams.StreamType 1');
      tv.str('UserDefineRecordId', false, /^[A-Za-z0-9_-]{1,64}$/, 'must be ≤64 characters of a-zA-Z0-9_-');
    }
  }

  const tp = f.obj_('MixTranscodeParams');
  if (tp) validateTranscode(tp);
  const lp = f.obj_('MixLayoutParams');
  const layout = lp ? validateLayout(lp) : null;
  const resourceExpiredHour = f.int('ResourceExpiredHour', 6, 720) ?? 72;

  return {
    sdkAppId: appId,
    roomId,
    roomIdType,
    userId,
    userSig,
    recordMode,
    maxIdleTime,
    streamType,
    avMerge,
    outputFormat,
    subscribe,
    storage: cloud ? 'cos' : 'vod',
    fileNamePrefix,
    layout,
    resourceExpiredHour,
  };
}

export function validateTaskRef(raw: unknown, extra: readonly string[] = []): { sdkAppId: number; taskId: string; f: Fields } {
  const obj = body(raw);
  noUnknown(obj, ['SdkAppId', 'TaskId', ...extra]);
  const f = new Fields(obj, '', MISSING_CODES);
  const appId = sdkAppId(f);
  const taskId = f.str('TaskId', true)!;
  return { sdkAppId: appId, taskId, f };
}

export function validateDescribe(raw: unknown) {
  const { sdkAppId: appId, taskId, f } = validateTaskRef(raw, ['RecorderKey']);
  return { sdkAppId: appId, taskId, recorderKey: f.str('RecorderKey') };
}

export function validateModify(raw: unknown) {
  const { sdkAppId: appId, taskId, f } = validateTaskRef(raw, ['MixLayoutParams', 'SubscribeStreamUserIds']);
  const lp = f.obj_('MixLayoutParams');
  const layout = lp ? validateLayout(lp) : undefined;
  const subscribe = f.obj_('SubscribeStreamUserIds');
  const subs = subscribe ? validateSubscribe(subscribe) : undefined;
  if (layout === undefined && subs === undefined)
    throw new TrtcError('InvalidParameter', 'ModifyCloudRecording needs MixLayoutParams or SubscribeStreamUserIds (each given object replaces the previous one).');
  return { sdkAppId: appId, taskId, layout, subscribe: subs };
}

export function validateDelete(raw: unknown) {
  const { sdkAppId: appId, taskId } = validateTaskRef(raw);
  return { sdkAppId: appId, taskId };
}

export { validateLayout };
