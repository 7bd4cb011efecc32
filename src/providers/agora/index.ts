export { AgoraClient } from './client';
export { AgoraCode, classify, describeOutcome, partialMeaning, serverResponseView } from './outcome';
export * from './schemas';
export * from './types';
