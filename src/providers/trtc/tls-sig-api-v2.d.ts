/** The package ships no types; this is the part the provider uses (TLSSigAPIv2.js). */
declare module 'tls-sig-api-v2' {
  export class Api {
    constructor(sdkappid: number, key: string);
    genUserSig(userid: string, expire: number): string;
  }
}
