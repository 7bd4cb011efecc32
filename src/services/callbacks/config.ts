/**
 * The callback receiver's configuration: a YAML or JSON file (CALLBACKS_CONFIG) and/or environment
 * variables, validated at start-up with one message per bad field, like the worker's (src/config.ts):
 * any string may be "env:NAME", so the file holds no secret. Timings default to the vendors'
 * answer deadlines (Agora NCS 10 s, spec §9.1; TRTC 5 s, spec §5.1).
 */
import fs from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError, resolveEnvRefs } from '../../config';
import { formatIssues } from '../../contract/request';

const secret = z.string().min(1);

/** How long the vendor waits for our answer, and how much of it the visibility retry may use. */
function timingSchema(answerWithinMs: number, visibilityWaitMs: number) {
  return {
    /** The vendor's deadline for a 200; past it the vendor counts a failure and resends. */
    answerWithinMs: z.number().int().min(500).max(60_000).default(answerWithinMs),
    /** How long to retry the RecorderIds visibility query while visibility catches up with an upsert. */
    visibilityWaitMs: z.number().int().min(0).max(60_000).default(visibilityWaitMs),
  };
}

const agoraSchema = z.strictObject({
  /** One secret per NCS configuration (name → secret); a body signed by any of them is accepted. */
  secrets: z.record(z.string().min(1), secret).refine((s) => Object.keys(s).length > 0, 'at least one NCS secret'),
  ...timingSchema(10_000, 5_000),
});

const trtcSchema = z.strictObject({
  /** SdkAppId → the console's callback key (spec §5.1: letters and digits, at most 32). */
  apps: z
    .record(
      z.string().regex(/^[1-9]\d{0,9}$/, 'SdkAppId: digits'),
      z.strictObject({ callbackKey: z.string().regex(/^[A-Za-z0-9]{1,32}$/, 'letters and digits only, at most 32 (spec §5.1)') }),
    )
    .refine((a) => Object.keys(a).length > 0, 'at least one SdkAppId'),
  ...timingSchema(5_000, 2_000),
});

export const callbacksConfigSchema = z
  .strictObject({
    /** Fallbacks under TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE; TLS and API keys come from the environment (src/temporal-connection.ts). */
    temporal: z.strictObject({ address: z.string().min(1).optional(), namespace: z.string().min(1).optional() }).default({}),
    host: z.string().min(1).default('0.0.0.0'),
    port: z.number().int().min(0).max(65_535).default(8095),
    /** Vendor bodies are a few KiB; anything far larger is refused before it is read whole. */
    maxBodyBytes: z.number().int().min(1_024).max(16 * 1024 * 1024).default(1024 * 1024),
    /** Event ids remembered per replica to answer resends without a signal (the workflow dedupes authoritatively). */
    dedupeSize: z.number().int().min(0).max(1_000_000).default(10_000),
    /** Kept back from the vendor's deadline for the answer to travel. */
    marginMs: z.number().int().min(0).max(10_000).default(1_000),
    /** Pause between visibility queries while waiting for an upsert to show. */
    visibilityPollMs: z.number().int().min(10).max(10_000).default(200),
    agora: agoraSchema.optional(),
    trtc: trtcSchema.optional(),
  })
  .superRefine((c, ctx) => {
    if (!c.agora && !c.trtc) ctx.addIssue({ code: 'custom', path: ['agora'], message: 'configure at least one provider (agora, trtc)' });
    for (const p of ['agora', 'trtc'] as const) {
      const t = c[p];
      if (t && t.visibilityWaitMs + c.marginMs >= t.answerWithinMs) {
        ctx.addIssue({ code: 'custom', path: [p, 'visibilityWaitMs'], message: `must leave time inside answerWithinMs (${t.answerWithinMs}) after marginMs (${c.marginMs}) for the fallback and the signal` });
      }
    }
  });
export type CallbacksConfig = z.output<typeof callbacksConfigSchema>;

/**
 * Container-friendly variables: CALLBACKS_HOST, CALLBACKS_PORT, AGORA_NCS_SECRET (the NCS
 * configuration "default"), TRTC_CALLBACK_KEY_<SdkAppId>.
 */
function envOverrides(raw: Record<string, any>, env: NodeJS.ProcessEnv): Record<string, any> {
  const out = structuredClone(raw);
  if (env.CALLBACKS_HOST) out.host = env.CALLBACKS_HOST;
  if (env.CALLBACKS_PORT) out.port = Number(env.CALLBACKS_PORT);
  if (env.AGORA_NCS_SECRET) {
    out.agora ??= {};
    out.agora.secrets = { ...out.agora.secrets, default: env.AGORA_NCS_SECRET };
  }
  for (const [name, value] of Object.entries(env)) {
    const m = /^TRTC_CALLBACK_KEY_(\d+)$/.exec(name);
    if (!m || !value) continue;
    out.trtc ??= {};
    out.trtc.apps = { ...out.trtc.apps, [m[1]]: { callbackKey: value } };
  }
  return out;
}

export function parseCallbacksConfig(raw: unknown, env: NodeJS.ProcessEnv = {}): CallbacksConfig {
  if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw new ConfigError('invalid callbacks configuration: (input): expected an object');
  }
  const merged = envOverrides((raw ?? {}) as Record<string, any>, env);
  const r = callbacksConfigSchema.safeParse(resolveEnvRefs(merged, env));
  if (!r.success) throw new ConfigError(`invalid callbacks configuration: ${formatIssues(r.error)}`);
  return r.data;
}

/** YAML is a superset of JSON, so one parser reads either file. */
export function loadCallbacksConfig(env: NodeJS.ProcessEnv = process.env): CallbacksConfig {
  let raw: unknown = {};
  const file = env.CALLBACKS_CONFIG;
  if (file) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError(`CALLBACKS_CONFIG: cannot read ${file}: ${(err as Error).message}`);
    }
    try {
      raw = parseYaml(text);
    } catch (err) {
      throw new ConfigError(`CALLBACKS_CONFIG: ${file} is not valid YAML or JSON: ${(err as Error).message}`);
    }
  }
  return parseCallbacksConfig(raw, env);
}

/** Every secret, for log redaction. */
export function callbackSecrets(c: CallbacksConfig): string[] {
  return [...Object.values(c.agora?.secrets ?? {}), ...Object.values(c.trtc?.apps ?? {}).map((a) => a.callbackKey)];
}
