/**
 * The request schemas of every provider: the client and the input check (./input-activity) validate
 * requests and settings with these. What the lifecycle reads of a provider is ./specs.
 */
import { z } from 'zod';
import type { SettingName } from '../contract/recorder';
import { formatIssues, InvalidInputError } from '../contract/request';
import { agoraRequestSchema, type AgoraRecordingRequest } from './agora/request';
import { trtcRequestSchema } from './trtc/request';
import { PROVIDER_NAMES, providers } from './specs';

export { identitiesFor, PROVIDER_NAMES, providers, specOf, timingsFor, type ProviderName } from './specs';

/** A request names its provider; without one it is Agora's (the first provider, kept as the default). */
const withDefaultProvider = (v: unknown): unknown =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !('provider' in v) ? { ...v, provider: 'agora' } : v;

/** The request with its provider named: what other languages send (contract/schemas/workflow-input.json). */
export const providerRequestSchema = z.discriminatedUnion('provider', [agoraRequestSchema, trtcRequestSchema]);
export const recordingRequestSchema = z.preprocess(withDefaultProvider, providerRequestSchema);
export type RecordingInput = z.output<typeof recordingRequestSchema>;
export type RecordingRequest = AgoraRecordingRequest | z.input<typeof trtcRequestSchema>;

/**
 * A setting as the client checks it before the recording's provider is known: valid for some
 * provider, or an error naming the field (per provider when several exist). The workflow checks
 * it again against its own provider.
 */
export function validateSetting(name: SettingName, value: unknown): Record<string, unknown> {
  const problems: string[] = [];
  for (const provider of PROVIDER_NAMES) {
    const r = providers[provider].settings[name].safeParse(value);
    if (r.success) return r.data;
    problems.push(PROVIDER_NAMES.length > 1 ? `${provider}: ${formatIssues(r.error, name)}` : formatIssues(r.error, name));
  }
  throw new InvalidInputError(problems.join(' | '));
}
