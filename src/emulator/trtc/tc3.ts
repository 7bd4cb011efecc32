import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Largest accepted |server time − X-TC-Timestamp| (spec §1.2: above 5 minutes → AuthFailure.SignatureExpire). */
export const MAX_SKEW_SECONDS = 300;

export interface Credentials {
  secretId: string;
  secretKey: string;
}

export type AuthResult = { ok: true; secretId: string } | { ok: false; code: string; message: string };

const sha256hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

const AUTH_RE =
  /^TC3-HMAC-SHA256\s+Credential=([^/\s,]+)\/(\d{4}-\d{2}-\d{2})\/([^/\s,]+)\/tc3_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;

const header = (h: IncomingHttpHeaders, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v.join(',') : v;
};

/** Signature v3 as spec §1.3 describes it, for one candidate set of canonical header values. */
export function tc3Signature(
  secretKey: string,
  parts: { date: string; service: string; timestamp: string; canonicalHeaders: string; signedHeaders: string; payloadHash: string },
): string {
  const canonical = ['POST', '/', '', parts.canonicalHeaders, parts.signedHeaders, parts.payloadHash].join('\n');
  const scope = `${parts.date}/${parts.service}/tc3_request`;
  const toSign = ['TC3-HMAC-SHA256', parts.timestamp, scope, sha256hex(canonical)].join('\n');
  const kDate = hmac(`TC3${secretKey}`, parts.date);
  const kService = hmac(kDate, parts.service);
  const kSigning = hmac(kService, 'tc3_request');
  return createHmac('sha256', kSigning).update(toSign, 'utf8').digest('hex');
}

/**
 * Verifies a TC3-HMAC-SHA256 request the way spec §7.6 says a verifier must: the service comes from the
 * credential scope (the Node SDK signs "127" for an endpoint of 127.0.0.1:PORT), the host line is tried
 * without and with the port (the Node SDK signs the hostname, other SDKs the Host header as sent), header
 * values as sent and lower-cased (the docs lower-case them), and the raw body bytes are hashed unless the
 * client declared `X-TC-Content-SHA256: UNSIGNED-PAYLOAD`.
 */
export function verifyTc3(
  headers: IncomingHttpHeaders,
  body: Buffer,
  accounts: readonly Credentials[],
  nowSeconds: number,
): AuthResult {
  const fail = (code: string, message: string): AuthResult => ({ ok: false, code, message });
  const auth = header(headers, 'authorization');
  if (!auth) return fail('AuthFailure.InvalidAuthorization', 'The Authorization header is missing.');
  const m = AUTH_RE.exec(auth.trim());
  if (!m) return fail('AuthFailure.InvalidAuthorization', 'The Authorization header is not a valid TC3-HMAC-SHA256 authorization.');
  const [, secretId, date, service, signedHeaders, signature] = m;

  const ts = header(headers, 'x-tc-timestamp');
  if (ts === undefined || ts === '') return fail('MissingParameter', 'The request is missing the required header `X-TC-Timestamp`.');
  if (!/^\d{1,12}$/.test(ts)) return fail('InvalidParameter', 'The header `X-TC-Timestamp` must be Unix seconds.');
  const skew = Math.abs(nowSeconds - Number(ts));
  if (skew > MAX_SKEW_SECONDS)
    return fail('AuthFailure.SignatureExpire', `Signature expired: X-TC-Timestamp is ${skew} s away from server time (limit ${MAX_SKEW_SECONDS} s).`);
  if (new Date(Number(ts) * 1000).toISOString().slice(0, 10) !== date)
    return fail('AuthFailure.SignatureFailure', 'The credential scope date is not the UTC date of X-TC-Timestamp.');

  const account = accounts.find((a) => a.secretId === secretId);
  if (!account) return fail('AuthFailure.SecretIdNotFound', 'The SecretId is not found, please ensure that your SecretId is correct.');

  const names = signedHeaders.split(';');
  if (!names.includes('content-type') || !names.includes('host') || [...names].sort().join(';') !== signedHeaders)
    return fail('AuthFailure.SignatureFailure', 'SignedHeaders must list content-type and host, sorted.');

  const declared = header(headers, 'x-tc-content-sha256');
  const payloadHash = declared === 'UNSIGNED-PAYLOAD' ? sha256hex('UNSIGNED-PAYLOAD') : sha256hex(body);
  const hostRaw = (header(headers, 'host') ?? '').trim();
  const hostNoPort = hostRaw.replace(/:\d+$/, '');
  const variants = new Set<string>();
  for (const host of [hostNoPort, hostRaw]) {
    for (const lower of [false, true]) {
      const lines = names.map((n) => {
        let v = n === 'host' ? host : (header(headers, n) ?? '').trim();
        if (lower) v = v.toLowerCase();
        return `${n}:${v}\n`;
      });
      variants.add(lines.join(''));
    }
  }
  const given = Buffer.from(signature, 'hex');
  for (const canonicalHeaders of variants) {
    const expected = tc3Signature(account.secretKey, { date, service, timestamp: ts, canonicalHeaders, signedHeaders, payloadHash });
    if (timingSafeEqual(Buffer.from(expected, 'hex'), given)) return { ok: true, secretId };
  }
  return fail('AuthFailure.SignatureFailure', 'The provided credentials could not be validated. Please check your signature is correct.');
}
