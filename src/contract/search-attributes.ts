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
/** Every recorder id the recording still owns or awaits uploads from: the callback receiver routes by it. */
export const RecorderIds = defineSearchAttributeKey('RecorderIds', SearchAttributeType.KEYWORD_LIST);
/** Seconds of the session not proven recorded (gaps incl. unknown stretches): `RecordingGapSeconds > 60`. */
export const RecordingGapSeconds = defineSearchAttributeKey('RecordingGapSeconds', SearchAttributeType.INT);
/** Covered / session length, 0..1. */
export const RecordingCoverage = defineSearchAttributeKey('RecordingCoverage', SearchAttributeType.DOUBLE);

export const recordingSearchAttributes = [
  RecordingPhase,
  RecordingChannel,
  RecordingAppId,
  RecordingSid,
  RecordingUid,
  RecordingProvider,
  RecordingRestarts,
  RecorderIds,
  RecordingGapSeconds,
  RecordingCoverage,
] as const;

/** The type names the Temporal CLI takes (`--type`, `--search-attribute N=T`) and the API's IndexedValueType numbers. */
export const searchAttributeTypeNames: Record<string, { cli: string; indexed: number }> = {
  KEYWORD: { cli: 'Keyword', indexed: 2 },
  INT: { cli: 'Int', indexed: 3 },
  DOUBLE: { cli: 'Double', indexed: 4 },
  KEYWORD_LIST: { cli: 'KeywordList', indexed: 7 },
};
