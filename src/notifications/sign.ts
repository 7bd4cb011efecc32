/**
 * The signature on every notification, in Stripe's scheme: `X-Recording-Signature: t=<unix s>,
 * v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. The timestamp is signed with the body, so a captured
 * request cannot be replayed after the tolerance window; several v1 values may appear (a backend
 * rotating secrets accepts either). Exported for backends written in TypeScript; docs/
 * notifications.md shows the same check in Python.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Notification } from './types';

export const SIGNATURE_HEADER = 'X-Recording-Signature';
/** The notification id again, so a backend can dedupe before parsing the body. */
export const EVENT_ID_HEADER = 'X-Recording-Event-Id';
/** Five minutes either way, as Stripe: wide enough for clock skew, narrow enough against replay. */
export const DEFAULT_TOLERANCE_SEC = 300;

export class NotificationSignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotificationSignatureError';
  }
}

function hmac(secret: string, t: number, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest('hex');
}

export function signatureHeader(rawBody: string | Buffer, secret: string, nowSec = Math.floor(Date.now() / 1000)): string {
  return `t=${nowSec},v1=${hmac(secret, nowSec, rawBody)}`;
}

/**
 * Checks the header against the raw body exactly as received (before any JSON parsing) and
 * returns the parsed notification; throws NotificationSignatureError saying what is wrong.
 * `secret` may be several during a rotation.
 */
export function verifyNotification(
  rawBody: string | Buffer,
  header: string | undefined,
  secret: string | readonly string[],
  toleranceSec = DEFAULT_TOLERANCE_SEC,
  nowSec = Math.floor(Date.now() / 1000),
): Notification {
  if (!header) throw new NotificationSignatureError(`missing ${SIGNATURE_HEADER} header`);
  let t: number | undefined;
  const given: string[] = [];
  for (const part of header.split(',')) {
    const [k, v] = part.trim().split('=', 2);
    if (k === 't' && /^\d+$/.test(v ?? '')) t = Number(v);
    else if (k === 'v1' && /^[0-9a-f]{64}$/.test(v ?? '')) given.push(v!);
  }
  if (t === undefined) throw new NotificationSignatureError(`${SIGNATURE_HEADER}: no timestamp (t=)`);
  if (given.length === 0) throw new NotificationSignatureError(`${SIGNATURE_HEADER}: no v1 signature`);
  if (Math.abs(nowSec - t) > toleranceSec) throw new NotificationSignatureError(`${SIGNATURE_HEADER}: timestamp ${t} is outside the ${toleranceSec} s tolerance (now ${nowSec})`);
  const secrets = typeof secret === 'string' ? [secret] : secret;
  const expected = secrets.map((s) => Buffer.from(hmac(s, t!, rawBody), 'hex'));
  const ok = given.some((g) => expected.some((e) => timingSafeEqual(Buffer.from(g, 'hex'), e)));
  if (!ok) throw new NotificationSignatureError(`${SIGNATURE_HEADER}: signature does not match the body`);
  try {
    return JSON.parse(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8')) as Notification;
  } catch {
    throw new NotificationSignatureError('the signed body is not JSON');
  }
}
