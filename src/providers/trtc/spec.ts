/** Tencent TRTC cloud recording as the lifecycle sees it (TRTC spec §4.2, §6). Pure: runs in the workflow sandbox. */
import { commonTimings } from '../../contract/timings';
import { fnv1a, type ProviderSpec } from '../spec';
import type * as RequestSchemas from './request';
import type { TrtcRecordingInput } from './request';

/** Loaded on first use: in the workflow sandbox only a recording that checks an update builds them (docs/benchmarks.md, "cache-cost"). */
const schemas = (): typeof RequestSchemas => require('./request') as typeof RequestSchemas;

/** Robot UserIds derived from the recording id: ≤32 characters of a-z0-9_ (spec §2.1), distinct per index. */
export function deriveRobotIds(recordingId: string, count: number): string[] {
  const base = fnv1a(recordingId).toString(36);
  return Array.from({ length: count }, (_, i) => `recorder_${base}_${i}`);
}

export const trtcSpec: ProviderSpec<TrtcRecordingInput> = {
  get request() {
    return schemas().trtcRequestSchema;
  },
  get settings() {
    return { subscriptions: schemas().trtcSubscriptionsSchema, layout: schemas().trtcLayoutSchema };
  },
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
