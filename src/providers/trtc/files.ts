/** TRTC's file-name base64 (spec §3.4): standard base64 with `/`→`-` and `=`→`.`; `+` stays. */
export function trtcFileBase64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64').replace(/\//g, '-').replace(/=/g, '.');
}

export function decodeTrtcFileBase64(s: string): string {
  return Buffer.from(s.replace(/-/g, '/').replace(/\./g, '='), 'base64').toString('utf8');
}

export interface RecordingFileName {
  /** 0 for the original recording, 1..3 after each high-availability re-pull (`ha1_`…`ha3_`). */
  ha: number;
  sdkAppId: number;
  /** As written in the name: numeric rooms as-is, string rooms still base64-encoded. */
  roomIdInName: string;
  /** Single-stream files: the recorded user's id (decoded); mixed files: null. */
  userId: string | null;
  mediaId: 'main' | 'aux' | null;
  /** The `<Type>` part of single-stream names (`audio`, `video`, or `audio_video` for merged files). */
  type: string | null;
  /** `m3u8`, `ts` or `mp4`. */
  ext: string;
  /** ts: 17-digit start time; mp4: split index; else null. */
  suffix: string | null;
}

const SINGLE = /^(?:ha([1-3])_)?(\d+)_(.+?)__UserId_s_([A-Za-z0-9+\-.]+)__UserId_e_(main|aux)(?:_(audio_video|audio|video))?(?:_(\d+))?\.(m3u8|ts|mp4)$/;
const MIXED = /^(?:ha([1-3])_)?(\d+)_([A-Za-z0-9+\-.]+?)(?:_(\d+))?\.(m3u8|ts|mp4)$/;

/**
 * Reads a recording file name per spec §3.4 (the object key's last segment, or a StorageFileList FileName).
 * Returns null for names that follow neither the single-stream nor the mixed pattern.
 */
export function parseRecordingFileName(fileName: string): RecordingFileName | null {
  const base = fileName.slice(fileName.lastIndexOf('/') + 1);
  const s = SINGLE.exec(base);
  if (s) {
    return {
      ha: s[1] ? Number(s[1]) : 0,
      sdkAppId: Number(s[2]),
      roomIdInName: s[3],
      userId: decodeTrtcFileBase64(s[4]),
      mediaId: s[5] as 'main' | 'aux',
      type: s[6] ?? null,
      ext: s[8],
      suffix: s[7] ?? null,
    };
  }
  const m = MIXED.exec(base);
  if (!m) return null;
  return { ha: m[1] ? Number(m[1]) : 0, sdkAppId: Number(m[2]), roomIdInName: m[3], userId: null, mediaId: null, type: null, ext: m[5], suffix: m[4] ?? null };
}

/** How a room id appears in file names: numeric rooms (RoomIdType 1) as-is, string rooms (0) encoded. */
export function roomIdInFileName(roomId: string, roomIdType: 0 | 1 = 1): string {
  return roomIdType === 0 ? trtcFileBase64(roomId) : roomId;
}
