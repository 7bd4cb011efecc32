/** TRTC's file-name base64 (spec §3.4): standard base64, then `/`→`-` and `=`→`.`; `+` stays. */
export function trtcBase64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64').replace(/\//g, '-').replace(/=/g, '.');
}

export type TrackType = 'audio' | 'video' | 'audio_video';

export interface NameParts {
  sdkAppId: number;
  roomId: string;
  /** 0 = string room (encoded in names), 1 = integer room (as-is). */
  roomIdType: 0 | 1;
  /** HA generation: 0 for the original recording, 1..3 after each high-availability re-pull. */
  ha: number;
}

const stem = (p: NameParts) => `${p.ha > 0 ? `ha${p.ha}_` : ''}${p.sdkAppId}_${p.roomIdType === 0 ? trtcBase64(p.roomId) : p.roomId}`;

/** Single-stream m3u8 (spec §3.4, double-underscore form). A merged audio+video file uses `audio_video` as its type. */
export function singleStreamM3u8(p: NameParts, userId: string, track: TrackType, mediaId: 'main' | 'aux' = 'main'): string {
  return `${stem(p)}__UserId_s_${trtcBase64(userId)}__UserId_e_${mediaId}_${track}.m3u8`;
}

export function mixedM3u8(p: NameParts): string {
  return `${stem(p)}.m3u8`;
}

/** Object key under the bucket: `<Prefix...>/<TaskId>/<file>`. */
export function objectKey(prefix: readonly string[], taskId: string, fileName: string): string {
  return [...prefix, taskId, fileName].join('/');
}
