/**
 * The endpoints the receiver serves, one per configured provider: where the vendor posts, how its
 * signature is checked, how its body becomes a RecorderEvent, and how long it waits for us.
 */
import { AGORA_PROVIDER, translateAgoraCallback, verifyAgoraSignature } from '../../providers/agora/callbacks';
import type { Headers, SignatureVerdict, Translation } from '../../providers/callback-support';
import { translateTrtcCallback, trtcAccount, TRTC_PROVIDER, verifyTrtcSignature } from '../../providers/trtc/callbacks';
import type { CallbacksConfig } from './config';

export interface VendorEndpoint {
  provider: string;
  path: string;
  verify(raw: Buffer, headers: Headers): SignatureVerdict;
  /** Called after verify succeeded. */
  translate(raw: Buffer, headers: Headers): Translation;
  answerWithinMs: number;
  visibilityWaitMs: number;
}

export const CALLBACK_PATHS = { agora: '/callbacks/agora', trtc: '/callbacks/trtc' } as const;

export function vendorEndpoints(config: CallbacksConfig): VendorEndpoint[] {
  const out: VendorEndpoint[] = [];
  if (config.agora) {
    const { secrets, answerWithinMs, visibilityWaitMs } = config.agora;
    const all = Object.values(secrets);
    out.push({
      provider: AGORA_PROVIDER,
      path: CALLBACK_PATHS.agora,
      verify: (raw, headers) => verifyAgoraSignature(raw, headers, all),
      translate: (raw) => translateAgoraCallback(raw),
      answerWithinMs,
      visibilityWaitMs,
    });
  }
  if (config.trtc) {
    const { apps, answerWithinMs, visibilityWaitMs } = config.trtc;
    const keys = Object.fromEntries(Object.entries(apps).map(([id, a]) => [id, a.callbackKey]));
    out.push({
      provider: TRTC_PROVIDER,
      path: CALLBACK_PATHS.trtc,
      verify: (raw, headers) => verifyTrtcSignature(raw, headers, keys),
      // verify found the SdkAppId's key, so the header is there.
      translate: (raw, headers) => translateTrtcCallback(raw, trtcAccount(headers)!),
      answerWithinMs,
      visibilityWaitMs,
    });
  }
  return out;
}
