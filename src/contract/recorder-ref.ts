import type { UploadStage } from './events';

/** A recorder the vendor runs: enough to address it again, and when it will stop being usable. */
export interface RecorderRef {
  provider: string;
  /** The provider account the recorder belongs to (Agora App ID, TRTC SdkAppId). */
  account: string;
  channel: string;
  /** Who the recorder is in the channel (Agora uid, TRTC robot UserId). */
  identity: string;
  /** The vendor's id for the recorder (Agora sid, TRTC TaskId). */
  recorderId: string;
  /** What the recorder was started with (Agora resourceId). */
  lease?: string;
  /** Past this the recorder's credential (token, UserSig) no longer admits it. */
  credentialExpiresAt?: string;
  /** Past this the vendor no longer answers for the recorder (resource expiry). */
  manageableUntil?: string;
  /** Where its files go, each stage settled by its own callback (default: storage only). */
  uploadStages?: UploadStage[];
  /** Opaque to the workflow; the adapter that made it reads it back. */
  vendor?: Record<string, string>;
}
