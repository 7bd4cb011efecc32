/** Tencent TRTC cloud recording as the lifecycle sees it (TRTC spec §4.2, §6). Pure: runs in the workflow sandbox. */
import { commonTimings } from '../../contract/timings';
import { fnv1a, type ProviderSpec } from '../spec';
import { trtcLayoutSchema, trtcRequestSchema, trtcSubscriptionsSchema, type TrtcRecordingInput } from './request';

/** Robot UserIds derived from the recording id: ≤32 characters of a-z0-9_ (spec §2.1), distinct per index. */
export function deriveRobotIds(recordingId: string, count: number): string[] {
  const base = fnv1a(recordingId).toString(36);
  return Array.from({ length: count }, (_, i) => `recorder_${base}_${i}`);
}

export const trtcSpec: ProviderSpec<TrtcRecordingInput> = {
  request: trtcRequestSchema,
  settings: { subscriptions: trtcSubscriptionsSchema, layout: trtcLayoutSchema },
  settingRefused: (input, name) =>
    name === 'layout' && input.recordMode !== 'mixed' ? `updateLayout applies to recordMode "mixed" only; this recording is ${input.recordMode}` : undefined,
  timings: {
    ...commonTimings,
    // InternalError: retry with the same parameters after 3, 6, 12 s (spec §4.2).
    startRetryDelaysMs: [3_000, 6_000, 12_000],
    // Confirm with Describe about 15 s after the create (spec §6), then every 15 s up to 90 s.
    firstQueryDelayMs: 15_000,
    confirmPollDelaysMs: [15_000, 15_000, 15_000, 15_000, 15_000],
  },
  idleTimeout: (input) => ({ seconds: input.maxIdleTime, field: 'maxIdleTime' }),
  account: (input) => String(input.sdkAppId),
  terms: { identity: 'UserId', recorderId: 'TaskId' },
  leases: false,
  deriveIdentities: deriveRobotIds,
  describe: (input) => ({
    summary: `trtc ${input.recordMode} recording · room ${input.channel}`,
    details: [
      `**SdkAppId** \`${input.sdkAppId}\` · **room** \`${input.channel}\` (${input.roomIdType === 0 ? 'string' : 'integer'}) · **mode** ${input.recordMode}`,
      `**storage profile** ${input.storageProfile} · **MaxIdleTime** ${input.maxIdleTime} s`,
    ],
    memo: { recordMode: input.recordMode, sdkAppId: input.sdkAppId },
  }),
};
