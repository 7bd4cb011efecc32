import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * The custom search attributes the Web UI lists and filters recordings by. The dev-server
 * helper, docker-compose's admin-tools job and the workflow all read this one table, so a
 * rename cannot leave a server without the attribute the workflow upserts.
 */
export const RecordingPhase = defineSearchAttributeKey('RecordingPhase', SearchAttributeType.KEYWORD);
export const RecordingChannel = defineSearchAttributeKey('RecordingChannel', SearchAttributeType.KEYWORD);
export const RecordingAppId = defineSearchAttributeKey('RecordingAppId', SearchAttributeType.KEYWORD);
export const RecordingSid = defineSearchAttributeKey('RecordingSid', SearchAttributeType.KEYWORD);
export const RecordingUid = defineSearchAttributeKey('RecordingUid', SearchAttributeType.KEYWORD);
export const RecordingProvider = defineSearchAttributeKey('RecordingProvider', SearchAttributeType.KEYWORD);
export const RecordingRestarts = defineSearchAttributeKey('RecordingRestarts', SearchAttributeType.INT);

export const recordingSearchAttributes = [
  RecordingPhase,
  RecordingChannel,
  RecordingAppId,
  RecordingSid,
  RecordingUid,
  RecordingProvider,
  RecordingRestarts,
] as const;
