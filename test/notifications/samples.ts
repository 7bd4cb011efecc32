import type { NotificationData, NotificationType, Notification } from '../../src/notifications/types';

const about = { provider: 'agora', account: 'a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5', channel: 'math_101' };

/** One plausible payload per type, valid against the schema. */
export const sampleData: { [T in NotificationType]: NotificationData[T] } = {
  'recording.started': { ...about, segment: 0, identity: '3000000001', recorderId: 'sid-1' },
  'recording.restarted': { ...about, segment: 1, identity: '3000000002', recorderId: 'sid-2', restarts: 1, reason: 'recorder gone (404 confirmed)' },
  'recording.degraded': { ...about, reason: 'query answered 504 four times', lastStatus: 5 },
  'recording.stopped': { ...about, stopReason: 'class over', restarts: 1, segments: 2, files: ['sid-1_math_101.m3u8', 'sid-2_math_101.m3u8'], nothingRecorded: false, uploadingStatus: 'uploaded' },
  'recording.uploaded': { ...about, segment: 1, identity: '3000000002', recorderId: 'sid-2', files: ['sid-2_math_101.m3u8'], state: 'uploaded' },
  'recording.failed': { ...about, reason: 'start rejected: invalid appId', httpStatus: 400, code: '2' },
};

export function sampleNotification<T extends NotificationType>(type: T, seq = 1): Notification<T> {
  return { id: `recording-r1:${type}:${seq}`, type, recordingId: 'r1', workflowId: 'recording-r1', runId: 'run-1', occurredAt: new Date().toISOString(), data: sampleData[type] } as Notification<T>;
}
