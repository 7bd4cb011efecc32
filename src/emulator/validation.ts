import { isObject } from './http';
import type { Mode, TaskConfig } from './state';
import { tokenExpiresAt } from './token';

/** A vendor-style service error: HTTP status + body `{code, reason}` (optionally echoing the request's identifiers). */
export class VendorError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: number,
    readonly reason: string,
    readonly echo?: Record<string, string>,
  ) {
    super(`${httpStatus} code ${code}: ${reason}`);
  }
  get body(): Record<string, unknown> {
    return { ...this.echo, code: this.code, reason: this.reason };
  }
}

type Obj = Record<string, unknown>;

/** 89-character set of §10; individual/mix names must be shorter than 64 bytes (we take the stricter "< 64"). */
const CNAME_RE = /^[a-zA-Z0-9 !#$%&()+\-:;<=.>?@[\]^_{}|~,]+$/;
const MAX_UID = 4294967295;

export function isValidUid(v: unknown): v is string {
  return typeof v === 'string' && /^[1-9][0-9]{0,9}$/.test(v) && Number(v) <= MAX_UID;
}

export function isValidCname(cname: string, web: boolean): boolean {
  const bytes = Buffer.byteLength(cname);
  if (web) return bytes > 0 && bytes <= 1024;
  return bytes < 64 && CNAME_RE.test(cname);
}

const join = (path: string, key: string | number) =>
  typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;

/** Field checks that fail with code 2 and a reason naming the field, in the style of the vendor's example message. */
class Checker {
  constructor(readonly op: string) {}

  invalid(path: string): never {
    throw new VendorError(400, 2, `${this.op}: invalid ${path} value!`);
  }
  missing(path: string): never {
    throw new VendorError(400, 2, `${this.op}: ${path} is required!`);
  }

  /** The API is case-sensitive: a known field in the wrong case is an error, other unknown fields are ignored. */
  keys(obj: Obj, known: readonly string[], path: string): void {
    for (const key of Object.keys(obj)) {
      if (known.includes(key)) continue;
      if (known.some((k) => k.toLowerCase() === key.toLowerCase())) this.invalid(join(path, key));
    }
  }

  private get(obj: Obj, key: string, path: string, required: boolean): unknown {
    const v = obj[key];
    if (v === undefined && required) this.missing(join(path, key));
    return v;
  }

  obj(obj: Obj, key: string, path: string, required = false): Obj | undefined {
    const v = this.get(obj, key, path, required);
    if (v === undefined) return undefined;
    if (!isObject(v)) this.invalid(join(path, key));
    return v;
  }

  int(obj: Obj, key: string, path: string, min: number, max: number, required = false): number | undefined {
    const v = this.get(obj, key, path, required);
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) this.invalid(join(path, key));
    return v;
  }

  num(obj: Obj, key: string, path: string, min: number, max: number, required = false): number | undefined {
    const v = this.get(obj, key, path, required);
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) this.invalid(join(path, key));
    return v;
  }

  oneOf<T extends string | number>(obj: Obj, key: string, path: string, values: readonly T[], required = false): T | undefined {
    const v = this.get(obj, key, path, required);
    if (v === undefined) return undefined;
    if (!values.includes(v as T)) this.invalid(join(path, key));
    return v as T;
  }

  str(obj: Obj, key: string, path: string, opts: { required?: boolean; pattern?: RegExp; max?: number } = {}): string | undefined {
    const v = this.get(obj, key, path, opts.required ?? false);
    if (v === undefined) return undefined;
    if (typeof v !== 'string') this.invalid(join(path, key));
    if (opts.required && v === '') this.invalid(join(path, key));
    if (opts.pattern && !opts.pattern.test(v)) this.invalid(join(path, key));
    if (opts.max !== undefined && v.length > opts.max) this.invalid(join(path, key));
    return v;
  }

  bool(obj: Obj, key: string, path: string, required = false): boolean | undefined {
    const v = this.get(obj, key, path, required);
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') this.invalid(join(path, key));
    return v;
  }

  arr(obj: Obj, key: string, path: string, opts: { required?: boolean; min?: number; max?: number } = {}): unknown[] | undefined {
    const v = this.get(obj, key, path, opts.required ?? false);
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) this.invalid(join(path, key));
    if (v.length < (opts.min ?? 0) || v.length > (opts.max ?? Infinity)) this.invalid(join(path, key));
    return v;
  }

  uid(obj: Obj, key: string, path: string, required = false): string | undefined {
    const v = this.get(obj, key, path, required);
    if (v === undefined) return undefined;
    if (!isValidUid(v)) this.invalid(join(path, key));
    return v;
  }

  uidList(obj: Obj, key: string, path: string): string[] | undefined {
    const list = this.arr(obj, key, path, { max: 32 });
    if (!list) return undefined;
    list.forEach((v) => {
      if (v !== '#allstream#' && !isValidUid(v)) this.invalid(join(path, key));
    });
    return list as string[];
  }
}

export interface Envelope {
  cname: string;
  uid: string;
  clientRequest: Obj;
}

/** Top level shared by every POST body: cname, uid (decimal string 1..2^32-1), clientRequest object. */
function envelope(c: Checker, body: unknown): Envelope {
  if (!isObject(body)) c.invalid('body');
  c.keys(body, ['cname', 'uid', 'clientRequest'], '');
  const cname = c.str(body, 'cname', '', { required: true }) as string;
  const uid = c.uid(body, 'uid', '', true) as string;
  const clientRequest = c.obj(body, 'clientRequest', '', true) as Obj;
  return { cname, uid, clientRequest };
}

// ---------- acquire ----------

export interface AcquireRequest extends Envelope {
  scene: number;
  resourceExpiredHour: number;
}

export function validateAcquire(body: unknown): AcquireRequest {
  const c: Checker = new Checker('Acquire');
  const env = envelope(c, body);
  const cr = env.clientRequest;
  c.keys(cr, ['scene', 'resourceExpiredHour', 'excludeResourceIds', 'region', 'regionAffinity', 'startParameter'], '');
  const scene = c.oneOf(cr, 'scene', '', [0, 1, 2]) ?? 0;
  const resourceExpiredHour = c.int(cr, 'resourceExpiredHour', '', 1, 720) ?? 72;
  const excluded = c.arr(cr, 'excludeResourceIds', '');
  if (excluded?.some((v) => typeof v !== 'string')) c.invalid('excludeResourceIds');
  // Docs send `region` (string); the official clients send `regionAffinity` (number): accept both.
  c.oneOf(cr, 'region', '', ['CN', 'AP', 'EU', 'NA']);
  c.oneOf(cr, 'regionAffinity', '', [0, 1, 2, 3, 4]);
  c.obj(cr, 'startParameter', '');
  if (!isValidCname(env.cname, scene === 1)) throw new VendorError(400, 401, 'invalid_channel_name');
  return { ...env, scene, resourceExpiredHour };
}

// ---------- start ----------

export interface StartRequest extends Envelope {
  config: TaskConfig;
}

const STORAGE_VENDORS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 11] as const;

function storageConfig(c: Checker, sc: Obj, path: string): void {
  c.keys(sc, ['vendor', 'region', 'bucket', 'accessKey', 'secretKey', 'stsToken', 'stsExpiration', 'fileNamePrefix', 'extensionParams'], path);
  const vendor = c.oneOf(sc, 'vendor', path, STORAGE_VENDORS, true);
  c.int(sc, 'region', path, 0, 1000, true);
  c.str(sc, 'bucket', path, { required: true });
  c.str(sc, 'accessKey', path, { required: true });
  c.str(sc, 'secretKey', path, { required: true });
  c.str(sc, 'stsToken', path);
  c.int(sc, 'stsExpiration', path, 0, Number.MAX_SAFE_INTEGER);
  const prefix = c.arr(sc, 'fileNamePrefix', path);
  if (prefix) {
    const ok = prefix.every((p) => typeof p === 'string' && /^[A-Za-z0-9]+$/.test(p)) && prefix.join('/').length <= 128;
    if (!ok) c.invalid(join(path, 'fileNamePrefix'));
  }
  const ext = c.obj(sc, 'extensionParams', path, vendor === 11);
  if (ext) {
    const p = join(path, 'extensionParams');
    c.keys(ext, ['sse', 'tag', 'endpoint'], p);
    c.oneOf(ext, 'sse', p, ['kms', 'aes256']);
    c.str(ext, 'tag', p);
    c.str(ext, 'endpoint', p, { required: vendor === 11 });
  }
}

const HEX_COLOR = /^#[0-9A-Fa-f]{6}$/;

/** Layout fields shared by transcodingConfig (start) and updateLayout's clientRequest. */
function layoutFields(c: Checker, o: Obj, path: string): void {
  const layout = c.int(o, 'mixedVideoLayout', path, 0, 3);
  c.uid(o, 'maxResolutionUid', path, layout === 2);
  c.str(o, 'backgroundColor', path, { pattern: HEX_COLOR });
  c.str(o, 'backgroundImage', path);
  c.str(o, 'defaultUserBackgroundImage', path);
  const regions = c.arr(o, 'layoutConfig', path, { max: 17, required: layout === 3 });
  regions?.forEach((r, i) => {
    const p = join(join(path, 'layoutConfig'), i);
    if (!isObject(r)) c.invalid(p);
    c.keys(r, ['uid', 'x_axis', 'y_axis', 'width', 'height', 'alpha', 'render_mode'], p);
    c.uid(r, 'uid', p);
    for (const k of ['x_axis', 'y_axis', 'width', 'height']) c.num(r, k, p, 0, 1, true);
    c.num(r, 'alpha', p, 0, 1);
    c.oneOf(r, 'render_mode', p, [0, 1]);
  });
  const backgrounds = c.arr(o, 'backgroundConfig', path);
  backgrounds?.forEach((b, i) => {
    const p = join(join(path, 'backgroundConfig'), i);
    if (!isObject(b)) c.invalid(p);
    c.keys(b, ['uid', 'image_url', 'render_mode'], p);
    c.uid(b, 'uid', p, true);
    c.str(b, 'image_url', p, { required: true });
    c.oneOf(b, 'render_mode', p, [0, 1]);
  });
}

const LAYOUT_KEYS = [
  'mixedVideoLayout',
  'maxResolutionUid',
  'backgroundColor',
  'backgroundImage',
  'defaultUserBackgroundImage',
  'layoutConfig',
  'backgroundConfig',
];

function transcodingConfig(c: Checker, tc: Obj, path: string): void {
  c.keys(tc, ['width', 'height', 'fps', 'bitrate', ...LAYOUT_KEYS], path);
  const width = c.int(tc, 'width', path, 1, 1920) ?? 360;
  const height = c.int(tc, 'height', path, 1, 1920) ?? 640;
  if (width * height > 1920 * 1080) c.invalid(join(path, 'width'));
  c.int(tc, 'fps', path, 1, 60);
  c.int(tc, 'bitrate', path, 1, 100_000);
  layoutFields(c, tc, path);
}

/** Both blacklist spellings are in the wild (unsubscribe… in the reference, unSubscribe… in the guide and Go client). */
function mediaLists(c: Checker, o: Obj, path: string, kind: 'Audio' | 'Video'): Record<string, string[]> | null {
  const names = [`subscribe${kind}Uids`, `unsubscribe${kind}Uids`, `unSubscribe${kind}Uids`];
  const present = names.filter((n) => o[n] !== undefined);
  if (present.length > 1) c.invalid(join(path, present[1]));
  if (present.length === 0) return null;
  const name = present[0];
  return { [name]: c.uidList(o, name, path) as string[] };
}

const MEDIA_LIST_KEYS = ['Audio', 'Video'].flatMap((k) => [`subscribe${k}Uids`, `unsubscribe${k}Uids`, `unSubscribe${k}Uids`]);

function recordingConfig(c: Checker, rc: Obj, mode: Mode, path: string) {
  c.keys(
    rc,
    [
      'channelType',
      'streamTypes',
      'maxIdleTime',
      ...MEDIA_LIST_KEYS,
      'subscribeUidGroup',
      'streamMode',
      'videoStreamType',
      'decryptionMode',
      'secret',
      'salt',
      'audioProfile',
      'transcodingConfig',
      'privateParams',
    ],
    path,
  );
  c.oneOf(rc, 'channelType', path, [0, 1]);
  const streamTypes = c.oneOf(rc, 'streamTypes', path, [0, 1, 2]) ?? 2;
  const maxIdleTime = c.int(rc, 'maxIdleTime', path, 5, 2_592_000) ?? 30;
  c.int(rc, 'subscribeUidGroup', path, 0, 5, mode === 'individual');
  const streamMode = c.oneOf(rc, 'streamMode', path, ['default', 'standard', 'original']);
  if (streamMode !== undefined && (mode !== 'individual' || (streamMode === 'original' && streamTypes !== 0)))
    c.invalid(join(path, 'streamMode'));
  c.oneOf(rc, 'videoStreamType', path, [0, 1]);
  const decryptionMode = c.int(rc, 'decryptionMode', path, 0, 8) ?? 0;
  c.str(rc, 'secret', path, { required: decryptionMode !== 0 });
  c.str(rc, 'salt', path, { required: decryptionMode === 7 || decryptionMode === 8 });
  c.oneOf(rc, 'audioProfile', path, [0, 1, 2]);
  c.str(rc, 'privateParams', path);
  const tc = c.obj(rc, 'transcodingConfig', path);
  if (tc) {
    if (mode !== 'mix') c.invalid(join(path, 'transcodingConfig'));
    transcodingConfig(c, tc, join(path, 'transcodingConfig'));
  }
  const audio = mediaLists(c, rc, path, 'Audio');
  const video = mediaLists(c, rc, path, 'Video');
  if (audio && streamTypes === 1) c.invalid(join(path, Object.keys(audio)[0]));
  if (video && streamTypes === 0) c.invalid(join(path, Object.keys(video)[0]));
  const subscriptions: Record<string, unknown> | null =
    audio || video ? { ...(audio ? { audioUidList: audio } : {}), ...(video ? { videoUidList: video } : {}) } : null;
  const startLayout = tc ? Object.fromEntries(LAYOUT_KEYS.filter((k) => tc[k] !== undefined).map((k) => [k, tc[k]])) : null;
  return { streamTypes, maxIdleTime, subscriptions, startLayout };
}

function recordingFileConfig(c: Checker, rfc: Obj, mode: Mode, path: string): string[] {
  c.keys(rfc, ['avFileType'], path);
  const types = c.arr(rfc, 'avFileType', path, { min: 1, max: 2 }) ?? ['hls'];
  const p = join(path, 'avFileType');
  const valid = types.every((t) => t === 'hls' || t === 'mp4') && new Set(types).size === types.length && types.includes('hls');
  // ["mp4"] alone is an error; individual mode only supports the default.
  if (!valid || (mode === 'individual' && types.includes('mp4'))) c.invalid(p);
  return types as string[];
}

function snapshotConfig(c: Checker, sc: Obj, path: string): void {
  c.keys(sc, ['captureInterval', 'fileType'], path);
  c.int(sc, 'captureInterval', path, 5, 3600);
  const fileType = c.arr(sc, 'fileType', path, { required: true, min: 1, max: 1 }) as unknown[];
  if (fileType[0] !== 'jpg') c.invalid(join(path, 'fileType'));
}

function rtmpOutputs(c: Checker, o: Obj, path: string): string[] {
  const outputs = c.arr(o, 'outputs', path, { required: true, min: 1, max: 1 }) as unknown[];
  return outputs.map((out, i) => {
    const p = join(join(path, 'outputs'), i);
    if (!isObject(out)) c.invalid(p);
    return c.str(out, 'rtmpUrl', p, { required: true, pattern: /^rtmps?:\/\/\S+$/ }) as string;
  });
}

function extensionServiceConfig(c: Checker, esc: Obj, path: string): NonNullable<TaskConfig['web']> {
  c.keys(esc, ['errorHandlePolicy', 'extensionServices'], path);
  c.oneOf(esc, 'errorHandlePolicy', path, ['error_abort']);
  const services = c.arr(esc, 'extensionServices', path, { required: true, min: 1, max: 2 }) as unknown[];
  const web: NonNullable<TaskConfig['web']> = { recorder: false, onhold: false, rtmpUrls: [] };
  const seen = new Set<string>();
  services.forEach((svc, i) => {
    const p = join(join(path, 'extensionServices'), i);
    if (!isObject(svc)) c.invalid(p);
    c.keys(svc, ['serviceName', 'errorHandlePolicy', 'serviceParam'], p);
    const name = c.oneOf(svc, 'serviceName', p, ['web_recorder_service', 'rtmp_publish_service'], true) as string;
    if (seen.has(name)) c.invalid(join(p, 'serviceName'));
    seen.add(name);
    c.str(svc, 'errorHandlePolicy', p);
    const param = c.obj(svc, 'serviceParam', p, true) as Obj;
    const pp = join(p, 'serviceParam');
    if (name === 'rtmp_publish_service') {
      web.rtmpUrls = rtmpOutputs(c, param, pp);
      return;
    }
    web.recorder = true;
    c.str(param, 'url', pp, { required: true });
    c.oneOf(param, 'audioProfile', pp, [0, 1, 2], true);
    const w = c.int(param, 'videoWidth', pp, 480, 1920, true) as number;
    const h = c.int(param, 'videoHeight', pp, 480, 1920, true) as number;
    if (w * h > 1920 * 1080) c.invalid(join(pp, 'videoWidth'));
    c.int(param, 'maxRecordingHour', pp, 1, 720, true);
    c.int(param, 'videoBitrate', pp, 1, 100_000);
    c.int(param, 'videoFps', pp, 5, 60);
    c.bool(param, 'mobile', pp);
    c.int(param, 'maxVideoDuration', pp, 30, 240);
    web.onhold = c.bool(param, 'onhold', pp) ?? false;
    c.int(param, 'readyTimeout', pp, 0, 60);
  });
  return web;
}

export function validateStart(mode: Mode, body: unknown): StartRequest {
  const c: Checker = new Checker('Start');
  const env = envelope(c, body);
  const cr = env.clientRequest;
  c.keys(
    cr,
    [
      'token',
      'storageConfig',
      'recordingConfig',
      'recordingFileConfig',
      'snapshotConfig',
      'extensionServiceConfig',
      'appsCollection',
      'transcodeOptions',
    ],
    '',
  );
  const token = c.str(cr, 'token', '');
  storageConfig(c, c.obj(cr, 'storageConfig', '', true) as Obj, 'storageConfig');

  let rec = { streamTypes: 2, maxIdleTime: 30, subscriptions: null as Record<string, unknown> | null, startLayout: null as Record<string, unknown> | null };
  const rc = c.obj(cr, 'recordingConfig', '', mode === 'individual');
  if (rc && mode !== 'web') rec = recordingConfig(c, rc, mode, 'recordingConfig');

  const rfc = c.obj(cr, 'recordingFileConfig', '');
  const avFileType = rfc ? recordingFileConfig(c, rfc, mode, 'recordingFileConfig') : ['hls'];

  const snap = c.obj(cr, 'snapshotConfig', '');
  if (snap) {
    if (mode !== 'individual' || rec.streamTypes === 0) c.invalid('snapshotConfig');
    snapshotConfig(c, snap, 'snapshotConfig');
  }

  let web: TaskConfig['web'] = null;
  const esc = c.obj(cr, 'extensionServiceConfig', '', mode === 'web');
  if (esc && mode === 'web') web = extensionServiceConfig(c, esc, 'extensionServiceConfig');

  return {
    ...env,
    config: {
      hasToken: typeof token === 'string' && token !== '',
      tokenExpiresAt: typeof token === 'string' ? tokenExpiresAt(token) : null,
      maxIdleTime: rec.maxIdleTime,
      streamTypes: rec.streamTypes,
      avFileType,
      screenshotOnly: Boolean(snap) && !rfc,
      subscriptions: rec.subscriptions,
      startLayout: rec.startLayout,
      web,
    },
  };
}

// ---------- update / updateLayout / stop ----------

export interface UpdateRequest extends Envelope {
  streamSubscribe?: Record<string, unknown>;
  onhold?: boolean;
  rtmpUrls?: string[];
}

export function validateUpdate(mode: Mode, body: unknown): UpdateRequest {
  const c: Checker = new Checker('Update');
  const env = envelope(c, body);
  const cr = env.clientRequest;
  c.keys(cr, ['streamSubscribe', 'webRecordingConfig', 'rtmpPublishConfig', 'storageConfig'], '');
  const out: UpdateRequest = { ...env };
  const ss = c.obj(cr, 'streamSubscribe', '');
  if (ss) {
    if (mode === 'web') c.invalid('streamSubscribe');
    c.keys(ss, ['audioUidList', 'videoUidList'], 'streamSubscribe');
    const subs: Record<string, unknown> = {};
    for (const [key, kind] of [
      ['audioUidList', 'Audio'],
      ['videoUidList', 'Video'],
    ] as const) {
      const list = c.obj(ss, key, 'streamSubscribe');
      if (!list) continue;
      const p = join('streamSubscribe', key);
      c.keys(list, [`subscribe${kind}Uids`, `unsubscribe${kind}Uids`, `unSubscribe${kind}Uids`], p);
      subs[key] = mediaLists(c, list, p, kind) ?? {};
    }
    out.streamSubscribe = subs;
  }
  const wrc = c.obj(cr, 'webRecordingConfig', '');
  if (wrc) {
    if (mode !== 'web') c.invalid('webRecordingConfig');
    c.keys(wrc, ['onhold'], 'webRecordingConfig');
    out.onhold = c.bool(wrc, 'onhold', 'webRecordingConfig', true);
  }
  const rpc = c.obj(cr, 'rtmpPublishConfig', '');
  if (rpc) {
    if (mode !== 'web') c.invalid('rtmpPublishConfig');
    out.rtmpUrls = rtmpOutputs(c, rpc, 'rtmpPublishConfig');
  }
  const sc = c.obj(cr, 'storageConfig', '');
  if (sc) storageConfig(c, sc, 'storageConfig');
  return out;
}

export function validateUpdateLayout(body: unknown): Envelope {
  const c: Checker = new Checker('UpdateLayout');
  const env = envelope(c, body);
  c.keys(env.clientRequest, LAYOUT_KEYS, '');
  layoutFields(c, env.clientRequest, '');
  return env;
}

export function validateStop(body: unknown): Envelope & { asyncStop: boolean } {
  const c: Checker = new Checker('Stop');
  const env = envelope(c, body);
  c.keys(env.clientRequest, ['async_stop'], '');
  return { ...env, asyncStop: c.bool(env.clientRequest, 'async_stop', '') ?? false };
}

export const OP_LABEL: Record<string, string> = {
  acquire: 'Acquire',
  start: 'Start',
  query: 'Query',
  update: 'Update',
  updateLayout: 'UpdateLayout',
  stop: 'Stop',
};

export function invalidMode(op: string): VendorError {
  return new VendorError(400, 2, `${OP_LABEL[op] ?? op}: invalid mode value!`);
}
