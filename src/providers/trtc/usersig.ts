import { Api } from 'tls-sig-api-v2';

/** Longest lifetime accepted: 180 days is what Tencent's own samples mint (the format allows more, nothing needs it). */
const MAX_EXPIRE_SECONDS = 180 * 86_400;

/**
 * Mints the recording robot's UserSig with Tencent's tls-sig-api-v2. Give it a lifetime longer than the task
 * (spec §6 best practice 4): after a node failure the HA re-pull rejoins with the same UserSig, and an expired
 * one cannot. Errors name the bad argument and never contain the key.
 */
export function mintUserSig(sdkAppId: number, sdkSecretKey: string, userId: string, expireSeconds: number): string {
  if (!Number.isInteger(sdkAppId) || sdkAppId < 1 || sdkAppId > 4294967295) throw new RangeError('mintUserSig: sdkAppId must be an integer in 1..4294967295');
  if (typeof sdkSecretKey !== 'string' || sdkSecretKey.length === 0) throw new TypeError('mintUserSig: sdkSecretKey must be a non-empty string');
  if (typeof userId !== 'string' || !/^[A-Za-z0-9_-]{1,32}$/.test(userId)) throw new TypeError('mintUserSig: userId must be ≤32 characters of a-zA-Z0-9_-');
  if (!Number.isInteger(expireSeconds) || expireSeconds < 1 || expireSeconds > MAX_EXPIRE_SECONDS)
    throw new RangeError(`mintUserSig: expireSeconds must be an integer in 1..${MAX_EXPIRE_SECONDS}`);
  return new Api(sdkAppId, sdkSecretKey).genUserSig(userId, expireSeconds);
}
