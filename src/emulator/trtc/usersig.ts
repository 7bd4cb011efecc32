import { createHmac, timingSafeEqual } from 'node:crypto';
import { inflateSync } from 'node:zlib';

export type UserSigCheck =
  | { ok: true; expiresAt: number | null }
  | { ok: false; message: string };

interface SigDoc {
  'TLS.ver'?: string;
  'TLS.identifier'?: string;
  'TLS.sdkappid'?: number;
  'TLS.time'?: number;
  'TLS.expire'?: number;
  'TLS.userbuf'?: string;
  'TLS.sig'?: string;
}

/** UserSig v2 is zlib-deflated JSON in base64 with `+`→`*`, `/`→`-`, `=`→`_` (tls-sig-api-v2's escape). */
function decode(sig: string): SigDoc | null {
  try {
    const b64 = sig.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=');
    const doc = JSON.parse(inflateSync(Buffer.from(b64, 'base64')).toString('utf8')) as unknown;
    return typeof doc === 'object' && doc !== null ? (doc as SigDoc) : null;
  } catch {
    return null;
  }
}

/**
 * Checks a robot UserSig. With the app's SDK secret key configured it must verify (identifier, app, HMAC,
 * not expired); without a key the emulator only reads the expiry when the sig decodes, so opaque test
 * strings still work.
 */
export function checkUserSig(sig: string, sdkAppId: number, userId: string, key: string | undefined, nowMs: number): UserSigCheck {
  const doc = decode(sig);
  const time = doc?.['TLS.time'];
  const expire = doc?.['TLS.expire'];
  const expiresAt = typeof time === 'number' && typeof expire === 'number' ? (time + expire) * 1000 : null;
  if (key === undefined) return { ok: true, expiresAt };
  if (!doc || expiresAt === null || typeof doc['TLS.sig'] !== 'string') return { ok: false, message: 'UserSig is malformed.' };
  if (doc['TLS.identifier'] !== userId) return { ok: false, message: 'UserSig was issued for another UserId.' };
  if (Number(doc['TLS.sdkappid']) !== sdkAppId) return { ok: false, message: 'UserSig was issued for another SdkAppId.' };
  let content = `TLS.identifier:${userId}\nTLS.sdkappid:${sdkAppId}\nTLS.time:${time}\nTLS.expire:${expire}\n`;
  if (doc['TLS.userbuf'] !== undefined) content += `TLS.userbuf:${doc['TLS.userbuf']}\n`;
  const expected = createHmac('sha256', key).update(content).digest();
  const given = Buffer.from(doc['TLS.sig'], 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, message: 'UserSig signature does not verify.' };
  if (expiresAt <= nowMs) return { ok: false, message: 'UserSig has expired.' };
  return { ok: true, expiresAt };
}
