/**
 * Reads the expiry out of a recorder's RTC token (AccessToken2, "007…"), so the emulator can let the
 * recorder go when its token does: the vendor cannot renew it mid-recording (spec §10, code 109).
 * The parser is agora-token's own (the library the worker mints with); it ships no types for it.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const lib = require('agora-token/src/AccessToken2') as {
  AccessToken2: new () => ParsedToken;
  kRtcServiceType: number;
  ServiceRtc: { kPrivilegeJoinChannel: number };
};

interface ParsedToken {
  from_string(token: string): boolean;
  issueTs: number;
  expire: number;
  getServices(type: number): Array<{ __privileges: Record<string, number> }>;
}

/**
 * Epoch ms at which the token stops letting its holder stay in the channel: the whole token's
 * expiry or the join-channel privilege's, whichever is first (both are seconds after issue; a
 * privilege of 0 never expires). null for anything that is not a readable AccessToken2.
 */
export function tokenExpiresAt(token: string): number | null {
  const t = new lib.AccessToken2();
  if (!token || !t.from_string(token)) return null;
  const lives = t.expire > 0 ? [t.expire] : [];
  for (const s of t.getServices(lib.kRtcServiceType)) {
    const join = s.__privileges[lib.ServiceRtc.kPrivilegeJoinChannel];
    if (typeof join === 'number' && join > 0) lives.push(join);
  }
  return lives.length ? (t.issueTs + Math.min(...lives)) * 1000 : null;
}
