/** Agora uids (spec §10): a decimal string 1..2^32-1. The one check, for requests and the client's wire schemas. */
export const MAX_UID = 4_294_967_295;

export function isValidUid(uid: string): boolean {
  return /^[1-9]\d{0,9}$/.test(uid) && Number(uid) <= MAX_UID;
}
