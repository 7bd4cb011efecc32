/** One workflow per recording: its id is derived from the recording id, so a start is idempotent. */
export const workflowIdFor = (recordingId: string): string => `recording-${recordingId}`;

/** The recording id back from a workflow id (activities know only their workflow's id). */
export const recordingIdOf = (workflowId: string): string => workflowId.replace(/^recording-/, '');
