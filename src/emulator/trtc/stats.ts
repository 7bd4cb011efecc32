import { RequestLog } from '../shared/request-log';

export interface TrtcLogEntry {
  /** X-TC-Action as sent (null when absent). */
  action: string | null;
  /** SecretId of an authenticated request (never the key). */
  secretId: string | null;
  sdkAppId: number | null;
  roomId: string | null;
  userId: string | null;
  taskId: string | null;
  /** 0 when the emulator never answered (a "hang" fault). */
  httpStatus: number;
  /** Error.Code of the envelope; null on success. */
  code: string | null;
  requestId: string | null;
  /** Arrival time, epoch ms. */
  at: number;
}

/** Counted per account (SecretId), by the envelope's error code, since TRTC answers its errors with HTTP 200. */
export class TrtcStats extends RequestLog<TrtcLogEntry> {
  constructor() {
    super((e) =>
      e.secretId === null || e.action === null
        ? null
        : {
            caller: e.secretId,
            op: e.action,
            outcome: e.code ?? (e.httpStatus === 200 ? 'ok' : `http ${e.httpStatus}`),
            rateLimited: e.code?.startsWith('RequestLimitExceeded') ?? false,
          },
    );
  }

  snapshot(live: (secretId: string) => number) {
    return { accounts: this.byCaller(live) };
  }
}
