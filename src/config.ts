/**
 * Worker configuration: a JSON file (RECORDING_CONFIG) and/or environment variables, validated
 * with zod at start-up, one message per bad field. Secret values may be written as
 * "env:NAME" so the file itself holds none. Secrets stay in the worker process: workflows name
 * an App ID and a storage profile, never a key.
 */
import fs from 'node:fs';
import { z } from 'zod';
import { formatIssues } from './contract/request';
import { DEFAULT_TASK_QUEUE } from './contract/messages';
import { notificationsConfigSchema, notificationsEnvOverrides } from './notifications/config';
import { agoraConfigSchema, agoraEnvOverrides } from './providers/agora/config';
import { trtcConfigSchema, trtcEnvOverrides } from './providers/trtc/config';
import { providerWorkers, type ConfiguredProvider, type ProviderWorker } from './providers/registry';

export const workerConfigSchema = z
  .strictObject({
  temporal: z
    .strictObject({
      address: z.string().min(1).default('localhost:7233'),
      namespace: z.string().min(1).default('default'),
      taskQueue: z.string().min(1).default(DEFAULT_TASK_QUEUE),
    })
    .default({ address: 'localhost:7233', namespace: 'default', taskQueue: DEFAULT_TASK_QUEUE }),
  /** One section per provider this worker serves; at least one. */
  agora: agoraConfigSchema.optional(),
  trtc: trtcConfigSchema.optional(),
  metricsPort: z.number().int().min(0).max(65_535).optional(),
  /** GET /ready on this port: 200 while the workers poll (src/health.ts). */
  healthPort: z.number().int().min(0).max(65_535).optional(),
  /** On SIGTERM, in-flight vendor calls get this long to finish (one call is at most a few seconds); the process exits 5 s after at the latest. */
  shutdownGraceMs: z.number().int().min(0).max(300_000).default(10_000),
  /**
   * Workflows kept in the worker's cache (each ~1.6 MiB, measured in bench/scale). Unset: the SDK
   * sizes it from the heap. A smaller cache bounds memory; an evicted recording replays its
   * history at its next poll, costing CPU (docs/benchmarks.md).
   */
  maxCachedWorkflows: z.number().int().min(0).max(100_000).optional(),
  /** Signed HTTP callbacks to the backend (docs/notifications.md); without it nothing is signed or sent. */
  notifications: notificationsConfigSchema.optional(),
  })
  .refine((c) => configuredProviders(c).length > 0, { message: `configure at least one provider (${Object.keys(providerWorkers).join(', ')})`, path: ['agora'] });
export type WorkerConfig = z.output<typeof workerConfigSchema>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Replaces every "env:NAME" string with that variable, naming the field when it is unset. */
export function resolveEnvRefs(value: unknown, env: NodeJS.ProcessEnv, path: string[] = []): unknown {
  if (typeof value === 'string' && value.startsWith('env:')) {
    const name = value.slice(4);
    const v = env[name];
    if (v === undefined || v === '') throw new ConfigError(`${path.join('.')}: environment variable ${name} is not set`);
    return v;
  }
  if (Array.isArray(value)) return value.map((v, i) => resolveEnvRefs(v, env, [...path, String(i)]));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveEnvRefs(v, env, [...path, k])]));
  }
  return value;
}

/** Environment variables override the file, so a container can inject credentials. */
function envOverrides(raw: Record<string, any>, env: NodeJS.ProcessEnv): Record<string, any> {
  const out = structuredClone(raw);
  out.temporal ??= {};
  if (env.TEMPORAL_ADDRESS) out.temporal.address = env.TEMPORAL_ADDRESS;
  if (env.TEMPORAL_NAMESPACE) out.temporal.namespace = env.TEMPORAL_NAMESPACE;
  if (env.TEMPORAL_TASK_QUEUE) out.temporal.taskQueue = env.TEMPORAL_TASK_QUEUE;
  if (out.agora || Object.keys(env).some((k) => k.startsWith('AGORA_'))) out.agora = agoraEnvOverrides(out.agora ?? {}, env);
  if (out.trtc || Object.keys(env).some((k) => k.startsWith('TRTC_'))) out.trtc = trtcEnvOverrides(out.trtc ?? {}, env);
  if (env.METRICS_PORT) out.metricsPort = Number(env.METRICS_PORT);
  if (env.HEALTH_PORT) out.healthPort = Number(env.HEALTH_PORT);
  if (env.SHUTDOWN_GRACE_MS) out.shutdownGraceMs = Number(env.SHUTDOWN_GRACE_MS);
  if (env.MAX_CACHED_WORKFLOWS) out.maxCachedWorkflows = Number(env.MAX_CACHED_WORKFLOWS);
  if (out.notifications || Object.keys(env).some((k) => k.startsWith('NOTIFICATIONS_'))) out.notifications = notificationsEnvOverrides(out.notifications ?? {}, env);
  return out;
}

export function parseWorkerConfig(raw: unknown, env: NodeJS.ProcessEnv = {}): WorkerConfig {
  if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw new ConfigError('invalid worker configuration: (input): expected a JSON object');
  }
  const merged = envOverrides((raw ?? {}) as Record<string, any>, env);
  const r = workerConfigSchema.safeParse(resolveEnvRefs(merged, env));
  if (!r.success) throw new ConfigError(`invalid worker configuration: ${formatIssues(r.error)}`);
  return r.data;
}

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  let raw: unknown = {};
  const file = env.RECORDING_CONFIG;
  if (file) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError(`RECORDING_CONFIG: cannot read ${file}: ${(err as Error).message}`);
    }
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new ConfigError(`RECORDING_CONFIG: ${file} is not valid JSON: ${(err as Error).message}`);
    }
  }
  return parseWorkerConfig(raw, env);
}

/** The provider sections this config has, in registry order. */
export function configuredProviders(config: Partial<Record<ConfiguredProvider, unknown>>): ConfiguredProvider[] {
  return (Object.keys(providerWorkers) as ConfiguredProvider[]).filter((p) => config[p] !== undefined);
}

/** Every secret value in a config, for log redaction and the "no secret in history" tests. */
export function configSecrets(config: WorkerConfig): string[] {
  const providers = configuredProviders(config).flatMap((p) => (providerWorkers[p] as ProviderWorker<unknown>).secrets(config[p]));
  return config.notifications ? [...providers, config.notifications.secret] : providers;
}
