/**
 * Agora NCS (Message Notification Service) callbacks, spec §9: check the signature over the raw
 * body, then turn a cloud-recording notification (productId 3) into one RecorderEvent.
 */
import { z } from 'zod';
import type { EventFile, RecorderEvent } from '../../contract/events';
import { formatIssues } from '../../contract/request';
import { header, hmac, MalformedCallbackError, parseBody, sameBytes, unixToIso, type Headers, type SignatureVerdict, type Translation } from '../callback-support';

export const AGORA_PROVIDER = 'agora';
/** NCS's productId for Cloud Recording (spec §9.2); other products' events are not ours. */
const CLOUD_RECORDING_PRODUCT = 3;

const HEX = /^[0-9a-fA-F]+$/;

/**
 * Spec §9.5: Agora-Signature-V2 = hex HMAC-SHA256, Agora-Signature = hex HMAC-SHA1, both over the
 * raw body with the NCS configuration's secret. V2 decides when present, so a forged V2 cannot be
 * rescued by a V1 (no downgrade). Every configured secret is tried: each NCS configuration has its own.
 */
export function verifyAgoraSignature(raw: Buffer, headers: Headers, secrets: readonly string[]): SignatureVerdict {
  const v2 = header(headers, 'agora-signature-v2');
  const v1 = header(headers, 'agora-signature');
  const [algorithm, given] = v2 !== undefined ? (['sha256', v2] as const) : v1 !== undefined ? (['sha1', v1] as const) : [undefined, undefined];
  if (!algorithm) return { ok: false, reason: 'unsigned' };
  if (!HEX.test(given)) return { ok: false, reason: 'forged' };
  const expected = Buffer.from(given, 'hex');
  // Every secret is compared (no early exit), so timing says nothing about which one matched.
  const matches = secrets.map((s) => sameBytes(hmac(algorithm, s, raw), expected));
  return matches.includes(true) ? { ok: true } : { ok: false, reason: 'forged' };
}

const identity = z.union([z.string().min(1), z.number().int().nonnegative()], { error: 'must be a non-empty string or a number' }).transform(String);

const envelopeSchema = z.object({
  noticeId: z.string().min(1).optional(),
  productId: z.number().int(),
  eventType: z.number().int(),
  notifyMs: z.number().optional(),
  payload: z.looseObject({}),
});

/** §9.3. Unknown fields are kept out, not refused: "new fields may be added". */
const payloadSchema = z.object({
  cname: z.string().min(1),
  uid: identity,
  sid: z.string().min(1),
  sequence: z.number().int().nonnegative(),
  sendts: z.number().nonnegative(),
  details: z.looseObject({ msgName: z.string().optional() }).default({}),
});

const uploadedFile = z.object({ fileName: z.string().min(1), sliceStartTime: z.number().nonnegative().optional() });

/** The details each mapped event needs (§9.4); other events keep only their msgName. */
const detailSchemas = {
  1: z.object({ errorLevel: z.number().int().optional(), errorCode: z.number().optional(), errorMsg: z.string().optional(), module: z.number().optional() }),
  4: z.object({ fileList: z.string().min(1) }),
  11: z.object({ exitStatus: z.number().int() }),
  12: z.object({ newUid: identity }),
  31: z.object({ fileList: z.array(uploadedFile).optional() }),
  32: z.object({ fileList: z.array(uploadedFile).optional() }),
  41: z.object({ leaveCode: z.number().int().nonnegative() }),
  42: z.object({ streamUid: z.union([z.string(), z.number()]).optional(), trackType: z.union([z.string(), z.number()]).optional(), startUtcMs: z.number().optional() }),
} as const;

function details<K extends keyof typeof detailSchemas>(type: K, value: unknown): z.output<(typeof detailSchemas)[K]> {
  const r = detailSchemas[type].safeParse(value);
  if (!r.success) throw new MalformedCallbackError(formatIssues(r.error, 'payload.details'));
  return r.data as z.output<(typeof detailSchemas)[K]>;
}

/** recorder_leave's leaveCode is a set of bit flags (§9.4); 0 alone means the join failed. */
const LEAVE_FLAGS: Array<[number, string]> = [
  [2, 'SIGINT'],
  [4, 'no users'],
  [8, 'ignore'],
  [16, 'left via leaveChannel'],
];
export function leaveCodeMeaning(code: number): string {
  if (code === 0) return 'init failed';
  const names = LEAVE_FLAGS.filter(([bit]) => (code & bit) !== 0).map(([, n]) => n);
  return names.length > 0 ? names.join(', ') : 'undocumented';
}

/** The body's bytes as received: the signature covered these, so they are parsed once, here. */
export function translateAgoraCallback(raw: Buffer): Translation {
  const body = parseBody(envelopeSchema, raw);
  if (body.productId !== CLOUD_RECORDING_PRODUCT) return { kind: 'ignored', reason: `productId ${body.productId} is not Cloud Recording` };
  const pr = payloadSchema.safeParse(body.payload);
  if (!pr.success) throw new MalformedCallbackError(formatIssues(pr.error, 'payload'));
  const p = pr.data;
  const msgName = p.details.msgName ?? `event ${body.eventType}`;
  const base: RecorderEvent = {
    provider: AGORA_PROVIDER,
    account: '',
    eventId: body.noticeId ?? `${p.sid}:${body.eventType}:${p.sequence}`,
    vendorEvent: String(body.eventType),
    kind: 'other',
    recorderId: p.sid,
    channel: p.cname,
    identity: p.uid,
    at: unixToIso(p.sendts),
    reason: msgName,
  };
  const files = (list: Array<z.output<typeof uploadedFile>> | undefined): EventFile[] | undefined =>
    list?.map((f) => ({ name: f.fileName, ...(f.sliceStartTime !== undefined ? { startedAt: unixToIso(f.sliceStartTime) } : {}) }));

  switch (body.eventType) {
    case 40:
      return event({ ...base, kind: 'started' });
    case 1: {
      const d = details(1, p.details);
      const reason = `${msgName} module ${d.module ?? '?'} errorLevel ${d.errorLevel ?? '?'} errorCode ${d.errorCode ?? '?'}${d.errorMsg ? `: ${d.errorMsg}` : ''}`;
      return event({ ...base, kind: d.errorLevel === 5 ? 'fatal' : 'other', reason });
    }
    case 11: {
      const d = details(11, p.details);
      return event({ ...base, kind: 'exited', reason: `${msgName} exitStatus ${d.exitStatus}` });
    }
    case 41: {
      const d = details(41, p.details);
      return event({ ...base, kind: 'left', reason: `${msgName} leaveCode ${d.leaveCode} (${leaveCodeMeaning(d.leaveCode)})` });
    }
    case 12: {
      const d = details(12, p.details);
      return event({ ...base, kind: 'failover', newIdentity: d.newUid, reason: `${msgName} newUid ${d.newUid}` });
    }
    case 31:
    case 32: {
      const d = details(body.eventType, p.details);
      return event({ ...base, kind: 'upload', upload: { stage: 'storage', state: body.eventType === 31 ? 'uploaded' : 'backuped' }, ...withFiles(files(d.fileList)) });
    }
    case 4: {
      const d = details(4, p.details);
      return event({ ...base, kind: 'file', files: [{ name: d.fileList }] });
    }
    case 42: {
      // A slice began; the event names the stream, not a file.
      const d = details(42, p.details);
      const at = d.startUtcMs !== undefined ? unixToIso(d.startUtcMs) : base.at;
      return event({ ...base, kind: 'file', at, reason: `${msgName} streamUid ${d.streamUid ?? '?'} trackType ${d.trackType ?? '?'}` });
    }
    default:
      return event(base);
  }
}

function withFiles(files: EventFile[] | undefined): { files?: EventFile[] } {
  return files && files.length > 0 ? { files } : {};
}

function event(e: RecorderEvent): Translation {
  return { kind: 'event', event: e };
}
