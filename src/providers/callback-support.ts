/**
 * What every vendor's callback module shares: the verdict of a signature check, the result of a
 * translation, the one error a malformed body raises (naming the field), and the HMAC compare.
 * Runs in the callback receiver only (node:crypto), never in workflows.
 */
import crypto from 'node:crypto';
import type { z } from 'zod';
import { formatIssues } from '../contract/request';
import type { RecorderEvent } from '../contract/events';

/** unsigned: no signature header; forged: no configured secret reproduces it; unknown-account: no secret for the account named. */
export type SignatureVerdict = { ok: true } | { ok: false; reason: 'unsigned' | 'forged' | 'unknown-account' };

/** An event for a recording, or a well-formed callback that concerns no recording (another product, another event group). */
export type Translation = { kind: 'event'; event: RecorderEvent } | { kind: 'ignored'; reason: string };

/** A signed body the receiver cannot read; the message names the field ("payload.sid: …"). */
export class MalformedCallbackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedCallbackError';
  }
}

export type HeaderValue = string | string[] | undefined;
export type Headers = Record<string, HeaderValue>;

/** A header's single value (node lower-cases names); a repeated header is treated as absent, not guessed at. */
export function header(headers: Headers, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function hmac(algorithm: 'sha1' | 'sha256', key: string, body: Buffer): Buffer {
  return crypto.createHmac(algorithm, key).update(body).digest();
}

/** Constant-time for equal lengths; a length mismatch is no secret (digest sizes are public). */
export function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

/** Parses the raw body once: JSON first, then the vendor's schema; every failure names the field. */
export function parseBody<S extends z.ZodType>(schema: S, raw: Buffer): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new MalformedCallbackError(`(body): not valid JSON: ${(err as Error).message}`);
  }
  const r = schema.safeParse(json);
  if (!r.success) throw new MalformedCallbackError(formatIssues(r.error));
  return r.data;
}

/** Unix time to ISO; values below 10^12 are seconds (TRTC mixes both in one payload family). */
export function unixToIso(t: number): string {
  return new Date(t < 1e12 ? t * 1000 : t).toISOString();
}
