/**
 * What the lifecycle needs to know about a provider, as pure data and functions that also run
 * inside the workflow sandbox: how its requests and settings are validated, its timing defaults,
 * and how its recorder identities are derived. The worker half (client, activities, config) is
 * in ./registry.ts.
 */
import type { z } from 'zod';
import type { RecordingInputBase } from '../contract/request';
import type { SettingName } from '../contract/recorder';
import type { Timings } from '../contract/timings';

export interface ProviderSpec<I extends RecordingInputBase = RecordingInputBase> {
  /** The strict request schema, discriminated by `provider`. */
  request: z.ZodType<I, unknown>;
  /** Each setting a recording can update, validated the same way at the client and in the workflow. */
  settings: Record<SettingName, z.ZodType<Record<string, unknown>, unknown>>;
  /** Why a setting cannot apply to this recording (e.g. a layout outside mix mode), or undefined. */
  settingRefused(input: I, name: SettingName): string | undefined;
  /** The vendor's timing defaults. */
  timings: Timings;
  /** The recorder's idle timeout and where the request sets it: every query interval must stay below it. */
  idleTimeout(input: I): { seconds: number; field: string };
  /** The provider account whose task queue and budget the recording uses. */
  account(input: I): string;
  /** The vendor's own words, so the Web UI's event history reads as its docs do. */
  terms: { identity: string; recorderId: string };
  /** Whether a start needs a lease first (Agora's acquire). */
  leases: boolean;
  /** Deterministic identities for a recording: the same id always gets the same ones. */
  deriveIdentities(recordingId: string, count: number): string[];
  /** A short human description for the Web UI's summary and memo; names only, never secrets. */
  describe(input: I): { summary: string; details: string[]; memo: Record<string, unknown> };
}

/** FNV-1a 32-bit: stable across runtimes, so identities derived from it never change under a replay. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
