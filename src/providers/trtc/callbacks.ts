/**
 * TRTC recording callbacks (event group 3), spec §5: check `Sign` over the raw body with the
 * SdkAppId's callback key, then turn the event into one RecorderEvent.
 */
import { z } from 'zod';
import type { EventFile, RecorderEvent, UploadState } from '../../contract/events';
import { formatIssues } from '../../contract/request';
import { header, hmac, MalformedCallbackError, parseBody, sameBytes, unixToIso, type Headers, type SignatureVerdict, type Translation } from '../callback-support';

export const TRTC_PROVIDER = 'trtc';
/** Cloud recording's event group (§5.3); 8 is web-page recording, which this orchestrator does not run. */
const RECORDING_EVENT_GROUP = 3;

/** The SdkAppId header names the account, and so the key (§5.2). */
export function trtcAccount(headers: Headers): string | undefined {
  return header(headers, 'sdkappid');
}

/** Spec §5.2: Sign = base64(HMAC-SHA256(callback key, raw body)). */
export function verifyTrtcSignature(raw: Buffer, headers: Headers, keys: Readonly<Record<string, string>>): SignatureVerdict {
  const sign = header(headers, 'sign');
  if (sign === undefined) return { ok: false, reason: 'unsigned' };
  const account = trtcAccount(headers);
  const key = account !== undefined && Object.hasOwn(keys, account) ? keys[account] : undefined;
  if (key === undefined) return { ok: false, reason: 'unknown-account' };
  const given = Buffer.from(sign, 'base64');
  // Buffer.from drops what is not base64: compare the canonical form too, so a decorated Sign never passes.
  if (given.toString('base64') !== sign) return { ok: false, reason: 'forged' };
  return sameBytes(hmac('sha256', key, raw), given) ? { ok: true } : { ok: false, reason: 'forged' };
}

/** "RoomId/EventTs may be string or number" (§5.3): both, as long as the string is what a number would print. */
const numeric = z.union([z.number().nonnegative(), z.string().regex(/^\d+$/).transform(Number)], { error: 'must be a number or a string of digits' });

const envelopeSchema = z.object({
  EventGroupId: z.number().int(),
  EventType: z.number().int(),
  CallbackTs: z.number().optional(),
  EventInfo: z.looseObject({}),
});

const infoSchema = z.object({
  RoomId: z.union([z.string().min(1), z.number().int().nonnegative().transform(String)], { error: 'must be a non-empty string or a number' }),
  EventTs: numeric,
  EventMsTs: numeric.optional(),
  UserId: z.string().optional(),
  TaskId: z.string().min(1),
  Payload: z.looseObject({}).default({}),
});

const status = z.number().int();
/** 311 names one file, nested in TencentVod (the examples) or flat in Payload (the field tables): §5.4. */
const vodFile = z.object({
  CacheFile: z.string().optional(),
  FileId: z.string().optional(),
  UserId: z.string().optional(),
  StartTimeStamp: z.number().optional(),
  BeginTimeStamp: z.number().optional(),
  EndTimeStamp: z.number().optional(),
});

const payloadSchemas = {
  301: z.object({ Status: status }),
  302: z.object({ LeaveCode: z.number().int() }),
  304: z.object({ FileList: z.string().min(1) }),
  305: z.object({ Status: status }),
  307: z.object({ FileName: z.string().min(1), UserId: z.string().optional(), TrackType: z.string().optional(), BeginTimeStamp: z.number().optional() }),
  308: z.object({ Code: z.string().optional(), Message: z.string().optional() }),
  310: z.object({
    Status: status,
    FileList: z.union([z.array(z.string()), z.string()]).optional(),
    FileMessage: z.array(z.object({ FileName: z.string().min(1), StartTimeStamp: z.number().optional(), EndTimeStamp: z.number().optional() })).optional(),
  }),
  311: vodFile.extend({ Status: status, Errmsg: z.string().optional(), TencentVod: vodFile.optional() }),
  312: z.object({ Status: status }),
} as const;

function payload<K extends keyof typeof payloadSchemas>(type: K, value: unknown): z.output<(typeof payloadSchemas)[K]> {
  const r = payloadSchemas[type].safeParse(value);
  if (!r.success) throw new MalformedCallbackError(formatIssues(r.error, 'EventInfo.Payload'));
  return r.data as z.output<(typeof payloadSchemas)[K]>;
}

/** §5.5. */
export const LEAVE_CODES: Readonly<Record<number, string>> = {
  0: 'stop was called',
  1: 'the robot was kicked out by the customer',
  2: 'the customer dismissed the room',
  3: 'the robot was kicked out by the server',
  4: 'the server dismissed the room',
  99: 'nobody else had a stream for the idle time',
  100: 'room timed out',
  101: 'the same UserId entered again',
};

function at(t: number): string | undefined {
  return t > 0 ? unixToIso(t) : undefined;
}

/** `account` is the SdkAppId header the signature was checked against. */
export function translateTrtcCallback(raw: Buffer, account: string): Translation {
  const body = parseBody(envelopeSchema, raw);
  if (body.EventGroupId !== RECORDING_EVENT_GROUP) return { kind: 'ignored', reason: `EventGroupId ${body.EventGroupId} is not cloud recording` };
  const ir = infoSchema.safeParse(body.EventInfo);
  if (!ir.success) throw new MalformedCallbackError(formatIssues(ir.error, 'EventInfo'));
  const info = ir.data;
  const when = info.EventMsTs ?? info.EventTs;
  const base: RecorderEvent = {
    provider: TRTC_PROVIDER,
    account,
    eventId: `${info.TaskId}:${body.EventType}:${when}`,
    vendorEvent: String(body.EventType),
    kind: 'other',
    recorderId: info.TaskId,
    channel: info.RoomId,
    ...(info.UserId ? { identity: info.UserId } : {}),
    at: unixToIso(when),
  };
  const upload = (stage: 'storage' | 'mp4' | 'vod', state: UploadState, extra: Partial<RecorderEvent> = {}): Translation =>
    event({ ...base, kind: 'upload', upload: { stage, state }, ...extra });

  switch (body.EventType) {
    case 301: {
      const p = payload(301, info.Payload);
      const kind = p.Status === 0 ? 'started' : p.Status === 1 ? 'start-failed' : 'other';
      return event({ ...base, kind, reason: `recorder start Status ${p.Status}` });
    }
    case 302: {
      const p = payload(302, info.Payload);
      return event({ ...base, kind: 'exited', reason: `LeaveCode ${p.LeaveCode} (${LEAVE_CODES[p.LeaveCode] ?? 'undocumented'})` });
    }
    case 306:
      return event({ ...base, kind: 'failover', reason: 'task migrated to a new node' });
    case 305: {
      // Status 1 (files stranded) and a later Status 2 (recovered) are two facts: the status is part of the key.
      const p = payload(305, info.Payload);
      const reason = `upload stop Status ${p.Status}`;
      const extra = { eventId: `${base.eventId}:${p.Status}`, reason };
      if (p.Status === 0 || p.Status === 2) return upload('storage', 'uploaded', extra);
      if (p.Status === 1) return upload('storage', 'backuped', extra);
      return event({ ...base, ...extra });
    }
    case 308: {
      const p = payload(308, info.Payload);
      return event({ ...base, reason: `upload error ${p.Code ?? '?'}: ${p.Message ?? ''}`.trimEnd() });
    }
    case 310: {
      const p = payload(310, info.Payload);
      const files: EventFile[] = p.FileMessage
        ? p.FileMessage.map((f) => ({ name: f.FileName, ...opt('startedAt', f.StartTimeStamp), ...opt('endedAt', f.EndTimeStamp) }))
        : (typeof p.FileList === 'string' ? [p.FileList] : (p.FileList ?? [])).map((name) => ({ name }));
      const extra = { reason: `mp4 stop Status ${p.Status}`, ...(files.length > 0 ? { files } : {}) };
      const state: UploadState | undefined = ({ 0: 'uploaded', 1: 'backuped', 2: 'failed' } as Record<number, UploadState>)[p.Status];
      return state ? upload('mp4', state, extra) : event({ ...base, ...extra });
    }
    case 312: {
      const p = payload(312, info.Payload);
      const state: UploadState | undefined = p.Status === 0 ? 'uploaded' : p.Status === 1 ? 'failed' : undefined;
      const reason = `vod stop Status ${p.Status}`;
      return state ? upload('vod', state, { reason }) : event({ ...base, reason });
    }
    case 311: {
      // One event per file: the file is part of the key, since several may share a second.
      const p = payload(311, info.Payload);
      const f = p.TencentVod ?? p;
      const name = f.CacheFile ?? f.FileId;
      const file: EventFile | undefined = name ? { name, ...opt('startedAt', f.StartTimeStamp ?? f.BeginTimeStamp), ...opt('endedAt', f.EndTimeStamp) } : undefined;
      return event({
        ...base,
        kind: 'file',
        eventId: `${base.eventId}:${name ?? ''}:${f.UserId ?? ''}`,
        reason: `vod commit Status ${p.Status}${p.Errmsg ? `: ${p.Errmsg}` : ''}${f.FileId ? ` FileId ${f.FileId}` : ''}`,
        ...(file ? { files: [file] } : {}),
      });
    }
    case 304: {
      const p = payload(304, info.Payload);
      return event({ ...base, kind: 'file', eventId: `${base.eventId}:${p.FileList}`, files: [{ name: p.FileList }] });
    }
    case 307: {
      const p = payload(307, info.Payload);
      return event({
        ...base,
        kind: 'file',
        eventId: `${base.eventId}:${p.FileName}`,
        reason: `slice of ${p.UserId || 'the mix'} ${p.TrackType ?? ''}`.trimEnd(),
        files: [{ name: p.FileName, ...opt('startedAt', p.BeginTimeStamp) }],
      });
    }
    default:
      return event({ ...base, reason: `event ${body.EventType}` });
  }
}

function opt(key: 'startedAt' | 'endedAt', t: number | undefined): Partial<EventFile> {
  const iso = t === undefined ? undefined : at(t);
  return iso ? { [key]: iso } : {};
}

function event(e: RecorderEvent): Translation {
  return { kind: 'event', event: e };
}
