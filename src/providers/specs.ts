/**
 * Every provider a recording can ask for, as the lifecycle sees it: one entry each, and what a
 * recording's timings and identities are. No zod at load: the workflow sandbox imports this and
 * builds a provider's schemas only when an update is checked (docs/benchmarks.md, "cache-cost").
 * The request schemas are ./catalog; the worker half is ./registry.ts.
 */
import { identitiesNeeded, InvalidInputError } from '../contract/input-errors';
import type { RecordingInputBase } from '../contract/request';
import { resolveTimings, type Timings } from '../contract/timings';
import { agoraSpec } from './agora/spec';
import { trtcSpec } from './trtc/spec';
import type { ProviderSpec } from './spec';

export const providers = {
  agora: agoraSpec,
  trtc: trtcSpec,
} satisfies Record<string, ProviderSpec<any>>;

export type ProviderName = keyof typeof providers;
export const PROVIDER_NAMES = Object.keys(providers) as ProviderName[];

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
