/**
 * Every provider a recording can ask for: one entry each. Pure, so the client and the workflow
 * validate requests and settings with the same schemas. The worker half is ./registry.ts.
 */
import { z } from 'zod';
import type { SettingName } from '../contract/recorder';
import { formatIssues, identitiesNeeded, InvalidInputError, type RecordingInputBase } from '../contract/request';
import { resolveTimings, type Timings } from '../contract/timings';
import { agoraRequestSchema, type AgoraRecordingRequest } from './agora/request';
import { agoraSpec } from './agora/spec';
import { trtcRequestSchema } from './trtc/request';
import { trtcSpec } from './trtc/spec';
import type { ProviderSpec } from './spec';

export const providers = {
  agora: agoraSpec,
  trtc: trtcSpec,
} satisfies Record<string, ProviderSpec<any>>;

export type ProviderName = keyof typeof providers;
export const PROVIDER_NAMES = Object.keys(providers) as ProviderName[];

/** A request names its provider; without one it is Agora's (the first provider, kept as the default). */
const withDefaultProvider = (v: unknown): unknown =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !('provider' in v) ? { ...v, provider: 'agora' } : v;

/** The request with its provider named: what other languages send (contract/schemas/workflow-input.json). */
export const providerRequestSchema = z.discriminatedUnion('provider', [agoraRequestSchema, trtcRequestSchema]);
export const recordingRequestSchema = z.preprocess(withDefaultProvider, providerRequestSchema);
export type RecordingInput = z.output<typeof recordingRequestSchema>;
export type RecordingRequest = AgoraRecordingRequest | z.input<typeof trtcRequestSchema>;

export function specOf(input: Pick<RecordingInputBase, 'provider'>): ProviderSpec<any> {
  const spec = (providers as Record<string, ProviderSpec<any>>)[input.provider];
  if (!spec) throw new Error(`provider: unknown provider "${input.provider}"; known: ${PROVIDER_NAMES.join(', ')}`);
  return spec;
}

/** The recording's timings: its provider's defaults, its overrides, checked against its idle timeout. */
export function timingsFor(input: RecordingInputBase): Timings {
  const spec = specOf(input);
  const idle = spec.idleTimeout(input);
  return resolveTimings(spec.timings, input.timings, idle.seconds, idle.field);
}

/** The identity pool: the request's own, or derived from the recording id. */
export function identitiesFor(input: RecordingInputBase): string[] {
  const count = identitiesNeeded(input.redundancy ?? 1);
  if (input.identities && input.identities.length < count) {
    throw new InvalidInputError(`identities: redundancy ${input.redundancy} needs ${count} identities (2 per lane, so no lane ever reuses another's); got ${input.identities.length}`);
  }
  return input.identities ?? specOf(input).deriveIdentities(input.recordingId, count);
}

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
