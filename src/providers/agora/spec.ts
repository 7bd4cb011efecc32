/** Agora Cloud Recording as the lifecycle sees it (Agora spec §7, seed 000). Pure: runs in the workflow sandbox. */
import { commonTimings } from '../../contract/timings';
import { fnv1a, type ProviderSpec } from '../spec';
import type * as RequestSchemas from './request';
import type { AgoraRecordingInput } from './request';

/** Loaded on first use: in the workflow sandbox only a recording that checks an update builds them (docs/benchmarks.md, "cache-cost"). */
const schemas = (): typeof RequestSchemas => require('./request') as typeof RequestSchemas;

/**
 * Uids in 3.0e9..4.25e9, where client apps rarely put their users (a recorder uid must not collide
 * with a user in the channel): the first two 500 M apart, further ones in between.
 */
export function deriveUids(recordingId: string, count: number): string[] {
  const base = 3_000_000_000 + (fnv1a(recordingId) % 500_000_000);
  const offsets = [0, 500_000_000, 250_000_000, 750_000_000, 125_000_000, 625_000_000, 375_000_000, 875_000_000];
  return offsets.slice(0, count).map((o) => String(base + o));
}

export const agoraSpec: ProviderSpec<AgoraRecordingInput> = {
  get request() {
    return schemas().agoraRequestSchema;
  },
  get settings() {
    return { subscriptions: schemas().subscriptionsSchema, layout: schemas().layoutSchema };
  },
  settingRefused: (input, name) =>
    name === 'layout' && input.mode !== 'mix' ? `updateLayout applies to mix mode only; this recording is ${input.mode}` : undefined,
  timings: commonTimings,
  idleTimeout: (input) => ({ seconds: input.recordingConfig.maxIdleTime, field: 'recordingConfig.maxIdleTime' }),
  account: (input) => input.appId,
  terms: { identity: 'uid', recorderId: 'sid' },
  leases: true,
  deriveIdentities: deriveUids,
  describe: (input) => ({
    summary: `agora ${input.mode} recording · channel ${input.channel}`,
    details: [
      `**App ID** \`${input.appId}\` · **channel** \`${input.channel}\` · **mode** ${input.mode}`,
      `**storage profile** ${input.storageProfile} · **maxIdleTime** ${input.recordingConfig.maxIdleTime} s`,
    ],
    memo: { mode: input.mode, appId: input.appId },
  }),
};
