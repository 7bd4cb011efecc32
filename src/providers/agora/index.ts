export { AgoraClient } from './client';
export { AgoraCode, classify, describeOutcome, serverResponseView } from './outcome';
export * from './schemas';
export * from './types';
