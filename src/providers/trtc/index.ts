export { TrtcClient, TRTC_API_VERSION, TRTC_DEFAULT_BASE_URL } from './client';
export { describeOutcome, TrtcCode, trtcErrorClass } from './outcome';
export { mintUserSig } from './usersig';
export * from './schemas';
export * from './types';
export { decodeTrtcFileBase64, parseRecordingFileName, roomIdInFileName, trtcFileBase64, type RecordingFileName } from './files';
