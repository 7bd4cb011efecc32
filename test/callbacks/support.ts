/** Signed vendor bodies, built the way Agora NCS and TRTC build them (spec §9.5 and §5.2). */
import crypto from 'node:crypto';

export const NCS_SECRET = 'ncs-secret-Qw3Er5Ty7';
export const TRTC_APP = '1400188366';
export const TRTC_KEY = 'trtcCallbackKey42';

export function agoraBody(o: { sid: string; cname: string; eventType: number; sequence?: number; noticeId?: string; details?: Record<string, unknown>; uid?: string }): string {
  return JSON.stringify({
    ...(o.noticeId ? { noticeId: o.noticeId } : {}),
    productId: 3,
    eventType: o.eventType,
    notifyMs: Date.now(),
    payload: { cname: o.cname, uid: o.uid ?? '3000000001', sid: o.sid, sequence: o.sequence ?? 0, sendts: 1_700_000_000_123, serviceType: 0, details: { msgName: 'x', ...o.details } },
  });
}

export function agoraHeaders(body: string, secret = NCS_SECRET): Record<string, string> {
  return {
    'content-type': 'application/json',
    'Agora-Signature-V2': crypto.createHmac('sha256', secret).update(body).digest('hex'),
    'Agora-Signature': crypto.createHmac('sha1', secret).update(body).digest('hex'),
  };
}

/** Pretty-printed with tabs, as TRTC sends it: the signature covers these exact bytes. */
export function trtcBody(o: { taskId: string; roomId: string | number; eventType: number; eventTs?: number | string; payload?: Record<string, unknown> }): string {
  return JSON.stringify(
    { EventGroupId: 3, EventType: o.eventType, CallbackTs: Date.now(), EventInfo: { RoomId: o.roomId, EventTs: o.eventTs ?? 1_700_000_000, UserId: 'recorder_abc_0', TaskId: o.taskId, Payload: o.payload ?? { Status: 0 } } },
    null,
    '\t',
  );
}

export function trtcHeaders(body: string, key = TRTC_KEY, sdkAppId = TRTC_APP): Record<string, string> {
  return { 'content-type': 'application/json', Sign: crypto.createHmac('sha256', key).update(body).digest('base64'), SdkAppId: sdkAppId };
}

export async function post(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; json: any; ms: number }> {
  const t0 = Date.now();
  const res = await fetch(url, { method: 'POST', body, headers });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json, ms: Date.now() - t0 };
}

export function uniqueId(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${crypto.randomBytes(4).toString('hex')}`;
}
